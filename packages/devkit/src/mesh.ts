import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { listening, managed, type ManagedProcess } from './infra.js';
import { SERVICES, type ServiceName, type StackLayout } from './stack-env.js';
import { keepOrStart, type Supervisor } from './supervisor.js';

export interface Mesh {
  /** Each running deployable by name (kill() one for an outage; under a supervisor it comes back). */
  processes: Partial<Record<ServiceName | 'gateway', ManagedProcess>>;
  /** Stops every process, gateway first, waiting for each to exit (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

/**
 * How a deployable's Node process starts here: TypeScript through tsx with the development
 * conditions, and without V8's memory reducer, as in the image (deploy/docker/Dockerfile).
 * The reducer runs full, compacting collections in a process whose allocation slows down —
 * marking on helper threads, then a main-thread pause of up to ~25 ms — a few seconds after
 * any quiet spell. With the whole mesh on a few cores, every quiet service did so at once,
 * taking every core for tens of milliseconds: at 200 proxied calls/s, most calls over 10 ms
 * fell in those windows. A server's heap need not shrink when it idles.
 */
export const DEPLOYABLE_NODE_ARGS: readonly string[] = ['--no-memory-reducer', '--conditions=development', '--import', 'tsx'];

/**
 * Runs every deployable that exists in the repo as its own Node process (tsx, development
 * conditions), services first in dependency order, then the gateway. Used by `npm start`
 * and by the benchmarks, so measurements see the same process layout as a deployment.
 * With a supervisor, a process that crashes is started again on its port.
 */
export async function launchMesh(opts: {
  root: string;
  layout: StackLayout;
  env: Record<ServiceName | 'gateway', Record<string, string>>;
  gatewayPort: number;
  baseEnv?: NodeJS.ProcessEnv;
  supervisor?: Supervisor;
}): Promise<Mesh> {
  const processes: Mesh['processes'] = {};
  const started: ManagedProcess[] = [];
  const stop = async () => {
    for (const proc of [...started].reverse()) await proc.stop();
  };

  const starter = (name: ServiceName | 'gateway', main: string, port: number) => async (): Promise<ManagedProcess> => {
    const child = spawn(process.execPath, [...DEPLOYABLE_NODE_ARGS, main], {
      cwd: opts.root,
      env: { ...opts.baseEnv, ...opts.env[name] },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    await listening(child, name, port);
    return managed(child, `127.0.0.1:${port}`, port);
  };

  try {
    const deployables: [ServiceName | 'gateway', string, number][] = [
      ...SERVICES.map((name): [ServiceName, string, number] => [name, `services/${name}`, opts.layout.ports[name]]),
      ['gateway', 'gateway', opts.gatewayPort],
    ];
    for (const [name, dir, port] of deployables) {
      const main = path.join(opts.root, dir, 'src/main.ts');
      if (!fs.existsSync(main)) continue;
      const proc = await keepOrStart(opts.supervisor, name, starter(name, main, port));
      processes[name] = proc;
      started.push(proc);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { processes, stop };
}
