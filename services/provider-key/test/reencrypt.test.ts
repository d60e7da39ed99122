import test from 'ava';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'mongoose';
import { createLogger } from '@tollgate/platform';
import { parseKeyring } from '@tollgate/platform';
import { reencryptAll } from '../src/reencrypt.js';
import { testEnv } from '../../../test/support/env.js';
import { startStack, type Stack } from '../../../test/support/stack.js';
import { admin, gatewayService, openAiKey, providerKeyClient, serviceDb } from './helpers.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const log = createLogger('reencrypt-test', 'silent');
const k1 = `k1:${randomBytes(32).toString('base64')}`;
const k2 = `k2:${randomBytes(32).toString('base64')}`;
const k3 = `k3:${randomBytes(32).toString('base64')}`;

interface Sealed {
  _id: string;
  secret: { kid: string; nonce: string; ct: string; tag: string };
}

let stack: Stack;
let db: Connection;

test.before(async () => {
  stack = await startStack({ services: ['provider-key'], gateway: false, env: { 'provider-key': { PROVIDER_KEY_ENCRYPTION_KEYS: k1 } } });
  db = await serviceDb(stack);
});

test.after.always(async () => {
  await db?.close();
  await stack?.close();
});

async function sealed(): Promise<Sealed[]> {
  return (await db.collection('provider_keys').find({}).sort({ _id: 1 }).toArray()) as unknown as Sealed[];
}

async function restartWith(keys: string) {
  await stack.stop('provider-key');
  stack.env['provider-key'].PROVIDER_KEY_ENCRYPTION_KEYS = keys;
  await stack.start('provider-key');
}

async function resolveAll(providers: string[]): Promise<string[]> {
  const client = providerKeyClient(stack);
  try {
    const out: string[] = [];
    for (const provider of providers) {
      out.push((await client.call.ResolveForProxy({ provider, agent_id: 'agt_re' }, { principal: gatewayService })).api_key);
    }
    return out;
  } finally {
    client.close();
  }
}

function runCommand(env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'services/provider-key/src/reencrypt.ts'], {
      cwd: repoRoot,
      env: { LOG_LEVEL: 'silent', MONGO_URL: testEnv.mongoUrl, MONGO_DB: stack.env['provider-key'].MONGO_DB, ...env },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

// One story, in order: the keyring changes over time.
test.serial(
  'when the active key changes, then old records still decrypt, reencrypt moves them all, and the old key can be dropped',
  async (t) => {
    const client = providerKeyClient(stack);
    const providers = ['p-one', 'p-two', 'p-three'];
    const plaintexts = providers.map((_, i) => openAiKey(`re0${i}`));
    for (const [i, provider] of providers.entries()) {
      await client.call.CreateKey(
        { provider, name: provider, api_key: plaintexts[i], base_url: 'https://llm.example.com' },
        { principal: admin },
      );
    }
    client.close();
    const before = await sealed();
    t.deepEqual(
      before.map((d) => d.secret.kid),
      ['k1', 'k1', 'k1'],
    );

    // k2 becomes active; k1 stays listed for decryption.
    await restartWith(`${k2},${k1}`);
    t.deepEqual(await resolveAll(providers), plaintexts);

    // A key under an unknown kid is reported, and nothing is touched.
    const refused = await reencryptAll({ conn: db, keyring: parseKeyring(k3), log });
    t.deepEqual(refused, { checked: 3, reencrypted: 0, skipped: 0, failed: before.map((d) => d._id) });
    t.deepEqual(await sealed(), before);

    const result = await reencryptAll({ conn: db, keyring: parseKeyring(`${k2},${k1}`), log });
    t.deepEqual(result, { checked: 3, reencrypted: 3, skipped: 0, failed: [] });
    const after = await sealed();
    t.deepEqual(
      after.map((d) => d.secret.kid),
      ['k2', 'k2', 'k2'],
    );
    for (const [i, doc] of after.entries()) {
      t.not(doc.secret.nonce, before[i].secret.nonce, 'a fresh nonce');
      t.not(doc.secret.ct, before[i].secret.ct);
    }

    // Nothing is left under k1: the service runs without it.
    t.deepEqual(await reencryptAll({ conn: db, keyring: parseKeyring(`${k2},${k1}`), log }), {
      checked: 0,
      reencrypted: 0,
      skipped: 0,
      failed: [],
    });
    await restartWith(k2);
    t.deepEqual(await resolveAll(providers), plaintexts);
  },
);

test.serial('when the reencrypt command is run from the shell, then it moves every record to the active key', async (t) => {
  t.deepEqual(
    (await sealed()).map((d) => d.secret.kid),
    ['k2', 'k2', 'k2'],
  );
  t.is(await runCommand({ PROVIDER_KEY_ENCRYPTION_KEYS: `${k3},${k2}` }), 0);
  t.deepEqual(
    (await sealed()).map((d) => d.secret.kid),
    ['k3', 'k3', 'k3'],
  );
  await restartWith(k3);
  t.is((await resolveAll(['p-two']))[0], openAiKey('re01'));
  // A keyring that cannot open the records: exit code 1, records unchanged.
  const unchanged = await sealed();
  t.is(await runCommand({ PROVIDER_KEY_ENCRYPTION_KEYS: k1 }), 1);
  t.deepEqual(await sealed(), unchanged);
  // A bad environment: exit code 1.
  t.is(await runCommand({ PROVIDER_KEY_ENCRYPTION_KEYS: 'k1:short' }), 1);
});
