import { randomBytes } from 'node:crypto';
import type { Connection, mongo } from 'mongoose';
import { isDuplicateKeyError } from './mongo.js';

/**
 * Chooses, for each period of wall-clock time, the one replica that runs a singleton job
 * (a sweeper, an outbox relay): the replica whose insert of `<job>:<period>` succeeds.
 * A unique-key insert is atomic on every database we support, so no update, lock or
 * clock agreement is needed. Leadership may change at each period boundary, and a
 * leader that dies keeps its period to the end, so the job pauses for at most one period.
 * Work begun in one period may overlap the next leader's: the work itself must be
 * idempotent (every job that uses this is).
 */
export class PeriodLeader {
  readonly #collection: mongo.Collection<{ _id: string; holder: string; at: Date }>;
  readonly #holder = randomBytes(8).toString('hex');
  #period = -1;
  #leader = false;

  constructor(
    conn: Connection,
    private readonly job: string,
    private readonly periodMs: number,
  ) {
    this.#collection = conn.db!.collection('job_leaders');
  }

  /** Whether this replica leads the job now (one insert per period, then remembered). */
  async leads(now = Date.now()): Promise<boolean> {
    const period = Math.floor(now / this.periodMs);
    if (period === this.#period) return this.#leader;
    let leader: boolean;
    try {
      await this.#collection.insertOne({ _id: `${this.job}:${period}`, holder: this.#holder, at: new Date(now) });
      leader = true;
      // Keep the collection small: earlier periods are decided and never looked at again.
      await this.#collection.deleteOne({ _id: `${this.job}:${period - 2}` }).catch(() => undefined);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const doc = await this.#collection.findOne({ _id: `${this.job}:${period}` });
      leader = doc?.holder === this.#holder;
    }
    this.#period = period;
    this.#leader = leader;
    return leader;
  }
}
