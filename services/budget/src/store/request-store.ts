import { Schema, type Connection, type Model, type mongo } from 'mongoose';
import { isDuplicateKeyError } from '@tollgate/platform';
import { REQUEST_STATUSES, type BudgetRequestRecord, type RequestStatus } from '../domain/records.js';
import type { BudgetRequestRepository, RequestListFilter } from '../domain/repositories.js';
import { CreationOrder } from './creation-order.js';

type RequestDoc = Omit<BudgetRequestRecord, 'id'> & { _id: string; page: number };

const requestSchema = new Schema<RequestDoc>(
  {
    _id: { type: String, required: true },
    agent_id: { type: String, default: '' },
    project_id: { type: String, default: '' },
    requester_id: { type: String, required: true },
    requested_micros: { type: Number, required: true },
    justification: { type: String, default: '' },
    status: { type: String, enum: REQUEST_STATUSES, required: true },
    decided_by: { type: String, default: '' },
    decision_note: { type: String, default: '' },
    decided_at: { type: Date, default: null },
    applied: { type: Boolean, default: false },
    created_at: { type: Date, required: true },
    seq: { type: Number, required: true },
    page: { type: Number, required: true },
  },
  { collection: 'budget_requests', versionKey: false, strict: 'throw' },
);
// Lists: pending ones and one agent's are few (an equality bounds them); all of them page by creation order.
requestSchema.index({ status: 1 });
requestSchema.index({ agent_id: 1 });
requestSchema.index({ project_id: 1 });
requestSchema.index({ seq: 1 }, { unique: true, sparse: true });
requestSchema.index({ page: 1 });

function toRecord(doc: RequestDoc): BudgetRequestRecord {
  const { _id, page: _page, ...rest } = doc;
  // Requests filed before projects are of agents in none.
  return { id: _id, ...rest, project_id: rest.project_id ?? '' };
}

const newestFirst = (a: RequestDoc, b: RequestDoc) => b.seq - a.seq;

export class BudgetRequestStore implements BudgetRequestRepository {
  readonly model: Model<RequestDoc>;
  /** One per decided request, `_id` the request id: the decision's commit point. */
  readonly decisions: mongo.Collection<mongo.Document & { _id: string }>;
  readonly #order: CreationOrder;

  constructor(conn: Connection) {
    this.model = (conn.models.BudgetRequest as Model<RequestDoc> | undefined) ?? conn.model<RequestDoc>('BudgetRequest', requestSchema);
    this.decisions = conn.db!.collection('budget_request_decisions');
    this.#order = new CreationOrder(conn, 'budget_requests');
  }

  async init(): Promise<void> {
    await Promise.all([this.model.init(), this.decisions.createIndex({ settled: 1 })]);
  }

  insert(record: Omit<BudgetRequestRecord, 'seq'>): Promise<BudgetRequestRecord> {
    return this.#order.create(this.model, record);
  }

  upgradeLegacy(): Promise<number> {
    return this.#order.upgradeLegacy('budget-request-seq');
  }

  async findById(id: string): Promise<BudgetRequestRecord | null> {
    return this.#mirror(id);
  }

  async list(filter: RequestListFilter): Promise<BudgetRequestRecord[]> {
    const before = filter.beforeSeq ?? Infinity;
    const include = filter.include ?? (() => true);
    const q: Record<string, unknown> = {};
    if (filter.status) q.status = filter.status;
    if (filter.agentId) q.agent_id = filter.agentId;
    if (filter.projectId) q.project_id = filter.projectId;
    if (filter.status === 'pending' || filter.agentId || filter.projectId) {
      // What is pending, or one agent's or project's requests: few, whatever the collection holds.
      const docs = await this.model.find(q).lean<RequestDoc[]>();
      return docs
        .filter((d) => d.seq < before)
        .sort(newestFirst)
        .map(toRecord)
        .filter(include)
        .slice(0, filter.limit);
    }
    // Everything (or decided ones of every agent): page by page, newest first, until the page is full.
    const found: BudgetRequestRecord[] = [];
    const top = Math.min(await this.#order.last(), before - 1);
    for (let page = this.#order.pageOf(top); page >= 0 && found.length < filter.limit; page--) {
      const docs = await this.model.find({ ...q, page }).lean<RequestDoc[]>();
      found.push(
        ...docs
          .filter((d) => d.seq < before)
          .sort(newestFirst)
          .map(toRecord)
          .filter(include),
      );
    }
    return found.slice(0, filter.limit);
  }

  /** The decision's insert is the commit point; the request document then mirrors it (for lists by status). */
  async decide(
    id: string,
    to: Exclude<RequestStatus, 'pending'>,
    by: string,
    note: string,
    now: Date,
  ): Promise<BudgetRequestRecord | null> {
    try {
      await this.decisions.insertOne({ _id: id, status: to, decided_by: by, decision_note: note, decided_at: now, settled: false });
    } catch (err) {
      if (isDuplicateKeyError(err)) return null;
      throw err;
    }
    return this.#mirror(id);
  }

  async settle(id: string): Promise<void> {
    // Only the decider and the sweeper write these, and both write the same values.
    await this.model.updateOne({ _id: id }, { $set: { applied: true } });
    await this.decisions.updateOne({ _id: id }, { $set: { settled: true } });
  }

  async unsettled(before: Date, limit: number): Promise<BudgetRequestRecord[]> {
    // Unsettled decisions are the ones in flight: few, however many requests there are.
    const open = (await this.decisions.find({ settled: false }).toArray())
      .filter((d) => (d.decided_at as Date).getTime() < before.getTime())
      .slice(0, limit);
    const records = await Promise.all(open.map((d) => this.#mirror(d._id)));
    return records.filter((r): r is BudgetRequestRecord => r !== null);
  }

  /** Copies the decision onto the request document (again, if a decider died before it did) and returns the merged record. */
  async #mirror(id: string): Promise<BudgetRequestRecord | null> {
    const decision = await this.decisions.findOne({ _id: id });
    const doc = await this.model.findById(id).lean<RequestDoc>();
    if (!doc) return null;
    if (!decision) return toRecord(doc);
    const fields = {
      status: decision.status as RequestStatus,
      decided_by: String(decision.decided_by),
      decision_note: String(decision.decision_note),
      decided_at: decision.decided_at as Date,
    };
    if (doc.status !== fields.status) await this.model.updateOne({ _id: id }, { $set: fields });
    return toRecord({ ...doc, ...fields });
  }
}
