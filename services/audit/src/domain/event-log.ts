import { KeyedMutex, ServiceUnavailableError } from '@tollgate/platform';
import type { ChainedEvent, ChainHead, EventInput, RecordResult } from './event.js';
import { AppendConflictError, type EventStore } from './event-store.js';
import { link } from './hash-chain.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const CHAIN_KEY = 'chain';
/** Seqs lost to other replicas in a row before an append gives up (each retry waits a random while longer). */
const MAX_SEQ_CONFLICTS = 30;

export interface EventLogHooks {
  recorded?(e: ChainedEvent): void;
  duplicate?(id: string): void;
}

export interface EventLogOptions {
  /** How long a head this process wrote or read is appended to without asking the store (see EventStoreOptions.freshForMs). */
  freshForMs: number;
  /** Events whose `at` is before this instant may already be archived: their ids are looked up there first. */
  archivedBefore(): Date;
}

/**
 * The append side of the log. Appends run one at a time in this process (KeyedMutex, an
 * optimisation); across replicas the unique indexes on id and seq decide. A batch is
 * linked after the cached head and inserted in order at head+1, head+2, … with no read
 * first. When an insert collides, the event that failed is looked up by id: found, it
 * is a duplicate (the event id is the idempotency key, so a re-sent event is stored
 * once); not found, another replica took the seq, so the head is reloaded and the rest
 * is linked again. The seq insert is the chain's commit point: no two events can take
 * one seq, so the chain cannot fork.
 *
 * Idempotency spans the hot log, and the archive for events old enough to be there (by
 * their `at`, with the clock slack of freshForMs); so a re-send is stored once whenever
 * it comes, as long as emitters' clocks are within that slack of the audit service's.
 */
export class EventLog {
  private readonly mutex = new KeyedMutex();
  /** The head as this process last wrote or read it, and when. */
  private cached: { head: ChainHead; at: number } | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly opts: EventLogOptions,
    private readonly hooks: EventLogHooks = {},
  ) {}

  append(events: EventInput[]): Promise<RecordResult[]> {
    return this.mutex.run(CHAIN_KEY, () => this.appendSerialised(events));
  }

  private async appendSerialised(events: EventInput[]): Promise<RecordResult[]> {
    const duplicate = new Map<string, boolean>();
    // Only the first copy of an id within the batch counts.
    const seen = new Set<string>();
    const unique = events.filter((e) => !seen.has(e.id) && seen.add(e.id));
    const archivedBefore = this.opts.archivedBefore();
    const old = unique.filter((e) => e.at < archivedBefore).map((e) => e.id);
    if (old.length > 0) for (const id of await this.store.archivedIds(old)) duplicate.set(id, true);
    let pending = unique.filter((e) => !duplicate.has(e.id));

    for (let conflicts = 0; pending.length > 0;) {
      const head = await this.head();
      const chained: ChainedEvent[] = [];
      for (const e of pending) chained.push(link(chained.at(-1) ?? head, e));
      try {
        await this.store.insertInOrder(chained);
      } catch (err) {
        if (!(err instanceof AppendConflictError)) {
          this.cached = undefined;
          throw err;
        }
        const settled = await this.settleConflict(chained, pending, err.inserted, duplicate);
        pending = settled.pending;
        if (!settled.seqTaken) continue;
        if (++conflicts > MAX_SEQ_CONFLICTS) throw new ServiceUnavailableError('The audit log is busy, try again shortly');
        // Let the replica that is appending finish its batch, so the two do not keep colliding.
        await sleep(Math.random() * Math.min(50, 2 ** conflicts));
        continue;
      }
      this.remember(chained.at(-1)!);
      for (const c of chained) this.stored(c, duplicate);
      pending = [];
    }

    const answered = new Set<string>();
    return events.map((e) => {
      const isDuplicate = answered.has(e.id) || duplicate.get(e.id) === true;
      answered.add(e.id);
      if (isDuplicate) this.hooks.duplicate?.(e.id);
      return { id: e.id, duplicate: isDuplicate };
    });
  }

  /**
   * After a conflict: the first `inserted` events went in (when the database did not
   * say how many, an event stored under its id with exactly our hash is ours). The one
   * after them collided on its id (a duplicate, dropped) or on its seq (the head moved:
   * reload it from that seq). Returns the events still to append, and whether the
   * seq was taken.
   */
  private async settleConflict(
    chained: ChainedEvent[],
    pending: EventInput[],
    inserted: number | undefined,
    duplicate: Map<string, boolean>,
  ): Promise<{ pending: EventInput[]; seqTaken: boolean }> {
    let ours = inserted ?? 0;
    if (inserted === undefined)
      while (ours < chained.length && (await this.store.findById(chained[ours].id))?.hash === chained[ours].hash) ours++;
    for (const c of chained.slice(0, ours)) this.stored(c, duplicate);
    if (ours > 0) this.remember(chained[ours - 1]);
    const failed = chained[ours];
    if (!failed) return { pending: [], seqTaken: false };
    if (await this.store.findById(failed.id)) {
      duplicate.set(failed.id, true);
      return { pending: pending.slice(ours + 1), seqTaken: false };
    }
    this.cached = { head: await this.store.head(failed.seq), at: Date.now() };
    return { pending: pending.slice(ours), seqTaken: true };
  }

  private async head(): Promise<ChainHead> {
    if (this.cached && Date.now() - this.cached.at < this.opts.freshForMs) return this.cached.head;
    const head = await this.store.head();
    this.cached = { head, at: Date.now() };
    return head;
  }

  private remember(last: ChainedEvent) {
    this.cached = { head: { seq: last.seq, hash: last.hash }, at: Date.now() };
  }

  private stored(c: ChainedEvent, duplicate: Map<string, boolean>) {
    duplicate.set(c.id, false);
    this.hooks.recorded?.(c);
  }
}
