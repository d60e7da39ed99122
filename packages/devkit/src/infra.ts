import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, waitForTcp } from './ports.js';

export interface ManagedProcess {
  url: string;
  port: number;
  process: ChildProcess;
  /** SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
  /** SIGKILL at once (for outage tests). */
  kill(): Promise<void>;
}

/** A child process with the stop()/kill() every piece of infrastructure offers; `stopSignal` is its graceful shutdown. */
export function managed(child: ChildProcess, url: string, port: number, stopSignal: NodeJS.Signals = 'SIGTERM'): ManagedProcess {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const signal = async (sig: NodeJS.Signals, graceMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(sig);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { url, port, process: child, stop: () => signal(stopSignal, 15_000), kill: () => signal('SIGKILL', 0) };
}

/** Spawns a server whose output is appended to logFile (or dropped); the child keeps its own copy of the descriptor. */
export function spawnLogged(cmd: string, args: string[], logFile: string | undefined, options: SpawnOptions = {}): ChildProcess {
  const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  try {
    return spawn(cmd, args, { ...options, stdio: ['ignore', out, out] });
  } finally {
    if (typeof out === 'number') fs.closeSync(out);
  }
}

/**
 * Resolves once `child` accepts TCP on `port`. A child that exits first fails the start at
 * once, by name (rather than after the whole timeout); one still not listening at the timeout
 * is killed. `logFile` is named in the error, where the reason will be.
 */
export async function listening(
  child: ChildProcess,
  name: string,
  port: number,
  opts: { timeoutMs?: number; logFile?: string } = {},
): Promise<void> {
  const hint = opts.logFile ? `; see ${opts.logFile}` : '';
  const died = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`${name} exited (${signal ?? `code ${String(code)}`}) before listening${hint}`))),
  );
  try {
    await Promise.race([waitForTcp(port, '127.0.0.1', opts.timeoutMs ?? 60_000), died]);
  } catch (err) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw err;
  }
}

/** The FerretDB binary: an explicit one (FERRETDB_BIN, read by the caller's config), else the one scripts/ensure-tools.sh built. */
export function ferretdbBinary(repoRoot: string, override?: string): string {
  const bin = override ?? path.join(repoRoot, '.tools/bin/ferretdb');
  if (!fs.existsSync(bin)) throw new Error(`FerretDB not found at ${bin}: run scripts/ensure-tools.sh or set MONGO_URL`);
  return bin;
}

/**
 * FerretDB on a free port: on PostgreSQL when `postgresqlUrl` is given, else on SQLite
 * with its data in dataDir (which also holds FerretDB's state either way).
 */
export async function startFerretDb(opts: {
  bin: string;
  dataDir: string;
  port?: number;
  logFile?: string;
  postgresqlUrl?: string;
}): Promise<ManagedProcess> {
  const port = opts.port ?? (await freePort());
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const backend = opts.postgresqlUrl
    ? ['--handler=postgresql', `--postgresql-url=${opts.postgresqlUrl}`]
    : ['--handler=sqlite', `--sqlite-url=file:${opts.dataDir.replace(/\/?$/, '/')}`];
  const child = spawnLogged(
    opts.bin,
    [
      ...backend,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
      `--state-dir=${opts.dataDir}`,
    ],
    opts.logFile,
  );
  await listening(child, 'ferretdb', port, { logFile: opts.logFile });
  return managed(child, `mongodb://127.0.0.1:${port}`, port);
}

/** redis-server on a free port; persistence in dataDir when given, none otherwise. */
export async function startRedis(opts: { dataDir?: string; port?: number; logFile?: string } = {}): Promise<ManagedProcess> {
  const port = opts.port ?? (await freePort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', opts.dataDir ? '60 1' : '', '--appendonly', 'no'];
  if (opts.dataDir) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    args.push('--dir', opts.dataDir);
  }
  const child = spawnLogged('redis-server', args, opts.logFile);
  await listening(child, 'redis-server', port, { logFile: opts.logFile });
  return managed(child, `redis://127.0.0.1:${port}`, port);
}

/** The Mailpit binary: an explicit one (MAILPIT_BIN, read by the caller's config), else the one scripts/ensure-tools.sh built. */
export function mailpitBinary(repoRoot: string, override?: string): string {
  const bin = override ?? path.join(repoRoot, '.tools/bin/mailpit');
  if (!fs.existsSync(bin)) throw new Error(`Mailpit not found at ${bin}: run scripts/ensure-tools.sh or set SMTP_URL`);
  return bin;
}

/** Mailpit: `url`/`port` are its SMTP server's (what a supervisor keeps), `apiUrl` its HTTP server's. */
export interface Mailpit extends ManagedProcess {
  /** smtp://127.0.0.1:<smtpPort>: any user and password are accepted, over plain SMTP. */
  smtpUrl: string;
  /** http://127.0.0.1:<httpPort>: the REST API under /api/v1 (and the web UI's page, whose scripts a build from the Go module proxy lacks). */
  apiUrl: string;
}

/**
 * Mailpit on free ports (SMTP and HTTP, both on loopback), keeping every message it receives
 * and delivering none. With dataDir its database is a file there and survives restarts;
 * without, a temp one that goes with the process, and no cap on how many messages it keeps.
 */
export async function startMailpit(opts: {
  bin: string;
  smtpPort?: number;
  httpPort?: number;
  dataDir?: string;
  logFile?: string;
}): Promise<Mailpit> {
  const smtpPort = opts.smtpPort ?? (await freePort());
  const httpPort = opts.httpPort ?? (await freePort());
  const args = [
    `--smtp=127.0.0.1:${smtpPort}`,
    `--listen=127.0.0.1:${httpPort}`,
    '--smtp-auth-accept-any',
    '--smtp-auth-allow-insecure',
    '--disable-version-check',
  ];
  if (opts.dataDir) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    args.push(`--database=${path.join(opts.dataDir, 'mailpit.db')}`);
  } else {
    // A test run's mail must not be pruned under a test waiting for it (the default keeps 500).
    args.push('--max=0');
  }
  const child = spawnLogged(opts.bin, args, opts.logFile);
  await listening(child, 'mailpit', smtpPort, { logFile: opts.logFile });
  await listening(child, 'mailpit', httpPort, { logFile: opts.logFile });
  const smtpUrl = `smtp://127.0.0.1:${smtpPort}`;
  return { ...managed(child, smtpUrl, smtpPort), smtpUrl, apiUrl: `http://127.0.0.1:${httpPort}` };
}
