import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import type { AgentRecord } from '../domain/records.js';
import type { AgentProfile } from '../domain/book.js';
import type { AgentRepository } from '../domain/repositories.js';

const { trusted } = mongoose;

type AgentDoc = Omit<AgentRecord, 'id'> & { _id: string };

const agentSchema = new Schema<AgentDoc>(
  {
    _id: { type: String, required: true },
    owner_id: { type: String, required: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    providers: { type: [String], default: [] },
    disabled: { type: Boolean, default: false },
    token_id: { type: String, default: '' },
    status: { type: String, enum: ['provisioning', 'active'], required: true },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
  },
  { collection: 'agents', versionKey: false, strict: 'throw' },
);
agentSchema.index({ status: 1, _id: 1 });
agentSchema.index({ status: 1, created_at: 1 });

function toRecord(doc: AgentDoc): AgentRecord {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

export class AgentStore implements AgentRepository {
  readonly model: Model<AgentDoc>;

  constructor(conn: Connection) {
    this.model = (conn.models.Agent as Model<AgentDoc> | undefined) ?? conn.model<AgentDoc>('Agent', agentSchema);
  }

  async insert(record: AgentRecord): Promise<void> {
    const { id, ...rest } = record;
    await this.model.create({ _id: id, ...rest });
  }

  async findById(id: string): Promise<AgentRecord | null> {
    const doc = await this.model.findById(id).lean<AgentDoc>();
    return doc ? toRecord(doc) : null;
  }

  async list(opts: { after?: string; limit: number; ids?: string[] }): Promise<AgentRecord[]> {
    const filter: Record<string, unknown> = { status: 'active' };
    const idFilter: Record<string, unknown> = {};
    if (opts.after) idFilter.$gt = opts.after;
    if (opts.ids) idFilter.$in = opts.ids;
    if (Object.keys(idFilter).length > 0) filter._id = trusted(idFilter);
    const docs = await this.model.find(filter).sort({ _id: 1 }).limit(opts.limit).lean<AgentDoc[]>();
    return docs.map(toRecord);
  }

  async mirrorProfile(id: string, profile: AgentProfile, now: Date): Promise<void> {
    await this.model.updateOne({ _id: id, status: 'active' }, { $set: { ...profile, updated_at: now } });
  }

  async activate(id: string, tokenId: string, now: Date): Promise<AgentRecord | null> {
    const doc = await this.model
      .findOneAndUpdate({ _id: id, status: 'provisioning' }, { $set: { status: 'active', token_id: tokenId, updated_at: now } }, { returnDocument: 'after' })
      .lean<AgentDoc>();
    return doc ? toRecord(doc) : null;
  }

  async delete(id: string): Promise<void> {
    await this.model.deleteOne({ _id: id });
  }

  async findProvisioningBefore(before: Date, limit: number): Promise<AgentRecord[]> {
    const docs = await this.model
      .find({ status: 'provisioning', created_at: trusted({ $lt: before }) })
      .limit(limit)
      .lean<AgentDoc[]>();
    return docs.map(toRecord);
  }
}
