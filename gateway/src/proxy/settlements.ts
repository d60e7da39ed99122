import { AppError, ServiceUnavailableError, type Logger, type OutgoingCall } from '@tollgate/platform';
import type { Clients } from '../clients.js';
import type { Usage } from './usage.js';

/** Give up retrying after this long: by then the budget service charges the hold whole at its expiry. */
const GIVE_UP_MS = 10 * 60_000;

/**
 * Settles proxied calls off the response path. A settlement the budget service cannot take
 * now is retried with backoff; one that never gets through — this gateway died after the
 * answer — is still charged, whole, when its hold expires in the budget service. Nothing
 * is ever free; at worst a call costs its hold.
 */
export class Settlements {
  readonly #inFlight = new Set<Promise<void>>();
  #stopping = false;

  constructor(
    private readonly clients: Clients,
    private readonly log: Logger,
  ) {}

  /** Sends the settlement now and keeps trying in the background; never throws. */
  settle(call: OutgoingCall, holdId: string, usage: Usage | null, reason: string): void {
    const request = {
      hold_id: holdId,
      usage_known: usage !== null,
      model: usage?.model ?? '',
      input_tokens: usage?.inputTokens ?? 0,
      output_tokens: usage?.outputTokens ?? 0,
      reason,
    };
    const attempt = async () => {
      const until = Date.now() + GIVE_UP_MS;
      for (let wait = 100; ; wait = Math.min(wait * 2, 5_000)) {
        try {
          await this.clients.budget.call.SettleCall(request, call);
          return;
        } catch (err) {
          const retriable = err instanceof ServiceUnavailableError || !(err instanceof AppError);
          if (!retriable || this.#stopping || Date.now() > until) {
            this.log.warn({ hold_id: holdId, err: (err as Error).message }, 'a call settlement did not get through; its hold is charged whole when it expires');
            return;
          }
          await new Promise((r) => setTimeout(r, wait));
        }
      }
    };
    const p = attempt();
    this.#inFlight.add(p);
    void p.finally(() => this.#inFlight.delete(p));
  }

  /** Shutdown: one last try for each settlement still in flight. */
  async drain(): Promise<void> {
    this.#stopping = true;
    await Promise.allSettled([...this.#inFlight]);
  }
}
