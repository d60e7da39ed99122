import { Schema, type Connection, type Model } from 'mongoose';

interface ProgressDoc {
  /** The job's name. */
  _id: string;
  /** The first unit of work (a day, an interval) the job has not finished yet. */
  next: number;
}

const progressSchema = new Schema<ProgressDoc>(
  {
    _id: { type: String, required: true },
    next: { type: Number, required: true },
  },
  { collection: 'job_progress', versionKey: false, strict: 'throw' },
);

/**
 * Where each background job got to. Only the replica leading the job (PeriodLeader)
 * writes it, and the jobs are idempotent: a write lost to an overlapping leader only
 * makes the next run redo some finished work.
 */
export class JobProgress {
  readonly model: Model<ProgressDoc>;

  constructor(conn: Connection) {
    this.model = conn.models.JobProgress ?? conn.model<ProgressDoc>('JobProgress', progressSchema);
  }

  async get(job: string): Promise<number | null> {
    return (await this.model.findById(job).lean<ProgressDoc>())?.next ?? null;
  }

  async set(job: string, next: number): Promise<void> {
    await this.model.updateOne({ _id: job }, { $set: { next } }, { upsert: true });
  }
}
