import test from 'ava';
import { Redis } from 'ioredis';
import { startRedis, type ManagedProcess } from '@tollgate/devkit';
import { startStack, type Stack } from '../../test/support/stack.js';

// This file owns its Redis so it can kill and restart it mid-traffic.
let redis: ManagedProcess;
let stack: Stack;
const LIMIT = 5;

test.before(async () => {
  redis = await startRedis();
  stack = await startStack({
    services: [],
    redisUrl: redis.url,
    env: { gateway: { RATE_LIMIT_IP_PER_MIN: String(LIMIT) } },
  });
});
test.after.always(async () => {
  await stack?.close();
  await redis?.stop();
});

const hit = () => stack.http.get('/v1/anything');

test.serial('when an IP exceeds its limit, then 429 with Retry-After, details.retry_after and X-RateLimit headers', async (t) => {
  const statuses: number[] = [];
  let last: Awaited<ReturnType<typeof hit>> | undefined;
  for (let i = 0; i < LIMIT + 2; i++) {
    last = await hit();
    statuses.push(last.status);
  }
  t.deepEqual(statuses, [404, 404, 404, 404, 404, 429, 429]);
  t.is(last!.body.error.code, 'rate_limited');
  t.true(Number(last!.headers['retry-after']) >= 1);
  t.is(last!.body.error.details.retry_after, Number(last!.headers['retry-after']));
  t.is(last!.headers['x-ratelimit-limit'], String(LIMIT));
  t.is(last!.headers['x-ratelimit-remaining'], '0');
});

test.serial(
  'when an IP is over its limit, then its requests are 429 whatever else they would be: an unknown token, a malformed body, a preflight',
  async (t) => {
    // The test above used this IP's limit up. No token service runs here: without the limit, the token would be 503.
    const token = await stack.http.get('/v1/auth/me', { token: `tg_agt_${'x'.repeat(43)}` });
    t.is(token.status, 429, token.text);
    t.is(token.body.error.code, 'rate_limited');
    const malformed = await stack.http.post('/v1/agents', { raw: '{"name":', headers: { 'content-type': 'application/json' } });
    t.is(malformed.status, 429, malformed.text);
    t.is(malformed.headers['x-ratelimit-remaining'], '0');
    const preflight = await stack.http.request('OPTIONS', '/v1/agents');
    t.is(preflight.status, 429, preflight.text);
  },
);

test.serial(
  'when Redis dies mid-traffic, then limiting continues in memory with no 5xx, and returns to Redis when it is back',
  async (t) => {
    await redis.kill();
    const during: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) during.push((await hit()).status);
    t.false(
      during.some((s) => s >= 500),
      `statuses while Redis is down: ${during.join(',')}`,
    );
    // the in-memory insurance limiter enforces the same limit
    t.is(during.filter((s) => s === 429).length, 2);

    redis = await startRedis({ port: redis.port });
    const probe = new Redis(redis.url);
    let keys: string[] = [];
    for (let i = 0; i < 40 && keys.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const res = await hit();
      t.true(res.status < 500);
      keys = await probe.keys(`${stack.env.gateway.RATE_LIMIT_PREFIX}:ip:*`);
    }
    probe.disconnect();
    t.true(keys.length > 0, 'limiter counts are written to Redis again');
  },
);
