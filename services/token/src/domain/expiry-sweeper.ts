import type { AuditEmitter, KeyedMutex } from '@tollgate/platform';
import type { Logger } from 'pino';
import type { TokenRepository } from './token-repository.js';

const BATCH = 200;

/**
 * FerretDB has no TTL indexes, so a sweeper marks tokens past their expiry `expired`
 * and audits `token.expired` once per token (the update is conditional on the token
 * still being active, so concurrent sweepers in several replicas audit it once).
 * It also forgets old secrets whose rotation grace has ended. Introspect does not
 * wait for it: an expired token is refused as soon as its time has passed.
 */
export class ExpirySweeper {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<number> | null = null;

  constructor(
    private readonly store: TokenRepository,
    private readonly audit: AuditEmitter,
    private readonly mutex: KeyedMutex,
    private readonly intervalMs: number,
    private readonly log: Logger,
    /** Told about each token this sweeper expired (the introspection cache drops it). */
    private readonly changed: (id: string) => void = () => undefined,
  ) {}

  start(): void {
    const tick = () => {
      this.#timer = setTimeout(() => {
        this.sweep()
          .catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'token expiry sweep failed'))
          .finally(() => {
            if (this.#timer) tick();
          });
      }, this.intervalMs);
      this.#timer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
  }

  /** One pass; resolves with how many tokens this pass expired. */
  sweep(): Promise<number> {
    this.#running ??= this.#sweep().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #sweep(): Promise<number> {
    let expired = 0;
    for (;;) {
      const now = new Date();
      const due = await this.store.findDueForExpiry(now, BATCH);
      for (const { id, kind, owner_id } of due) {
        const mine = await this.mutex.run(id, () => this.store.markExpired(id, now));
        if (!mine) continue;
        this.changed(id);
        expired++;
        await this.audit.emit({
          action: 'token.expired',
          actor: { type: 'service', id: 'token' },
          resource: { type: 'token', id },
          details: { kind, owner_id, expired_at: now.toISOString() },
        });
      }
      if (due.length < BATCH) break;
    }
    await this.store.clearLapsedGrace(new Date());
    if (expired > 0) this.log.info({ expired }, 'expired tokens swept');
    return expired;
  }
}
