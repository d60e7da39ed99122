import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { REQUEST_STATUSES, type BudgetRequestRecord, type RequestStatus } from '../domain/records.js';
import type { BudgetRequestRepository, RequestListFilter } from '../domain/repositories.js';

const { trusted } = mongoose;

type RequestDoc = Omit<BudgetRequestRecord, 'id'> & { _id: string };

const requestSchema = new Schema<RequestDoc>(
  {
    _id: { type: String, required: true },
    agent_id: { type: String, required: true },
    requester_id: { type: String, required: true },
    requested_micros: { type: Number, required: true },
    justification: { type: String, default: '' },
    status: { type: String, enum: REQUEST_STATUSES, required: true },
    decided_by: { type: String, default: '' },
    decision_note: { type: String, default: '' },
    decided_at: { type: Date, default: null },
    applied: { type: Boolean, default: false },
    created_at: { type: Date, required: true },
  },
  { collection: 'budget_requests', versionKey: false, strict: 'throw' },
);
requestSchema.index({ status: 1, _id: -1 });
requestSchema.index({ agent_id: 1, _id: -1 });
requestSchema.index({ status: 1, applied: 1, decided_at: 1 });

function toRecord(doc: RequestDoc): BudgetRequestRecord {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

export class BudgetRequestStore implements BudgetRequestRepository {
  readonly model: Model<RequestDoc>;

  constructor(conn: Connection) {
    this.model = (conn.models.BudgetRequest as Model<RequestDoc> | undefined) ?? conn.model<RequestDoc>('BudgetRequest', requestSchema);
  }

  async insert(record: BudgetRequestRecord): Promise<void> {
    const { id, ...rest } = record;
    await this.model.create({ _id: id, ...rest });
  }

  async findById(id: string): Promise<BudgetRequestRecord | null> {
    const doc = await this.model.findById(id).lean<RequestDoc>();
    return doc ? toRecord(doc) : null;
  }

  async list(filter: RequestListFilter): Promise<BudgetRequestRecord[]> {
    const q: Record<string, unknown> = {};
    if (filter.status) q.status = filter.status;
    if (filter.agentId) q.agent_id = filter.agentId;
    if (filter.before) q._id = trusted({ $lt: filter.before });
    const docs = await this.model.find(q).sort({ _id: -1 }).limit(filter.limit).lean<RequestDoc[]>();
    return docs.map(toRecord);
  }

  async decide(id: string, to: Exclude<RequestStatus, 'pending'>, by: string, note: string, now: Date): Promise<BudgetRequestRecord | null> {
    const doc = await this.model
      .findOneAndUpdate(
        { _id: id, status: 'pending' },
        { $set: { status: to, decided_by: by, decision_note: note, decided_at: now } },
        { returnDocument: 'after' },
      )
      .lean<RequestDoc>();
    return doc ? toRecord(doc) : null;
  }

  async markApplied(id: string): Promise<void> {
    await this.model.updateOne({ _id: id, status: 'approved' }, { $set: { applied: true } });
  }

  async findUnapplied(before: Date, limit: number): Promise<BudgetRequestRecord[]> {
    const docs = await this.model
      .find({ status: 'approved', applied: false, decided_at: trusted({ $lt: before }) })
      .limit(limit)
      .lean<RequestDoc[]>();
    return docs.map(toRecord);
  }
}
