import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as undici from 'undici';
import mongoose from 'mongoose';
import { freePort, postgresBinDir, SERVICES, type ServiceName } from '@tollgate/devkit';
import { createLogger, createServiceClient, newHoldId, priceOf, type ModelPrice, type Principal } from '@tollgate/platform';
import { createClients, Escrows, loadConfig as loadGatewayConfig } from '@tollgate/gateway';
import { loadBudget } from '@tollgate/proto';
import { startFakeProvider } from '../support/fake-provider.js';
import { expectStatus, measure, startBenchMesh, testEnv, type BenchMesh, type Result } from './lib.js';

// The money path under load: `ANY /v1/proxy/openai/chat/completions` through the gateway
// (agent token, the call's hold in the agent's escrow, per-agent limits in Redis, provider key,
// the provider, the answer read for its usage, its charge synced off the response path) against
// a stand-in provider that knows what each call costs, running in its own process so that the
// load generator shares no event loop with it.
//   1. added latency at a fixed rate (open loop): 200/s steady through the proxy for 30 s (6,000
//      calls, so that a p99 is not one stall's luck), the same calls sent to the provider directly
//      at the same rate just before and just after it being the baseline; then 200/s and 20/s (the
//      path without queueing) in windows alternating with direct ones (10 of each, pooled), so that
//      the machine's other load falls on both alike — but then the gateway idles between its
//      windows, which a steady rate never does; and one agent calling every 1.5 s (caches and
//      escrow between its calls);
//   2. saturation (closed loop) through the proxy, beside the provider's own, then zero overspend:
//      every agent's spent equals what the provider billed for its calls, and never exceeds its limit;
//   3. holds + settles across 100 budgets through the gateway's escrows (in this process) against the
//      budget service, counted once in the ledger, on a fresh journal and after 100,000 entries.
// Then where the time goes: the stages of a proxied call timed inside the gateway (by a hook the
// benchmark loads with NODE_OPTIONS into the gateway and the budget service; their code is as
// shipped, and the hook times only in windows of its own, apart from those in the table), the
// services' handling times (Prometheus), CPU per process and per call, rows the budget database
// wrote (PostgreSQL's counters, read only), and CPU profiles of the gateway (saturated) and of the
// budget service (holds and settles), written to /tmp and summarised here.
const RATE = 200;
const OPEN_LOOP_MS = 30_000;
/** The open loops alternate direct and proxied windows this many times. */
const OPEN_LOOP_ROUNDS = 10;
/** The window the hook times the stages in (apart from the measured ones). */
const TIMED_MS = 5_000;
/** The steady run through the proxy at RATE, after a warm-up at the same rate. */
const STEADY_MS = 30_000;
const STEADY_WARMUP_MS = 5_000;
/** A low rate as well, so that the path's own latency shows apart from queueing. */
const LOW_RATE = 20;
const LOW_RATE_MS = 20_000;
/** And one agent calling now and then, as an agent does between two LLM calls that take seconds. */
const SPARSE_INTERVAL_MS = 1_500;
const SPARSE_CALLS = 20;
const SATURATION_CONCURRENCY = 32;
const SATURATION_MS = 10_000;
const SATURATION_WARMUP_MS = 5_000;
const PROFILE_MS = 4_000;
const HOLD_CONCURRENCY = 64;
const HOLD_MS = 6_000;
const BUDGETS = 100;
const SEED_ENTRIES = 100_000;
const LATENCY_AGENTS = 10;
const SATURATION_AGENTS = 20;
const DRAINED_AGENTS = 4;
const PROVIDER_KEY = 'sk-bench-proxy-0123456789abcdef';
const PRICE_TABLE = JSON.parse(
  fs.readFileSync(path.resolve(import.meta.dirname, '../../services/budget/price-table.json'), 'utf8'),
) as Record<string, Record<string, ModelPrice>>;
const MODEL = 'gpt-4o-mini';
const FAKE_PROVIDER = '--fake-provider';
const root = path.resolve(import.meta.dirname, '../..');

type Billed = Record<string, { calls: number; micros: number }>;

/** The child process: the stand-in provider at the shipped OpenAI prices; tells the parent what it billed, per `user`. */
async function serveFakeProvider(): Promise<void> {
  // Counted as they are billed, not kept: tens of thousands of calls kept would make the provider's
  // own collections longer and longer, stalling direct and proxied calls alike.
  const billed: Billed = {};
  const provider = await startFakeProvider(
    (model) => {
      const p = PRICE_TABLE.openai[model];
      return p ? { input: p.input_per_million_micros, output: p.output_per_million_micros } : { input: 0, output: 0 };
    },
    {
      keepCalls: false,
      onBilled: (call) => {
        const b = (billed[String(call.body.user)] ??= { calls: 0, micros: 0 });
        b.calls++;
        b.micros += call.costMicros;
      },
    },
  );
  process.on('message', () => process.send!({ billed }));
  process.on('disconnect', () => void provider.close().then(() => process.exit(0)));
  process.send!({ url: provider.url });
}

async function startProviderProcess() {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [FAKE_PROVIDER], {
    execArgv: ['--conditions=development', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`the fake provider exited (${code})`));
      child.once('exit', exited);
      child.once('message', (m) => {
        child.off('exit', exited);
        resolve(m as T);
      });
    });
  const { url } = await next<{ url: string }>();
  return {
    url,
    pid: child.pid!,
    async billed(): Promise<Billed> {
      const answer = next<{ billed: Billed }>();
      child.send({});
      return (await answer).billed;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

const say = (line = '') => process.stdout.write(`${line}\n`);
const ms = (v: number) => v.toFixed(2);
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

type Measured = Result & { lastError?: string };

/** Keeps the last error of a measured function (measure() only counts them). */
function tracked(fn: () => Promise<unknown>): { fn: () => Promise<unknown>; lastError: () => string | undefined } {
  let last: string | undefined;
  return {
    fn: () =>
      fn().catch((err: unknown) => {
        last = (err as Error).message;
        throw err;
      }),
    lastError: () => last,
  };
}

interface OpenLoopRun {
  latencies: number[];
  errors: number;
  lastError?: string;
  elapsed: number;
}

/**
 * Open loop: request i is due at start + i/rate whatever happened to the others. Latency is
 * counted from when it was due (or sent, if sent early), so a late send counts against it.
 */
async function openLoopRun(rate: number, durationMs: number, fn: () => Promise<unknown>): Promise<OpenLoopRun> {
  const latencies: number[] = [];
  let errors = 0;
  let lastError: string | undefined;
  const inFlight = new Set<Promise<void>>();
  const interval = 1000 / rate;
  const start = performance.now();
  for (let i = 0; i < Math.floor(durationMs / interval); i++) {
    const due = start + i * interval;
    const ahead = due - performance.now();
    if (ahead > 0) await sleep(ahead);
    const from = Math.min(due, performance.now());
    const p = fn().then(
      () => void latencies.push(performance.now() - from),
      (err: unknown) => {
        errors++;
        lastError = (err as Error).message;
      },
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }
  await Promise.all(inFlight);
  return { latencies, errors, lastError, elapsed: performance.now() - start };
}

/** Runs measured as one: latencies pooled, rate over their time together. */
function pooled(name: string, runs: OpenLoopRun[]): Measured {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const elapsed = runs.reduce((sum, r) => sum + r.elapsed, 0);
  return {
    name,
    count: latencies.length,
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    rps: (latencies.length / elapsed) * 1000,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    lastError: runs.findLast((r) => r.lastError)?.lastError,
  };
}

async function openLoop(
  name: string,
  opts: { rate: number; durationMs: number; warmupMs: number },
  fn: () => Promise<unknown>,
): Promise<Measured> {
  await openLoopRun(opts.rate, opts.warmupMs, fn);
  return pooled(name, [await openLoopRun(opts.rate, opts.durationMs, fn)]);
}

/** One run's p99, measured as pooled() measures any runs. */
const p99Of = (run: OpenLoopRun) => pooled('', [run]).p99;

/**
 * One call every `intervalMs` to each of `fns` in turn (half an interval apart), so that
 * nothing of one call overlaps the next: what an idle path adds to a lone call.
 */
async function sparse(names: string[], intervalMs: number, calls: number, fns: (() => Promise<unknown>)[]): Promise<Measured[]> {
  const runs: OpenLoopRun[] = fns.map(() => ({ latencies: [], errors: 0, elapsed: 0 }));
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    for (const [f, fn] of fns.entries()) {
      const due = start + i * intervalMs + (f * intervalMs) / fns.length;
      await sleep(Math.max(0, due - performance.now()));
      const from = performance.now();
      await fn().then(
        () => runs[f].latencies.push(performance.now() - from),
        () => runs[f].errors++,
      );
    }
  }
  const elapsed = performance.now() - start;
  return names.map((name, f) => pooled(name, [{ ...runs[f], elapsed }]));
}

/**
 * The load generator's client, the same for the provider itself (the baseline) and for the
 * gateway: undici's, keep-alive, as many connections as calls in flight, answers parsed as JSON.
 * It is light on purpose (as autocannon is): the load generator shares the two cores with what
 * it measures, and its own CPU and pauses would count against both sides.
 */
function loadClient(origin: string, ca?: Buffer) {
  const agent = new undici.Agent({ keepAliveTimeout: 60_000, connect: ca ? { ca } : {} });
  const post = async (route: string, json: unknown, headers: Record<string, string>) => {
    const res = await agent.request({
      origin,
      path: route,
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(json),
    });
    const text = await res.body.text();
    return { status: res.statusCode, text, body: text ? (JSON.parse(text) as unknown) : null };
  };
  return { post, close: () => agent.close() };
}

// ---- where the time goes: /proc, PostgreSQL's counters, Prometheus, the gateway's own timings, a CPU profile ----

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  cmd: string;
  ticks: number;
}

/** This process and every process it started (the mesh, its databases, the fake provider), with their CPU ticks so far. */
function ourProcesses(): Proc[] {
  const all = new Map<number, Proc>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      all.set(Number(entry), { pid: Number(entry), ppid: Number(fields[1]), comm, cmd, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // gone meanwhile
    }
  }
  const out: Proc[] = [];
  const walk = (pid: number) => {
    const p = all.get(pid);
    if (!p) return;
    out.push(p);
    for (const c of all.values()) if (c.ppid === pid) walk(c.pid);
  };
  walk(process.pid);
  return out;
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
const CORES = os.cpus().length;

interface CpuSnapshot {
  at: number;
  byRole: Map<string, number>;
  /** The whole machine (other people's processes included): busy and all jiffies. */
  machine: { busy: number; total: number };
}

function cpuSnapshot(fakePid: number): CpuSnapshot {
  const role = new Map<number, string>();
  const byRole = new Map<string, number>();
  // Parents come before their children: a process without a role of its own counts for its parent's.
  for (const p of ourProcesses()) {
    const service = /(gateway|services\/([\w-]+))\/src\/main\.ts/.exec(p.cmd);
    const own =
      p.pid === process.pid
        ? 'load generator'
        : p.pid === fakePid
          ? 'fake provider'
          : service
            ? (service[2] ?? 'gateway')
            : p.comm.startsWith('postgres')
              ? 'postgres'
              : p.comm.includes('ferret')
                ? 'ferretdb'
                : p.comm.includes('redis')
                  ? 'redis'
                  : undefined;
    const r = own ?? role.get(p.ppid) ?? 'other';
    role.set(p.pid, r);
    byRole.set(r, (byRole.get(r) ?? 0) + p.ticks);
  }
  const n = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const total = n.reduce((a, b) => a + b, 0);
  return { at: performance.now(), byRole, machine: { busy: total - n[3] - n[4], total } };
}

/**
 * CPU per role between two snapshots, as CPU ms per operation (its sum bounds the rate these
 * cores could do if nothing else ran) and in % of one core, and what the rest of the machine used meanwhile.
 */
function cpuLine(before: CpuSnapshot, after: CpuSnapshot, operations: number): string {
  const seconds = (after.at - before.at) / 1000;
  const rows = [...after.byRole]
    .map(([role, t]) => ({ role, pct: ((t - (before.byRole.get(role) ?? 0)) / CLK_TCK / seconds) * 100 }))
    .filter((r) => r.pct >= 0.5)
    .sort((a, b) => b.pct - a.pct);
  const ours = rows.reduce((a, r) => a + r.pct, 0);
  const machine = ((after.machine.busy - before.machine.busy) / Math.max(1, after.machine.total - before.machine.total)) * CORES * 100;
  const perOp = (pct: number) => ((pct / 100) * seconds * 1000) / operations;
  return (
    `${rows.map((r) => `${r.role} ${perOp(r.pct).toFixed(2)}`).join(', ')} = ${perOp(ours).toFixed(2)} CPU ms per operation ` +
    `(at most ${((CORES * 1000) / perOp(ours)).toFixed(0)}/s on ${CORES} cores with nothing else running); ` +
    `${ours.toFixed(0)}% of ${CORES * 100}% CPU, other processes on the machine ${Math.max(0, machine - ours).toFixed(0)}% (load average ${os.loadavg()[0].toFixed(1)})`
  );
}

/** Rows written and read in each collection of the budget database, as PostgreSQL (under FerretDB) counts them. */
interface TableCounters {
  inserted: number;
  updated: number;
  hot: number;
  seqScans: number;
  seqRows: number;
  indexScans: number;
}
interface DbCounters {
  tables: Map<string, TableCounters>;
  indexes: Map<string, number>;
}

/** Reads PostgreSQL's statistics (read-only) when the embedded database is FerretDB on PostgreSQL; null otherwise. */
function dbCounters(schema: string): DbCounters | null {
  const postmaster = ourProcesses().find((p) => p.comm === 'postgres' && / -c port=\d+/.test(p.cmd));
  if (!postmaster) return null;
  const port = / -c port=(\d+)/.exec(postmaster.cmd)![1];
  const sql =
    `SELECT 't', relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, seq_scan, seq_tup_read, coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE schemaname = '${schema}' ` +
    `UNION ALL SELECT 'i', tablename, count(*), 0, 0, 0, 0, 0 FROM pg_indexes WHERE schemaname = '${schema}' GROUP BY tablename`;
  const psql = path.join(postgresBinDir(testEnv.pgBin), 'psql');
  const out = execFileSync(psql, ['-X', '-At', '-F', '\t', '-h', '127.0.0.1', '-p', port, '-U', 'postgres', '-d', 'ferretdb', '-c', sql], {
    encoding: 'utf8',
  });
  const counters: DbCounters = { tables: new Map(), indexes: new Map() };
  // FerretDB names a collection's table `<collection>_<hash>`.
  const collection = (table: string) => table.replace(/_[0-9a-f]{8}$/, '');
  for (const line of out.trim().split('\n')) {
    const [kind, name, ...n] = line.split('\t');
    const [inserted, updated, hot, seqScans, seqRows, indexScans] = n.map(Number);
    if (kind === 't' && !name.startsWith('_ferretdb'))
      counters.tables.set(collection(name), { inserted, updated, hot, seqScans, seqRows, indexScans });
    if (kind === 'i') counters.indexes.set(collection(name), inserted);
  }
  return counters;
}

function dbLine(before: DbCounters | null, after: DbCounters | null, operations: number, per: string): string {
  if (!before || !after) return 'database: not counted (the embedded database is not PostgreSQL)';
  const parts: string[] = [];
  for (const [name, t] of after.tables) {
    const b = before.tables.get(name);
    if (!b) continue;
    const d = (k: keyof TableCounters) => (t[k] - b[k]) / operations;
    const what = [
      d('inserted') >= 0.05 ? `${d('inserted').toFixed(2)} inserted` : '',
      d('updated') >= 0.05 ? `${d('updated').toFixed(2)} updated (${((d('hot') / d('updated')) * 100).toFixed(0)}% HOT)` : '',
      d('indexScans') >= 0.05 ? `${d('indexScans').toFixed(2)} index scans` : '',
      d('seqScans') >= 0.05 ? `${d('seqScans').toFixed(2)} seq scans reading ${d('seqRows').toFixed(0)} rows` : '',
    ].filter(Boolean);
    if (what.length > 0) parts.push(`${name} (${after.indexes.get(name) ?? '?'} indexes): ${what.join(', ')}`);
  }
  return `budget database per ${per} (PostgreSQL's counters under FerretDB, flushed about every second): ${parts.join('; ')}`;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** Every service's gRPC handling so far, by method (`SyncEscrows`, …): cumulative seconds and calls, from Prometheus. */
type ServerTimes = Map<string, { sum: number; count: number }>;

async function serverTimes(metricsPorts: Record<ServiceName, number>): Promise<ServerTimes> {
  const out: ServerTimes = new Map();
  for (const port of Object.values(metricsPorts)) {
    for (const x of parseMetrics(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())) {
      const m = /^grpc_server_handling_seconds_(sum|count)$/.exec(x.name);
      if (!m) continue;
      const t = out.get(x.labels.grpc_method) ?? { sum: 0, count: 0 };
      t[m[1] as 'sum' | 'count'] += x.value;
      out.set(x.labels.grpc_method, t);
    }
  }
  return out;
}

/** Mean server-side ms and calls per operation of a gRPC method between two readings (null when it was not called). */
function serverSide(before: ServerTimes, after: ServerTimes, method: string, operations: number): { mean: number; per: number } | null {
  const a = after.get(method);
  const b = before.get(method) ?? { sum: 0, count: 0 };
  if (!a || a.count === b.count) return null;
  return { mean: ((a.sum - b.sum) / (a.count - b.count)) * 1000, per: (a.count - b.count) / operations };
}

/**
 * Loaded with NODE_OPTIONS=--import into the gateway and the budget service alone (nothing of them changes):
 * - while timing is on (SIGTTIN turns it on; off otherwise, so that measured windows run the code as
 *   shipped, nothing subscribed and nothing wrapped in their way):
 *   it times each proxied request's stages from node's http and undici's diagnostics channels —
 *   arrived, sent upstream, the provider's answer headers, response finished; the upstream request is matched
 *   to its request by the X-Request-Id the proxy passes on — each gRPC call from the client
 *   side (grpc-js channel calls, start to status) and each Redis command (ioredis); SIGWINCH
 *   writes the timings since timing went on to BENCH_STAGES and turns it off;
 * - SIGUSR2 starts the V8 CPU profiler; the next SIGUSR2 writes the profile to BENCH_CPU_PROFILE.
 */
const PROCESS_HOOK = String.raw`
import fs from 'node:fs';
import dc from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { Session } from 'node:inspector';

let samples = {};
let dumps = 0;
let timing = false;
const note = (stage, ms) => (samples[stage] ??= []).push(ms);
const channels = {};
process.on('SIGTTIN', () => {
  samples = {};
  if (!timing) for (const [name, fn] of Object.entries(channels)) dc.subscribe(name, fn);
  timing = true;
});
process.on('SIGWINCH', () => {
  if (timing) for (const [name, fn] of Object.entries(channels)) dc.unsubscribe(name, fn);
  timing = false;
  const file = process.env.BENCH_STAGES;
  fs.writeFileSync(file + '.part', JSON.stringify({ dump: ++dumps, samples }));
  fs.renameSync(file + '.part', file);
  samples = {};
});

const byId = new Map();
const T = Symbol('bench-timing');
channels['http.server.request.start'] = (({ request }) => {
  const id = request.headers['x-request-id'];
  if (!id || !request.url.startsWith('/v1/proxy/')) return;
  request[T] = { id, start: performance.now() };
  byId.set(id, request[T]);
});
channels['undici:request:create'] = (({ request }) => {
  const h = request.headers;
  let id;
  for (let i = 0; i < h.length; i += 2) if (String(h[i]).toLowerCase() === 'x-request-id') id = String(h[i + 1]);
  const t = byId.get(id);
  if (t && t.sent === undefined) {
    t.sent = performance.now();
    request[T] = t;
  }
});
channels['undici:request:headers'] = (({ request }) => {
  if (request[T]) request[T].answered = performance.now();
});
channels['http.server.response.finish'] = (({ request }) => {
  const t = request[T];
  if (!t) return;
  byId.delete(t.id);
  const end = performance.now();
  note('proxied request: arrival → response finished', end - t.start);
  if (t.sent === undefined || t.answered === undefined) return;
  note('  before the provider (auth, limits, body, hold, key)', t.sent - t.start);
  note('  the provider (request sent → answer headers)', t.answered - t.sent);
  note('  after the provider (answer read, usage, response sent)', end - t.answered);
});

const require = createRequire(process.env.BENCH_PACKAGE);
require('@grpc/grpc-js');
const { ChannelImplementation } = require('@grpc/grpc-js/build/src/channel.js');
const createCall = ChannelImplementation.prototype.createCall;
ChannelImplementation.prototype.createCall = function (method, ...rest) {
  const call = createCall.call(this, method, ...rest);
  if (!timing) return call;
  const start = call.start;
  call.start = function (metadata, listener) {
    const t0 = performance.now();
    const stage = 'gRPC ' + method.split('/').pop();
    return start.call(this, metadata, {
      onReceiveMetadata: (m) => listener.onReceiveMetadata?.(m),
      onReceiveMessage: (m) => listener.onReceiveMessage?.(m),
      onReceiveStatus: (status) => {
        note(stage, performance.now() - t0);
        listener.onReceiveStatus?.(status);
      },
    });
  };
  return call;
};
if (process.env.BENCH_REDIS) {
  const { Redis } = require('ioredis');
  const send = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (command, stream) {
    if (!timing) return send.call(this, command, stream);
    const t0 = performance.now();
    const out = send.call(this, command, stream);
    command.promise?.then(() => note('redis ' + command.name, performance.now() - t0), () => undefined);
    return out;
  };
}

let session;
process.on('SIGUSR2', () => {
  if (!session) {
    session = new Session();
    session.connect();
    session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start')));
    return;
  }
  const s = session;
  session = undefined;
  s.post('Profiler.stop', (err, res) => {
    if (!err) {
      fs.writeFileSync(process.env.BENCH_CPU_PROFILE + '.part', JSON.stringify(res.profile));
      fs.renameSync(process.env.BENCH_CPU_PROFILE + '.part', process.env.BENCH_CPU_PROFILE);
    }
    s.disconnect();
  });
});
`;

/** The gateway's timings since the last call (SIGWINCH to the hook above). */
async function gatewayTimings(pid: number, file: string): Promise<Map<string, number[]>> {
  const read = () =>
    fs.existsSync(file)
      ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { dump: number; samples: Record<string, number[]> })
      : { dump: 0, samples: {} };
  const before = read().dump;
  process.kill(pid, 'SIGWINCH');
  for (let i = 0; i < 100; i++) {
    const d = read();
    if (d.dump > before) return new Map(Object.entries(d.samples));
    await sleep(50);
  }
  throw new Error('the gateway hook did not write its timings');
}

interface Window<T> {
  result: T;
  timings: Map<string, number[]>;
  server: { before: ServerTimes; after: ServerTimes };
  cpu: { before: CpuSnapshot; after: CpuSnapshot };
  db: { before: DbCounters | null; after: DbCounters | null };
}

/** The gateway's stages of a proxied call, each gRPC call beside its server-side handling, Redis, CPU and database writes. */
function printProxyWindow(title: string, w: Window<Measured>): void {
  const calls = w.result.count + w.result.errors;
  say(`\n${title}`);
  say(
    `  ${'stage, timed inside the gateway'.padEnd(60)} ${'per call'.padStart(8)} ${'mean ms'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
  );
  const rank = (stage: string) => (stage.startsWith('gRPC') ? 1 : stage.startsWith('redis') ? 2 : 0);
  for (const stage of [...w.timings.keys()].sort((a, b) => rank(a) - rank(b))) {
    const values = [...w.timings.get(stage)!].sort((a, b) => a - b);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    say(
      `  ${stage.padEnd(60)} ${(values.length / calls).toFixed(3).padStart(8)} ${ms(mean).padStart(8)} ${ms(pct(values, 50)).padStart(8)} ${ms(pct(values, 99)).padStart(8)}`,
    );
    const server = stage.startsWith('gRPC ') ? serverSide(w.server.before, w.server.after, stage.slice(5), calls) : null;
    if (server)
      say(
        `  ${'  its handling in the service (Prometheus)'.padEnd(60)} ${server.per.toFixed(3).padStart(8)} ${ms(server.mean).padStart(8)}`,
      );
  }
  say(`  CPU per proxied call: ${cpuLine(w.cpu.before, w.cpu.after, calls)}`);
  say(`  ${dbLine(w.db.before, w.db.after, calls, 'proxied call')}`);
}

function printHoldWindow(w: Window<Measured>): void {
  const pairs = w.result.count + w.result.errors;
  const sync = serverSide(w.server.before, w.server.after, 'SyncEscrows', pairs);
  say(
    `\n${w.result.name}: ${sync ? `${sync.per.toFixed(4)} SyncEscrows per pair, ${ms(sync.mean)} ms each in the budget service (mean)` : 'no SyncEscrows seen'}`,
  );
  say(`  CPU per pair: ${cpuLine(w.cpu.before, w.cpu.after, pairs)}`);
  say(`  ${dbLine(w.db.before, w.db.after, pairs, 'hold+settle pair')}`);
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  startTime: number;
  endTime: number;
}

/** What a profile frame belongs to: a package, a file of ours, a part of node, or V8's own buckets. */
function moduleOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = file.slice(nm + 14).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (file.startsWith('node:')) return file.split('/').slice(0, 2).join('/');
  return file.startsWith(root) ? path.relative(root, file) : file;
}

/**
 * The top of a V8 CPU profile: self time by function (a native function named with the
 * code that called it), self time by module, and time by module on the stack (inclusive).
 * The benchmark's own hook in the gateway is left out of the attribution.
 */
function summariseProfile(who: string, file: string, rows: number): string[] {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const sampleMs = (profile.endTime - profile.startTime) / 1000 / profile.samples.length;
  const self = new Map<string, number>();
  const selfModule = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const ours = (url: string) => url.includes('gateway-hook.mjs');
  let idle = 0;
  for (const id of profile.samples) {
    const { functionName, url } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') {
      idle++;
      continue;
    }
    const stack: { fn: string; mod: string }[] = [];
    for (let n = parent.get(id); n !== undefined; n = parent.get(n)) {
      const f = byId.get(n)!.callFrame;
      if (f.url && !ours(f.url)) stack.push({ fn: f.functionName || '(anonymous)', mod: moduleOf(f.url, f.functionName) });
    }
    const mod = moduleOf(url, functionName);
    let name = functionName.startsWith('(') ? functionName : `${functionName || '(anonymous)'} (${mod})`;
    if (!url && !functionName.startsWith('(')) {
      const caller = stack.find((f) => !f.mod.startsWith('node:')) ?? stack[0];
      name = `${functionName} (native, from ${caller ? `${caller.fn} in ${caller.mod}` : 'the event loop'})`;
    }
    add(self, name);
    add(selfModule, mod);
    for (const m of new Set([mod, ...stack.map((f) => f.mod)])) add(inclusive, m);
  }
  const busy = profile.samples.length - idle;
  const top = (m: Map<string, number>, n: number, filter: (k: string) => boolean = () => true) =>
    [...m]
      .filter(([k]) => filter(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `    ${((v / busy) * 100).toFixed(1).padStart(5)}% ${(v * sampleMs).toFixed(0).padStart(6)} ms  ${k}`);
  return [
    `${who} CPU profile (${file}): ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s, ${profile.samples.length} samples, ` +
      `busy ${((busy / profile.samples.length) * 100).toFixed(0)}% of the time; shares below are of the busy samples`,
    '  self time by function:',
    ...top(self, rows),
    '  self time by module:',
    ...top(selfModule, Math.ceil(rows * 0.7)),
    '  time on the stack by module (inclusive):',
    ...top(inclusive, Math.ceil(rows * 0.8), (k) => !k.startsWith('(')),
    '  time on the stack by file of ours (inclusive):',
    ...top(inclusive, Math.ceil(rows * 0.6), (k) => /^(gateway|services|packages)\//.test(k)),
  ];
}

// ---- the benchmark ----------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const provider = await startProviderProcess();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-proxy-bench-'));
  const hook = path.join(tmp, 'gateway-hook.mjs');
  fs.writeFileSync(hook, PROCESS_HOOK);
  const profileFile = path.join(tmp, 'gateway.cpuprofile');
  const stagesFile = path.join(tmp, 'gateway-stages.json');
  const budgetProfileFile = path.join(tmp, 'budget.cpuprofile');
  const metricsPorts = Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, await freePort()] as const))) as Record<
    ServiceName,
    number
  >;
  const metricsOf = (s: ServiceName) => ({ METRICS_PORT: String(metricsPorts[s]) });
  let mesh: BenchMesh;
  try {
    mesh = await startBenchMesh({
      ...Object.fromEntries(SERVICES.map((s) => [s, metricsOf(s)])),
      gateway: {
        RATE_LIMIT_GLOBAL_PER_SEC: '1000000',
        RATE_LIMIT_IP_PER_MIN: '1000000',
        RATE_LIMIT_PRINCIPAL_PER_MIN: '1000000',
        RATE_LIMIT_TOKEN_PER_MIN: '1000000',
        GRPC_DEADLINE_MS: '30000',
        NODE_OPTIONS: `--import ${hook}`,
        BENCH_CPU_PROFILE: profileFile,
        BENCH_STAGES: stagesFile,
        BENCH_PACKAGE: path.join(root, 'gateway/package.json'),
        BENCH_REDIS: '1',
      },
      // The calls are tiny: only the per-minute token allowance is lifted (the rest is as shipped).
      budget: {
        ...metricsOf('budget'),
        TOKENS_PER_MINUTE: '1000000000',
        NODE_OPTIONS: `--import ${hook}`,
        BENCH_CPU_PROFILE: budgetProfileFile,
        BENCH_STAGES: path.join(tmp, 'budget-stages.json'),
        BENCH_PACKAGE: path.join(root, 'services/budget/package.json'),
      },
    });
  } catch (err) {
    await provider.stop();
    throw err;
  }
  const direct = loadClient(provider.url);
  const gateway = loadClient(mesh.url, fs.readFileSync(path.join(mesh.env.gateway.TLS_DEV_CERT_DIR, 'cert.pem')));
  const budget = createServiceClient(loadBudget().Budget, mesh.addrs.budget, {
    issuer: 'bench',
    secret: mesh.secrets.SERVICE_TOKEN_SECRET,
    defaultDeadlineMs: 30_000,
  });
  try {
    const { http } = mesh;
    const pidOf = (main: string) => {
      const pid = ourProcesses().find((p) => p.cmd.includes(path.join(root, main)))?.pid;
      if (!pid) throw new Error(`the process of ${main} was not found`);
      return pid;
    };
    const gatewayPid = pidOf('gateway/src/main.ts');
    const budgetPid = pidOf('services/budget/src/main.ts');
    /** Runs `run` with the process's V8 profiler on (SIGUSR2 to the hook) and summarises the profile. */
    const profiling = async (name: string, pid: number, file: string, rows: number, run: () => Promise<Result>) => {
      process.kill(pid, 'SIGUSR2');
      await sleep(200);
      const r = await run();
      process.kill(pid, 'SIGUSR2');
      for (let i = 0; i < 100 && !fs.existsSync(file); i++) await sleep(100);
      if (!fs.existsSync(file)) return [`${name} CPU profile: none was written`];
      return [...summariseProfile(name, file, rows), `  (the profiled run did ${r.rps.toFixed(0)}/s with the profiler on)`];
    };
    const login = await http.post('/v1/auth/login', {
      json: { email: mesh.secrets.BOOTSTRAP_ADMIN_EMAIL, password: mesh.secrets.BOOTSTRAP_ADMIN_PASSWORD },
    });
    expectStatus(login, 200);
    const admin = login.body.access_token as string;
    expectStatus(
      await http.post('/v1/provider-keys', {
        token: admin,
        json: { provider: 'openai', name: 'bench', api_key: PROVIDER_KEY, base_url: `${provider.url}/v1` },
      }),
      201,
    );
    interface Agent {
      id: string;
      token: string;
    }
    const newAgents = async (n: number, budgetUsd: number): Promise<Agent[]> => {
      const out: Agent[] = [];
      for (let i = 0; i < n; i += 10) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(10, n - i) }, async () => {
            const res = await http.post('/v1/agents', {
              token: admin,
              json: { name: `bench-${Math.random().toString(36).slice(2, 10)}`, budget_usd: budgetUsd },
            });
            expectStatus(res, 201);
            return { id: res.body.agent.id as string, token: res.body.token as string };
          }),
        );
        out.push(...batch);
      }
      return out;
    };
    const cycle = <T>(items: T[]) => {
      let n = 0;
      return () => items[n++ % items.length];
    };
    // `user` says whose call it is: the provider bills it to that agent (the proxy passes the field on).
    const ask = (user: string) => ({
      model: MODEL,
      messages: [{ role: 'user', content: 'Say hello to the benchmark in twenty words.' }],
      max_tokens: 50,
      user,
    });
    let requestSeq = 0;
    // The X-Request-Id (which the proxy passes on upstream) lets the gateway hook match each upstream request to its request.
    const proxied = (agent: Agent) =>
      gateway.post('/v1/proxy/openai/chat/completions', ask(agent.id), {
        authorization: `Bearer ${agent.token}`,
        'x-request-id': `bench-${++requestSeq}`,
      });
    const viaProxy = async (agent: Agent) => expectStatus(await proxied(agent), 200);
    const toProvider = async () => {
      const res = await direct.post('/v1/chat/completions', ask('direct'), { authorization: `Bearer ${PROVIDER_KEY}` });
      if (res.status !== 200) throw new Error(`provider answered ${res.status}`);
    };

    /** Runs a measurement and collects what the mesh did meanwhile. */
    const observe = async (run: () => Promise<Measured>): Promise<Window<Measured>> => {
      const server = await serverTimes(metricsPorts);
      const db = dbCounters(mesh.env.budget.MONGO_DB);
      process.kill(gatewayPid, 'SIGTTIN');
      await sleep(100);
      const cpu = cpuSnapshot(provider.pid);
      const result = await run();
      const cpuAfter = cpuSnapshot(provider.pid);
      const timings = await gatewayTimings(gatewayPid, stagesFile);
      return {
        result,
        timings,
        server: { before: server, after: await serverTimes(metricsPorts) },
        cpu: { before: cpu, after: cpuAfter },
        db: { before: db, after: dbCounters(mesh.env.budget.MONGO_DB) },
      };
    };

    const latencyAgents = await newAgents(LATENCY_AGENTS, 100);
    const saturationAgents = await newAgents(SATURATION_AGENTS, 100);
    const holdAgents = await newAgents(BUDGETS, 100);
    say(`set up in ${((performance.now() - started) / 1000).toFixed(1)} s; the fake provider runs in its own process at ${provider.url}`);

    // 1. Added latency at a fixed rate, nothing of the benchmark's hook running meanwhile. As the
    // target has it: a steady rate through the proxy, the provider directly at the same rate just
    // before and just after (pooled).
    const nextLatencyAgent = cycle(latencyAgents);
    const throughProxy = () => viaProxy(nextLatencyAgent());
    const steadyLoop = async (rate: number) => {
      await openLoopRun(rate, 2_000, toProvider);
      const before = await openLoopRun(rate, STEADY_MS / 2, toProvider);
      await openLoopRun(rate, STEADY_WARMUP_MS, throughProxy);
      const proxied = await openLoopRun(rate, STEADY_MS, throughProxy);
      const after = await openLoopRun(rate, STEADY_MS / 2, toProvider);
      const base = pooled(`1. ${rate} req/s steady, direct to the provider (baseline)`, [before, after]);
      const proxy = pooled(`1. ${rate} req/s steady, through the proxy`, [proxied]);
      say(
        `  ${rate} req/s steady: direct p50 ${ms(base.p50)} p99 ${ms(base.p99)} (before ${ms(p99Of(before))}, after ${ms(p99Of(after))}), through the proxy p50 ${ms(proxy.p50)} p99 ${ms(proxy.p99)}`,
      );
      return { base, proxy };
    };
    // Then in alternating windows, so that whatever else the machine does falls on both alike; and
    // one more window through the proxy with the hook timing the stages, for "where the time goes".
    const openLoops = async (rate: number, durationMs: number, timedMs: number) => {
      await openLoopRun(rate, 2_000, toProvider);
      await openLoopRun(rate, 2_000, throughProxy);
      const direct: OpenLoopRun[] = [];
      const proxied: OpenLoopRun[] = [];
      for (let round = 0; round < OPEN_LOOP_ROUNDS; round++) {
        direct.push(await openLoopRun(rate, durationMs / OPEN_LOOP_ROUNDS, toProvider));
        proxied.push(await openLoopRun(rate, durationMs / OPEN_LOOP_ROUNDS, throughProxy));
      }
      const windowS = durationMs / OPEN_LOOP_ROUNDS / 1000;
      const base = pooled(`1. ${rate} req/s, ${windowS} s windows alternating, direct (baseline)`, direct);
      const proxy = pooled(`1. ${rate} req/s, ${windowS} s windows alternating, through the proxy`, proxied);
      const w = await observe(() => openLoop('timed', { rate, durationMs: timedMs, warmupMs: 0 }, throughProxy));
      say(
        `  ${rate} req/s in alternating windows: direct p50 ${ms(base.p50)} p99 ${ms(base.p99)}, through the proxy p50 ${ms(proxy.p50)} p99 ${ms(proxy.p99)}`,
      );
      const p99s = (runs: OpenLoopRun[]) => runs.map((r) => ms(p99Of(r))).join(', ');
      say(`    p99 of each window, in order: direct ${p99s(direct)}; through the proxy ${p99s(proxied)}`);
      return { base, proxy, w };
    };
    const low = await openLoops(LOW_RATE, LOW_RATE_MS, LOW_RATE_MS / 2);
    const sparseAgent = saturationAgents[0];
    // Its first call opens its escrow and caches its token: what follows is what every later call finds.
    await viaProxy(sparseAgent);
    const [sparseDirect, sparseProxy] = await sparse(
      [
        `1. one agent, a call every ${SPARSE_INTERVAL_MS / 1000} s, direct to the provider`,
        `1. one agent, a call every ${SPARSE_INTERVAL_MS / 1000} s, through the proxy`,
      ],
      SPARSE_INTERVAL_MS,
      SPARSE_CALLS,
      [toProvider, () => viaProxy(sparseAgent)],
    );
    say(
      `  ${sparseProxy.name}: p50 ${ms(sparseProxy.p50)} p99 ${ms(sparseProxy.p99)}, direct p50 ${ms(sparseDirect.p50)} p99 ${ms(sparseDirect.p99)}`,
    );
    const steady = await steadyLoop(RATE);
    const { base: directOpen, proxy: proxyOpen, w: openWindow } = await openLoops(RATE, OPEN_LOOP_MS, TIMED_MS);

    // 2. Saturation, closed loop.
    const closed = { concurrency: SATURATION_CONCURRENCY, durationMs: SATURATION_MS, warmupMs: 1_000 };
    const directClosed = tracked(toProvider);
    const directSat: Measured = await measure(
      `2. closed loop ×${SATURATION_CONCURRENCY}, direct to the provider (baseline)`,
      closed,
      directClosed.fn,
    );
    directSat.lastError = directClosed.lastError();
    say(`  ${directSat.name}: ${directSat.rps.toFixed(0)} req/s`);
    const nextSaturationAgent = cycle(saturationAgents);
    const proxyClosed = tracked(() => viaProxy(nextSaturationAgent()));
    // Long enough for the agents' escrows to grow to this pace (each growth is a round trip to the
    // budget service that its calls wait for): the row is the steady state, not the first seconds of a burst.
    await measure('warm-up', { ...closed, durationMs: 0, warmupMs: SATURATION_WARMUP_MS }, proxyClosed.fn);
    const proxySat: Measured = {
      ...(await measure(`2. closed loop ×${SATURATION_CONCURRENCY}, through the proxy`, { ...closed, warmupMs: 0 }, proxyClosed.fn)),
      lastError: proxyClosed.lastError(),
    };
    // Where the time goes at saturation: a shorter window with the hook timing the stages (not in the table).
    const satWindow = await observe(() => measure('timed', { ...closed, durationMs: SATURATION_MS / 2, warmupMs: 0 }, proxyClosed.fn));
    say(`  ${proxySat.name}: ${proxySat.rps.toFixed(0)} req/s, ${proxySat.errors} errors`);

    // The gateway's profile: the same saturated load once more with its V8 profiler on (not in the table).
    const gatewayProfile = await profiling('gateway', gatewayPid, profileFile, 14, () =>
      measure('profiled', { concurrency: SATURATION_CONCURRENCY, durationMs: PROFILE_MS, warmupMs: 0 }, proxyClosed.fn),
    );

    // Zero overspend. First a few agents whose budgets fit only some of 200 concurrent calls each;
    // then every agent used, once its settlements are in, against what the provider billed it.
    const drained = await newAgents(DRAINED_AGENTS, 0.002);
    const drainStatuses: Record<number, number> = {};
    await Promise.all(
      drained.flatMap((a) =>
        Array.from({ length: 200 }, async () => {
          const { status } = await proxied(a);
          drainStatuses[status] = (drainStatuses[status] ?? 0) + 1;
        }),
      ),
    );
    const used = [...latencyAgents, ...saturationAgents, ...drained];
    const budgetOf = async (a: Agent) => {
      const res = await http.get(`/v1/agents/${a.id}/budget`, { token: admin });
      expectStatus(res, 200);
      return res.body as { limit_usd: number; spent_usd: number; reserved_usd: number };
    };
    let books = await Promise.all(used.map(budgetOf));
    for (let i = 0; i < 60 && books.some((b) => b.reserved_usd !== 0); i++) {
      await sleep(500);
      books = await Promise.all(used.map(budgetOf));
    }
    const billed = await provider.billed();
    const micros = (usd: number) => Math.round(usd * 1e6);
    const checks = used.map((a, i) => {
      const b = books[i];
      const bill = billed[a.id] ?? { calls: 0, micros: 0 };
      const group = i < LATENCY_AGENTS ? 'open loop' : i < LATENCY_AGENTS + SATURATION_AGENTS ? 'saturation' : `drain ($${b.limit_usd})`;
      const c = {
        id: a.id,
        group,
        calls: bill.calls,
        billed: bill.micros,
        spent: micros(b.spent_usd),
        limit: micros(b.limit_usd),
        held: micros(b.reserved_usd),
      };
      return { ...c, ok: c.spent === c.billed && c.spent <= c.limit && c.held === 0 };
    });

    // 3. Holds + settles across 100 budgets, as the gateway makes them: its own escrows (run in
    // this process) against the budget service. A pair counts once its charge is in the ledger:
    // the rate is over the run and the sync of every charge after it.
    const prices = PRICE_TABLE.openai[MODEL];
    const callTerms = { provider: 'openai', model: MODEL, prices, inputTokens: 200, maxOutputTokens: 50 };
    const pairCost = priceOf(prices, 40, 20);
    const gatewayConfig = loadGatewayConfig(mesh.env.gateway);
    const gatewayClients = createClients(gatewayConfig);
    const newEscrows = () =>
      new Escrows(gatewayClients, createLogger('bench-escrows', 'warn'), {
        syncMs: gatewayConfig.ESCROW_SYNC_MS,
        idleMs: gatewayConfig.ESCROW_IDLE_MS,
        defaultMaxOutputTokens: gatewayConfig.DEFAULT_MAX_OUTPUT_TOKENS,
      });
    let escrows = newEscrows();
    let pairsDone = 0;
    const holdAndSettle = async (agentId: string) => {
      const hold = await escrows.hold(agentId, callTerms);
      escrows.settle(hold, { model: MODEL, inputTokens: 40, outputTokens: 20 }, '', `bench-pair-${++pairsDone}`);
      // A pair in memory never waits on I/O: each one takes a turn of the event loop, as a proxied call would, so the syncs run.
      await new Promise((resolve) => setImmediate(resolve));
    };
    const nextHoldAgent = cycle(holdAgents.map((a) => a.id));
    const pairs = tracked(() => holdAndSettle(nextHoldAgent()));
    const holdOpts = { concurrency: HOLD_CONCURRENCY, durationMs: HOLD_MS, warmupMs: 0 };
    const measureHolds = async (name: string) => {
      escrows.start();
      await measure('warm-up', { ...holdOpts, durationMs: 1_000 }, pairs.fn);
      const begun = performance.now();
      const run = await observe(async () => {
        const r = await measure(name, holdOpts, pairs.fn);
        await escrows.drain(60_000);
        const seconds = (performance.now() - begun) / 1000;
        return { ...r, rps: r.count / seconds, lastError: pairs.lastError() };
      });
      escrows = newEscrows();
      return run;
    };
    const spentBy = async (agents: { id: string }[]) => {
      let spent = 0;
      for (const a of agents) spent += micros((await http.get(`/v1/agents/${a.id}/budget`, { token: admin })).body.spent_usd);
      return spent;
    };
    const holdsFresh = await measureHolds(`3. escrow holds+settles, ${BUDGETS} budgets, fresh journal`);
    say(`  ${holdsFresh.result.name}: ${holdsFresh.result.rps.toFixed(0)} pairs/s`);
    const budgetProfile = await profiling('budget service', budgetPid, budgetProfileFile, 10, async () => {
      const r = await measureHolds('profiled');
      return r.result;
    });

    // Seeding: SyncEscrows as the gateway sends it, one charge per sync, so that every call is
    // one journal entry (the most entries calls can make). Counted in the database (read only).
    const conn = await mongoose.createConnection(mesh.mongoUrl, { dbName: mesh.env.budget.MONGO_DB }).asPromise();
    const journal = conn.collection('budget_journal');
    const seedStarted = performance.now();
    const rounds = Math.ceil(Math.max(0, SEED_ENTRIES - (await journal.countDocuments())) / BUDGETS);
    const seedEscrows = holdAgents.map((a) => ({ agent_id: a.id, escrow_id: newHoldId(), seq: 0 }));
    const asGateway = { principal: { type: 'service', id: 'gateway' } as Principal };
    const progress = setInterval(
      () =>
        say(
          `  seeding: ${seedEscrows[0].seq * BUDGETS} entries (${((performance.now() - seedStarted) / 1000).toFixed(0)} s, load average ${os.loadavg()[0].toFixed(1)})`,
        ),
      20_000,
    );
    try {
      for (let round = 0; round < rounds; round++) {
        const escrows = seedEscrows.map((e) => ({
          agent_id: e.agent_id,
          escrow_id: e.escrow_id,
          seq: ++e.seq,
          want_micros: 1_000,
          charges:
            e.seq === 1
              ? []
              : [
                  {
                    hold_id: newHoldId(),
                    request_id: `seed-${round}`,
                    provider: 'openai',
                    model: MODEL,
                    input_tokens: 40,
                    output_tokens: 20,
                    cost_micros: pairCost,
                    whole_hold: '',
                  },
                ],
        }));
        await budget.call.SyncEscrows({ escrows }, asGateway);
      }
      await budget.call.SyncEscrows(
        { escrows: seedEscrows.map((e) => ({ agent_id: e.agent_id, escrow_id: e.escrow_id, seq: ++e.seq, want_micros: 0, charges: [] })) },
        asGateway,
      );
    } finally {
      clearInterval(progress);
    }
    const entries = await journal.countDocuments();
    await conn.close();
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    say(
      `  seeded ${rounds * BUDGETS} entries in ${seedSeconds.toFixed(0)} s (${((rounds * BUDGETS) / seedSeconds).toFixed(0)} entries/s): the journal holds ${entries} entries`,
    );
    const holdsSeeded = await measureHolds(`3. escrow holds+settles, ${BUDGETS} budgets, ${entries} entries`);
    say(`  ${holdsSeeded.result.name}: ${holdsSeeded.result.rps.toFixed(0)} pairs/s`);
    const seededCharges = (rounds - 1) * BUDGETS * pairCost;
    const holdSpent = await spentBy(holdAgents);
    const holdsExact = holdSpent === pairsDone * pairCost + seededCharges;
    for (const c of Object.values(gatewayClients)) c.close();

    // ---- the report ----
    const added = (a: number, b: number) => `${a - b >= 0 ? '+' : ''}${ms(a - b)}`;
    /** The targets are for the steady 200/s; the other rows show the same figures beside them. */
    const openRows = (base: Measured, r: Measured, targets = false) => [
      { r: base, baseline: '', versus: '' },
      {
        r,
        baseline: `direct p50 ${ms(base.p50)}, p99 ${ms(base.p99)}`,
        versus: `added p50 ${added(r.p50, base.p50)} ms${targets ? ' (target ≤ 2)' : ''}, p99 ${added(r.p99, base.p99)} ms${targets ? ' (≤ 10)' : ''}`,
      },
    ];
    const rows: { r: Measured; baseline: string; versus: string }[] = [
      ...openRows(steady.base, steady.proxy, true),
      ...openRows(directOpen, proxyOpen),
      ...openRows(low.base, low.proxy),
      ...openRows(sparseDirect, sparseProxy),
      { r: directSat, baseline: '', versus: '' },
      {
        r: proxySat,
        baseline: `direct ${directSat.rps.toFixed(0)} req/s`,
        versus: `${proxySat.rps.toFixed(0)} req/s, ${proxySat.errors} errors (target ≥ 1,000/s, 0 errors)`,
      },
      {
        r: holdsFresh.result,
        baseline: '',
        versus: `= ${(holdsFresh.result.rps * 2).toFixed(0)} holds+settles/s (target ≥ 2,000/s), in the ledger`,
      },
      {
        r: holdsSeeded.result,
        baseline: `fresh: ${holdsFresh.result.rps.toFixed(0)} pairs/s, p50 ${ms(holdsFresh.result.p50)}`,
        versus: `= ${(holdsSeeded.result.rps * 2).toFixed(0)} holds+settles/s, ${(holdsSeeded.result.rps / holdsFresh.result.rps).toFixed(2)}× the fresh rate`,
      },
    ];
    say(
      `\nproxy benchmark: chat/completions, ${MODEL}, max_tokens 50, 20-word answers; ${CORES} cores shared by this load generator, the fake provider, ` +
        `the mesh, FerretDB/PostgreSQL and Redis (and whatever else runs on the machine: see "other processes" below); scenario 3 counts hold+settle pairs`,
    );
    say(
      `${'scenario'.padEnd(62)} ${'req/s'.padStart(6)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(6)}  ${'baseline (same run)'.padEnd(30)}  against it / the target`,
    );
    for (const { r, baseline, versus } of rows) {
      say(
        `${r.name.padEnd(62)} ${r.rps.toFixed(0).padStart(6)} ${ms(r.p50).padStart(8)} ${ms(r.p99).padStart(8)} ${String(r.errors).padStart(6)}  ${baseline.padEnd(30)}  ${versus}`,
      );
    }
    const failed = rows.filter(({ r }) => r.lastError);
    if (failed.length > 0) say(`last error of each row with errors:\n${failed.map(({ r }) => `  ${r.name}: ${r.lastError}`).join('\n')}`);

    say(`\nzero overspend: every agent used above, once its settlements were in, against what the provider billed for its calls`);
    say(`  drain: ${DRAINED_AGENTS} agents at $0.002, 200 concurrent calls each → statuses ${JSON.stringify(drainStatuses)}`);
    say(
      `  ${'agent'.padEnd(30)} ${'group'.padEnd(15)} ${'calls'.padStart(6)} ${'billed µ$'.padStart(10)} ${'spent µ$'.padStart(10)} ${'limit µ$'.padStart(10)}  check`,
    );
    for (const c of checks) {
      const why = [
        c.spent !== c.billed ? `spent − billed = ${c.spent - c.billed}` : '',
        c.spent > c.limit ? 'OVER ITS LIMIT' : '',
        c.held ? `still held ${c.held}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      say(
        `  ${c.id.padEnd(30)} ${c.group.padEnd(15)} ${String(c.calls).padStart(6)} ${String(c.billed).padStart(10)} ${String(c.spent).padStart(10)} ${String(c.limit).padStart(10)}  ${c.ok ? 'ok' : `MISMATCH: ${why}`}`,
      );
    }
    const sum = (f: (c: (typeof checks)[number]) => number) => checks.reduce((a, c) => a + f(c), 0);
    say(
      `  ${checks.filter((c) => c.ok).length}/${checks.length} agents: spent = billed, ≤ limit, nothing held; in all ${sum((c) => c.calls)} calls billed ${sum((c) => c.billed)} µ$, spent ${sum((c) => c.spent)} µ$`,
    );
    say(
      `  scenario 3: ${pairsDone} pairs at ${pairCost} µ$ and ${seededCharges / pairCost} seeded charges → spent ${holdSpent} µ$ across its ${BUDGETS} budgets: ` +
        (holdsExact ? 'ok, each charged once' : `MISMATCH: spent − expected = ${holdSpent - pairsDone * pairCost - seededCharges}`),
    );

    say(
      "\nwhere the time goes (inside the gateway: node http and undici diagnostics channels, grpc-js and ioredis timed by the benchmark's hook; in the services: Prometheus)",
    );
    printProxyWindow(
      `at ${LOW_RATE} req/s, open loop, timed (${low.w.result.count} proxied calls; the provider alone: ${ms(low.base.p50)} ms p50 from this process)`,
      low.w,
    );
    printProxyWindow(
      `at ${RATE} req/s, open loop, timed (${openWindow.result.count} proxied calls; the provider alone: ${ms(directOpen.p50)} ms p50 from this process)`,
      openWindow,
    );
    printProxyWindow(`saturated, closed loop ×${SATURATION_CONCURRENCY}, timed (${satWindow.result.count} proxied calls)`, satWindow);
    printHoldWindow(holdsFresh);
    printHoldWindow(holdsSeeded);
    say('');
    for (const line of gatewayProfile) say(line);
    say('');
    for (const line of budgetProfile) say(line);
    say(`\nwhole run ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    budget.close();
    await Promise.all([direct.close(), gateway.close()]);
    await mesh.stop();
    await provider.stop();
  }
}

// Last, once every constant above is initialised: the same file is the benchmark and its provider process.
if (process.argv[2] === FAKE_PROVIDER) await serveFakeProvider();
else await main();
