import test from 'ava';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '@tollgate/platform';
import { loadConfig } from '../src/app.js';

const base = {
  GRPC_PORT: '0',
  MONGO_URL: 'mongodb://127.0.0.1:27017',
  SERVICE_TOKEN_SECRET: 's'.repeat(40),
  JWT_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
};

test('when only the required variables are set, then the documented defaults apply', (t) => {
  const c = loadConfig(base);
  t.like(c, {
    JWT_ISSUER: 'tollgate',
    JWT_AUDIENCE: 'tollgate-api',
    ACCESS_TOKEN_TTL_SECONDS: 900,
    REFRESH_TOKEN_TTL_SECONDS: 604_800,
    LOCKOUT_THRESHOLD: 100,
    LOCKOUT_SECONDS: 900,
    ARGON2_MEMORY_KIB: 19_456,
  });
  t.is(c.JWT_KEY_ENCRYPTION_KEY.length, 32);
  t.is(c.BOOTSTRAP_ADMIN_EMAIL, undefined);
  t.true(Object.isFrozen(c));
});

test('when a variable is bad, then loading fails with a message naming it', (t) => {
  const cases: [Record<string, string>, string][] = [
    [{ JWT_KEY_ENCRYPTION_KEY: randomBytes(16).toString('base64') }, 'JWT_KEY_ENCRYPTION_KEY'],
    [{ JWT_KEY_ENCRYPTION_KEY: '' }, 'JWT_KEY_ENCRYPTION_KEY'],
    [{ LOCKOUT_THRESHOLD: '0' }, 'LOCKOUT_THRESHOLD'],
    [{ ARGON2_MEMORY_KIB: 'lots' }, 'ARGON2_MEMORY_KIB'],
    [{ BOOTSTRAP_ADMIN_EMAIL: 'admin@example.test' }, 'BOOTSTRAP_ADMIN_PASSWORD'],
    [{ BOOTSTRAP_ADMIN_EMAIL: 'admin@example.test', BOOTSTRAP_ADMIN_PASSWORD: 'too-short' }, 'BOOTSTRAP_ADMIN_PASSWORD'],
    [{ BOOTSTRAP_ADMIN_EMAIL: 'nope', BOOTSTRAP_ADMIN_PASSWORD: 'long-enough-password' }, 'BOOTSTRAP_ADMIN_EMAIL'],
  ];
  for (const [override, name] of cases) {
    const err = t.throws(() => loadConfig({ ...base, ...override }), { instanceOf: ConfigError });
    t.true(
      err?.problems.some((p) => p.startsWith(name)),
      `${JSON.stringify(override)} → ${err?.message}`,
    );
  }
});

test('when the bootstrap variables are empty strings, then no bootstrap admin is configured', (t) => {
  const c = loadConfig({ ...base, BOOTSTRAP_ADMIN_EMAIL: '', BOOTSTRAP_ADMIN_PASSWORD: '', LOCKOUT_SECONDS: '0' });
  t.is(c.BOOTSTRAP_ADMIN_EMAIL, undefined);
  t.is(c.LOCKOUT_SECONDS, 0);
});
