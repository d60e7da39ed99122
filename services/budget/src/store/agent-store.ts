import { Schema, type Connection, type Model, type mongo } from 'mongoose';
import { isDuplicateKeyError } from '@tollgate/platform';
import { AGENT_STATUSES, type AgentRecord } from '../domain/records.js';
import type { AgentProfile } from '../domain/book.js';
import type { AgentRepository } from '../domain/repositories.js';
import { CreationOrder } from './creation-order.js';

type AgentDoc = Omit<AgentRecord, 'id'> & { _id: string; page: number };

const agentSchema = new Schema<AgentDoc>(
  {
    _id: { type: String, required: true },
    owner_id: { type: String, required: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    providers: { type: [String], default: [] },
    disabled: { type: Boolean, default: false },
    token_id: { type: String, default: '' },
    project_id: { type: String, default: '' },
    status: { type: String, enum: AGENT_STATUSES, required: true },
    deleted_at: { type: Date },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
    seq: { type: Number, required: true },
    page: { type: Number, required: true },
  },
  { collection: 'agents', versionKey: false, strict: 'throw' },
);
// The creation order (see CreationOrder); sparse: agents stored by an earlier version have no seq until upgradeLegacy.
agentSchema.index({ seq: 1 }, { unique: true, sparse: true });
agentSchema.index({ page: 1 });
agentSchema.index({ status: 1 });
agentSchema.index({ project_id: 1 });

function toRecord(doc: AgentDoc): AgentRecord {
  const { _id, page: _page, ...rest } = doc;
  // Agents stored before projects belong to none.
  return { id: _id, ...rest, project_id: rest.project_id ?? '' };
}

export class AgentStore implements AgentRepository {
  readonly model: Model<AgentDoc>;
  /** One per deleted agent, `_id` the agent id: the deletion's commit point. */
  readonly deletions: mongo.Collection<{ _id: string; deleted_at: Date }>;
  readonly #order: CreationOrder;

  constructor(conn: Connection) {
    this.model = (conn.models.Agent as Model<AgentDoc> | undefined) ?? conn.model<AgentDoc>('Agent', agentSchema);
    this.deletions = conn.db!.collection('agent_deletions');
    this.#order = new CreationOrder(conn, 'agents');
  }

  insert(record: Omit<AgentRecord, 'seq'>): Promise<AgentRecord> {
    return this.#order.create(this.model, record);
  }

  upgradeLegacy(): Promise<number> {
    return this.#order.upgradeLegacy('agent-seq');
  }

  async findById(id: string): Promise<AgentRecord | null> {
    const doc = await this.model.findById(id).lean<AgentDoc>();
    return doc ? toRecord(doc) : null;
  }

  async list(opts: { afterSeq: number; limit: number; include?: (a: AgentRecord) => boolean }): Promise<AgentRecord[]> {
    return this.#order.after(
      opts.afterSeq,
      opts.limit,
      (page) => this.model.find({ page }).lean<AgentDoc[]>(),
      (doc) => {
        const record = doc.status === 'active' ? toRecord(doc) : undefined;
        return record && (!opts.include || opts.include(record)) ? record : undefined;
      },
    );
  }

  async listInProject(projectId: string, opts: { afterSeq: number; limit: number }): Promise<AgentRecord[]> {
    const docs = await this.model.find({ project_id: projectId }).lean<AgentDoc[]>();
    return docs
      .filter((d) => d.status === 'active' && d.seq > opts.afterSeq)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, opts.limit)
      .map(toRecord);
  }

  async mirrorProfile(id: string, profile: AgentProfile, now: Date): Promise<void> {
    const { name, description, disabled } = profile;
    await this.model.updateOne({ _id: id, status: 'active' }, { $set: { name, description, disabled, updated_at: now } });
  }

  async activate(id: string, tokenId: string, now: Date): Promise<AgentRecord | null> {
    const doc = await this.model
      .findOneAndUpdate(
        { _id: id, status: 'provisioning' },
        { $set: { status: 'active', token_id: tokenId, updated_at: now } },
        { returnDocument: 'after' },
      )
      .lean<AgentDoc>();
    return doc ? toRecord(doc) : null;
  }

  async delete(id: string): Promise<void> {
    await this.model.deleteOne({ _id: id });
  }

  async markDeleted(id: string, now: Date): Promise<boolean> {
    let won = true;
    try {
      await this.deletions.insertOne({ _id: id, deleted_at: now });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      won = false;
    }
    const deletedAt = won ? now : ((await this.deletions.findOne({ _id: id }))?.deleted_at ?? now);
    // Only deleters write these fields, and all of them the same values.
    await this.model.updateOne({ _id: id }, { $set: { status: 'deleted', disabled: true, deleted_at: deletedAt, updated_at: deletedAt } });
    return won;
  }

  async findProvisioningBefore(before: Date, limit: number): Promise<AgentRecord[]> {
    // Agents being provisioned are few at any time: their status bounds the read.
    const docs = await this.model.find({ status: 'provisioning' }).lean<AgentDoc[]>();
    return docs
      .filter((d) => d.created_at.getTime() < before.getTime())
      .slice(0, limit)
      .map(toRecord);
  }
}
