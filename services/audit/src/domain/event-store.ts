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

/**
 * What the use-cases need from storage; implemented over MongoDB in src/store. Events
 * live in a hot log and, pages older than the hot period, in an archive; every read
 * here sees both.
 */
export interface EventStore {
  /**
   * The last event of the chain, or GENESIS when the log is empty, found by seq lookups
   * from the last seq this store saw. `known`: a seq just seen to exist in the hot log.
   */
  head(known?: number): Promise<ChainHead>;
  /** Inserts in order into the hot log, stopping at the first conflict (AppendConflictError). */
  insertInOrder(events: ChainedEvent[]): Promise<void>;
  findById(id: string): Promise<ChainedEvent | null>;
  findBySeq(seq: number): Promise<ChainedEvent | null>;
  /** Which of `ids` are in the archive (one lookup each). */
  archivedIds(ids: string[]): Promise<Set<string>>;
  /** The events of one page (see pageOf) matching the filter's plain fields, in seq order. */
  page(page: number, filter: EventFilter): Promise<ChainedEvent[]>;
  /** Gives events stored before pages existed their page and recorded_at (once per database); returns how many. */
  upgradeLegacy(): Promise<number>;
  /**
   * Moves up to `maxPages` of the oldest pages whose events were all stored before
   * `before` from the hot log to the archive; returns how many it moved.
   */
  archive(before: Date, maxPages: number): Promise<number>;
}
