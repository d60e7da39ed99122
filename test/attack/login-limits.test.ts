import test from 'ava';
import { startStack, type Stack } from '../support/stack.js';
import { eventually } from '../support/eventually.js';

// Login abuse protection at the edge: failed logins per client IP (the short lock) and per
// account per hour from all clients (the ceiling, 8 here), all attempts per IP; client IP
// from X-Forwarded-For only because TRUST_PROXY says so here.
const ACCOUNT_CEILING = 8;
let stack: Stack;
test.before(async () => {
  stack = await startStack({
    services: ['audit', 'identity'],
    env: {
      gateway: {
        TRUST_PROXY: 'loopback',
        LOGIN_ATTEMPTS_PER_IP_PER_WINDOW: '12',
        LOGIN_ACCOUNT_FAILURES_PER_HOUR: String(ACCOUNT_CEILING),
      },
      identity: { LOCKOUT_THRESHOLD: '50' },
    },
  });
});
test.after.always(() => stack?.close());

const attempt = (email: string, password: string, ip: string) =>
  stack.http.post('/v1/auth/login', { json: { email, password }, headers: { 'x-forwarded-for': ip } });

test('when one IP fails 5 logins, then its 6th attempt is 429 with Retry-After even with the right password', async (t) => {
  const ip = '203.0.113.10';
  for (let i = 0; i < 5; i++) t.is((await attempt(`nobody${i}@example.test`, 'wrong-password-123', ip)).status, 401);
  const res = await attempt(stack.secrets.BOOTSTRAP_ADMIN_EMAIL, stack.secrets.BOOTSTRAP_ADMIN_PASSWORD, ip);
  t.is(res.status, 429);
  t.is(res.body.error.code, 'rate_limited');
  t.true(Number(res.headers['retry-after']) > 0);
  t.is(res.body.error.details.retry_after, Number(res.headers['retry-after']));
  // another IP is unaffected
  t.is((await attempt(stack.secrets.BOOTSTRAP_ADMIN_EMAIL, stack.secrets.BOOTSTRAP_ADMIN_PASSWORD, '203.0.113.11')).status, 200);
});

test('when one IP fails 5 logins on an account, then that IP is locked out, not the account: its owner logs in from elsewhere', async (t) => {
  const { BOOTSTRAP_ADMIN_EMAIL: email, BOOTSTRAP_ADMIN_PASSWORD: password } = stack.secrets;
  for (let i = 0; i < 5; i++) t.is((await attempt(email, `wrong-password-${i}`, '198.51.100.200')).status, 401);
  t.is((await attempt(email, password, '198.51.100.200')).status, 429);
  t.is((await attempt(email, password, '198.51.100.201')).status, 200);
});

test('when an account fails logins from many IPs, then it takes attempts up to its hourly ceiling, and none after from anywhere', async (t) => {
  const email = 'target@example.test';
  for (let i = 0; i < ACCOUNT_CEILING; i++) t.is((await attempt(email, 'wrong-password-123', `198.51.100.${i + 1}`)).status, 401);
  const res = await attempt(email, 'wrong-password-123', '198.51.100.99');
  t.is(res.status, 429);
  t.true(Number(res.headers['retry-after']) > 300, 'the ceiling is hourly');
});

test('when one IP keeps logging in successfully, then all attempts per IP are capped too', async (t) => {
  const { BOOTSTRAP_ADMIN_EMAIL: email, BOOTSTRAP_ADMIN_PASSWORD: password } = stack.secrets;
  const statuses: number[] = [];
  for (let i = 0; i < 13; i++) statuses.push((await attempt(email, password, '192.0.2.200')).status);
  t.deepEqual(statuses.slice(0, 12), Array(12).fill(200));
  t.is(statuses[12], 429);
});

test('when TRUST_PROXY is not set, then X-Forwarded-For cannot be used to dodge the limits', async (t) => {
  const plain = await startStack({ services: ['audit', 'identity'] });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await plain.http.post('/v1/auth/login', {
        json: { email: `x${i}@example.test`, password: 'wrong-password-123' },
        headers: { 'x-forwarded-for': `10.9.8.${i}` },
      });
      statuses.push(res.status);
    }
    t.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
  } finally {
    await plain.close();
  }
});

test('when 20 wrong passwords arrive at once, then no more are checked than the limits allow — 5 from one IP, the hourly ceiling from 20', async (t) => {
  const statuses = async (ipOf: (i: number) => string, email: string) => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(email, `wrong-password-${i}`, ipOf(i))));
    const counts: Record<number, number> = {};
    for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
    return counts;
  };
  const oneIp = await statuses(() => '203.0.113.77', 'parallel-one@example.test');
  t.deepEqual(oneIp, { 401: 5, 429: 15 });
  const manyIps = await statuses((i) => `198.18.0.${i + 1}`, 'parallel-many@example.test');
  t.deepEqual(manyIps, { 401: ACCOUNT_CEILING, 429: 20 - ACCOUNT_CEILING });
});

test.serial('when a login fails because identity is down, then it does not count as a failure', async (t) => {
  const ip = '203.0.113.90';
  await stack.stop('identity');
  try {
    for (let i = 0; i < 6; i++) t.is((await attempt(stack.secrets.BOOTSTRAP_ADMIN_EMAIL, 'wrong-password-123', ip)).status, 503);
  } finally {
    await stack.start('identity');
  }
  await eventually(
    () => stack.http.get('/health/ready'),
    (r) => r.status === 200,
    20_000,
  );
  t.is((await attempt(stack.secrets.BOOTSTRAP_ADMIN_EMAIL, stack.secrets.BOOTSTRAP_ADMIN_PASSWORD, ip)).status, 200);
});
