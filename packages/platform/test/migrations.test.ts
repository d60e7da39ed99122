import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection, mongo } from 'mongoose';
import { testEnv } from '../../../test/support/env.js';
import { createLogger } from '../src/logger.js';
import { DatabaseTooNewError, MigrationLockLostError, Migrator, createIndexes, dropIndexes, type Migration } from '../src/migrations.js';
import { connectMongo } from '../src/mongo.js';

const log = createLogger('migrations-test', testEnv.logLevel);

/** `replicas` connections to one fresh database, dropped after the test. */
async function freshDatabase(t: ExecutionContext, replicas = 1): Promise<Connection[]> {
  const name = `t${randomBytes(5).toString('hex')}_migrations`;
  const conns = await Promise.all(Array.from({ length: replicas }, () => connectMongo(testEnv.mongoUrl, name, log)));
  t.teardown(async () => {
    await conns[0].dropDatabase();
    for (const conn of conns) await conn.close();
  });
  return conns;
}

/** Every run of a step, in the database itself, so runners on other connections count too. */
const runs = (db: mongo.Db) => db.collection<{ step: string }>('step_runs');
const recordRun = (db: mongo.Db, step: string) => runs(db).insertOne({ step });

/** v1 an index, v2 a reshape of the data (name → given + family), each slow enough for runners to overlap. */
const steps: Migration[] = [
  {
    version: 1,
    name: 'people-email-index',
    async up(db) {
      await recordRun(db, 'up 1');
      await sleep(100);
      await createIndexes(db, [{ collection: 'people', key: { email: 1 }, unique: true }]);
    },
    async down(db) {
      await recordRun(db, 'down 1');
      await dropIndexes(db, [{ collection: 'people', key: { email: 1 } }]);
    },
  },
  {
    version: 2,
    name: 'split-names',
    async up(db) {
      await recordRun(db, 'up 2');
      await sleep(100);
      const people = db.collection<{ name?: string; given?: string; family?: string }>('people');
      for (const p of await people.find({ name: { $exists: true } }).toArray()) {
        const [given, family] = p.name!.split(' ');
        await people.updateOne({ _id: p._id }, { $set: { given, family }, $unset: { name: '' } });
      }
    },
    async down(db) {
      await recordRun(db, 'down 2');
      const people = db.collection<{ name?: string; given?: string; family?: string }>('people');
      for (const p of await people.find({ given: { $exists: true } }).toArray()) {
        await people.updateOne({ _id: p._id }, { $set: { name: `${p.given} ${p.family}` }, $unset: { given: '', family: '' } });
      }
    },
  },
];

const migrator = (conn: Connection, migrations: readonly Migration[] = steps, lockTtlMs?: number) =>
  new Migrator({ service: 'test', conn, migrations, log, lockTtlMs, pollMs: 50 });

const applied = async (m: Migrator) => (await m.status()).filter((s) => s.appliedAt).map((s) => s.version);

test('when a fresh database is migrated, then every step runs in order and it is at the latest version', async (t) => {
  const [conn] = await freshDatabase(t);
  const m = migrator(conn);
  t.deepEqual(
    (await m.status()).map((s) => [s.version, s.appliedAt]),
    [
      [1, undefined],
      [2, undefined],
    ],
  );
  t.deepEqual(await m.up(), [1, 2]);
  t.deepEqual(await applied(m), [1, 2]);
  t.deepEqual(await m.pending(), []);
  t.deepEqual(await m.up(), [], 'a second run has nothing to do');
  t.deepEqual(
    (await runs(conn.db!).find().toArray()).map((r) => r.step),
    ['up 1', 'up 2'],
  );
});

test('when the latest migration is reverted and applied again, then the data is as it was', async (t) => {
  const [conn] = await freshDatabase(t);
  const people = conn.db!.collection('people');
  await people.insertMany([
    { _id: 'p1' as never, name: 'Ada Lovelace', email: 'ada@example.com' },
    { _id: 'p2' as never, name: 'Alan Turing', email: 'alan@example.com' },
  ]);
  const m = migrator(conn);
  await m.up();
  const migrated = await people.find().sort({ _id: 1 }).toArray();
  t.deepEqual(migrated[0], { _id: 'p1', email: 'ada@example.com', given: 'Ada', family: 'Lovelace' });

  t.is(await m.down(), 2);
  t.deepEqual(await applied(m), [1]);
  t.deepEqual(await people.find().sort({ _id: 1 }).toArray(), [
    { _id: 'p1', email: 'ada@example.com', name: 'Ada Lovelace' },
    { _id: 'p2', email: 'alan@example.com', name: 'Alan Turing' },
  ]);
  t.deepEqual(await m.up(), [2]);
  t.deepEqual(await people.find().sort({ _id: 1 }).toArray(), migrated);

  t.is(await m.down(), 2);
  t.is(await m.down(), 1);
  t.false(
    (await people.indexes()).some((i) => i.name === 'email_1'),
    'down 1 dropped its index',
  );
  t.is(await m.down(), undefined, 'nothing left to revert');
  t.is(await people.countDocuments(), 2);
});

test('when a migration fails, then the recorded version is unchanged and a later run applies it', async (t) => {
  const [conn] = await freshDatabase(t);
  await migrator(conn, steps.slice(0, 1)).up();
  const failing: Migration = { ...steps[1], up: () => Promise.reject(new Error('disk full')) };
  await t.throwsAsync(migrator(conn, [steps[0], failing]).up(), { message: 'disk full' });
  const m = migrator(conn);
  t.deepEqual(await applied(m), [1]);
  t.deepEqual(await m.up(), [2], 'the lock was released and the step is still pending');
});

test('when several runners migrate one database at once, then each step runs exactly once', async (t) => {
  const conns = await freshDatabase(t, 3);
  const results = await Promise.all(conns.map((conn) => migrator(conn).up()));
  t.deepEqual(results.flat().sort(), [1, 2]);
  t.deepEqual((await runs(conns[0].db!).find().toArray()).map((r) => r.step).sort(), ['up 1', 'up 2']);
  t.deepEqual(await applied(migrator(conns[1])), [1, 2]);
});

test('when the lock holder stopped without releasing it, then the next runner takes it once it expires', async (t) => {
  const [conn] = await freshDatabase(t);
  await conn.db!.collection('migration_lock').insertOne({ _id: 7 as never, owner: 'crashed', expires_at: new Date(Date.now() + 300) });
  const started = Date.now();
  t.deepEqual(await migrator(conn).up(), [1, 2]);
  t.true(Date.now() - started >= 250, 'it waited for the expiry');
  t.deepEqual(
    (await conn.db!.collection('migration_lock').find().toArray()).map((d) => d._id),
    [8],
  );
});

test('when another runner took the lock from a stalled one, then the stalled one records nothing more', async (t) => {
  const [conn] = await freshDatabase(t);
  const takenOver: Migration = {
    ...steps[1],
    async up(db) {
      const latest = await db.collection<{ _id: number }>('migration_lock').find().sort({ _id: -1 }).limit(1).next();
      await db
        .collection('migration_lock')
        .insertOne({ _id: (latest!._id + 1) as never, owner: 'other', expires_at: new Date(Date.now() + 60_000) });
    },
  };
  await t.throwsAsync(migrator(conn, [steps[0], takenOver]).up(), { instanceOf: MigrationLockLostError });
  t.deepEqual(await applied(migrator(conn)), [1]);
});

test('when the database was migrated past what this build knows, then it is refused, naming both versions', async (t) => {
  const [conn] = await freshDatabase(t);
  await migrator(conn).up();
  const older = migrator(conn, steps.slice(0, 1));
  const message = /database is at migration 2 but this build knows only up to 1/;
  await t.throwsAsync(older.up(), { instanceOf: DatabaseTooNewError, message });
  await t.throwsAsync(older.down(), { instanceOf: DatabaseTooNewError, message });
  t.deepEqual(await applied(migrator(conn)), [1, 2], 'nothing was reverted');
});

test('when two migrations share a version, then the runner refuses them', (t) => {
  t.throws(() => new Migrator({ service: 'test', conn: { db: {} } as Connection, migrations: [steps[0], steps[0]], log }), {
    message: /distinct whole numbers/,
  });
});
