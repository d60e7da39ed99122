import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

// Ports are picked below the kernel's ephemeral range (32768+ on Linux), so no outbound
// connection and no listen(0) elsewhere can take one between our pick and the child's bind.
const FIRST_PORT = 15_000;
const LAST_PORT = 32_000;
// Parallel test files pick ports too: a pick is claimed with a file only one process can
// create, and a claim is honoured for long enough to cover any child's start.
const CLAIMS_DIR = path.join(os.tmpdir(), 'tollgate-port-claims');
const CLAIM_TTL_MS = 10 * 60_000;

function claim(port: number): boolean {
  const file = path.join(CLAIMS_DIR, String(port));
  try {
    fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  try {
    if (Date.now() - fs.statSync(file).mtimeMs < CLAIM_TTL_MS) return false;
    fs.rmSync(file, { force: true });
    fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A free port on 127.0.0.1 that no other caller of freePort on this machine gets in the next minutes. */
export async function freePort(): Promise<number> {
  fs.mkdirSync(CLAIMS_DIR, { recursive: true });
  for (let attempt = 0; attempt < 1000; attempt++) {
    const port = FIRST_PORT + Math.floor(Math.random() * (LAST_PORT - FIRST_PORT));
    if (claim(port) && (await bindable(port))) return port;
  }
  throw new Error(`no free port found in ${FIRST_PORT}-${LAST_PORT}`);
}

/** Resolves once something accepts TCP connections on host:port. */
export async function waitForTcp(port: number, host = '127.0.0.1', timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, host);
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listening on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
