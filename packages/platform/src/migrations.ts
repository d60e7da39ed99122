import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection, mongo } from 'mongoose';
import type { Logger } from 'pino';
import { parseConfig, serviceBaseSchema } from './config.js';
import { createLogger } from './logger.js';
import { connectMongo, databaseName, isDuplicateKeyError } from './mongo.js';

/**
 * One step of a service's database (its indexes or the shape of its data), forward and
 * back. Both directions must be safe to run again after a partial run: a step that fails
 * is not recorded, and the next run starts it over.
 */
export interface Migration {
  /** 1, 2, 3, …: the order steps run in, and what the database records once one is applied. */
  version: number;
  name: string;
  up(db: mongo.Db): Promise<void>;
  down(db: mongo.Db): Promise<void>;
}

export interface MigrationState {
  version: number;
  name: string;
  /** Unset: pending. */
  appliedAt?: Date;
}

/** The database records a migration this build does not have: running on it could corrupt data. */
export class DatabaseTooNewError extends Error {
  constructor(service: string, database: number, known: number) {
    super(
      `${service}: the database is at migration ${database} but this build knows only up to ${known}; ` +
        `run a build that knows migration ${database}, or revert it with that build (migrate down)`,
    );
    this.name = 'DatabaseTooNewError';
  }
}

/** A stalled runner whose lock expired and was taken by another: it stops before its next write. */
export class MigrationLockLostError extends Error {
  constructor() {
    super('lost the migration lock to another runner (this one stalled past its expiry)');
    this.name = 'MigrationLockLostError';
  }
}

/** `_id`: the version. Inserting it is the commit point of a step; deleting it, of its revert. */
interface AppliedDoc {
  _id: number;
  name: string;
  applied_at: Date;
}

/** `_id`: the n-th time the lock was taken. Only its holder ever writes a document. */
interface LockDoc {
  _id: number;
  owner: string;
  expires_at: Date;
  released?: boolean;
}

/**
 * Lets one runner at a time migrate a database, on any database we support (FerretDB has
 * no atomic findAndModify and no TTL indexes). Taking the lock is inserting the number
 * after the latest one, allowed once that holder released it or let it expire: `_id` is
 * unique, so of runners racing for a number exactly one inserts it. The holder pushes its
 * expiry forward while it works; one that stalls past it loses to the next number and
 * learns so at its next check. Numbers below the holder's are deleted, so a runner acting
 * on an old view may insert a freed one: it checks that its number is the latest.
 */
class MigrationLock {
  readonly #owner = randomBytes(8).toString('hex');
  #number = 0;
  #refresher: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> = Promise.resolve();
  #lost = false;

  constructor(
    private readonly collection: mongo.Collection<LockDoc>,
    private readonly ttlMs: number,
    private readonly pollMs: number,
  ) {}

  async acquire(): Promise<void> {
    for (;;) {
      const latest = await this.#latest();
      if (latest && !latest.released && latest.expires_at.getTime() > Date.now()) {
        await sleep(this.pollMs);
        continue;
      }
      const n = (latest?._id ?? 0) + 1;
      try {
        await this.collection.insertOne({ _id: n, owner: this.#owner, expires_at: new Date(Date.now() + this.ttlMs) });
      } catch (err) {
        if (isDuplicateKeyError(err)) continue;
        throw err;
      }
      if ((await this.#latest())?._id !== n) {
        await this.collection.deleteOne({ _id: n, owner: this.#owner });
        continue;
      }
      this.#number = n;
      await this.collection.deleteMany({ _id: { $lt: n } });
      this.#refresher = setInterval(() => {
        this.#refreshing = this.#refresh();
      }, this.ttlMs / 3);
      return;
    }
  }

  /** Throws unless this runner still holds the lock. */
  async check(): Promise<void> {
    await this.#refreshing;
    if (this.#lost || (await this.#latest())?._id !== this.#number) throw new MigrationLockLostError();
  }

  async release(): Promise<void> {
    clearInterval(this.#refresher);
    await this.#refreshing;
    await this.collection.updateOne({ _id: this.#number, owner: this.#owner }, { $set: { released: true } });
  }

  async #refresh(): Promise<void> {
    try {
      const { matchedCount } = await this.collection.updateOne(
        { _id: this.#number, owner: this.#owner },
        { $set: { expires_at: new Date(Date.now() + this.ttlMs) } },
      );
      if (matchedCount === 0) this.#lost = true;
    } catch {
      // A missed refresh is harmless while the expiry is still ahead; check() finds out otherwise.
    }
  }

  #latest(): Promise<LockDoc | null> {
    return this.collection.find().sort({ _id: -1 }).limit(1).next();
  }
}

export interface MigratorOptions {
  /** The service whose database this is (for messages). */
  service: string;
  conn: Connection;
  migrations: readonly Migration[];
  log: Logger;
  /** How long a lock outlives a runner that stopped refreshing it. */
  lockTtlMs?: number;
  /** How often a runner waiting for the lock looks again. */
  pollMs?: number;
}

/**
 * Runs a service's migrations against its database, in version order, one runner at a
 * time (replicas starting together, a deploy job). The `migrations` collection holds one
 * document per applied version, inserted once the step's work is done: a step that fails
 * leaves the recorded versions as they were.
 */
export class Migrator {
  readonly #service: string;
  readonly #db: mongo.Db;
  readonly #migrations: readonly Migration[];
  readonly #applied: mongo.Collection<AppliedDoc>;
  readonly #lock: () => MigrationLock;
  readonly #log: Logger;

  constructor(opts: MigratorOptions) {
    this.#service = opts.service;
    this.#db = opts.conn.db!;
    this.#migrations = [...opts.migrations].sort((a, b) => a.version - b.version);
    this.#migrations.forEach((m, i) => {
      if (!Number.isInteger(m.version) || m.version < 1 || m.version === this.#migrations[i - 1]?.version) {
        throw new Error(`${opts.service}: migration versions must be distinct whole numbers from 1 (${m.version} ${m.name})`);
      }
    });
    this.#applied = this.#db.collection('migrations');
    const lockCollection = this.#db.collection<LockDoc>('migration_lock');
    this.#lock = () => new MigrationLock(lockCollection, opts.lockTtlMs ?? 30_000, opts.pollMs ?? 500);
    this.#log = opts.log;
  }

  /** The newest version this build knows (0: none). */
  get latest(): number {
    return this.#migrations.at(-1)?.version ?? 0;
  }

  /** Every version known here or recorded in the database, oldest first. */
  async status(): Promise<MigrationState[]> {
    const applied = new Map((await this.#applied.find().toArray()).map((d) => [d._id, d]));
    const states: MigrationState[] = this.#migrations.map((m) => ({
      version: m.version,
      name: m.name,
      appliedAt: applied.get(m.version)?.applied_at,
    }));
    for (const d of applied.values()) {
      if (!states.some((s) => s.version === d._id)) states.push({ version: d._id, name: d.name, appliedAt: d.applied_at });
    }
    return states.sort((a, b) => a.version - b.version);
  }

  /** The migrations not applied yet; refuses a database that records one this build does not know. */
  async pending(): Promise<Migration[]> {
    const applied = new Set((await this.#applied.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
    const newest = Math.max(0, ...applied);
    if (newest > this.latest) throw new DatabaseTooNewError(this.#service, newest, this.latest);
    return this.#migrations.filter((m) => !applied.has(m.version));
  }

  /** Applies every pending migration; returns their versions. */
  async up(): Promise<number[]> {
    // Usually nothing is pending: then no lock is taken, and a start costs one read.
    if ((await this.pending()).length === 0) return [];
    return this.#locked(async (lock) => {
      const done: number[] = [];
      for (const m of await this.pending()) {
        this.#log.info({ version: m.version, migration: m.name }, 'applying migration');
        await lock.check();
        await m.up(this.#db);
        await lock.check();
        await this.#applied.insertOne({ _id: m.version, name: m.name, applied_at: new Date() });
        done.push(m.version);
      }
      return done;
    });
  }

  /** Reverts the latest applied migration; returns its version (undefined: none is applied). */
  async down(): Promise<number | undefined> {
    return this.#locked(async (lock) => {
      const version = (await this.status()).findLast((s) => s.appliedAt)?.version;
      if (version === undefined) return undefined;
      const m = this.#migrations.find((c) => c.version === version);
      if (!m) throw new DatabaseTooNewError(this.#service, version, this.latest);
      this.#log.info({ version, migration: m.name }, 'reverting migration');
      await lock.check();
      await m.down(this.#db);
      await lock.check();
      await this.#applied.deleteOne({ _id: version });
      return version;
    });
  }

  async #locked<T>(work: (lock: MigrationLock) => Promise<T>): Promise<T> {
    const lock = this.#lock();
    await lock.acquire();
    try {
      return await work(lock);
    } finally {
      await lock.release();
    }
  }
}

/** An index a migration creates (and drops on the way down), named as MongoDB names it by default. */
export interface IndexSpec {
  collection: string;
  key: Record<string, 1 | -1>;
  unique?: boolean;
  sparse?: boolean;
}

const indexName = (key: IndexSpec['key']) =>
  Object.entries(key)
    .map(([field, order]) => `${field}_${order}`)
    .join('_');

/** Creates the indexes; one that already exists with the same options is left as it is. */
export async function createIndexes(db: mongo.Db, indexes: readonly IndexSpec[]): Promise<void> {
  for (const { collection, key, ...options } of indexes) await db.collection(collection).createIndex(key, options);
}

/** Drops the indexes, skipping those (and collections) that are already gone. */
export async function dropIndexes(db: mongo.Db, indexes: readonly IndexSpec[]): Promise<void> {
  for (const { collection, key } of indexes) {
    await db
      .collection(collection)
      .dropIndex(indexName(key))
      .catch((err: unknown) => {
        // 26: no such collection, 27: no such index.
        if (![26, 27].includes((err as { code?: number }).code ?? 0)) throw err;
      });
  }
}

/** What the migrate command reads: the service's database variables, nothing else. */
export const migrateConfigSchema = serviceBaseSchema.pick({ LOG_LEVEL: true, MONGO_URL: true, MONGO_DB: true });

const USAGE = 'usage: migrate up|down|status';

/**
 * The migrate command of a service (`node dist/migrate.js up|down|status` in its image,
 * `npm run migrate -- <service> …` in a checkout): `up` applies what is pending, `down`
 * reverts the latest applied migration, `status` lists them all. Exits 1 on failure, 2 on
 * a bad command.
 */
export function runMigrate(service: string, migrations: readonly Migration[], args = process.argv.slice(2)): void {
  const [command] = args;
  if (args.length !== 1 || !['up', 'down', 'status'].includes(command)) {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const migrate = async () => {
    const config = parseConfig(migrateConfigSchema);
    const log = createLogger(`${service}-migrate`, config.LOG_LEVEL);
    const conn = await connectMongo(config.MONGO_URL, databaseName(service, config.MONGO_DB), log, 1);
    try {
      const migrator = new Migrator({ service, conn, migrations, log });
      if (command === 'up') {
        const applied = await migrator.up();
        process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'nothing to apply\n');
      } else if (command === 'down') {
        const reverted = await migrator.down();
        process.stdout.write(reverted === undefined ? 'nothing to revert\n' : `reverted ${reverted}\n`);
      }
      for (const s of await migrator.status()) {
        process.stdout.write(
          `${String(s.version).padStart(4)}  ${s.appliedAt ? `applied ${s.appliedAt.toISOString()}` : 'pending'}  ${s.name}\n`,
        );
      }
    } finally {
      await conn.close();
    }
  };
  migrate().catch((err: unknown) => {
    process.stderr.write(`${service} migrate ${command}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
