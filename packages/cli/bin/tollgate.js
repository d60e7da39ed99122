#!/usr/bin/env node
// Launches the tollgate CLI: the build (dist/main.js) when there is one and it is not
// older than the sources; otherwise — in this repository — the TypeScript sources through
// tsx, in a child node so that the loader and the `development` condition apply from the start.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const sources = fileURLToPath(new URL('../src', import.meta.url));

/** A build older than any source file would run yesterday's code; sources win then. */
function buildIsCurrent() {
  if (!existsSync(built)) return false;
  if (!existsSync(sources)) return true;
  const builtAt = statSync(built).mtimeMs;
  return readdirSync(sources, { recursive: true, withFileTypes: true }).every(
    (entry) => !entry.isFile() || statSync(`${entry.parentPath ?? entry.path}/${entry.name}`).mtimeMs <= builtAt,
  );
}

if (buildIsCurrent()) {
  await import(new URL('../dist/main.js', import.meta.url).href);
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
