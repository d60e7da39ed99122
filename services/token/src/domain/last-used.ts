import type { Logger } from 'pino';

export type LastUsedWriter = (times: ReadonlyMap<string, Date>) => Promise<void>;

/**
 * Introspect records a token's last use here, in memory; one bulk write per interval
 * carries every token used since the last one, so the hot path never writes to the
 * database. A failed write keeps its times for the next attempt; stop() flushes once more.
 */
export class LastUsedTracker {
  #pending = new Map<string, Date>();
  #running: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly write: LastUsedWriter,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  record(id: string, at: Date): void {
    this.#pending.set(id, at);
  }

  start(): void {
    this.#timer = setInterval(() => void this.flush(), this.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
    await this.flush();
  }

  flush(): Promise<void> {
    if (this.#running || this.#pending.size === 0) return this.#running ?? Promise.resolve();
    const batch = this.#pending;
    this.#pending = new Map();
    this.#running = this.write(batch)
      .catch((err: unknown) => {
        this.log.warn({ err: (err as Error).message, tokens: batch.size }, 'last-used flush failed, will retry');
        for (const [id, at] of batch) {
          const newer = this.#pending.get(id);
          if (!newer || newer < at) this.#pending.set(id, at);
        }
      })
      .finally(() => {
        this.#running = null;
      });
    return this.#running;
  }
}
