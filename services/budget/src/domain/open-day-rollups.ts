import type { DayTotals } from './book.js';
import type { RollupRepository } from './repositories.js';

/**
 * The open day's rollup is written at most this often per agent (the newest state wins): a
 * rollup write costs as much as a journal entry, and a busy agent commits many a second.
 * `hurry` writes the pending ones at once, so a replica's own reports are never behind.
 */
const ROLLUP_EVERY_MS = 1_000;

/** The writer of each agent's open-day rollup: one writer per agent, at most one write per ROLLUP_EVERY_MS. */
export class OpenDayRollups {
  readonly #dirty = new Map<string, { seq: number; today: DayTotals }>();
  readonly #writing = new Set<string>();
  readonly #pauses = new Set<() => void>();
  #hurrying = 0;

  /** `track` keeps each agent's write loop among the book's follow-up writes (awaited by settled/drain, failures logged). */
  constructor(
    private readonly rollups: RollupRepository,
    private readonly track: (write: Promise<unknown>) => void,
  ) {}

  /** The agent's open day as of entry `seq`: written now, or after the pause of a write in progress (the newest wins). */
  record(agentId: string, seq: number, today: DayTotals): void {
    this.#dirty.set(agentId, { seq, today });
    if (this.#writing.has(agentId)) return;
    this.#writing.add(agentId);
    const write = async (): Promise<void> => {
      for (let next = this.#dirty.get(agentId); next; next = this.#dirty.get(agentId)) {
        this.#dirty.delete(agentId);
        await this.rollups.record(agentId, next.today, next.seq);
        await this.#pause();
      }
    };
    this.track(write().finally(() => this.#writing.delete(agentId)));
  }

  /** Runs `wait` with the writers' pauses cut short. */
  async hurry<T>(wait: () => Promise<T>): Promise<T> {
    this.#hurrying++;
    for (const resume of [...this.#pauses]) resume();
    try {
      return await wait();
    } finally {
      this.#hurrying--;
    }
  }

  /** Waits ROLLUP_EVERY_MS, or not at all while someone hurries. */
  #pause(): Promise<void> {
    if (this.#hurrying > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const resume = () => {
        clearTimeout(timer);
        this.#pauses.delete(resume);
        resolve();
      };
      const timer = setTimeout(resume, ROLLUP_EVERY_MS);
      timer.unref();
      this.#pauses.add(resume);
    });
  }
}
