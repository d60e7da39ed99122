import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Logger } from '@tollgate/platform';

/** A standalone Redis, a Sentinel-managed one or a Redis Cluster: what REDIS_URL names. */
export type RedisClient = Redis | Cluster;

/**
 * REDIS_URL's forms: `redis[s]://[:password@]host:port[/db]` (one server),
 * `redis[s]-sentinel://[:password@]host:port,host:port/<master name>` (the master a group of
 * Sentinels names, followed through failovers) and `redis[s]-cluster://[:password@]host:port,host:port`
 * (any nodes of a Cluster; the rest are discovered). The password is the data nodes'; `rediss`
 * forms speak TLS to them.
 */
export const REDIS_URL_PATTERN = /^rediss?(-sentinel|-cluster)?:\/\//;

/** Fails fast when Redis is gone instead of queueing: callers fall back (limits in memory). */
const FAIL_FAST: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 1_000,
  retryStrategy: (times) => Math.min(100 * times, 1_000),
  // The limits a request consumes together go out in one write (one syscall, one round trip).
  enableAutoPipelining: true,
};

function hostsOf(list: string): { host: string; port: number }[] {
  return list.split(',').map((hostPort) => {
    const i = hostPort.lastIndexOf(':');
    return i < 0
      ? { host: hostPort, port: 0 }
      : { host: hostPort.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(hostPort.slice(i + 1)) };
  });
}

/** Parses a REDIS_URL of any form into the client it names (not yet connected when this returns). */
export function redisClientOf(url: string): RedisClient {
  const match = /^(rediss?)(?:-(sentinel|cluster))?:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]+)(?:\/([^?]*))?/.exec(url);
  if (!match) throw new Error('REDIS_URL must be a redis://, redis-sentinel:// or redis-cluster:// URL');
  const [, scheme, mode, username, password, hosts, path] = match;
  if (!mode) return new Redis(url, FAIL_FAST);
  const auth = {
    ...(username ? { username: decodeURIComponent(username) } : {}),
    ...(password ? { password: decodeURIComponent(password) } : {}),
    ...(scheme === 'rediss' ? { tls: {} } : {}),
  };
  const nodes = hostsOf(hosts).map((n) => ({ host: n.host, port: n.port || (mode === 'sentinel' ? 26_379 : 6_379) }));
  if (mode === 'sentinel') {
    const name = decodeURIComponent(path ?? '');
    if (!name) throw new Error('a redis-sentinel:// URL names its master after the hosts: redis-sentinel://host:26379/mymaster');
    return new Redis({ ...FAIL_FAST, ...auth, sentinels: nodes, name });
  }
  const options: ClusterOptions = {
    enableOfflineQueue: false,
    // Not pipelined: a script in an automatic pipeline that reaches a node without it cached fails NOSCRIPT
    // there instead of being sent again in full, and the limit would fall back to memory.
    enableAutoPipelining: false,
    clusterRetryStrategy: (times) => Math.min(100 * times, 1_000),
    redisOptions: { ...FAIL_FAST, ...auth, enableAutoPipelining: false },
  };
  return new Cluster(nodes, options);
}

/** The gateway's Redis, saying once when it goes away and once when it is back. */
export function createRedis(url: string, log: Logger): RedisClient {
  const redis = redisClientOf(url);
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) log.warn({ err: err.message }, 'redis unavailable; rate limiting falls back to memory');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info('redis is back; rate limiting uses it again');
    down = false;
  });
  return redis;
}

/** Waits (briefly) for the first connection, so limits don't start out split between memory and Redis. */
export async function redisReady(redis: RedisClient, timeoutMs = 3_000): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
