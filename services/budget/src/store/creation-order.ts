import type { Connection, mongo } from 'mongoose';
import { findLast, isDuplicateKeyError, KeyedMutex } from '@tollgate/platform';

/** What `create` needs of a mongoose model. */
interface RecordModel {
  create(doc: object): Promise<unknown>;
  exists(filter: { _id: string }): PromiseLike<unknown>;
}

/**
 * The order in which records of a collection were created: a unique `seq` (gaps allowed)
 * and `page = floor(seq / pageSize)`, so a list reads one page per equality query and its
 * cost does not grow with the collection. Inserting a record with seq n is the commit point
 * of "n-th": of two creations racing for n (on any replicas), the loser takes the next one.
 * The collection needs `{ seq: 1 }` unique (sparse, for records stored before they had one)
 * and `{ page: 1 }`.
 */
export class CreationOrder {
  /** The highest seq this process has seen taken: where the search for the next one starts. */
  #seen = 0;
  readonly #serial = new KeyedMutex();
  readonly #records: mongo.Collection<{ _id: string }>;
  readonly #upgrades: mongo.Collection<{ _id: string; at: Date }>;

  constructor(
    conn: Connection,
    collection: string,
    readonly pageSize = 100,
  ) {
    this.#records = conn.db!.collection(collection);
    // One marker per upgrade done (by name), in the service's database.
    this.#upgrades = conn.db!.collection('upgrades');
  }

  pageOf(seq: number): number {
    return Math.floor(seq / this.pageSize);
  }

  /**
   * Up to `limit` results of the records after `afterSeq`, in creation order, that `keep` turns
   * into one (undefined: skipped): page by page from the cursor, each page one equality read
   * (`readPage`), ordered in memory.
   */
  async after<D extends { seq: number }, R>(
    afterSeq: number,
    limit: number,
    readPage: (page: number) => Promise<D[]>,
    keep: (doc: D) => R | undefined,
  ): Promise<R[]> {
    const last = await this.last();
    const found: R[] = [];
    for (let page = this.pageOf(afterSeq + 1); page <= this.pageOf(last) && found.length < limit; page++) {
      for (const doc of (await readPage(page)).filter((d) => d.seq > afterSeq).sort((a, b) => a.seq - b.seq)) {
        const kept = keep(doc);
        if (kept !== undefined) found.push(kept);
      }
    }
    return found.slice(0, limit);
  }

  /** The last seq taken. */
  last(from = this.#seen): Promise<number> {
    return findLast(from, async (n) => (await this.#records.findOne({ seq: n }, { projection: { _id: 1 } })) !== null);
  }

  /** Stores `record` as `{ _id: id, …, seq, page }` with the next free seq, and returns it with that seq. */
  create<R extends { id: string }>(model: RecordModel, record: R): Promise<R & { seq: number }> {
    const { id, ...rest } = record;
    return this.take(
      async (seq, page) => {
        await model.create({ _id: id, ...rest, seq, page });
        return { ...record, seq };
      },
      async () => (await model.exists({ _id: id })) !== null,
    );
  }

  /**
   * Runs `write(seq, page)` with the next free seq until it stores; a duplicate key on the
   * record's own id is rethrown. One at a time in this process (creations here would only
   * race each other for the same seq); across replicas the unique insert decides.
   */
  take<T>(write: (seq: number, page: number) => Promise<T>, ownIdTaken: () => Promise<boolean>): Promise<T> {
    return this.#serial.run('take', () => this.#take(write, ownIdTaken));
  }

  async #take<T>(write: (seq: number, page: number) => Promise<T>, ownIdTaken: () => Promise<boolean>): Promise<T> {
    for (let seq = (await this.last()) + 1; ; seq = (await this.last(seq)) + 1) {
      try {
        const written = await write(seq, this.pageOf(seq));
        this.#seen = Math.max(this.#seen, seq);
        return written;
      } catch (err) {
        if (!isDuplicateKeyError(err) || (await ownIdTaken())) throw err;
      }
    }
  }

  /**
   * Records stored before they had a seq get one, in `_id` order (once per database: the
   * marker `marker` says it is done; one full read, at start-up). Two replicas doing it at
   * once may give a record two seqs in turn: the last one stays and the other is a gap.
   */
  async upgradeLegacy(marker: string): Promise<number> {
    if (await this.#upgrades.findOne({ _id: marker })) return 0;
    const legacy = await this.#records.find({ seq: { $exists: false } }, { projection: { _id: 1 } }).toArray();
    legacy.sort((a, b) => (a._id < b._id ? -1 : 1));
    for (const { _id } of legacy) {
      await this.take(
        (seq, page) => this.#records.updateOne({ _id }, { $set: { seq, page } }),
        async () => false,
      );
    }
    await this.#upgrades.insertOne({ _id: marker, at: new Date() }).catch((err: unknown) => {
      if (!isDuplicateKeyError(err)) throw err;
    });
    return legacy.length;
  }
}
