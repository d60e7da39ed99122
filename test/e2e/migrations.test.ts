import test from 'ava';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { SERVICES, type ServiceName } from '@tollgate/devkit';
import { connectMongo, createLogger, Migrator, type Migration } from '@tollgate/platform';
import { testEnv } from '../support/env.js';
import { startStack, type Stack } from '../support/stack.js';

// Every service migrates its own database at start-up (MIGRATE_ON_START defaults to true),
// and `npm run migrate` works on the same databases. Serial: the last test restarts identity.

const ROOT = path.resolve(import.meta.dirname, '../..');
const log = createLogger('migrations-e2e', testEnv.logLevel);
let stack: Stack;

test.before(async () => {
  stack = await startStack({ gateway: false });
});
test.after.always(() => stack?.close());

const migrationsOf = async (name: ServiceName) =>
  ((await import(`../../services/${name}/src/migrations/index.js`)) as { migrations: readonly Migration[] }).migrations;

async function withMigrator<T>(name: ServiceName, work: (m: Migrator) => Promise<T>): Promise<T> {
  const conn = await connectMongo(testEnv.mongoUrl, stack.env[name].MONGO_DB, log, 1);
  try {
    return await work(new Migrator({ service: name, conn, migrations: await migrationsOf(name), log }));
  } finally {
    await conn.close();
  }
}

test.serial('when the services start on fresh databases, then each one is at its latest migration', async (t) => {
  for (const name of SERVICES) {
    const states = await withMigrator(name, (m) => m.status());
    t.true(states.length > 0, name);
    t.true(
      states.every((s) => s.appliedAt),
      `${name}: ${JSON.stringify(states)}`,
    );
  }
});

test.serial(
  'when a database from before versioned migrations (indexes, no records) is migrated, then the baseline applies cleanly',
  async (t) => {
    const conn = await connectMongo(testEnv.mongoUrl, stack.env.budget.MONGO_DB, log, 1);
    t.teardown(() => conn.close());
    await conn.db!.collection('migrations').deleteMany({});
    const run = promisify(execFile);
    const env = { PATH: process.env.PATH, MONGO_URL: testEnv.mongoUrl, MONGO_DB: stack.env.budget.MONGO_DB, LOG_LEVEL: 'silent' };
    const up = await run('bash', ['scripts/migrate.sh', 'budget', 'up'], { cwd: ROOT, env });
    t.regex(up.stdout, /^applied 1\n\s+1 {2}applied \S+ {2}baseline\n$/);
    const status = await run('bash', ['scripts/migrate.sh', 'budget', 'status'], { cwd: ROOT, env });
    t.notRegex(status.stdout, /pending/);
  },
);

test.serial('when a service starts on a database migrated past what it knows, then it refuses to start', async (t) => {
  const latest = (await migrationsOf('identity')).at(-1)!.version;
  await stack.stop('identity');
  const conn = await connectMongo(testEnv.mongoUrl, stack.env.identity.MONGO_DB, log, 1);
  t.teardown(() => conn.close());
  await conn.db!.collection('migrations').insertOne({ _id: (latest + 1) as never, name: 'from-a-newer-build', applied_at: new Date() });
  await t.throwsAsync(stack.start('identity'), {
    message: `identity: the database is at migration ${latest + 1} but this build knows only up to ${latest}; run a build that knows migration ${latest + 1}, or revert it with that build (migrate down)`,
  });
});
