import tls from 'node:tls';
import test from 'ava';
import { startStack, type Stack } from '../../test/support/stack.js';

// The edge alone: no services are running, so anything that needs one must answer 503 fast.
let stack: Stack;
test.before(async () => {
  stack = await startStack({
    services: [],
    env: { gateway: { CORS_ORIGINS: 'https://app.example.test', GRPC_DEADLINE_MS: '1500' } },
  });
});
test.after.always(() => stack?.close());

test('when anything is requested, then the security headers are set and the stack is not fingerprinted', async (t) => {
  const res = await stack.http.get('/health/live');
  t.is(res.status, 200);
  t.deepEqual(res.body, { status: 'ok' });
  t.regex(String(res.headers['strict-transport-security']), /max-age=\d+/);
  t.is(res.headers['content-security-policy'], "default-src 'self';frame-ancestors 'none'");
  t.is(res.headers['x-content-type-options'], 'nosniff');
  t.is(res.headers['x-frame-options'], 'DENY');
  t.is(res.headers['referrer-policy'], 'no-referrer');
  t.is(res.headers['x-powered-by'], undefined);
  t.truthy(res.headers['x-request-id']);
});

test('when the client sends a sane X-Request-Id, then it is echoed; an insane one is replaced', async (t) => {
  const sane = await stack.http.get('/health/live', { headers: { 'x-request-id': 'abc-123' } });
  t.is(sane.headers['x-request-id'], 'abc-123');
  const insane = await stack.http.get('/health/live', { headers: { 'x-request-id': 'a b<script>' } });
  t.not(insane.headers['x-request-id'], 'a b<script>');
  t.regex(String(insane.headers['x-request-id']), /^[0-9a-f-]{36}$/);
});

test('when a route does not exist, then the error envelope says not_found with the request id', async (t) => {
  const res = await stack.http.get('/v1/nope', { headers: { 'x-request-id': 'req-404' } });
  t.is(res.status, 404);
  t.deepEqual(res.body, { error: { code: 'not_found', message: 'No such route', request_id: 'req-404' } });
});

test('when a body is not JSON, then 415; when it is malformed JSON, then 400 invalid_json; when over 1 MB, then 413', async (t) => {
  const form = await stack.http.post('/v1/auth/login', { raw: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  t.is(form.status, 415);
  t.is(form.body.error.code, 'unsupported_media_type');
  const bad = await stack.http.post('/v1/auth/login', { raw: '{"email": ', headers: { 'content-type': 'application/json' } });
  t.is(bad.status, 400);
  t.is(bad.body.error.code, 'invalid_json');
  t.false(bad.text.includes('at '), 'no stack trace');
  const big = await stack.http.post('/v1/auth/login', {
    raw: JSON.stringify({ x: 'a'.repeat(1024 * 1024) }),
    headers: { 'content-type': 'application/json' },
  });
  t.is(big.status, 413);
  t.is(big.body.error.code, 'payload_too_large');
});

test('when an allowed origin asks, then CORS answers for it; any other origin gets no CORS headers', async (t) => {
  const ok = await stack.http.request('OPTIONS', '/v1/auth/me', {
    headers: { origin: 'https://app.example.test', 'access-control-request-method': 'GET' },
  });
  t.is(ok.headers['access-control-allow-origin'], 'https://app.example.test');
  const evil = await stack.http.request('OPTIONS', '/v1/auth/me', {
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
  });
  t.is(evil.headers['access-control-allow-origin'], undefined);
});

test('when an API route is called, then X-RateLimit headers are present', async (t) => {
  const res = await stack.http.get('/v1/nope');
  t.truthy(res.headers['x-ratelimit-limit']);
  t.truthy(res.headers['x-ratelimit-remaining']);
  t.truthy(res.headers['x-ratelimit-reset']);
});

test('when the services are down, then readiness says which and an authenticated call gets 503 with Retry-After quickly', async (t) => {
  const ready = await stack.http.get('/health/ready');
  t.is(ready.status, 503);
  t.is(ready.body.checks.redis, 'ok');
  t.is(ready.body.checks.identity, 'down');
  t.is(ready.body.checks.prices, 'down', 'no price table could be fetched');
  const started = Date.now();
  const res = await stack.http.get('/v1/auth/me', { token: 'tg_pat_definitelynotreal' });
  t.is(res.status, 503);
  t.is(res.body.error.code, 'service_unavailable');
  t.truthy(res.headers['retry-after']);
  t.true(Date.now() - started < 2_000);
});

test('when the OpenAPI document is fetched, then it is valid OpenAPI 3 and documents the operations routes', async (t) => {
  const res = await stack.http.get('/openapi.json');
  t.is(res.status, 200);
  t.is(res.body.openapi, '3.0.3');
  for (const p of ['/health/live', '/health/ready', '/openapi.json', '/docs']) t.truthy(res.body.paths[p], p);
  // Metrics are on METRICS_PORT, not the public port (metrics.test.ts).
  t.is(res.body.paths['/metrics'], undefined);
  const docs = await stack.http.get('/docs');
  t.is(docs.status, 200);
  t.regex(docs.text, /swagger-ui-bundle\.js/);
  const asset = await stack.http.get('/docs/assets/swagger-ui-bundle.js');
  t.is(asset.status, 200);
});

test('when a known path is asked with a method it does not serve, then 405 with Allow; an unknown path stays 404', async (t) => {
  const trace = await stack.http.request('TRACE', '/health/live');
  t.is(trace.status, 405);
  t.is(trace.headers.allow, 'GET');
  t.is(trace.body.error.code, 'method_not_allowed');
  const put = await stack.http.request('PUT', '/v1/users/abc', { json: {} });
  t.is(put.status, 405);
  t.deepEqual(String(put.headers.allow).split(', ').sort(), ['DELETE', 'GET', 'PATCH']);
  t.is((await stack.http.request('PUT', '/v1/nothing-here')).status, 404);
});

test('when a client offers TLS 1.2 with CBC, CCM or no forward secrecy, then the handshake fails; AEAD with ECDHE works', async (t) => {
  const { hostname, port } = new URL(stack.url);
  const handshake = (ciphers: string) =>
    new Promise<string>((resolve) => {
      const socket = tls.connect({ host: hostname, port: Number(port), maxVersion: 'TLSv1.2', ciphers, rejectUnauthorized: false }, () => {
        resolve(socket.getCipher().name);
        socket.end();
      });
      socket.on('error', () => resolve('refused'));
    });
  for (const weak of [
    'ECDHE-ECDSA-AES128-SHA',
    'ECDHE-ECDSA-AES256-SHA384',
    'ECDHE-ECDSA-AES128-CCM8',
    'ECDHE-ECDSA-AES128-CCM',
    'AES128-GCM-SHA256',
  ]) {
    t.is(await handshake(weak), 'refused', weak);
  }
  t.is(await handshake('ECDHE-ECDSA-AES128-GCM-SHA256'), 'ECDHE-ECDSA-AES128-GCM-SHA256');
  t.is(await handshake('ECDHE-ECDSA-CHACHA20-POLY1305'), 'ECDHE-ECDSA-CHACHA20-POLY1305');
});

test('when a client is idle between two requests for longer than Node keeps a connection by default, then the second still goes on its connection', async (t) => {
  const { hostname, port } = new URL(stack.url);
  const socket = tls.connect({ host: hostname, port: Number(port), rejectUnauthorized: false });
  t.teardown(() => socket.destroy());
  let received = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('close', () => (closed = true));
  const ask = async () => {
    received = '';
    socket.write(`GET /health/live HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\n\r\n`);
    for (let i = 0; i < 100 && !received.includes('{"status":"ok"}') && !closed; i++) await new Promise((r) => setTimeout(r, 20));
    return received;
  };
  t.regex(await ask(), /^HTTP\/1\.1 200/);
  // Node closes an idle connection after 5 s unless told otherwise; an agent between two LLM calls often waits longer.
  await new Promise((r) => setTimeout(r, 6_000));
  t.false(closed, 'the idle connection was kept');
  t.regex(await ask(), /^HTTP\/1\.1 200/);
});
