import mongoose, { type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { PeriodLeader } from './leadership.js';
import { isDuplicateKeyError } from './mongo.js';
import { outboxModels, type OutboxDoc } from './outbox-store.js';

/** Width of an outbox bucket. */
const BUCKET_MS = 10_000;
/**
 * How late a document may land in a bucket after the bucket's end: an emitter's clock
 * behind the relay's, or a slow insert. A bucket is closed once its end is this far in
 * the past, and only closed buckets are passed by the low-water mark.
 */
const CLOSE_AFTER_MS = 60_000;

const bucketOf = (ms: number) => Math.floor(ms / BUCKET_MS);

/** Where an outbox delivers. */
export interface OutboxSink<T> {
  /** Delivers a batch, in order; throwing leaves the whole batch queued, to be tried again with backoff. */
  deliver(batch: T[]): Promise<void>;
  /** The error means the item can never be delivered (tried alone): it is set aside in `<name>_dead`, the rest go on. */
  refused(err: unknown): boolean;
  /** What the log says about an item set aside. */
  describe(item: T): Record<string, unknown>;
}

export interface Outbox<T> {
  /** Durably queues `item` under `id` (its idempotency key) in this service's database; returns once it is stored. */
  add(id: string, item: T): Promise<void>;
  /** Delivers what is queued now if this replica leads the relay (also runs on a timer). Resolves when the attempt ends. */
  flush(): Promise<void>;
  /** Stop the timer and make one last delivery attempt. */
  stop(): Promise<void>;
  pending(): Promise<number>;
}

export interface OutboxOptions<T> {
  conn: Connection;
  /** Its collection (`<name>`, with `<name>_dead` and `<name>_mark` beside it), e.g. audit_outbox. */
  name: string;
  sink: OutboxSink<T>;
  log: Logger;
  /** How often the relay looks for events to deliver while it finds some (default 500 ms). */
  intervalMs?: number;
  /**
   * The longest it waits between looks while it finds none (default 5 s): each empty look
   * doubles the wait up to this. Events this replica emits are delivered at once whatever the
   * wait; only other replicas' (and undelivered leftovers) wait for a look.
   */
  idleIntervalMs?: number;
  batchSize?: number;
  /** How long one replica leads the relay before the lead is decided again. */
  leaderPeriodMs?: number;
  /** Where the relay reports its backlog (outbox_depth, outbox_oldest_age_seconds). */
  registry?: Registry;
}

/** What the relay left undelivered at its last look: how many items, and since when the oldest waits (ms). */
interface Backlog {
  depth: number;
  oldestAt: number | null;
}

/** Each registry's outboxes and how to read their backlogs; its two gauges are made with its first outbox. */
const backlogReaders = new WeakMap<Registry, Map<string, () => Backlog | null>>();

/**
 * Reports an outbox's backlog as the relay last saw it, read at scrape time from memory: no query
 * per scrape. Only the replica leading the relay reports (null elsewhere), so the series of a
 * service's replicas add up.
 */
function reportBacklog(registry: Registry, outbox: string, read: () => Backlog | null): void {
  let readers = backlogReaders.get(registry);
  if (!readers) {
    const outboxes = new Map<string, () => Backlog | null>();
    readers = outboxes;
    backlogReaders.set(registry, outboxes);
    const each = (gauge: Gauge<'outbox'>, value: (b: Backlog) => number) => {
      gauge.reset();
      for (const [name, backlog] of outboxes) {
        const b = backlog();
        if (b) gauge.set({ outbox: name }, value(b));
      }
    };
    new Gauge({
      name: 'outbox_depth',
      help: "Items the outbox relay's last look left undelivered (0 once it caught up; while the sink fails, those of the first failing bucket). Reported by the leading replica",
      labelNames: ['outbox'],
      registers: [registry],
      collect() {
        each(this, (b) => b.depth);
      },
    });
    new Gauge({
      name: 'outbox_oldest_age_seconds',
      help: 'How long the oldest item the relay left undelivered has waited (0 when none). Reported by the leading replica',
      labelNames: ['outbox'],
      registers: [registry],
      collect() {
        const now = Date.now();
        each(this, (b) => (b.oldestAt === null ? 0 : (now - b.oldestAt) / 1000));
      },
    });
  }
  readers.set(outbox, read);
}

/**
 * A durable outbox: items go to a collection in the service's own database, and a relay
 * hands them to the sink, oldest bucket first, deleting each batch once delivered. A sink
 * that is down (it throws) delays delivery, with backoff, and loses nothing; an item it
 * refuses for good is set aside in `<name>_dead` so that it never blocks the rest. Delivery
 * is at least once: a batch delivered just before a crash is delivered again, so sinks use
 * the item's id as an idempotency key where they can (audit stores an event id once).
 *
 * One replica per service database relays at a time: the one whose PeriodLeader insert
 * (`<name>:<period>`, a unique key) won the current period. Periods can overlap a little (a
 * leader finishing its batch while the next one starts); then both may deliver the same
 * items. The leader also delivers at once when it adds (the bucket it wrote to, not the
 * whole walk); other replicas' items wait for its timer, which slows down to
 * `idleIntervalMs` while it finds nothing (an idle service then reads its outbox a few
 * times a minute, not twice a second).
 */
export function createOutbox<T>(opts: OutboxOptions<T>): Outbox<T> {
  const { outbox: model, deadLetters, marks } = outboxModels(opts.conn, opts.name);
  const leader = new PeriodLeader(opts.conn, opts.name.replace(/_/g, '-'), opts.leaderPeriodMs ?? 5_000);
  const interval = opts.intervalMs ?? 500;
  const idleInterval = Math.max(interval, opts.idleIntervalMs ?? 5_000);
  const batchSize = opts.batchSize ?? 100;
  let backoff = 0;
  /** The timer's next wait: `interval` while looks find events, doubling up to `idleInterval` while they find none. */
  let wait = interval;
  /** Buckets this replica emitted into since a delivery last read them. */
  const emitted = new Set<number>();
  let running: Promise<void> | null = null;
  /** A delivery asked for while one runs: it runs next (a whole walk if any asker wanted one). */
  let queued: { walk: boolean; done: Promise<void> } | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let ready: Promise<void> | undefined;
  /** The backlog as this replica's last delivery left it (null while another replica leads). */
  let backlog: Backlog | null = null;
  /** The items of the batch a failing delivery stopped at, and those after it in its bucket. */
  let stuck: OutboxDoc[] = [];
  if (opts.registry) reportBacklog(opts.registry, opts.name, () => backlog);

  /**
   * Creates the low-water mark once per database, just behind the first emitter's clock.
   * Documents queued by a version without buckets get one first, and the mark starts at
   * the oldest of them (this reads the whole outbox once, when the mark is created).
   */
  async function prepare(): Promise<void> {
    if (await marks.exists({ _id: 'low' })) return;
    let low = bucketOf(Date.now() - CLOSE_AFTER_MS);
    // trusted(): our own operator, exempt from the sanitizeFilter injection guard.
    for (const d of await model.find({ bucket: mongoose.trusted({ $exists: false }) }, { created_at: 1 }).lean()) {
      const bucket = bucketOf(d.created_at.getTime());
      await model.updateOne({ _id: d._id }, { $set: { bucket } });
      low = Math.min(low, bucket);
    }
    await ignoreDuplicate(marks.create({ _id: 'low', bucket: low }));
  }

  function whenReady(): Promise<void> {
    ready ??= prepare().catch((err: unknown) => {
      ready = undefined;
      throw err;
    });
    return ready;
  }

  /**
   * Walks the buckets from the low-water mark to now, delivering each, and moves the mark
   * past the buckets that were closed before they were read (nothing can land in them
   * any more). Every mark written is safe, so a write lost to an overlapping leader only
   * makes the next walk start lower. Without `walk`, delivers only the buckets this replica
   * emitted into. Returns how many events it found, or null when another replica leads (its
   * walks deliver this replica's events too).
   */
  async function deliver(walk: boolean): Promise<number | null> {
    const mine = [...emitted];
    emitted.clear();
    if (!(await leader.leads())) return null;
    await whenReady();
    if (!walk) {
      let found = 0;
      for (const b of mine) found += await deliverBucket(b);
      return found;
    }
    const mark = await marks.findById('low').lean();
    const now = Date.now();
    const start = mark?.bucket ?? bucketOf(now - CLOSE_AFTER_MS);
    let low = start;
    let found = 0;
    for (let b = start; b <= bucketOf(now); b++) {
      found += await deliverBucket(b);
      if (b === low && (b + 1) * BUCKET_MS + CLOSE_AFTER_MS <= now) low = b + 1;
    }
    if (low !== start) await marks.updateOne({ _id: 'low' }, { $set: { bucket: low } });
    return found;
  }

  /** Delivers one bucket's events; returns how many it found. */
  async function deliverBucket(bucket: number): Promise<number> {
    const queued = await model.find({ bucket }).lean();
    queued.sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || (a._id < b._id ? -1 : 1));
    for (let i = 0; i < queued.length; i += batchSize) {
      const batch = queued.slice(i, i + batchSize);
      try {
        await opts.sink.deliver(batch.map((d) => d.event as T));
      } catch (err) {
        // A batch the sink refuses would otherwise block the outbox forever: find the
        // refused items one by one and set them aside, deliver the rest.
        if (!opts.sink.refused(err)) {
          stuck = queued.slice(i);
          throw err;
        }
        await deliverOneByOne(batch);
        continue;
      }
      // The bucket equality keeps the delete to this bucket's rows; trusted() as above.
      await model.deleteMany({ bucket, _id: mongoose.trusted({ $in: batch.map((d) => d._id) }) });
    }
    return queued.length;
  }

  async function deliverOneByOne(batch: OutboxDoc[]): Promise<void> {
    for (const doc of batch) {
      try {
        await opts.sink.deliver([doc.event as T]);
        await model.deleteOne({ _id: doc._id });
      } catch (err) {
        if (!opts.sink.refused(err)) throw err;
        const reason = err instanceof Error ? err.message : String(err);
        // Two overlapping leaders may both set the same item aside.
        await ignoreDuplicate(
          deadLetters.create({ _id: doc._id, event: doc.event, created_at: doc.created_at, error: reason, failed_at: new Date() }),
        );
        await model.deleteOne({ _id: doc._id });
        opts.log.error(
          { id: doc._id, ...opts.sink.describe(doc.event as T), err: reason },
          `${opts.name}: refused for good; moved to ${opts.name}_dead`,
        );
      }
    }
  }

  /** Delivers: the whole walk (`walk`), or only the buckets this replica emitted into. A delivery asked for while one runs runs next. */
  function flush(walk = true): Promise<void> {
    if (!running) return run(walk);
    if (queued) {
      queued.walk ||= walk;
      return queued.done;
    }
    const next: { walk: boolean; done: Promise<void> } = {
      walk,
      done: running.then(() => {
        queued = null;
        return run(next.walk);
      }),
    };
    queued = next;
    return next.done;
  }

  function run(walk: boolean): Promise<void> {
    stuck = [];
    const current = deliver(walk)
      .then((found) => {
        backoff = 0;
        // A whole walk delivered everything it found; a look at this replica's own buckets says nothing of the rest.
        if (found === null) backlog = null;
        else if (walk) backlog = { depth: 0, oldestAt: null };
        // Only the leader's empty walks slow it down; a replica that does not lead checks often (from memory) whether it leads now.
        if (walk) wait = found === null || found > 0 ? interval : Math.min(wait * 2, idleInterval);
      })
      .catch((err: unknown) => {
        if (stuck.length > 0) backlog = { depth: stuck.length, oldestAt: Math.min(...stuck.map((d) => d.created_at.getTime())) };
        backoff = Math.min(backoff ? backoff * 2 : 250, 5_000);
        opts.log.warn({ err: (err as Error).message, retry_in_ms: backoff }, `${opts.name}: delivery failed, will retry`);
      })
      .finally(() => {
        if (running === current) running = null;
      });
    running = current;
    return current;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      void flush().finally(schedule);
    }, wait + backoff);
    timer.unref();
  }
  schedule();

  return {
    async add(id, item) {
      await whenReady();
      const createdAt = new Date();
      const bucket = bucketOf(createdAt.getTime());
      await model.create({ _id: id, event: item, created_at: createdAt, bucket });
      emitted.add(bucket);
      // Busy again: the timer looks often until its looks find nothing.
      wait = interval;
      if (backoff === 0) void flush(false);
    },
    flush,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await flush();
    },
    pending: () => model.countDocuments({}),
  };
}

async function ignoreDuplicate(insert: Promise<unknown>): Promise<void> {
  try {
    await insert;
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
}
