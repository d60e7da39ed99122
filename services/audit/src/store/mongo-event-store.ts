import { type Connection, type Model } from 'mongoose';
import { findLast, isDuplicateKeyError } from '@tollgate/platform';
import { EVENTS_PER_PAGE, flatten, pageOf, type ActorType, type ChainedEvent, type EventFilter, type Outcome } from '../domain/event.js';
import { AppendConflictError, type EventStore } from '../domain/event-store.js';
import { GENESIS } from '../domain/hash-chain.js';
import { archivedEventModel, archivedPageModel, eventModel, type EventDoc } from './event-model.js';

export interface EventStoreOptions {
  /**
   * How long a seq seen in the hot log may serve as the starting point of a head search.
   * Must be shorter than the hot period: every seq above one seen at time T was stored
   * after T, so no page above it can be archived before T + the hot period.
   */
  freshForMs: number;
}

/**
 * The event log in MongoDB: `audit_events` (hot) and `audit_events_archive`, both keyed
 * by event id with a unique seq, read by `_id`, `seq` or `page` equality only.
 */
export function createEventStore(conn: Connection, opts: EventStoreOptions): EventStore {
  const hot: Model<EventDoc> = eventModel(conn);
  const archive: Model<EventDoc> = archivedEventModel(conn);
  const archivedPages = archivedPageModel(conn);
  /** A seq seen in the hot log, and when. */
  let seen = { seq: 0, at: 0 };
  /** Pages 0 … archived-1 are known to be in the archive. */
  let archived = 0;

  const note = (seq: number) => {
    if (seq >= seen.seq || Date.now() - seen.at >= opts.freshForMs) seen = { seq, at: Date.now() };
  };
  const inHot = async (seq: number) => (await hot.exists({ seq })) !== null;
  /** How many pages are archived (they are 0 … n-1: markers are written in page order). */
  const countArchived = async () => {
    archived = await findLast(archived, async (n) => (await archivedPages.exists({ _id: n - 1 })) !== null);
    return archived;
  };
  const findOne = async (filter: Record<string, unknown>) => {
    const doc = (await hot.findOne(filter).lean()) ?? (await archive.findOne(filter).lean());
    return doc ? fromDoc(doc) : null;
  };

  return {
    /**
     * Gallops and bisects over seq lookups in the hot log (findLast): from a fresh seen
     * seq, or else from the end of the archive, checking afterwards that no page was
     * archived meanwhile (a probe into a page being removed would miss).
     */
    async head(known) {
      if (known !== undefined) note(known);
      for (;;) {
        const fresh = Date.now() - seen.at < opts.freshForMs;
        const pages = fresh ? archived : await countArchived();
        const start = fresh ? seen.seq : Math.max(0, pages * EVENTS_PER_PAGE - 1);
        const last = await findLast(start, inHot);
        if (!fresh && (await countArchived()) !== pages) continue;
        if (last === 0) return GENESIS;
        note(last);
        const event = await findOne({ seq: last });
        return event ? { seq: event.seq, hash: event.hash } : { seq: last, hash: '' };
      }
    },

    async insertInOrder(events) {
      const recordedAt = new Date();
      try {
        await hot.insertMany(
          events.map((e) => toDoc(e, recordedAt)),
          { ordered: true, lean: true },
        );
      } catch (err) {
        if (isDuplicateKeyError(err) || hasDuplicateWriteError(err)) throw new AppendConflictError(insertedBefore(err));
        throw err;
      }
      if (events.length > 0) note(events[events.length - 1].seq);
    },

    findById: (id) => findOne({ _id: id }),
    findBySeq: (seq) => findOne({ seq }),

    async archivedIds(ids) {
      const found = await Promise.all(ids.map(async (id) => ((await archive.exists({ _id: id })) ? id : null)));
      return new Set(found.filter((id): id is string => id !== null));
    },

    /**
     * Pages below `archived` come from the archive. Any other page is read from the hot
     * log and then its archive marker is checked: a page whose marker is absent after the
     * read had not begun to be removed, so the read saw all of it; otherwise the archive
     * (complete once the marker exists) is read instead.
     */
    async page(page, filter) {
      const query = { page, ...plainFields(filter) };
      let docs: EventDoc[];
      if (page < archived) {
        docs = await archive.find(query).lean();
      } else {
        docs = await hot.find(query).lean();
        if ((await archivedPages.exists({ _id: page })) !== null) {
          archived = Math.max(archived, page + 1);
          docs = await archive.find(query).lean();
        }
      }
      return docs.map(fromDoc).sort((a, b) => a.seq - b.seq);
    },

    /**
     * Copies a page to the archive (ordered: false, so copies left by an earlier,
     * interrupted run are skipped), marks it archived, then removes it from the hot log.
     * Every step can be repeated, so two overlapping runs do no harm. A page is moved
     * only once the next page has begun (no append can land in it any more) and its
     * newest event is older than `before`.
     */
    async upgradeLegacy() {
      // Once per database (a marker says it is done): one full read, never on a hot path.
      const upgrades = conn.db!.collection<{ _id: string; at: Date }>('audit_upgrades');
      if (await upgrades.findOne({ _id: 'pages' })) return 0;
      let upgraded = 0;
      for await (const doc of hot.collection.find({ page: { $exists: false } }, { projection: { seq: 1, at: 1 } })) {
        await hot.collection.updateOne({ _id: doc._id }, { $set: { page: pageOf(Number(doc.seq)), recorded_at: doc.at } });
        upgraded++;
      }
      await upgrades.insertOne({ _id: 'pages', at: new Date() }).catch((err: unknown) => {
        if (!isDuplicateKeyError(err)) throw err;
      });
      return upgraded;
    },

    async archive(before, maxPages) {
      let moved = 0;
      for (let page = await countArchived(); moved < maxPages; page++, moved++) {
        if (!(await inHot((page + 1) * EVENTS_PER_PAGE))) break;
        const docs = await hot.find({ page }).lean();
        if (docs.length === 0 || docs.some((d) => d.recorded_at >= before)) break;
        try {
          await archive.insertMany(docs, { ordered: false, lean: true });
        } catch (err) {
          if (!onlyDuplicates(err)) throw err;
        }
        try {
          await archivedPages.create({ _id: page, archived_at: new Date() });
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
        }
        await hot.deleteMany({ page });
        archived = Math.max(archived, page + 1);
      }
      return moved;
    },
  };
}

/** The filter's fields the database matches by equality (from/to are checked in memory). */
function plainFields(f: EventFilter): Record<string, unknown> {
  const q: Record<string, unknown> = {};
  if (f.actorId) q.actor_id = f.actorId;
  if (f.action) q.action = f.action;
  if (f.resourceType) q.resource_type = f.resourceType;
  if (f.resourceId) q.resource_id = f.resourceId;
  if (f.outcome) q.outcome = f.outcome;
  return q;
}

interface BulkWriteFailure {
  writeErrors?: { code?: number; index?: number; err?: { code?: number; index?: number } }[];
  result?: { insertedCount?: number };
  insertedDocs?: unknown[];
}

const isDuplicateWrite = (w: { code?: number; err?: { code?: number } }) => w.code === 11000 || w.err?.code === 11000;

function hasDuplicateWriteError(err: unknown): boolean {
  const writeErrors = (err as BulkWriteFailure | null)?.writeErrors;
  return Array.isArray(writeErrors) && writeErrors.some(isDuplicateWrite);
}

/** An unordered insert whose every failure was a duplicate key. */
function onlyDuplicates(err: unknown): boolean {
  const writeErrors = (err as BulkWriteFailure | null)?.writeErrors;
  return Array.isArray(writeErrors) && writeErrors.length > 0 ? writeErrors.every(isDuplicateWrite) : isDuplicateKeyError(err);
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

function toDoc(e: ChainedEvent, recordedAt: Date): EventDoc {
  const { id, ...fields } = flatten(e);
  return { _id: id, ...fields, page: pageOf(e.seq), recorded_at: recordedAt, hash: e.hash };
}

/**
 * A stored row back to an event, as it is: a row altered outside the service must
 * still be readable (and then fail verification), so nothing here throws.
 */
function fromDoc(d: EventDoc): ChainedEvent {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a row altered outside the service may hold anything; it is read as text
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
