import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, listening, managed, spawnLogged, startRedis, type ManagedProcess } from '@tollgate/devkit';

const run = promisify(execFile);

/** Real Redis topologies for the tests of what REDIS_URL may name: every process on loopback, in a temp directory. */
export interface RedisTopology {
  /** The REDIS_URL that names it. */
  url: string;
  nodes: ManagedProcess[];
  stop(): Promise<void>;
}

const redisCli = (port: number, ...args: string[]) => run('redis-cli', ['-p', String(port), ...args]).then((r) => r.stdout);

async function until(what: string, ready: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !(await ready().catch(() => false));) {
    if (Date.now() > end) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A Redis Cluster of `size` masters (no replicas), its slots spread over them. */
export async function startRedisCluster(size = 3): Promise<RedisTopology> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-redis-cluster-'));
  const nodes: ManagedProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < size; i++) {
      const [port, busPort] = [await freePort(), await freePort()];
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
      args.push('--cluster-enabled', 'yes', '--cluster-port', String(busPort), '--cluster-config-file', `nodes-${port}.conf`);
      const child = spawnLogged('redis-server', args, undefined);
      await listening(child, 'redis-server (cluster)', port);
      nodes.push(managed(child, `redis://127.0.0.1:${port}`, port));
    }
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    await until('redis cluster', async () => (await redisCli(nodes[0].port, 'cluster', 'info')).includes('cluster_state:ok'));
    return { url: `redis-cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`, nodes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * A master, its replica and one Sentinel watching them (quorum 1, down after 1 s): killing
 * the master (`nodes[0]`) makes the Sentinel promote the replica within seconds.
 */
export async function startRedisSentinel(masterName = 'tollgate'): Promise<RedisTopology & { sentinelPort: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-redis-sentinel-'));
  const nodes: ManagedProcess[] = [];
  const stop = async () => {
    for (const n of [...nodes].reverse()) await n.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const master = await startRedis();
    nodes.push(master);
    const replicaPort = await freePort();
    const replica = spawnLogged(
      'redis-server',
      // --dir: a replica writes the master's snapshot to disk on a full sync
      ['--port', String(replicaPort), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--replicaof', '127.0.0.1', String(master.port)],
      undefined,
    );
    await listening(replica, 'redis-server (replica)', replicaPort);
    nodes.push(managed(replica, `redis://127.0.0.1:${replicaPort}`, replicaPort));
    await until('redis replica', async () => (await redisCli(replicaPort, 'info', 'replication')).includes('master_link_status:up'));

    const sentinelPort = await freePort();
    const conf = path.join(dir, 'sentinel.conf');
    fs.writeFileSync(
      conf,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${masterName} 127.0.0.1 ${master.port} 1`,
        `sentinel down-after-milliseconds ${masterName} 1000`,
        `sentinel failover-timeout ${masterName} 5000`,
        '',
      ].join('\n'),
    );
    const sentinel = spawnLogged('redis-server', [conf, '--sentinel'], undefined);
    await listening(sentinel, 'redis sentinel', sentinelPort);
    nodes.push(managed(sentinel, `redis://127.0.0.1:${sentinelPort}`, sentinelPort));
    await until('redis sentinel', async () =>
      (await redisCli(sentinelPort, 'sentinel', 'replicas', masterName)).includes(String(replicaPort)),
    );
    return { url: `redis-sentinel://127.0.0.1:${sentinelPort}/${masterName}`, nodes, sentinelPort, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The keys of one node that match `pattern`. */
export async function redisKeys(port: number, pattern: string): Promise<string[]> {
  return (await redisCli(port, '--scan', '--pattern', pattern)).split('\n').filter(Boolean);
}

/** The port the Sentinel names as the master now. */
export async function sentinelMaster(sentinelPort: number, masterName = 'tollgate'): Promise<number> {
  const [, port] = (await redisCli(sentinelPort, 'sentinel', 'get-master-addr-by-name', masterName)).trim().split('\n');
  return Number(port);
}
