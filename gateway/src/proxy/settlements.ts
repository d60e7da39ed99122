import { setTimeout as sleep } from 'node:timers/promises';
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
    /** How long the budget service may still be deciding a hold after its caller gave up (the gRPC deadline). */
    private readonly holdDeadlineMs: number,
  ) {}

  /** Sends the settlement now and keeps trying in the background; never throws. */
  settle(call: OutgoingCall, holdId: string, usage: Usage | null, reason: string): void {
    this.#track(this.#send(call, holdId, usage, reason));
  }

  /**
   * Gives back a hold whose answer never came (deadline, budget replica gone): nothing was
   * sent upstream. Released now, and once more after the budget service's own deadline for
   * the hold has passed — a hold that lands after the first release is caught by the second;
   * one decided later still is released by the budget service itself (its caller had gone).
   */
  releaseLost(call: OutgoingCall, holdId: string, model: string): void {
    const nothing = { model, inputTokens: 0, outputTokens: 0 };
    this.settle(call, holdId, nothing, '');
    this.#track(sleep(2 * this.holdDeadlineMs).then(() => this.#send(call, holdId, nothing, '')));
  }

  /** Shutdown: one last try for each settlement still in flight. */
  async drain(): Promise<void> {
    this.#stopping = true;
    await Promise.allSettled([...this.#inFlight]);
  }

  #track(p: Promise<void>): void {
    this.#inFlight.add(p);
    void p.finally(() => this.#inFlight.delete(p));
  }

  async #send(call: OutgoingCall, holdId: string, usage: Usage | null, reason: string): Promise<void> {
    const request = {
      hold_id: holdId,
      usage_known: usage !== null,
      model: usage?.model ?? '',
      input_tokens: usage?.inputTokens ?? 0,
      output_tokens: usage?.outputTokens ?? 0,
      reason,
    };
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
        await sleep(wait);
      }
    }
  }
}
