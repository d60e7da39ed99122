import test from 'ava';
import tls from 'node:tls';
import { startStack, type Stack } from '../support/stack.js';
import { loginAsAdmin, type Session } from '../support/session.js';

// What the OpenAPI document promises about input, held at the edge: a PATCH must change
// something, money is a JSON number, OPTIONS lists a path's own methods, and oversized
// headers get the error envelope like every other refusal.
let stack: Stack;
let admin: Session;
test.before(async () => {
  stack = await startStack({ env: { identity: { ARGON2_MEMORY_KIB: '1024' } } });
  admin = await loginAsAdmin(stack);
});
test.after.always(() => stack?.close());

test('when a PATCH has an empty or no body, then it is 400 and nothing changes', async (t) => {
  const agent = await stack.http.post('/v1/agents', { token: admin.access_token, json: { name: 'patched', budget_usd: 1 } });
  const key = await stack.http.post('/v1/provider-keys', {
    token: admin.access_token,
    json: { provider: 'openai', name: 'k', api_key: 'sk-live-strict-0123456789' },
  });
  for (const path of [`/v1/agents/${agent.body.agent.id}`, `/v1/users/${admin.user.id}`, `/v1/provider-keys/${key.body.id}`]) {
    const empty = await stack.http.request('PATCH', path, { token: admin.access_token, json: {} });
    t.is(empty.status, 400, `${path} {}`);
    t.is(empty.body.error.code, 'validation_failed');
    const none = await stack.http.request('PATCH', path, { token: admin.access_token });
    t.is(none.status, 400, `${path} without a body`);
  }
  t.is((await stack.http.get(`/v1/agents/${agent.body.agent.id}`, { token: admin.access_token })).body.name, 'patched');
});

test('when an amount is a string, or a query parameter is bracketed, then it is 400', async (t) => {
  const str = await stack.http.post('/v1/agents', { token: admin.access_token, json: { name: 'str', budget_usd: '10' } });
  t.is(str.status, 400);
  t.truthy(str.body.error.details.budget_usd);
  t.is(
    (await stack.http.post('/v1/agents', { token: admin.access_token, json: { name: 'exp', budget_usd: 7e-6 } })).status,
    201,
    'a number in exponent form is a number',
  );
  const bracket = await stack.http.get('/v1/users?role[$ne]=admin', { token: admin.access_token });
  t.is(bracket.status, 400);
  t.is(bracket.body.error.details['role[$ne]'], 'unknown field');
});

test('when OPTIONS asks about a path, then Allow lists that path’s own methods', async (t) => {
  const introspect = await stack.http.request('OPTIONS', '/v1/tokens/introspect');
  t.is(introspect.status, 204);
  t.is(introspect.headers.allow, 'POST, OPTIONS');
  const token = await stack.http.request('OPTIONS', '/v1/tokens/tok123');
  t.is(token.headers.allow, 'GET, PATCH, DELETE, HEAD, OPTIONS');
});

test('when the headers are over 16 KB, then it is 431 with the error envelope', async (t) => {
  const url = new URL(stack.url);
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = tls.connect({ host: url.hostname, port: Number(url.port), ca: stack.ca, servername: 'localhost' }, () => {
      socket.write(`GET /v1/agents HTTP/1.1\r\nHost: ${url.host}\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (c: Buffer) => (data += c.toString()));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
  t.regex(raw, /^HTTP\/1\.1 431 /);
  t.regex(raw, /content-type: application\/json/i);
  const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
  t.is(body.error.code, 'headers_too_large');
  t.truthy(body.error.request_id);
});
