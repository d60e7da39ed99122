import https from 'node:https';
import { createPublicKey } from 'node:crypto';
import test, { type ExecutionContext } from 'ava';
import jwt from 'jsonwebtoken';
import { startStack, type Stack } from '../support/stack.js';
import { createUserAndLogin, loginAsAdmin, type Session } from '../support/session.js';
import { stolenSigningKey } from '../support/stolen-key.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { eventually } from '../support/eventually.js';
import type { HttpResponse } from '../support/http.js';

// An attacker's run against the whole mesh through the gateway: forged and replayed
// credentials, cross-site requests, injection and pollution in bodies and queries, hostile
// headers and paths, privilege escalation, and every role reaching for what is not theirs.
// Each attempt is one case on the scoreboard printed at the end; every one must be refused
// (and refused the right way) — an attempt that gets through is a failure.

let stack: Stack;
let provider: FakeProvider;
let admin: Session;
let memberA: Session;
let memberB: Session;
let viewer: Session;
const tried: string[] = [];
const gotThrough: string[] = [];

test.before(async () => {
  provider = await startFakeProvider(() => ({ input: 150_000, output: 600_000 }));
  stack = await startStack({ env: { identity: { ARGON2_MEMORY_KIB: '1024' } } });
  admin = await loginAsAdmin(stack);
  memberA = await createUserAndLogin(stack, admin, 'member');
  memberB = await createUserAndLogin(stack, admin, 'member');
  viewer = await createUserAndLogin(stack, admin, 'viewer');
  const key = await stack.http.post('/v1/provider-keys', {
    token: admin.access_token,
    json: { provider: 'openai', name: 'openai', api_key: 'sk-live-attack-0123456789', base_url: `${provider.url}/v1` },
  });
  if (key.status !== 201) throw new Error(`provider key: ${key.status} ${key.text}`);
});
test.after.always(async () => {
  await stack?.close();
  await provider?.close();
  process.stdout.write(
    `\nattack suite scoreboard (forgery and abuse)\n  cases tried: ${tried.length}, got through: ${gotThrough.length}${gotThrough.length ? ` (${gotThrough.join('; ')})` : ''}\n`,
  );
});

/** One attempt: `refused` says whether the answer is the refusal expected; the case is on the scoreboard either way. */
function attempt(t: ExecutionContext, name: string, res: HttpResponse, refused: (r: HttpResponse) => boolean): void {
  tried.push(name);
  const ok = refused(res);
  if (!ok) gotThrough.push(name);
  t.true(ok, `${name}: ${res.status} ${res.text.slice(0, 200)}`);
}
const status =
  (...codes: number[]) =>
  (r: HttpResponse) =>
    codes.includes(r.status);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const me = (token: string) => stack.http.get('/v1/auth/me', { token });

test('forged access tokens: alg none, HS256 with the public key, unknown kid, wrong iss/aud/typ, expired, tampered — all 401', async (t) => {
  const { kid, key } = await stolenSigningKey(stack);
  const claims = jwt.decode(memberA.access_token) as Record<string, unknown>;
  const { iat: _iat, exp: _exp, iss: _iss, aud: _aud, sub, ...rest } = claims;
  const signed = (extra: Record<string, unknown>, opts: jwt.SignOptions) =>
    jwt.sign({ ...rest, ...extra }, key, {
      algorithm: 'ES256',
      keyid: kid,
      issuer: 'tollgate',
      audience: 'tollgate-api',
      subject: String(sub),
      ...opts,
    });
  const sign = (extra: Record<string, unknown>, opts: jwt.SignOptions = {}) => signed(extra, { expiresIn: 600, ...opts });
  t.is((await me(sign({}))).status, 200, 'the control: made as identity makes them, it passes');

  const now = Math.floor(Date.now() / 1000);
  const none = `${b64({ alg: 'none', typ: 'JWT', kid })}.${b64({ ...claims, role: 'admin' })}.`;
  const jwks = (await stack.http.get('/.well-known/jwks.json')).body.keys[0];
  const publicPem = createPublicKey({ key: jwks, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  const hs256 = jwt.sign({ ...claims, role: 'admin' }, publicPem, { algorithm: 'HS256', keyid: kid });
  const [header, payload, signature] = memberA.access_token.split('.');
  const tampered = `${header}.${b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'admin' })}.${signature}`;
  const cases: [string, string][] = [
    ['alg none', none],
    ['HS256 signed with the public key', hs256],
    ['unknown kid', sign({}, { keyid: 'kid-nobody-has' })],
    ['wrong issuer', sign({}, { issuer: 'evil' })],
    ['wrong audience', sign({}, { audience: 'other-api' })],
    ['refresh typ used as access', sign({ typ: 'refresh' })],
    ['expired', signed({ exp: now - 60, iat: now - 660 }, {})],
    ['payload tampered (role admin)', tampered],
    ['garbage', 'not.a.jwt'],
  ];
  for (const [name, token] of cases)
    attempt(t, `token: ${name}`, await me(token), (r) => r.status === 401 && r.body?.error?.code !== undefined);
});

test('a refresh token used twice revokes its whole family: the reuse, the newer refresh token and the session are all refused', async (t) => {
  const victim = await createUserAndLogin(stack, admin, 'member');
  const first = await stack.http.post('/v1/auth/refresh', { json: { refresh_token: victim.refresh_token } });
  t.is(first.status, 200);
  attempt(
    t,
    'refresh replay',
    await stack.http.post('/v1/auth/refresh', { json: { refresh_token: victim.refresh_token } }),
    (r) => r.status === 401 && r.body.error.code === 'refresh_token_reused',
  );
  attempt(
    t,
    'refresh with the family’s newer token',
    await stack.http.post('/v1/auth/refresh', { json: { refresh_token: first.body.refresh_token } }),
    status(401),
  );
  const session = await eventually(
    () => me(first.body.access_token),
    (r) => r.status === 401,
    2_000,
    100,
  );
  attempt(t, 'access token of the revoked family', session, status(401));
});

test('cross-site: the cookie refresh flow needs the matching CSRF token; a foreign origin gets no CORS grant', async (t) => {
  const user = await createUserAndLogin(stack, admin, 'member');
  const cookieOf = (name: string) => user.cookies.map((c) => c.split(';')[0]).find((c) => c.startsWith(`${name}=`))!;
  const cookie = `${cookieOf('tg_refresh')}; ${cookieOf('tg_csrf')}`;
  attempt(
    t,
    'csrf: cookie without token',
    await stack.http.post('/v1/auth/refresh', { headers: { cookie } }),
    (r) => r.status === 403 && r.body.error.code === 'csrf_failed',
  );
  const other = await createUserAndLogin(stack, admin, 'member');
  attempt(
    t,
    'csrf: another session’s token',
    await stack.http.post('/v1/auth/refresh', { headers: { cookie, 'x-csrf-token': other.csrf_token } }),
    (r) => r.status === 403 && r.body.error.code === 'csrf_failed',
  );
  t.is(
    (await stack.http.post('/v1/auth/refresh', { headers: { cookie, 'x-csrf-token': user.csrf_token } })).status,
    200,
    'the control: with its own token it works',
  );

  const foreign = await stack.http.get('/v1/auth/me', { token: user.access_token, headers: { origin: 'https://evil.example' } });
  attempt(t, 'cors: foreign origin', foreign, (r) => r.headers['access-control-allow-origin'] === undefined);
  const preflight = await stack.http.request('OPTIONS', '/v1/agents', {
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
  });
  attempt(t, 'cors: foreign preflight', preflight, (r) => r.headers['access-control-allow-origin'] === undefined);
});

test('injection and pollution: operators, prototype keys, bracket queries and deep nesting are 400; operator-looking text is only text', async (t) => {
  const post = (path: string, raw: string) =>
    stack.http.post(path, { token: memberA.access_token, raw, headers: { 'content-type': 'application/json' } });
  const bodies: [string, string, string][] = [
    ['login email operator', '/v1/auth/login', '{"email":{"$ne":null},"password":"whatever-password"}'],
    ['login password operator', '/v1/auth/login', `{"email":"${stack.secrets.BOOTSTRAP_ADMIN_EMAIL}","password":{"$gt":""}}`],
    ['agent name operator', '/v1/agents', '{"name":{"$gt":""},"budget_usd":1}'],
    ['agent budget operator', '/v1/agents', '{"name":"x","budget_usd":{"$gt":0}}'],
    ['token scopes operator', '/v1/tokens', '{"name":"x","scopes":{"$in":["users:write"]}}'],
    ['__proto__ key', '/v1/agents', '{"name":"p","budget_usd":1,"__proto__":{"role":"admin"}}'],
    ['constructor.prototype key', '/v1/agents', '{"name":"p","budget_usd":1,"constructor":{"prototype":{"role":"admin"}}}'],
    ['nested __proto__', '/v1/tokens', '{"name":"p","scopes":["agents:read"],"description":{"__proto__":{"admin":true}}}'],
    ['deeply nested JSON', '/v1/agents', `${'['.repeat(50_000)}${']'.repeat(50_000)}`],
  ];
  for (const [name, path, raw] of bodies) attempt(t, `body: ${name}`, await post(path, raw), (r) => r.status === 400 || r.status === 413);
  for (const query of ['owner_id[$ne]=x', 'role[$ne]=admin', 'status[$regex]=.*', 'limit[$gt]=1', 'role=%7B%22%24ne%22%3A%22admin%22%7D']) {
    const path = query.startsWith('owner') || query.startsWith('status') ? '/v1/agents' : '/v1/users';
    attempt(t, `query: ${query}`, await stack.http.get(`${path}?${query}`, { token: admin.access_token }), status(400));
  }
  // Nothing was polluted: a member is still a member.
  attempt(t, 'member after pollution attempts', await stack.http.get('/v1/users', { token: memberA.access_token }), status(403));
  const text = await stack.http.post('/v1/agents', { token: memberA.access_token, json: { name: '{"$ne":null} $where', budget_usd: 1 } });
  t.is(text.status, 201);
  t.is(text.body.agent.name, '{"$ne":null} $where', 'stored as the text it is');
  t.is((await stack.http.get('/health/ready')).status, 200, 'the mesh is unharmed');
});

test('hostile headers and paths: a forged X-Request-Id is not echoed; dot segments in the proxy path never reach the provider', async (t) => {
  for (const id of ['x'.repeat(5_000), 'id with spaces', '<script>alert(1)</script>', 'ünïcødé']) {
    const res = await stack.http.get('/health/live', { headers: { 'x-request-id': id } });
    attempt(
      t,
      `x-request-id: ${id.slice(0, 20)}`,
      res,
      (r) => r.headers['x-request-id'] !== id && /^[0-9a-f-]{36}$/.test(String(r.headers['x-request-id'])),
    );
  }
  const agent = await stack.http.post('/v1/agents', { token: admin.access_token, json: { name: 'traveller', budget_usd: 1 } });
  const raw = (path: string) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 });
      const url = new URL(stack.url);
      const req = https.request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method: 'POST',
          ca: stack.ca,
          servername: 'localhost',
          headers: {
            authorization: `Bearer ${agent.body.token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text,
              bytes: Buffer.from(text),
              body: text ? JSON.parse(text) : undefined,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const before = provider.calls.length;
  for (const path of [
    '/v1/proxy/openai/../../admin',
    '/v1/proxy/openai/chat/../../../v1/users',
    '/v1/proxy/openai/%2e%2e/%2e%2e/admin',
    '/v1/proxy/openai/..%2f..%2fadmin',
    '/v1/proxy/openai/./chat/completions',
  ]) {
    attempt(t, `proxy path ${path}`, await raw(path), (r) => r.status === 400 || r.status === 404);
  }
  t.deepEqual(
    provider.calls.slice(before).map((c) => c.path),
    [],
    'the provider saw none of them',
  );
});

test('privilege escalation: a token cannot be widened beyond its owner’s role, and no role reaches what is not its own', async (t) => {
  const pat = await stack.http.post('/v1/tokens', { token: memberA.access_token, json: { name: 'narrow', scopes: ['agents:read'] } });
  t.is(pat.status, 201);
  for (const scopes of [['users:write'], ['audit:read'], ['keys:write'], ['agents:read', 'users:read']]) {
    attempt(
      t,
      `token widened to ${scopes.join(',')}`,
      await stack.http.patch(`/v1/tokens/${pat.body.id}`, { token: memberA.access_token, json: { scopes } }),
      status(403),
    );
  }
  attempt(
    t,
    'narrow token writes an agent',
    await stack.http.post('/v1/agents', { token: pat.body.token, json: { name: 'x', budget_usd: 1 } }),
    status(403),
  );

  // Member A's things, and what everyone else may do with them.
  const agentA = await stack.http.post('/v1/agents', { token: memberA.access_token, json: { name: 'mine', budget_usd: 1 } });
  const agentB = await stack.http.post('/v1/agents', { token: memberB.access_token, json: { name: 'theirs', budget_usd: 1 } });
  const requestA = await stack.http.post('/v1/budget-requests', {
    token: memberA.access_token,
    json: { agent_id: agentA.body.agent.id, requested_budget_usd: 5, justification: 'more' },
  });
  const keyId = (await stack.http.get('/v1/provider-keys', { token: admin.access_token })).body.items[0].id;
  const sessionA = (await stack.http.get('/v1/auth/sessions', { token: memberA.access_token })).body.items[0].id;
  type Case = [string, Session | string, string, string, Record<string, unknown> | undefined, number[]];
  const cases: Case[] = [
    ['member B renames A’s agent', memberB, 'PATCH', `/v1/agents/${agentA.body.agent.id}`, { name: 'stolen' }, [403, 404]],
    ['member B disables A’s agent', memberB, 'PATCH', `/v1/agents/${agentA.body.agent.id}`, { disabled: true }, [403, 404]],
    [
      'member B asks to raise A’s agent',
      memberB,
      'POST',
      '/v1/budget-requests',
      { agent_id: agentA.body.agent.id, requested_budget_usd: 5, justification: 'x' },
      [403, 404],
    ],
    ['member B cancels A’s request', memberB, 'POST', `/v1/budget-requests/${requestA.body.id}/cancel`, undefined, [403, 404]],
    ['member A approves own request', memberA, 'POST', `/v1/budget-requests/${requestA.body.id}/approve`, undefined, [403]],
    ['member B reads A’s token', memberB, 'GET', `/v1/tokens/${pat.body.id}`, undefined, [403, 404]],
    ['member B changes A’s token', memberB, 'PATCH', `/v1/tokens/${pat.body.id}`, { name: 'x' }, [403, 404]],
    ['member B rotates A’s token', memberB, 'POST', `/v1/tokens/${pat.body.id}/rotate`, undefined, [403, 404]],
    ['member B revokes A’s token', memberB, 'DELETE', `/v1/tokens/${pat.body.id}`, undefined, [403, 404]],
    ['member B ends A’s session', memberB, 'DELETE', `/v1/auth/sessions/${sessionA}`, undefined, [403, 404]],
    ['member reads a user', memberB, 'GET', `/v1/users/${memberA.user.id}`, undefined, [403]],
    ['member promotes itself', memberB, 'PATCH', `/v1/users/${memberB.user.id}`, { role: 'admin' }, [403]],
    ['member deletes a user', memberB, 'DELETE', `/v1/users/${memberA.user.id}`, undefined, [403]],
    ['member unlocks a user', memberB, 'POST', `/v1/users/${memberA.user.id}/unlock`, undefined, [403]],
    ['member reads a provider key', memberB, 'GET', `/v1/provider-keys/${keyId}`, undefined, [403]],
    [
      'member rotates a provider key',
      memberB,
      'POST',
      `/v1/provider-keys/${keyId}/rotate`,
      { api_key: 'sk-live-attacker-0123456789' },
      [403],
    ],
    [
      'member moves a provider key',
      memberB,
      'PATCH',
      `/v1/provider-keys/${keyId}`,
      { base_url: 'https://evil.example/v1', api_key: 'sk-live-attacker-0123456789' },
      [403],
    ],
    ['member reads an audit event', memberB, 'GET', '/v1/audit/events', undefined, [403]],
    ['viewer creates an agent', viewer, 'POST', '/v1/agents', { name: 'v', budget_usd: 1 }, [403]],
    ['viewer renames an agent', viewer, 'PATCH', `/v1/agents/${agentA.body.agent.id}`, { name: 'v' }, [403]],
    [
      'viewer files a budget request',
      viewer,
      'POST',
      '/v1/budget-requests',
      { agent_id: agentA.body.agent.id, requested_budget_usd: 5, justification: 'x' },
      [403],
    ],
    ['agent A reads agent B', agentA.body.token, 'GET', `/v1/agents/${agentB.body.agent.id}`, undefined, [403, 404]],
    ['agent A reads B’s budget', agentA.body.token, 'GET', `/v1/agents/${agentB.body.agent.id}/budget`, undefined, [403, 404]],
    [
      'agent A takes a lease for B',
      agentA.body.token,
      'POST',
      `/v1/agents/${agentB.body.agent.id}/handshake`,
      { provider: 'openai' },
      [403, 404],
    ],
    ['agent A lists users', agentA.body.token, 'GET', '/v1/users', undefined, [403]],
    ['agent A mints a token', agentA.body.token, 'POST', '/v1/tokens', { name: 'x', scopes: ['agents:read'] }, [403]],
  ];
  for (const [name, who, method, path, json, refusals] of cases) {
    const token = typeof who === 'string' ? who : who.access_token;
    attempt(t, name, await stack.http.request(method, path, { token, ...(json ? { json } : {}) }), status(...refusals));
  }
  // Nothing changed hands.
  t.is((await stack.http.get(`/v1/agents/${agentA.body.agent.id}`, { token: admin.access_token })).body.name, 'mine');
  t.is((await stack.http.get(`/v1/users/${memberB.user.id}`, { token: admin.access_token })).body.role, 'member');
});
