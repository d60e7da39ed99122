import test from 'ava';
import { startStack, type Stack } from '../support/stack.js';
import { eventually } from '../support/eventually.js';

// Login abuse protection at the edge: failed logins per IP and per account, all attempts
// per IP, client IP from X-Forwarded-For only because TRUST_PROXY says so here.
let stack: Stack;
test.before(async () => {
  stack = await startStack({
    services: ['audit', 'identity'],
    env: { gateway: { TRUST_PROXY: 'loopback', LOGIN_ATTEMPTS_PER_IP_PER_WINDOW: '12' }, identity: { LOCKOUT_THRESHOLD: '50' } },
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

test('when one account fails 5 logins from different IPs, then the account is limited from any IP', async (t) => {
  const email = 'target@example.test';
  for (let i = 0; i < 5; i++) t.is((await attempt(email, 'wrong-password-123', `198.51.100.${i + 1}`)).status, 401);
  const res = await attempt(email, 'wrong-password-123', '198.51.100.99');
  t.is(res.status, 429);
});

test('when a login succeeds, then the account failure count starts again', async (t) => {
  const { BOOTSTRAP_ADMIN_EMAIL: email, BOOTSTRAP_ADMIN_PASSWORD: password } = stack.secrets;
  for (let i = 0; i < 4; i++) t.is((await attempt(email, 'wrong-password-123', `192.0.2.${i + 1}`)).status, 401);
  t.is((await attempt(email, password, '192.0.2.50')).status, 200);
  for (let i = 0; i < 4; i++) t.is((await attempt(email, 'wrong-password-123', `192.0.2.${i + 60}`)).status, 401);
  t.is((await attempt(email, password, '192.0.2.51')).status, 200);
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

test('when 20 wrong passwords arrive at once, then at most 5 are checked — from one IP and from 20', async (t) => {
  const statuses = async (ipOf: (i: number) => string, email: string) => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(email, `wrong-password-${i}`, ipOf(i))));
    const counts: Record<number, number> = {};
    for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
    return counts;
  };
  const oneIp = await statuses(() => '203.0.113.77', 'parallel-one@example.test');
  t.deepEqual(oneIp, { 401: 5, 429: 15 });
  const manyIps = await statuses((i) => `198.18.0.${i + 1}`, 'parallel-many@example.test');
  t.deepEqual(manyIps, { 401: 5, 429: 15 });
});

test.serial('when a login fails because identity is down, then it does not count as a failure', async (t) => {
  const ip = '203.0.113.90';
  await stack.stop('identity');
  try {
    for (let i = 0; i < 6; i++) t.is((await attempt(stack.secrets.BOOTSTRAP_ADMIN_EMAIL, 'wrong-password-123', ip)).status, 503);
  } finally {
    await stack.start('identity');
  }
  await eventually(() => stack.http.get('/health/ready'), (r) => r.status === 200, 20_000);
  t.is((await attempt(stack.secrets.BOOTSTRAP_ADMIN_EMAIL, stack.secrets.BOOTSTRAP_ADMIN_PASSWORD, ip)).status, 200);
});
