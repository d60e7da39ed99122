import type { ChainedEvent, ChainHead, EventFilter } from './event.js';

/** Another writer took the id or the seq first (a unique index said no). */
export class AppendConflictError extends Error {
  constructor(
    /** How many of the events, in order, went in before the conflict, when the database said. */
    readonly inserted?: number,
  ) {
    super('An event with this id or seq already exists');
    this.name = 'AppendConflictError';
  }
}

/** What the use-cases need from storage; implemented over MongoDB in src/store. */
export interface EventStore {
  /** The last event of the chain, or GENESIS when the log is empty. */
  head(): Promise<ChainHead>;
  /** Stored hash by id, for those of `ids` that are already in the log. */
  hashesOf(ids: string[]): Promise<Map<string, string>>;
  /** Inserts in order, stopping at the first conflict (AppendConflictError). */
  insertInOrder(events: ChainedEvent[]): Promise<void>;
  findById(id: string): Promise<ChainedEvent | null>;
  findBySeq(seq: number): Promise<ChainedEvent | null>;
  /** Newest first, `limit` events with seq below `beforeSeq` when given. */
  newestFirst(filter: EventFilter, limit: number, beforeSeq?: number): Promise<ChainedEvent[]>;
  /** Lowest and highest seq among events whose `at` lies in [from, to]. */
  seqSpan(from?: Date, to?: Date): Promise<{ min: number; max: number } | null>;
  /** Events with seq in [fromSeq, toSeq] in seq order, read through a cursor. */
  walk(fromSeq: number, toSeq?: number): AsyncIterable<ChainedEvent>;
  /** Matching events oldest first, read through a cursor. */
  stream(filter: EventFilter): AsyncIterable<ChainedEvent>;
}
