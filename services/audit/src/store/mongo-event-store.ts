import { trusted, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError } from '@tollgate/platform';
import { flatten, type ActorType, type ChainedEvent, type ChainHead, type EventFilter, type Outcome } from '../domain/event.js';
import { AppendConflictError, type EventStore } from '../domain/event-store.js';
import { GENESIS } from '../domain/hash-chain.js';
import { eventModel, type EventDoc } from './event-model.js';

const CURSOR_BATCH = 500;

export function createEventStore(conn: Connection): EventStore {
  const model: Model<EventDoc> = eventModel(conn);

  return {
    async head(): Promise<ChainHead> {
      const last = await model.findOne({}, { seq: 1, hash: 1 }).sort({ seq: -1 }).lean();
      return last ? { seq: last.seq, hash: last.hash } : GENESIS;
    },

    async hashesOf(ids) {
      if (ids.length === 0) return new Map();
      const docs = await model.find({ _id: trusted({ $in: ids }) }, { hash: 1 }).lean();
      return new Map(docs.map((d) => [d._id, d.hash]));
    },

    async insertInOrder(events) {
      try {
        await model.insertMany(events.map(toDoc), { ordered: true, lean: true });
      } catch (err) {
        if (isDuplicateKeyError(err) || hasDuplicateWriteError(err)) throw new AppendConflictError(insertedBefore(err));
        throw err;
      }
    },

    async findById(id) {
      const doc = await model.findById(id).lean();
      return doc ? fromDoc(doc) : null;
    },

    async findBySeq(seq) {
      const doc = await model.findOne({ seq }).lean();
      return doc ? fromDoc(doc) : null;
    },

    async newestFirst(filter, limit, beforeSeq) {
      const query = toQuery(filter);
      if (beforeSeq !== undefined) query.seq = trusted({ $lt: beforeSeq });
      const docs = await model.find(query).sort({ seq: -1 }).limit(limit).lean();
      return docs.map(fromDoc);
    },

    async seqSpan(from, to) {
      const query = toQuery({ from, to });
      const [first, last] = await Promise.all([
        model.findOne(query, { seq: 1 }).sort({ seq: 1 }).lean(),
        model.findOne(query, { seq: 1 }).sort({ seq: -1 }).lean(),
      ]);
      return first && last ? { min: first.seq, max: last.seq } : null;
    },

    walk(fromSeq, toSeq) {
      const range: Record<string, number> = { $gte: fromSeq };
      if (toSeq !== undefined) range.$lte = toSeq;
      return mapped(model.find({ seq: trusted(range) }).sort({ seq: 1 }).lean().cursor({ batchSize: CURSOR_BATCH }));
    },

    stream(filter) {
      return mapped(model.find(toQuery(filter)).sort({ seq: 1 }).lean().cursor({ batchSize: CURSOR_BATCH }));
    },
  };
}

/** Filter values are validated strings and Dates; operators are ours, hence trusted(). */
function toQuery(f: EventFilter): Record<string, unknown> {
  const q: Record<string, unknown> = {};
  if (f.actorId) q.actor_id = f.actorId;
  if (f.action) q.action = f.action;
  if (f.resourceType) q.resource_type = f.resourceType;
  if (f.resourceId) q.resource_id = f.resourceId;
  if (f.outcome) q.outcome = f.outcome;
  if (f.from || f.to) {
    const range: Record<string, Date> = {};
    if (f.from) range.$gte = f.from;
    if (f.to) range.$lte = f.to;
    q.at = trusted(range);
  }
  return q;
}

async function* mapped(cursor: AsyncIterable<EventDoc> & { close(): Promise<unknown> }): AsyncGenerator<ChainedEvent> {
  try {
    for await (const doc of cursor) yield fromDoc(doc);
  } finally {
    await cursor.close();
  }
}

interface BulkWriteFailure {
  writeErrors?: { code?: number; index?: number; err?: { code?: number; index?: number } }[];
  result?: { insertedCount?: number };
  insertedDocs?: unknown[];
}

function hasDuplicateWriteError(err: unknown): boolean {
  const writeErrors = (err as BulkWriteFailure | null)?.writeErrors;
  return Array.isArray(writeErrors) && writeErrors.some((w) => w.code === 11000 || w.err?.code === 11000);
}

/** In an ordered insert, the index of the first failed document is how many went in. */
function insertedBefore(err: unknown): number | undefined {
  const e = err as BulkWriteFailure;
  const first = Array.isArray(e.writeErrors) ? e.writeErrors[0] : undefined;
  const index = first?.index ?? first?.err?.index;
  if (typeof index === 'number') return index;
  if (typeof e.result?.insertedCount === 'number') return e.result.insertedCount;
  if (Array.isArray(e.insertedDocs)) return e.insertedDocs.length;
  return undefined;
}

function toDoc(e: ChainedEvent): EventDoc {
  const { id, ...fields } = flatten(e);
  return { _id: id, ...fields, hash: e.hash };
}

/**
 * A stored row back to an event, as it is: a row altered outside the service must
 * still be readable (and then fail verification), so nothing here throws.
 */
function fromDoc(d: EventDoc): ChainedEvent {
  const s = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
  return {
    id: s(d._id),
    seq: typeof d.seq === 'number' ? d.seq : Number(d.seq),
    at: d.at instanceof Date ? d.at : new Date(s(d.at)),
    source: s(d.source),
    actor: { type: s(d.actor_type) as ActorType, id: s(d.actor_id) },
    action: s(d.action),
    resource: { type: s(d.resource_type), id: s(d.resource_id) },
    outcome: s(d.outcome) as Outcome,
    ip: s(d.ip),
    user_agent: s(d.user_agent),
    request_id: s(d.request_id),
    details_json: s(d.details_json),
    prev_hash: s(d.prev_hash),
    hash: s(d.hash),
  };
}
