import test, { type ExecutionContext } from 'ava';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { createLogger, RateLimitedError } from '@tollgate/platform';
import { startRedis, type ManagedProcess } from '@tollgate/devkit';
import { CallLimits, type AgentCallLimits } from '../src/proxy/call-limits.js';
import { createRedis, redisReady } from '../src/redis.js';
import { testEnv } from '../../test/support/env.js';

// This file owns its Redis servers: one the tests share, and one for each outage test to kill.
let server: ManagedProcess;
const log = createLogger('call-limits-test', testEnv.logLevel);
const PREFIX = 'tg-test';
const TTL_MS = 10_000;

test.before(async () => {
  server = await startRedis();
});
test.after.always(async () => {
  await server?.stop();
});

/** A Redis client as the gateway makes it, closed with the test. */
async function connect(t: ExecutionContext, url: string): Promise<Redis> {
  // A redis:// URL names one server: the client is a plain Redis.
  const redis = createRedis(url, log) as Redis;
  t.teardown(() => redis.disconnect());
  t.true(await redisReady(redis), 'redis answers');
  return redis;
}

/** Begins `count` calls at once (ids `${name}-0`…); how many were admitted, and the refusals. */
async function beginMany(limits: CallLimits, agentId: string, count: number, agentLimits: AgentCallLimits, ttlMs = TTL_MS, name = 'call') {
  const results = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => limits.begin(agentId, `${name}-${i}`, agentLimits, ttlMs)),
  );
  const refusals = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as RateLimitedError] : []));
  return { admitted: count - refusals.length, refusals };
}

/** Waits out the end of a minute, so a count made now is still this minute's when it is read. */
async function notAtMinuteEnd(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 1_000) await sleep(left);
}

const agent = () => `agent-${randomUUID()}`;

test('when an agent has its max calls in flight, then the next is refused with retry-after 1 until one ends', async (t) => {
  const limits = new CallLimits(await connect(t, server.url), PREFIX, log);
  const id = agent();
  const max = { maxParallelCalls: 3, tokensPerMinute: 1_000_000 };
  for (const call of ['a', 'b', 'c']) await limits.begin(id, call, max, TTL_MS);
  const refused = await t.throwsAsync(limits.begin(id, 'd', max, TTL_MS), { instanceOf: RateLimitedError });
  t.is(refused?.retryAfterSeconds, 1);

  limits.end(id, 'b', 0);
  await t.notThrowsAsync(limits.begin(id, 'd', max, TTL_MS));
  await t.throwsAsync(limits.begin(id, 'e', max, TTL_MS), { instanceOf: RateLimitedError });
});

test('when a call never ends, then its place frees itself after its ttl, and the key expires with its last place', async (t) => {
  const redis = await connect(t, server.url);
  const limits = new CallLimits(redis, PREFIX, log);
  const id = agent();
  const twoCalls = { maxParallelCalls: 2, tokensPerMinute: 1_000_000 };
  await limits.begin(id, 'long', twoCalls, TTL_MS);
  await limits.begin(id, 'lost', twoCalls, 200);
  await t.throwsAsync(limits.begin(id, 'next', twoCalls, 200), { instanceOf: RateLimitedError });
  t.true((await redis.pttl(`${PREFIX}:calls:{${id}}`)) > 200, 'a shorter place does not shorten the life of a longer one');

  await sleep(250);
  await t.notThrowsAsync(limits.begin(id, 'next', twoCalls, 200), 'the lost place is free');
  await t.throwsAsync(limits.begin(id, 'more', twoCalls, 200), { instanceOf: RateLimitedError });

  const alone = agent();
  await limits.begin(alone, 'only', twoCalls, 200);
  const pttl = await redis.pttl(`${PREFIX}:calls:{${alone}}`);
  t.true(pttl > 0 && pttl <= 200, `the in-flight key expires with its place (pttl ${pttl})`);
});

test('when an agent has used its tokens this minute, then calls are refused until the next minute', async (t) => {
  const redis = await connect(t, server.url);
  const limits = new CallLimits(redis, PREFIX, log);
  const id = agent();
  const perMinute = { maxParallelCalls: 10, tokensPerMinute: 100 };
  await notAtMinuteEnd();
  await limits.begin(id, 'a', perMinute, TTL_MS);
  await limits.begin(id, 'b', perMinute, TTL_MS);
  limits.end(id, 'a', 60);
  await t.notThrowsAsync(limits.begin(id, 'c', perMinute, TTL_MS), 'under the limit');
  limits.end(id, 'b', 40);

  const refused = await t.throwsAsync(limits.begin(id, 'd', perMinute, TTL_MS), { instanceOf: RateLimitedError });
  t.true(refused.retryAfterSeconds >= 1 && refused.retryAfterSeconds <= 60, `retry after ${refused.retryAfterSeconds}s`);
  const minuteKey = `${PREFIX}:tpm:{${id}}:${Math.floor(Date.now() / 60_000)}`;
  t.is(await redis.get(minuteKey), '100');
  const ttl = await redis.ttl(minuteKey);
  t.true(ttl > 60 && ttl <= 120, `the minute's count expires after it (ttl ${ttl})`);
});

test('when two gateways share one Redis, then each sees the calls and tokens of the other', async (t) => {
  const [redisOne, redisTwo] = [await connect(t, server.url), await connect(t, server.url)];
  const [one, two] = [new CallLimits(redisOne, PREFIX, log), new CallLimits(redisTwo, PREFIX, log)];
  const id = agent();
  const twoCalls = { maxParallelCalls: 2, tokensPerMinute: 50 };
  await notAtMinuteEnd();
  await one.begin(id, 'a', twoCalls, TTL_MS);
  await two.begin(id, 'b', twoCalls, TTL_MS);
  await t.throwsAsync(one.begin(id, 'c', twoCalls, TTL_MS), { instanceOf: RateLimitedError });
  await t.throwsAsync(two.begin(id, 'c', twoCalls, TTL_MS), { instanceOf: RateLimitedError });

  // The place one replica took is freed by the other; the tokens it counts refuse the next call on the first.
  two.end(id, 'a', 50);
  await redisTwo.ping(); // one connection answers in order: the end has gone through
  await t.throwsAsync(one.begin(id, 'c', twoCalls, TTL_MS), { instanceOf: RateLimitedError });
});

test('when 50 calls of one agent begin at once, then exactly its max are admitted', async (t) => {
  const [one, two] = [new CallLimits(await connect(t, server.url), PREFIX, log), new CallLimits(await connect(t, server.url), PREFIX, log)];
  const id = agent();
  const ten = { maxParallelCalls: 10, tokensPerMinute: 1_000_000 };
  const [a, b] = await Promise.all([beginMany(one, id, 25, ten, TTL_MS, 'one'), beginMany(two, id, 25, ten, TTL_MS, 'two')]);
  t.is(a.admitted + b.admitted, 10);
  t.true([...a.refusals, ...b.refusals].every((e) => e.retryAfterSeconds === 1));
});

/**
 * A Redis of the test's own, to kill. It is back before the client closes: ioredis holds a
 * client that closes while reconnecting open for its disconnectTimeout (2 s), slowing the run.
 */
async function ownRedis(t: ExecutionContext) {
  let own = await startRedis();
  const redis = createRedis(own.url, log);
  t.true(await redisReady(redis), 'redis answers');
  const restart = async () => {
    own = await startRedis({ port: own.port });
  };
  t.teardown(async () => {
    if (own.process.exitCode !== null || own.process.signalCode !== null) await restart();
    await redisReady(redis);
    redis.disconnect();
    await own.stop();
  });
  return { redis, kill: () => own.kill(), restart };
}

test('when Redis cannot be reached, then the same limits apply in memory and nothing fails because of it', async (t) => {
  const { redis, kill } = await ownRedis(t);
  const limits = new CallLimits(redis, PREFIX, log);
  await kill();
  const id = agent();
  const ten = { maxParallelCalls: 10, tokensPerMinute: 100 };
  await notAtMinuteEnd();
  const { admitted, refusals } = await beginMany(limits, id, 50, ten, 200);
  t.is(admitted, 10);
  t.true(refusals.every((e) => e.retryAfterSeconds === 1));

  t.notThrows(() => limits.end(id, 'call-0', 100));
  await t.notThrowsAsync(limits.begin(agent(), 'other', ten, 200), 'another agent has its own places');
  await sleep(20);
  // A place is free now: only the tokens counted in memory refuse it.
  await t.throwsAsync(limits.begin(id, 'after', ten, 200), { instanceOf: RateLimitedError });

  // The places left expire in memory as they would in Redis; the tokens stay counted for the minute.
  await sleep(250);
  await t.throwsAsync(limits.begin(id, 'later', ten, 200), { instanceOf: RateLimitedError });
  const fresh = agent();
  const twoCalls = { maxParallelCalls: 2, tokensPerMinute: 100 };
  for (const call of ['a', 'b']) await limits.begin(fresh, call, twoCalls, 100);
  await sleep(150);
  await t.notThrowsAsync(limits.begin(fresh, 'c', twoCalls, 100));
});

test('when Redis dies with calls in flight, then ending them never throws, new calls are limited in memory, and Redis is used again once back', async (t) => {
  const { redis, kill, restart } = await ownRedis(t);
  const limits = new CallLimits(redis, PREFIX, log);
  const id = agent();
  const two = { maxParallelCalls: 2, tokensPerMinute: 1_000_000 };
  await limits.begin(id, 'in-redis', two, TTL_MS);
  await kill();

  t.notThrows(() => limits.end(id, 'in-redis', 10));
  await limits.begin(id, 'a', two, TTL_MS);
  await limits.begin(id, 'b', two, TTL_MS);
  await t.throwsAsync(limits.begin(id, 'c', two, TTL_MS), { instanceOf: RateLimitedError });
  limits.end(id, 'a', 10);
  await t.notThrowsAsync(limits.begin(id, 'c', two, TTL_MS), 'a place taken in memory is freed in memory');

  await restart();
  t.true(await redisReady(redis), 'the client reconnects');
  await limits.begin(id, 'back', two, TTL_MS);
  t.deepEqual(await redis.zrange(`${PREFIX}:calls:{${id}}`, 0, -1), ['back'], 'the place is taken in Redis again');
});
