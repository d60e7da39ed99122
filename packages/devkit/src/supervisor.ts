import type { ManagedProcess } from './infra.js';

/** Starts one piece of the stack; `port` is the one it got the first time (restarts keep it, so nobody's URL changes). */
export type Starter = (port?: number) => Promise<ManagedProcess>;

export interface SupervisorOptions {
  log(message: string): void;
  /** First restart delay; doubled per crash that follows a short run, up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A run at least this long resets the delay to minBackoffMs. */
  stableMs?: number;
}

/**
 * Keeps the processes of a local stack running, like a process manager would in a
 * deployment: a process that exits without being asked to is started again, on the same
 * port, after a delay that grows while it keeps crashing. Everything else keeps serving
 * meanwhile. stop() stops every process, last started first, and restarts nothing after.
 */
export class Supervisor {
  private readonly kept = new Map<string, ManagedProcess>();
  private stopping = false;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly stableMs: number;

  constructor(private readonly opts: SupervisorOptions) {
    this.minBackoffMs = opts.minBackoffMs ?? 500;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
    this.stableMs = opts.stableMs ?? 60_000;
  }

  /**
   * Starts a process (a failure here is the caller's, as without supervision) and keeps it
   * running. The handle follows restarts: `process` is the current child, kill() is a crash
   * (it comes back), stop() ends supervision of this one.
   */
  async keep(name: string, start: Starter): Promise<ManagedProcess> {
    let current = await start();
    const port = current.port;
    let released = false;
    let backoffMs = this.minBackoffMs;
    const ended = () => released || this.stopping;
    // A restart under way: stop() cuts its delay short and waits for it, so no process outlives us.
    let restarting: Promise<void> | undefined;
    let wake: (() => void) | undefined;
    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });

    const watch = (proc: ManagedProcess) => {
      const startedAt = Date.now();
      proc.process.once('exit', (code, signal) => {
        if (ended()) return;
        if (Date.now() - startedAt >= this.stableMs) backoffMs = this.minBackoffMs;
        this.opts.log(`${name} exited (${signal ?? `code ${String(code)}`}); restarting in ${backoffMs} ms`);
        restarting = restart(backoffMs);
        backoffMs = Math.min(backoffMs * 2, this.maxBackoffMs);
      });
    };
    const restart = async (delayMs: number): Promise<void> => {
      await pause(delayMs);
      if (ended()) return;
      let next: ManagedProcess;
      try {
        next = await start(port);
      } catch (err) {
        if (ended()) return;
        this.opts.log(`${name} failed to restart: ${(err as Error).message}; retrying in ${backoffMs} ms`);
        const delay = backoffMs;
        backoffMs = Math.min(backoffMs * 2, this.maxBackoffMs);
        return restart(delay);
      }
      current = next;
      if (ended()) {
        await current.stop();
        return;
      }
      this.opts.log(`${name} is back on port ${port}`);
      watch(current);
    };
    watch(current);

    const handle: ManagedProcess = {
      url: current.url,
      port,
      get process() {
        return current.process;
      },
      stop: async () => {
        released = true;
        wake?.();
        await restarting;
        await current.stop();
      },
      kill: () => current.kill(),
    };
    this.kept.set(name, handle);
    return handle;
  }

  /** A kept process by the name it was kept under. */
  process(name: string): ManagedProcess | undefined {
    return this.kept.get(name);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const proc of [...this.kept.values()].reverse()) await proc.stop();
  }
}

/** Starts a process under the supervisor when there is one, else just starts it. */
export function keepOrStart(supervisor: Supervisor | undefined, name: string, start: Starter): Promise<ManagedProcess> {
  return supervisor ? supervisor.keep(name, start) : start();
}
