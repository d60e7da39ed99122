#!/usr/bin/env node
// Launches the tollgate CLI: the build (dist/main.js) when there is one, otherwise — in
// this repository — the TypeScript sources through tsx, in a child node so that the
// loader and the `development` export condition apply from the start.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/main.js', import.meta.url);

if (existsSync(fileURLToPath(built))) {
  await import(built.href);
} else {
  const source = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  // Resolved from here, so it works whatever the current directory is.
  const tsx = import.meta.resolve('tsx');
  const child = spawn(process.execPath, ['--conditions=development', '--import', tsx, source, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  // Ctrl-C reaches the whole foreground process group; the child decides how to end.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (err) => {
    console.error(`tollgate: cannot start node: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
  });
}
