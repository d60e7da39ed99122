import { randomUUID } from 'node:crypto';
import test from 'ava';
import { createLogger, RateLimitedError } from '@tollgate/platform';
import { CallLimits } from '../src/proxy/call-limits.js';
import { limiter } from '../src/rate-limit/limiters.js';
import { createRedis, redisClientOf, redisReady, type RedisClient } from '../src/redis.js';
import { sentinelMaster, startRedisCluster, startRedisSentinel } from '../../test/support/redis-ha.js';

// What REDIS_URL may name besides one server, each a real topology: a Redis Cluster (the
// limits' keys spread over its nodes, the call-limit scripts' keys in one slot) and a
// Sentinel group followed through a failover.
const log = createLogger('redis-ha-test', 'silent');
const LIMITS = { maxParallelCalls: 2, tokensPerMinute: 1_000_000 };

async function connect(url: string): Promise<RedisClient> {
  const redis = createRedis(url, log);
  if (!(await redisReady(redis, 10_000))) throw new Error(`no connection to ${url}`);
  return redis;
}

/** The agent's calls past its parallel limit are refused, through Redis (no Redis error falls back to memory). */
async function callLimitsHold(redis: RedisClient, agentId: string): Promise<boolean> {
  const limits = new CallLimits(redis, `ha-${randomUUID()}`, log);
  await limits.begin(agentId, 'c1', LIMITS, 30_000);
  await limits.begin(agentId, 'c2', LIMITS, 30_000);
  const third = await limits.begin(agentId, 'c3', LIMITS, 30_000).then(
    () => false,
    (err: unknown) => err instanceof RateLimitedError,
  );
  limits.end(agentId, 'c1', 10);
  return third;
}

test('REDIS_URL forms that are not one: clear errors, before anything connects', (t) => {
  t.throws(() => redisClientOf('http://127.0.0.1:6379'), { message: /redis:\/\/, redis-sentinel:\/\/ or redis-cluster:\/\// });
  t.throws(() => redisClientOf('redis-sentinel://127.0.0.1:26379'), { message: /names its master/ });
});

test('a Redis Cluster: limits count across its nodes, and the call-limit scripts run (their keys in one slot)', async (t) => {
  const cluster = await startRedisCluster();
  t.teardown(() => cluster.stop());
  const redis = await connect(cluster.url);
  t.teardown(() => redis.disconnect());

  // Many keys, so every node holds some: each one allows 2 and refuses the 3rd.
  const perIp = limiter(redis, `ha-${randomUUID()}`, 2, 60);
  const ips = Array.from({ length: 30 }, (_, i) => `198.51.100.${i}`);
  for (const ip of ips) {
    await perIp.consume(ip);
    await perIp.consume(ip);
  }
  const third = await Promise.allSettled(ips.map((ip) => perIp.consume(ip)));
  t.true(third.every((r) => r.status === 'rejected' && (r.reason as { msBeforeNext?: number }).msBeforeNext !== undefined));
  const keysPerNode = await Promise.all(
    cluster.nodes.map(async (n) => {
      const node = await connect(n.url);
      const keys = await node.dbsize();
      node.disconnect();
      return keys;
    }),
  );
  t.true(
    keysPerNode.every((k) => k > 0),
    `keys per node: ${keysPerNode.join(', ')}`,
  );

  for (const agent of ['agt_a', 'agt_b', 'agt_c', 'agt_d']) t.true(await callLimitsHold(redis, agent), agent);
});

test('a Sentinel group: limits work on its master, and again on the replica it promotes when the master dies', async (t) => {
  const group = await startRedisSentinel();
  t.teardown(() => group.stop());
  const redis = await connect(group.url);
  t.teardown(() => redis.disconnect());
  const [master, replica] = group.nodes;

  const perIp = limiter(redis, `ha-${randomUUID()}`, 1, 60);
  await perIp.consume('203.0.113.1');
  const refused = await perIp.consume('203.0.113.1').then(
    () => false,
    (res: unknown) => (res as { msBeforeNext?: number }).msBeforeNext !== undefined,
  );
  t.true(refused, 'the second point is refused by Redis');
  t.true(await callLimitsHold(redis, 'agt_before'));

  await master.kill();
  for (const end = Date.now() + 30_000; (await sentinelMaster(group.sentinelPort)) !== replica.port;) {
    if (Date.now() > end) return t.fail('the sentinel did not promote the replica');
    await new Promise((r) => setTimeout(r, 200));
  }
  // The client follows the Sentinel to the new master: a new key works, and what the old one counted was replicated.
  for (const end = Date.now() + 15_000; ;) {
    const ok = await perIp.consume('203.0.113.2').then(
      () => true,
      () => false,
    );
    if (ok && redis.status === 'ready') break;
    if (Date.now() > end) return t.fail('no write went through after the failover');
    await new Promise((r) => setTimeout(r, 200));
  }
  t.true(await callLimitsHold(redis, 'agt_after'));
});
