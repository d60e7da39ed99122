import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitForTcp } from './ports.js';
import { SERVICES, type ServiceName, type StackLayout } from './stack-env.js';

export interface Mesh {
  /** Stops every process, gateway first, waiting for each to exit (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

/**
 * Runs every deployable that exists in the repo as its own Node process (tsx, development
 * conditions), services first in dependency order, then the gateway. Used by `npm start`
 * and by the benchmarks, so measurements see the same process layout as a deployment.
 */
export async function launchMesh(opts: {
  root: string;
  layout: StackLayout;
  env: Record<ServiceName | 'gateway', Record<string, string>>;
  gatewayPort: number;
  baseEnv?: NodeJS.ProcessEnv;
  onUnexpectedExit?: (name: string, code: number | null) => void;
}): Promise<Mesh> {
  const children: { name: string; child: ChildProcess }[] = [];
  let stopping = false;

  const spawnOne = (name: string, dir: string, vars: Record<string, string>) => {
    const main = path.join(opts.root, dir, 'src/main.ts');
    if (!fs.existsSync(main)) return false;
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', main], {
      cwd: opts.root,
      env: { ...opts.baseEnv, ...vars },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (code) => {
      if (!stopping) opts.onUnexpectedExit?.(name, code);
    });
    children.push({ name, child });
    return true;
  };

  const stop = async () => {
    stopping = true;
    for (const { child } of [...children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGTERM');
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  };

  // A process that dies while we wait for its port fails the launch at once, by name.
  const up = async (name: string, port: number) => {
    const child = children[children.length - 1].child;
    const died = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`${name} exited with code ${code} before listening`))),
    );
    await Promise.race([waitForTcp(port, '127.0.0.1', 60_000), died]);
  };
  try {
    for (const name of SERVICES) {
      if (spawnOne(name, `services/${name}`, opts.env[name])) await up(name, opts.layout.ports[name]);
    }
    if (spawnOne('gateway', 'gateway', opts.env.gateway)) await up('gateway', opts.gatewayPort);
  } catch (err) {
    await stop();
    throw err;
  }
  return { stop };
}
