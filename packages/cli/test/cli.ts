import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Stack } from '../../../test/support/stack.js';

const BIN = path.resolve(import.meta.dirname, '../bin/tollgate.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** One person's machine: an isolated config directory and home, and the stack's CA on disk. */
export interface Workspace {
  dir: string;
  configDir: string;
  caFile: string;
  /** Environment for the CLI: only what a user would have, never the test runner's. */
  env: Record<string, string>;
  cleanup: () => void;
}

export function workspace(stack: Stack, extra: Record<string, string> = {}): Workspace {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tollgate-cli-'));
  const configDir = path.join(dir, 'config', 'tollgate');
  const caFile = path.join(dir, 'gateway-ca.pem');
  writeFileSync(caFile, stack.ca ?? '');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    TOLLGATE_CONFIG_DIR: configDir,
    TOLLGATE_URL: stack.url,
    TOLLGATE_CA: caFile,
    ...extra,
  };
  return { dir, configDir, caFile, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * At most this many CLI processes at once per test file: tests in a file run
 * concurrently, and each invocation is two node processes compiling TypeScript.
 */
const MAX_RUNNING = 3;
let running = 0;
const waiting: (() => void)[] = [];
async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_RUNNING) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Runs the real executable as a child process, stdin a pipe (not a terminal). */
export function cli(args: string[], opts: { env: Record<string, string>; stdin?: string }): Promise<CliResult> {
  return limited(() => spawnCli(args, opts));
}

function spawnCli(args: string[], opts: { env: Record<string, string>; stdin?: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    // A CLI that exits before reading its input closes the pipe first: that is its answer, not an error.
    child.stdin.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') reject(err);
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

export interface PtyStep {
  /** Wait until the terminal shows this… */
  waitFor: RegExp;
  /** …then type this. */
  send: string;
}

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * Runs the executable on a pseudo-terminal (util-linux `script`), typing each answer only
 * once its prompt is on screen, like a person would. `output` is everything the terminal
 * showed (stdout and stderr together, plus what the terminal echoed).
 */
export function cliOnTerminal(
  args: string[],
  opts: { env: Record<string, string>; steps: PtyStep[]; timeoutMs?: number },
): Promise<{ code: number; output: string }> {
  return limited(() => spawnOnTerminal(args, opts));
}

function spawnOnTerminal(
  args: string[],
  opts: { env: Record<string, string>; steps: PtyStep[]; timeoutMs?: number },
): Promise<{ code: number; output: string }> {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let step = 0;
    let seenUpTo = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`terminal session timed out waiting for ${String(opts.steps[step]?.waitFor)}; screen:\n${output}`));
    }, opts.timeoutMs ?? 30_000);
    const advance = () => {
      while (step < opts.steps.length && opts.steps[step].waitFor.test(output.slice(seenUpTo))) {
        seenUpTo = output.length;
        child.stdin.write(opts.steps[step].send);
        step++;
      }
    };
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
      advance();
    });
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

/** Parses the CLI's --json stdout, failing with the whole result when it is not JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-unnecessary-type-parameters -- the caller names the output's shape
export function json<T = any>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
}

/**
 * Gateway settings for CLI tests: many logins from one loopback address are expected, and
 * on a busy shared machine the default 3 s gRPC deadline is not what these tests are about.
 */
export const gatewayEnv = { LOGIN_ATTEMPTS_PER_IP_PER_WINDOW: '10000', LOGIN_FAILURES_PER_WINDOW: '1000', GRPC_DEADLINE_MS: '15000' };

/** Logs the bootstrap admin in through the CLI in `ws`; throws with the CLI's output if that fails. */
export async function loginAdmin(stack: Stack, ws: Workspace): Promise<void> {
  const r = await cli(['login', '--email', stack.secrets.BOOTSTRAP_ADMIN_EMAIL, '--password-stdin'], {
    env: ws.env,
    stdin: `${stack.secrets.BOOTSTRAP_ADMIN_PASSWORD}\n`,
  });
  if (r.code !== 0) throw new Error(`login failed (exit ${r.code}): ${r.stderr}`);
}

/** Every API token secret that appears in `text`. */
export function secretsIn(text: string): string[] {
  return text.match(/tg_pat_[0-9A-Za-z]{54}/g) ?? [];
}

/** A CLI process left running (`audit tail --follow`): what it printed so far, and how to end it. */
export interface RunningCli {
  stdout: () => string;
  stderr: () => string;
  /** Resolves once `pattern` shows on `stream`; fails with everything printed after `timeoutMs`. */
  waitFor: (pattern: RegExp, stream?: 'stdout' | 'stderr', timeoutMs?: number) => Promise<void>;
  /** Sends `signal` and resolves once it has exited (SIGKILL and code -1 after `timeoutMs`). */
  stop: (signal?: NodeJS.Signals, timeoutMs?: number) => Promise<CliResult>;
  /** Writes `text` to its stdin and closes it (an answer it reads to the end), then resolves once it has exited. */
  answer: (text: string) => Promise<CliResult>;
}

/** Starts the real executable and leaves it running, stdin a pipe kept open (not a terminal). */
export function startCli(args: string[], opts: { env: Record<string, string> }): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (c: Buffer) => (out.stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out.stderr += c.toString()));
  const exited = new Promise<CliResult>((resolve) => {
    child.on('error', (err) => resolve({ code: -1, stdout: out.stdout, stderr: `${out.stderr}\n${err.message}` }));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: out.stdout, stderr: out.stderr }));
  });
  const describe = () => `stdout:\n${out.stdout}\nstderr:\n${out.stderr}`;
  return {
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    waitFor: async (pattern, stream = 'stdout', timeoutMs = 30_000) => {
      const until = Date.now() + timeoutMs;
      while (!pattern.test(out[stream])) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited before ${String(pattern)} showed\n${describe()}`);
        if (Date.now() > until) throw new Error(`${String(pattern)} did not show on ${stream} within ${timeoutMs} ms\n${describe()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: async (signal = 'SIGTERM', timeoutMs = 15_000) => {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
    answer: (text) => {
      child.stdin.end(text);
      return exited;
    },
  };
}
