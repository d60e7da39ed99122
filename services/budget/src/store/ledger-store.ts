import mongoose, { type Connection, type mongo } from 'mongoose';
import { isDuplicateKeyError } from '@tollgate/platform';
import type { UsageCharge } from '../domain/records.js';
import type { LedgerRepository, SpendFilter, SpendTotals } from '../domain/repositories.js';
import { chargeDoc, chargeOf } from './budget-store.js';
import { num } from './long.js';

const { MongoBulkWriteError } = mongoose.mongo;

type Document = mongo.Document;
/** Our documents are keyed by string ids, not ObjectIds. */
type Keyed = Document & { _id: string };

/** Up to this many op ids, findMany looks each up by equality rather than with one `$in`. */
const FEW_IDS = 4;

const GROUP_FIELDS = { agent: '$agent_id', provider: '$provider', model: '$model', day: '$day' } as const;

/**
 * The usage ledger: append-only (inserts, never an update), keyed by the report's op
 * id, with a unique (agent_id, request_id) index as the idempotency guard.
 */
export class LedgerStore implements LedgerRepository {
  readonly collection: mongo.Collection<Keyed>;

  constructor(conn: Connection) {
    this.collection = conn.db!.collection<Keyed>('usage_ledger');
  }

  async init(): Promise<void> {
    await this.collection.createIndex({ agent_id: 1, request_id: 1 }, { unique: true });
    await this.collection.createIndex({ at: 1 });
    await this.collection.createIndex({ agent_id: 1, at: 1 });
  }

  async insert(charges: UsageCharge[]): Promise<Set<string>> {
    const docs = charges.map((charge) => {
      const doc = chargeDoc(charge);
      delete doc.op_id;
      return { _id: charge.op_id, ...doc };
    });
    try {
      // Unordered: one entry already recorded must not keep the others out.
      await this.collection.insertMany(docs, { ordered: false });
      return new Set();
    } catch (err) {
      const failed = err instanceof MongoBulkWriteError ? err.writeErrors : [];
      const writeErrors = Array.isArray(failed) ? failed : [failed];
      if (writeErrors.length === 0 || !writeErrors.every(isDuplicateKeyError)) throw err;
      return new Set(writeErrors.map((e) => charges[e.index].op_id));
    }
  }

  async find(opId: string): Promise<UsageCharge | null> {
    const doc = await this.collection.findOne({ _id: opId });
    return doc ? entryOf(doc) : null;
  }

  async findMany(opIds: string[]): Promise<UsageCharge[]> {
    // FerretDB scans the ledger for either filter, and evaluates `$in` about ten times slower
    // per document than an equality: a few ids are cheaper looked up one by one.
    const docs =
      opIds.length <= FEW_IDS
        ? await Promise.all(opIds.map((_id) => this.collection.findOne({ _id })))
        : await this.collection.find({ _id: { $in: opIds } }).toArray();
    return docs.flatMap((doc) => (doc ? [entryOf(doc)] : []));
  }

  /**
   * One aggregation per total: FerretDB v1 computes only the first accumulator of a
   * $group correctly (later ones come back 0), so each runs alone and they are merged.
   */
  async spend(groupBy: keyof typeof GROUP_FIELDS, filter: SpendFilter): Promise<SpendTotals[]> {
    const match = matchOf(filter);
    const sums = { spent_micros: '$amount_micros', requests: 1, input_tokens: '$input_tokens', output_tokens: '$output_tokens' } as const;
    const rows = new Map<string, SpendTotals>();
    await Promise.all(
      Object.entries(sums).map(async ([name, expr]) => {
        const result = await this.collection
          .aggregate([{ $match: match }, { $group: { _id: GROUP_FIELDS[groupBy], total: { $sum: expr } } }])
          .toArray();
        for (const r of result) {
          const key = String(r._id ?? '');
          const row = rows.get(key) ?? { key, spent_micros: 0, requests: 0, input_tokens: 0, output_tokens: 0 };
          row[name as keyof typeof sums] = num(r.total);
          rows.set(key, row);
        }
      }),
    );
    return [...rows.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async totalFor(agentId: string): Promise<number> {
    const [row] = await this.collection
      .aggregate([{ $match: { agent_id: agentId } }, { $group: { _id: null, total: { $sum: '$amount_micros' } } }])
      .toArray();
    return row ? num(row.total) : 0;
  }
}

function entryOf(doc: Document): UsageCharge {
  return { ...chargeOf(doc), op_id: String(doc._id) };
}

function matchOf(filter: SpendFilter): Document {
  const match: Document = {};
  if (filter.agentId) match.agent_id = filter.agentId;
  if (filter.from || filter.to) {
    const at: Document = {};
    if (filter.from) at.$gte = filter.from;
    if (filter.to) at.$lte = filter.to;
    match.at = at;
  }
  return match;
}
