import test from 'ava';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '@tollgate/platform';
import { loadConfig } from '../src/app.js';
import { parseKeyring } from '@tollgate/platform';

const b64 = (n = 32) => randomBytes(n).toString('base64');
const base = {
  GRPC_PORT: '0',
  MONGO_URL: 'mongodb://127.0.0.1:27017',
  SERVICE_TOKEN_SECRET: 'x'.repeat(43),
  PROVIDER_KEY_ENCRYPTION_KEYS: `k1:${b64()}`,
  IP_TOKEN_KEY: b64(),
};

function problems(env: Record<string, string>): string {
  try {
    loadConfig({ ...base, ...env });
    return '';
  } catch (err) {
    return err instanceof ConfigError ? err.problems.join('\n') : String(err);
  }
}

test('when the keyring lists several keys, then the first is active and all can decrypt', (t) => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const ring = parseKeyring(`k2:${k2.toString('base64')}, k1:${k1.toString('base64')}`);
  t.is(ring.activeKid, 'k2');
  t.deepEqual([...ring.keys.keys()], ['k2', 'k1']);
  t.true(ring.keys.get('k1')!.equals(k1));
  const config = loadConfig(base);
  t.is(config.PROVIDER_KEY_ENCRYPTION_KEYS.activeKid, 'k1');
  t.is(config.IP_TOKEN_KEY.length, 32);
  t.is(config.IP_TOKEN_TTL_SECONDS, 900);
});

test('when a key variable is bad, then start-up fails naming the variable and never echoing key material', (t) => {
  const short = b64(16);
  const cases: [Record<string, string>, string][] = [
    [{ PROVIDER_KEY_ENCRYPTION_KEYS: '' }, 'PROVIDER_KEY_ENCRYPTION_KEYS'],
    [{ PROVIDER_KEY_ENCRYPTION_KEYS: `k1:${short}` }, 'PROVIDER_KEY_ENCRYPTION_KEYS'],
    [{ PROVIDER_KEY_ENCRYPTION_KEYS: short }, 'PROVIDER_KEY_ENCRYPTION_KEYS'],
    [{ PROVIDER_KEY_ENCRYPTION_KEYS: `k1:${b64()},k1:${b64()}` }, 'listed twice'],
    [{ PROVIDER_KEY_ENCRYPTION_KEYS: `bad kid:${b64()}` }, 'PROVIDER_KEY_ENCRYPTION_KEYS'],
    [{ IP_TOKEN_KEY: short }, 'IP_TOKEN_KEY'],
    [{ IP_TOKEN_TTL_SECONDS: '0' }, 'IP_TOKEN_TTL_SECONDS'],
  ];
  for (const [env, expected] of cases) {
    const message = problems(env);
    t.true(message.includes(expected), `${JSON.stringify(env)} → ${message}`);
    t.false(message.includes(short), 'key material is not echoed');
  }
});
