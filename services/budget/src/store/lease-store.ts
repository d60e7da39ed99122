import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import type { LeaseRecord, LeaseStatus } from '../domain/records.js';
import type { LeaseRepository } from '../domain/repositories.js';

const { trusted } = mongoose;

type LeaseDoc = Omit<LeaseRecord, 'id'> & { _id: string };

/** Lease bookkeeping (who, when, what became of it). The money itself lives in the budget document. */
const leaseSchema = new Schema<LeaseDoc>(
  {
    _id: { type: String, required: true },
    agent_id: { type: String, required: true },
    provider: { type: String, required: true },
    requested_micros: { type: Number, required: true },
    status: { type: String, enum: ['active', 'released', 'expired', 'void'], required: true },
    expires_at: { type: Date, required: true },
    created_at: { type: Date, required: true },
    closed_at: { type: Date, default: null },
    released_micros: { type: Number, default: 0 },
  },
  { collection: 'leases', versionKey: false, strict: 'throw' },
);
// The sweeper's query (FerretDB has no TTL indexes).
leaseSchema.index({ status: 1, expires_at: 1 });

function toRecord(doc: LeaseDoc): LeaseRecord {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

export class LeaseStore implements LeaseRepository {
  readonly model: Model<LeaseDoc>;

  constructor(conn: Connection) {
    this.model = (conn.models.Lease as Model<LeaseDoc> | undefined) ?? conn.model<LeaseDoc>('Lease', leaseSchema);
  }

  async insert(record: LeaseRecord): Promise<void> {
    const { id, ...rest } = record;
    await this.model.create({ _id: id, ...rest });
  }

  async findById(id: string): Promise<LeaseRecord | null> {
    const doc = await this.model.findById(id).lean<LeaseDoc>();
    return doc ? toRecord(doc) : null;
  }

  async close(id: string, status: Exclude<LeaseStatus, 'active'>, released: number, now: Date): Promise<boolean> {
    const res = await this.model.updateOne({ _id: id, status: 'active' }, { $set: { status, released_micros: released, closed_at: now } });
    return res.modifiedCount === 1;
  }

  async findExpired(now: Date, limit: number): Promise<LeaseRecord[]> {
    const docs = await this.model
      .find({ status: 'active', expires_at: trusted({ $lte: now }) })
      .sort({ expires_at: 1 })
      .limit(limit)
      .lean<LeaseDoc[]>();
    return docs.map(toRecord);
  }
}
