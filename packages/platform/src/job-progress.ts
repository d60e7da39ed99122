import type { Connection, mongo } from 'mongoose';

/**
 * Where a singleton background job got to, for jobs that walk numbered units of work
 * (days, hours, buckets) and must not skip one even after an outage. Only the replica
 * leading the job (PeriodLeader) writes it, and such jobs are idempotent: a write lost
 * to an overlapping leader only makes the next run redo finished units.
 */
export class JobProgress {
  readonly #collection: mongo.Collection<{ _id: string; next: number }>;

  constructor(conn: Connection) {
    this.#collection = conn.db!.collection('job_progress');
  }

  /**
   * Runs `work` on each unit from the first one not finished yet (`firstEver` on the
   * very first run) to `last`, then records how far the run finished: past every unit
   * for which `work` returned true, up to the first that returned false (a unit still
   * open, e.g. today, is done again next run).
   */
  async catchUp(job: string, firstEver: number, last: number, work: (unit: number) => Promise<boolean>): Promise<void> {
    const first = (await this.#collection.findOne({ _id: job }))?.next ?? firstEver;
    let next = first;
    for (let unit = first; unit <= last; unit++) {
      if ((await work(unit)) && next === unit) next = unit + 1;
    }
    if (next !== first) await this.#collection.updateOne({ _id: job }, { $set: { next } }, { upsert: true });
  }
}
