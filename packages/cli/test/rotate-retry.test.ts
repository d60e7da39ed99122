import test from 'ava';
import http from 'node:http';
import net from 'node:net';
import { startStack, type Stack } from '../../../test/support/stack.js';
import { loginAsAdmin } from '../../../test/support/session.js';
import { cli, gatewayEnv, json, workspace, type Workspace } from './cli.js';

let stack: Stack;
let apiToken: string;
test.before(async () => {
  stack = await startStack({ env: { gateway: gatewayEnv } });
  const admin = await loginAsAdmin(stack);
  const res = await stack.http.post('/v1/tokens', {
    token: admin.access_token,
    json: { name: 'cli-rotate-tests', scopes: ['tokens:read', 'tokens:write'] },
  });
  if (res.status !== 201) throw new Error(`creating the acting token failed: ${res.status} ${res.text}`);
  apiToken = res.body.token;
});
test.after.always(() => stack?.close());

async function tokenToRotate(): Promise<{ id: string; token: string }> {
  const res = await stack.http.post('/v1/tokens', { token: apiToken, json: { name: 'to-rotate', scopes: ['tokens:read'] } });
  if (res.status !== 201) throw new Error(`creating a token failed: ${res.status} ${res.text}`);
  return res.body;
}

async function active(token: string): Promise<boolean> {
  const res = await stack.http.post('/v1/tokens/introspect', { token: apiToken, json: { token } });
  return res.body?.active === true;
}

function listen(server: net.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as net.AddressInfo).port}`)));
}

/** A TCP relay to the gateway that drops its first `drops` connections before the TLS handshake. */
async function flakyRelay(drops: number): Promise<{ url: string; connections: () => number; close: () => void }> {
  const upstream = new URL(stack.url);
  let connections = 0;
  const server = net.createServer((client) => {
    connections++;
    if (connections <= drops) {
      client.destroy();
      return;
    }
    const target = net.connect(Number(upstream.port), upstream.hostname);
    client.pipe(target).pipe(client);
    client.on('error', () => target.destroy());
    target.on('error', () => client.destroy());
  });
  const addr = await listen(server);
  return { url: `https://${addr}`, connections: () => connections, close: () => server.close() };
}

function cliVia(ws: Workspace, url: string, args: string[]) {
  return cli(args, { env: { ...ws.env, TOLLGATE_URL: url, TOLLGATE_TOKEN: apiToken } });
}

test('when the first connections are dropped before the request is sent, then rotate retries and rotates exactly once', async (t) => {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  const relay = await flakyRelay(2);
  t.teardown(relay.close);
  const tok = await tokenToRotate();

  const r = await cliVia(ws, relay.url, ['token', 'rotate', tok.id, '--grace', '600', '--json']);
  t.is(r.code, 0, r.stderr);
  t.is((r.stderr.match(/retrying in/g) ?? []).length, 2);
  t.is(relay.connections(), 3);
  const rotated = json(r);
  t.true(await active(rotated.token));
  // A second rotation would have replaced the grace-period secret with the first
  // rotation's unseen one, killing the original at once.
  t.true(await active(tok.token), 'the original secret still has its grace period: rotated once');
});

test('when the answer to a rotate is lost after the request was sent, then the CLI does not retry and says what to check (exit 7)', async (t) => {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  const tok = await tokenToRotate();
  // A plain-HTTP front that forwards each request to the gateway but, for a rotate,
  // hangs up instead of passing the answer back.
  let rotations = 0;
  const front = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- a failed forward surfaces as the CLI's error, which the test asserts
    req.on('end', async () => {
      const headers: Record<string, string> = {};
      for (const h of ['authorization', 'content-type', 'accept', 'user-agent']) if (req.headers[h]) headers[h] = String(req.headers[h]);
      const answer = await stack.http.request(req.method ?? 'GET', req.url ?? '/', { raw: Buffer.concat(chunks), headers });
      if (req.url?.endsWith('/rotate')) {
        rotations++;
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, { 'content-type': String(answer.headers['content-type'] ?? 'application/json') }).end(answer.text);
    });
  });
  const addr = await listen(front);
  t.teardown(() => front.close());

  const r = await cliVia(ws, `http://${addr}`, ['token', 'rotate', tok.id]);
  t.is(r.code, 7);
  t.is(rotations, 1, 'sent once, never repeated');
  t.notRegex(r.stderr, /retrying in/);
  t.regex(r.stderr, /may have been rotated/);
  t.false(await active(tok.token), 'the gateway did rotate it');
});

test('when the gateway refuses connections, then rotate gives up after its retries with exit 7', async (t) => {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  const closed = net.createServer();
  const addr = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));

  const r = await cliVia(ws, `https://${addr}`, ['token', 'rotate', 'AAAAAAAAAAAAAAAA']);
  t.is(r.code, 7);
  t.is((r.stderr.match(/retrying in/g) ?? []).length, 3);
  t.regex(r.stderr, /connection refused/);
});
