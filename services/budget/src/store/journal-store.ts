import mongoose, { type Connection, type mongo } from 'mongoose';
import { isDuplicateKeyError } from '@tollgate/platform';
import type { JournalEntry, JournalRepository } from '../domain/repositories.js';

const { MongoBulkWriteError, BSON, Binary } = mongoose.mongo;

type Document = mongo.Document;

/** Entries read at once when walking a whole journal. */
const READ_BATCH = 32;
type Keyed = Document & { _id: string };

/** `<agent>:<seq>`, the seq zero-padded so that one agent's keys also sort in seq order. */
export const entryKey = (agentId: string, seq: number) => `${agentId}:${String(seq).padStart(12, '0')}`;

/**
 * The budget journal, written with the driver directly. The `_id` (agent, seq) is the
 * commit point: inserting an entry whose seq another writer already took fails with a
 * duplicate key, on MongoDB and on FerretDB alike. Every read is by `_id`, so `_id` is
 * the only index (each index is paid for by every insert). An entry's scalars are fields of
 * its document; its nested parts (ops, the day's totals, the snapshot) are one BSON blob,
 * `body`: nothing queries inside them, and FerretDB turning each nested field into its own
 * JSON cost a third of an insert's database CPU.
 * `budgets` keeps one small document per agent: when it was created and a hint of its
 * head (refreshed every few entries; it may lag or even go back, never past the head).
 */
export class JournalStore implements JournalRepository {
  readonly entriesCollection: mongo.Collection<Keyed>;
  readonly heads: mongo.Collection<Keyed>;
  /** Entries past the hot period, moved here whole; `budget_archive_marks` says per agent how far (only the archiver writes it). */
  readonly archived: mongo.Collection<Keyed>;
  readonly marks: mongo.Collection<Keyed>;

  constructor(conn: Connection) {
    this.entriesCollection = conn.db!.collection<Keyed>('budget_journal');
    this.heads = conn.db!.collection<Keyed>('budgets');
    this.archived = conn.db!.collection<Keyed>('budget_journal_archive');
    this.marks = conn.db!.collection<Keyed>('budget_archive_marks');
  }

  async create(entry: JournalEntry): Promise<void> {
    let taken: Error | undefined;
    await this.entriesCollection.insertOne(toDoc(entry)).catch((err: unknown) => {
      if (!isDuplicateKeyError(err)) throw err;
      taken = err as Error;
    });
    // Also when the entry was there: its creator may have died before the hint, without which the journal is not found.
    await this.heads.insertOne({ _id: entry.agent_id, head_hint: entry.seq, created_at: entry.at }).catch((err: unknown) => {
      if (!isDuplicateKeyError(err)) throw err;
    });
    if (taken) throw taken;
  }

  async append(entries: JournalEntry[]): Promise<Set<string>> {
    try {
      // Unordered: one agent's collision must not keep the other agents' entries out.
      await this.entriesCollection.insertMany(entries.map(toDoc), { ordered: false });
      return new Set();
    } catch (err) {
      const failed = err instanceof MongoBulkWriteError ? err.writeErrors : [];
      const writeErrors = Array.isArray(failed) ? failed : [failed];
      if (writeErrors.length === 0 || !writeErrors.every(isDuplicateKeyError)) throw err;
      return new Set(writeErrors.map((e: mongo.WriteError) => entries[e.index].agent_id));
    }
  }

  async find(agentId: string, seq: number): Promise<JournalEntry | null> {
    const doc = await this.entriesCollection.findOne({ _id: entryKey(agentId, seq) });
    return doc ? entryOf(doc) : null;
  }

  async findAnywhere(agentId: string, seq: number): Promise<JournalEntry | null> {
    const _id = entryKey(agentId, seq);
    // Hot first; an entry moved meanwhile is in the archive by the time it left the hot journal.
    const doc = (await this.entriesCollection.findOne({ _id })) ?? (await this.archived.findOne({ _id }));
    return doc ? entryOf(doc) : null;
  }

  async hint(agentId: string): Promise<number> {
    const [doc, mark] = await Promise.all([this.heads.findOne({ _id: agentId }), this.marks.findOne({ _id: agentId })]);
    // Entries through the mark are archived: the head is past them whatever the hint says.
    return doc ? Math.max(Number(doc.head_hint), Number(mark?.through ?? 0)) : 0;
  }

  async archivedThrough(agentId: string): Promise<number> {
    const mark = await this.marks.findOne({ _id: agentId });
    return Number(mark?.through ?? 0);
  }

  async archive(agentId: string, entries: JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      await this.archived.insertMany(entries.map(toDoc), { ordered: false });
    } catch (err) {
      // Moved before by an archiver that did not finish: those copies are the same entries.
      const failed = err instanceof MongoBulkWriteError ? err.writeErrors : [];
      if (!(Array.isArray(failed) ? failed : [failed]).every(isDuplicateKeyError)) throw err;
    }
    const through = entries[entries.length - 1].seq;
    await this.marks.updateOne({ _id: agentId }, { $set: { through } }, { upsert: true });
    for (const entry of entries) await this.entriesCollection.deleteOne({ _id: entryKey(agentId, entry.seq) });
  }

  async *agentIds(): AsyncIterable<string> {
    for await (const doc of this.heads.find({}, { projection: { _id: 1 } })) yield doc._id;
  }

  async setHint(agentId: string, seq: number): Promise<void> {
    await this.heads.updateOne({ _id: agentId }, { $max: { head_hint: seq } });
  }

  async remove(agentId: string): Promise<void> {
    await this.heads.deleteOne({ _id: agentId });
    await this.marks.deleteOne({ _id: agentId });
    for (let seq = 1; (await this.entriesCollection.deleteOne({ _id: entryKey(agentId, seq) })).deletedCount === 1; seq++);
  }

  entries(agentId: string): AsyncIterable<JournalEntry> {
    return this.#walk(agentId, 1, 1);
  }

  entriesBackFrom(agentId: string, seq: number): AsyncIterable<JournalEntry> {
    return this.#walk(agentId, seq, -1);
  }

  /**
   * The agent's entries from seq `from` on, up (`step` 1) or down (-1), until one is missing or
   * seq 1 is passed. By key, a batch at a time: no index on agent_id, which would cost every insert
   * more than it saves here; a reader that stops early costs one batch, whatever the journal's length.
   */
  async *#walk(agentId: string, from: number, step: 1 | -1): AsyncIterable<JournalEntry> {
    for (let seq = from; seq >= 1; seq += step * READ_BATCH) {
      const seqs = Array.from({ length: READ_BATCH }, (_, i) => seq + step * i).filter((s) => s >= 1);
      for (const entry of await Promise.all(seqs.map((s) => this.findAnywhere(agentId, s)))) {
        if (!entry) return;
        yield entry;
      }
    }
  }
}

function toDoc(entry: JournalEntry): Keyed {
  const { agent_id, seq, at, day, limit, spent, held, ...nested } = entry;
  const body = new Binary(BSON.serialize(nested, { ignoreUndefined: true }));
  return { _id: entryKey(agent_id, seq), agent_id, seq, at, day, limit, spent, held, body };
}

/** A stored entry as the domain's: its body unpacked (entries written before bodies have their parts as fields). */
export function entryOf(doc: Document): JournalEntry {
  const { body, ...fields } = doc;
  const nested = body instanceof Binary ? BSON.deserialize(body.buffer.subarray(0, body.length())) : {};
  return fromDoc({ ...fields, ...nested }) as JournalEntry;
}

/** A stored document as the domain's plain object: no `_id`, every stored number a JS number. */
export function fromDoc(doc: Document): Document {
  const { _id, ...rest } = doc;
  return plain(rest) as Document;
}

function plain(value: unknown): unknown {
  if (value instanceof mongoose.mongo.Long) return value.toNumber();
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(plain);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}
