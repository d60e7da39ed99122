import type { Connection, mongo } from 'mongoose';
import { isDuplicateKeyError } from './mongo.js';
import { findLast } from './sequence.js';

/** Lookups in flight at once when a range of entries is read. */
const READ_BATCH = 64;

/**
 * An append-only log keyed 1, 2, 3, … (`_id`) that every replica appends to and follows.
 * An entry's insert is its commit point: of writers racing for number n exactly one
 * inserts it, the others get a duplicate key. Writers only ever insert right after the last
 * entry they found, so the log has no gaps, and readers follow it by key lookups alone —
 * one lookup when nothing changed — on any database.
 */
export class NumberedLog<T extends object> {
  readonly #collection: mongo.Collection<{ _id: number }>;
  /** A number known to be taken: where the next search for the end starts. */
  #known = 0;

  constructor(conn: Connection, collection: string) {
    this.#collection = conn.db!.collection<{ _id: number }>(collection);
  }

  /** The number of the last entry (0: none yet). */
  async last(): Promise<number> {
    this.#known = await findLast(
      this.#known,
      async (n) => (await this.#collection.findOne({ _id: n }, { projection: { _id: 1 } })) !== null,
    );
    return this.#known;
  }

  /**
   * Takes number `n` for `entry`: n must be one past the last entry the caller found.
   * False when another writer took it first.
   */
  async insert(n: number, entry: T): Promise<boolean> {
    try {
      await this.#collection.insertOne({ ...(entry as mongo.Document), _id: n });
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
    this.#known = Math.max(this.#known, n);
    return true;
  }

  /** Appends `entry` at the next free number, and returns that number. */
  async append(entry: T): Promise<number> {
    for (;;) {
      const n = (await this.last()) + 1;
      if (await this.insert(n, entry)) return n;
    }
  }

  /** The entries numbered `from` to `to` (at most the last), in order. */
  async read(from: number, to: number): Promise<T[]> {
    const entries: T[] = [];
    for (let start = from; start <= to; start += READ_BATCH) {
      const numbers = Array.from({ length: Math.min(READ_BATCH, to - start + 1) }, (_, i) => start + i);
      const docs = await Promise.all(numbers.map((n) => this.#collection.findOne({ _id: n })));
      for (const [i, doc] of docs.entries()) {
        if (!doc) throw new Error(`${this.#collection.collectionName}: entry ${numbers[i]} is missing`);
        const { _id, ...entry } = doc;
        entries.push(entry as unknown as T);
      }
    }
    return entries;
  }
}
