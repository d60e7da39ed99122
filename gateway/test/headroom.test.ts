import test, { type ExecutionContext } from 'ava';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { createLogger, RateLimitedError } from '@tollgate/platform';
import { startRedis, type ManagedProcess } from '@tollgate/devkit';
import { CallLimits } from '../src/proxy/call-limits.js';
import { COALESCE_MS, VIEW_FRESH_MS } from '../src/rate-limit/headroom.js';
import { HeadroomLimiter, limiter } from '../src/rate-limit/limiters.js';
import { createRedis, redisReady } from '../src/redis.js';
import { startTcpProxy, type TcpProxy } from '../../test/support/tcp-proxy.js';
import { testEnv } from '../../test/support/env.js';

// Far from its limits a request does not wait for Redis, yet Redis counts it; near a limit it
// waits, so that one gateway never passes a limit. Redis is reached through a TCP proxy the
// tests stall: what does not wait for Redis is answered while it is stalled.
let server: ManagedProcess;
const log = createLogger('headroom-test', testEnv.logLevel);
const TTL_MS = 10_000;

test.before(async () => {
  server = await startRedis();
});
test.after.always(async () => {
  await server?.stop();
});

/** A gateway's Redis client through a proxy the test can stall, and one straight to Redis to look with. */
async function stallableRedis(t: ExecutionContext): Promise<{ redis: Redis; direct: Redis; proxy: TcpProxy }> {
  const proxy = await startTcpProxy(() => `127.0.0.1:${server.port}`);
  // redis:// URLs name one server: the clients are plain Redis.
  const redis = createRedis(`redis://${proxy.addr}`, log) as Redis;
  const direct = createRedis(server.url, log) as Redis;
  t.teardown(async () => {
    proxy.stall(false);
    redis.disconnect();
    direct.disconnect();
    await proxy.close();
  });
  t.true(await redisReady(redis), 'redis answers through the proxy');
  t.true(await redisReady(direct), 'redis answers');
  return { redis, direct, proxy };
}

/** How many Lua scripts (EVALSHA) the Redis server has run. */
async function scriptsRun(direct: Redis): Promise<number> {
  return Number(/cmdstat_evalsha:calls=(\d+)/.exec(await direct.info('commandstats'))?.[1] ?? 0);
}

/** Whether `p` settles within `ms`. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    sleep(ms).then(() => false),
  ]);
}

test('a limiter answers at once while far from its limit, waits for Redis near it, and admits exactly its points', async (t) => {
  const { redis, direct, proxy } = await stallableRedis(t);
  const prefix = `hr-${randomUUID()}`;
  const ten = new HeadroomLimiter(limiter(redis, prefix, 10, 60));
  await ten.consume('k'); // nothing known yet: it waits

  proxy.stall(true);
  // Counted 1, and 1, 2, 3 on their way: each leaves at least half of 10.
  const far = [ten.consume('k'), ten.consume('k'), ten.consume('k'), ten.consume('k')];
  t.true(await settlesWithin(Promise.all(far), 500), 'far from the limit, nothing waits for a stalled Redis');
  t.deepEqual(
    (await Promise.all(far)).map((r) => r.remainingPoints),
    [8, 7, 6, 5],
    'X-RateLimit-Remaining counts what is on its way',
  );
  const near = ten.consume('k');
  t.false(await settlesWithin(near, 300), 'near the limit, it waits for Redis');
  proxy.stall(false);
  t.is((await near).remainingPoints, 4);

  const rest = await Promise.allSettled(Array.from({ length: 6 }, () => ten.consume('k')));
  t.is(rest.filter((r) => r.status === 'fulfilled').length, 4, 'ten in all, no more');
  t.true(rest.filter((r) => r.status === 'rejected').every((r) => r.reason instanceof RateLimiterRes));
  t.is(Number(await direct.get(`${prefix}:k`)), 12, 'Redis counted every request, those that did not wait included');
});

// Serial: they count every script the Redis server runs.
test.serial('far from its limit, a limiter sends the points of many requests to Redis as one write', async (t) => {
  const { redis, direct } = await stallableRedis(t);
  const prefix = `hr-${randomUUID()}`;
  const hundred = new HeadroomLimiter(limiter(redis, prefix, 100, 60));
  await hundred.consume('k');
  const before = await scriptsRun(direct);
  const far = await Promise.all(Array.from({ length: 20 }, () => hundred.consume('k')));
  t.deepEqual(
    far.map((r) => r.remainingPoints),
    Array.from({ length: 20 }, (_, i) => 98 - i),
  );
  await sleep(COALESCE_MS + 100);
  t.is((await scriptsRun(direct)) - before, 1, 'twenty requests, one write');
  t.is(Number(await direct.get(`${prefix}:k`)), 21, 'all of them counted');
});

test('a limiter waits again once its last answer is older than the view stands', async (t) => {
  const { redis, proxy } = await stallableRedis(t);
  const ten = new HeadroomLimiter(limiter(redis, `hr-${randomUUID()}`, 10, 60));
  await ten.consume('k');
  await sleep(VIEW_FRESH_MS + 100);
  proxy.stall(true);
  const stale = ten.consume('k');
  t.false(await settlesWithin(stale, 300), 'another gateway may have used the window since: it asks Redis');
  proxy.stall(false);
  t.is((await stale).remainingPoints, 8);
});

test("a call far from the agent's limits is admitted without waiting; near them it waits, and exactly its max are in flight", async (t) => {
  const { redis, direct, proxy } = await stallableRedis(t);
  const prefix = `hr-${randomUUID()}`;
  const limits = new CallLimits(redis, prefix, log);
  const agent = `agent-${randomUUID()}`;
  const ten = { maxParallelCalls: 10, tokensPerMinute: 1_000_000 };
  await limits.begin(agent, 'c0', ten, TTL_MS);

  proxy.stall(true);
  const far = ['c1', 'c2', 'c3', 'c4'].map((id) => limits.begin(agent, id, ten, TTL_MS));
  t.true(await settlesWithin(Promise.all(far), 500), 'far from the limit, nothing waits for a stalled Redis');
  const near = limits.begin(agent, 'c5', ten, TTL_MS);
  t.false(await settlesWithin(near, 300), 'near the limit, it waits for the script');
  proxy.stall(false);
  await near;

  const rest = await Promise.allSettled(['c6', 'c7', 'c8', 'c9', 'c10', 'c11'].map((id) => limits.begin(agent, id, ten, TTL_MS)));
  t.is(rest.filter((r) => r.status === 'fulfilled').length, 4);
  t.true(rest.filter((r) => r.status === 'rejected').every((r) => r.reason instanceof RateLimitedError));
  t.is(await direct.zcard(`${prefix}:calls:{${agent}}`), 10, 'every admitted call holds its place in Redis');
});

test.serial(
  "far from an agent's limits, calls that begin and end within a tick cost Redis one script, which counts their tokens",
  async (t) => {
    const { redis, direct } = await stallableRedis(t);
    const prefix = `hr-${randomUUID()}`;
    const limits = new CallLimits(redis, prefix, log);
    const agent = `agent-${randomUUID()}`;
    const roomy = { maxParallelCalls: 100, tokensPerMinute: 1_000_000 };
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 2_000) await sleep(left);
    await limits.begin(agent, 'first', roomy, TTL_MS); // nothing known yet: it waits
    const before = await scriptsRun(direct);
    for (let i = 0; i < 20; i++) {
      await limits.begin(agent, `c${i}`, roomy, TTL_MS);
      limits.end(agent, `c${i}`, 10);
    }
    await limits.begin(agent, 'open', roomy, TTL_MS);
    await sleep(COALESCE_MS + 100);
    t.is((await scriptsRun(direct)) - before, 1, 'twenty-one calls, one script');
    t.is(Number(await direct.get(`${prefix}:tpm:{${agent}}:${Math.floor(Date.now() / 60_000)}`)), 200, 'their tokens are counted');
    t.deepEqual(
      (await direct.zrange(`${prefix}:calls:{${agent}}`, 0, -1)).sort(),
      ['first', 'open'],
      'the calls in flight hold their places; those that ended never took one',
    );
  },
);

test("a call waits for the script when the agent's tokens this minute are near its limit", async (t) => {
  const { redis, proxy } = await stallableRedis(t);
  const limits = new CallLimits(redis, `hr-${randomUUID()}`, log);
  const agent = `agent-${randomUUID()}`;
  const perMinute = { maxParallelCalls: 100, tokensPerMinute: 100 };
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 2_000) await sleep(left);
  await limits.begin(agent, 'a', perMinute, TTL_MS);
  limits.end(agent, 'a', 60);
  await redis.ping(); // answers come in order: the end's counts are in the view

  proxy.stall(true);
  const next = limits.begin(agent, 'b', perMinute, TTL_MS);
  t.false(await settlesWithin(next, 300), '60 of 100 tokens used: it waits');
  proxy.stall(false);
  await t.notThrowsAsync(next);
});
