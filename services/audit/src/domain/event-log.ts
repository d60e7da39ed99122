import { KeyedMutex, ServiceUnavailableError } from '@tollgate/platform';
import type { ChainedEvent, ChainHead, EventInput, RecordResult } from './event.js';
import { AppendConflictError, type EventStore } from './event-store.js';
import { link } from './hash-chain.js';

const CHAIN_KEY = 'chain';
const MAX_CONFLICT_RETRIES = 20;

export interface EventLogHooks {
  recorded?(e: ChainedEvent): void;
  duplicate?(id: string): void;
}

/**
 * The append side of the log. Appends run one at a time in this process (KeyedMutex);
 * across replicas the unique indexes on id and seq decide: a writer that loses the
 * race on a seq reloads the head and links again, one that loses on an id reports a
 * duplicate. The event id is the idempotency key, so a re-sent batch is stored once.
 */
export class EventLog {
  private readonly mutex = new KeyedMutex();
  /** The head as this process last wrote or read it; undefined means "ask the store". */
  private head: ChainHead | undefined;

  constructor(
    private readonly store: EventStore,
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
    const already = await this.store.hashesOf(unique.map((e) => e.id));
    let pending = unique.filter((e) => !already.has(e.id));
    for (const id of already.keys()) duplicate.set(id, true);

    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > MAX_CONFLICT_RETRIES) throw new ServiceUnavailableError('The audit log is busy, try again shortly');
      const head = (this.head ??= await this.store.head());
      const chained: ChainedEvent[] = [];
      for (const e of pending) chained.push(link(chained.at(-1) ?? head, e));
      try {
        await this.store.insertInOrder(chained);
        this.head = chained.at(-1);
        for (const c of chained) this.stored(c, duplicate);
        pending = [];
      } catch (err) {
        this.head = undefined;
        if (!(err instanceof AppendConflictError)) throw err;
        pending = await this.settleConflict(chained, pending, err.inserted, duplicate);
      }
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
   * After a conflict: the first `inserted` events are ours (the database said how many
   * went in). The rest are either stored by another writer meanwhile (a duplicate) or
   * still to be appended. Without a count, an event stored with exactly our hash is
   * taken as ours.
   */
  private async settleConflict(
    chained: ChainedEvent[],
    pending: EventInput[],
    inserted: number | undefined,
    duplicate: Map<string, boolean>,
  ): Promise<EventInput[]> {
    const now = await this.store.hashesOf(pending.map((e) => e.id));
    const left: EventInput[] = [];
    chained.forEach((c, i) => {
      const storedHash = now.get(c.id);
      const ours = inserted === undefined ? storedHash === c.hash : i < inserted;
      if (ours) this.stored(c, duplicate);
      else if (storedHash !== undefined) duplicate.set(c.id, true);
      else left.push(pending[i]);
    });
    return left;
  }

  private stored(c: ChainedEvent, duplicate: Map<string, boolean>) {
    duplicate.set(c.id, false);
    this.hooks.recorded?.(c);
  }
}
