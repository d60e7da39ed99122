import test from 'ava';
import { createServiceClient, ROLE_SCOPES, type Principal, type Role, type ServiceClient } from '@tollgate/platform';
import { loadIdentity, loadToken } from '@tollgate/proto';
import type { IdentityDefinition } from '@tollgate/proto/gen/tollgate/identity/v1/Identity';
import type { TokenDefinition } from '@tollgate/proto/gen/tollgate/token/v1/Token';
import { startStack, type Stack } from '../support/stack.js';
import { sleep } from '../support/eventually.js';

// The API-token routes of the REST API (/openapi.json) through the real HTTPS gateway. The first
// credential is the installation's BOOTSTRAP_TOKEN (owned by the bootstrap admin); other
// people are created in identity and handed a first token the way a session would mint
// one, and everything after that goes through the gateway with API tokens.
let stack: Stack;
let identity: ServiceClient<IdentityDefinition>;
let tokenRpc: ServiceClient<TokenDefinition>;
let adminId: string;
const TOKEN_FORMAT = /^tg_pat_[0-9A-Za-z]{54}$/;
let adminToken = '';

test.before(async () => {
  stack = await startStack({ services: ['audit', 'identity', 'token'], env: { identity: { ARGON2_MEMORY_KIB: '1024' } } });
  const opts = { issuer: 'e2e', secret: stack.secrets.SERVICE_TOKEN_SECRET };
  identity = createServiceClient(loadIdentity().Identity, stack.addrs.identity, opts);
  tokenRpc = createServiceClient(loadToken().Token, stack.addrs.token, opts);
  const admins = await identity.call.ListUsers(
    { role: 'admin', page: { limit: 10 } },
    { principal: { type: 'user', id: 'e2e', role: 'admin' } },
  );
  adminId = admins.items.find((u) => u.email === stack.secrets.BOOTSTRAP_ADMIN_EMAIL)!.id;

  // A real token string for BOOTSTRAP_TOKEN: mint one, take its text, and let the token
  // service seed a fresh database with it on restart.
  const seed = await tokenRpc.call.CreateToken(
    { name: 'seed', description: '', scopes: ['tokens:read'], never_expires: true },
    { principal: { type: 'user', id: adminId, role: 'admin' } },
  );
  adminToken = seed.secret;
  await tokenRpc.call.RevokeToken({ id: seed.token!.id }, { principal: { type: 'user', id: adminId, role: 'admin' } });
  await stack.stop('token');
  Object.assign(stack.env.token, {
    BOOTSTRAP_TOKEN: adminToken,
    MONGO_DB: `${stack.env.token.MONGO_DB}_seeded`,
    BOOTSTRAP_TOKEN_OWNER_ID: adminId,
  });
  await stack.start('token');
});

test.after.always(async () => {
  identity?.close();
  tokenRpc?.close();
  await stack?.close();
});

/** A new user with `role`, holding a personal token with `scopes` (default: all the role allows), as a session would mint it. */
async function person(role: Role, scopes: readonly string[] = ROLE_SCOPES[role]): Promise<{ id: string; token: string }> {
  const user = await identity.call.CreateUser(
    {
      email: `${role}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`,
      password: 'correct-horse-battery-staple',
      role,
      name: '',
    },
    { principal: { type: 'user', id: adminId, role: 'admin' } },
  );
  const principal: Principal = { type: 'user', id: user.id, role };
  const created = await tokenRpc.call.CreateToken({ name: 'first', description: '', scopes: [...scopes] }, { principal });
  return { id: user.id, token: created.secret };
}

const create = (token: string, json: Record<string, unknown>) => stack.http.post('/v1/tokens', { token, json });

test('when the bootstrap token is used, then it authenticates as the bootstrap admin with every admin scope', async (t) => {
  const res = await stack.http.post('/v1/tokens/introspect', { token: adminToken, json: { token: adminToken } });
  t.is(res.status, 200);
  t.is(res.body.active, true);
  t.is(res.body.owner_id, adminId);
  t.true(res.body.scopes.includes('audit:read'));
  t.is(res.body.expires_at, null);
});

test('when a token is created, then 201 returns it once; GET and list never include the secret', async (t) => {
  const me = await person('member');
  const res = await create(me.token, { name: 'deploy', description: 'CI', scopes: ['agents:read', 'budgets:read'], expires_in_days: 7 });
  t.is(res.status, 201);
  t.regex(res.body.token, TOKEN_FORMAT);
  t.like(res.body, { name: 'deploy', description: 'CI', status: 'active', last_used_at: null, owner_id: me.id, kind: 'personal' });
  t.deepEqual(res.body.scopes, ['agents:read', 'budgets:read']);
  t.is(Date.parse(res.body.expires_at) - Date.parse(res.body.created_at), 7 * 86_400_000);
  t.truthy(res.headers['x-request-id']);
  const secret = (res.body.token as string).slice(23, 55);

  const got = await stack.http.get(`/v1/tokens/${res.body.id}`, { token: me.token });
  t.is(got.status, 200);
  t.is(got.body.token, undefined);
  t.false(got.text.includes(secret));
  const list = await stack.http.get('/v1/tokens', { token: me.token });
  t.is(list.status, 200);
  t.true(list.body.items.some((i: { id: string }) => i.id === res.body.id));
  t.false(list.text.includes(secret));
  t.is(list.body.next_cursor, null);

  // The new token works at once.
  t.is((await stack.http.get('/v1/tokens', { token: res.body.token })).status, 403, 'it lacks tokens:read: a 403, not a 401');
});

test('when a create asks for scopes beyond the caller role, then 403 names them; bad bodies are 400', async (t) => {
  const viewer = await person('viewer');
  const beyond = await create(viewer.token, { name: 'x', scopes: ['agents:read', 'keys:write'] });
  t.is(beyond.status, 403);
  t.is(beyond.body.error.code, 'forbidden');
  t.deepEqual(beyond.body.error.details.scopes, ['keys:write']);

  for (const json of [
    { name: 'x', scopes: ['root'] },
    { name: 'x', scopes: [] },
    { name: 'x', scopes: ['tokens:read'], extra: true },
    { name: { $ne: null }, scopes: ['tokens:read'] },
    { name: 'x', scopes: ['tokens:read'], expires_in_days: 367 },
    { scopes: ['tokens:read'] },
  ]) {
    const res = await create(viewer.token, json);
    t.is(res.status, 400, JSON.stringify(json));
    t.is(res.body.error.code, 'validation_failed');
    t.truthy(res.body.error.details);
  }
  const nonAdminForever = await create(viewer.token, { name: 'x', scopes: ['agents:read'], never_expires: true });
  t.is(nonAdminForever.status, 403);
});

test('when tokens are listed, then only your own show; admins may ask for another owner; status filters and cursors work', async (t) => {
  const me = await person('member');
  const other = await person('member');
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await create(me.token, { name: `t${i}`, scopes: ['agents:read'] })).body.id);
  t.is((await stack.http.delete(`/v1/tokens/${ids[0]}`, { token: me.token })).status, 204);

  const page1 = await stack.http.get('/v1/tokens?limit=2', { token: me.token });
  t.is(page1.body.items.length, 2);
  t.truthy(page1.body.next_cursor);
  const page2 = await stack.http.get(`/v1/tokens?limit=2&cursor=${encodeURIComponent(page1.body.next_cursor)}`, { token: me.token });
  t.is(page2.body.next_cursor, null);
  t.is(page1.body.items.length + page2.body.items.length, 4, 'three new ones and the first token');

  const revoked = await stack.http.get('/v1/tokens?status=revoked', { token: me.token });
  t.deepEqual(
    revoked.body.items.map((i: { id: string }) => i.id),
    [ids[0]],
  );
  t.is((await stack.http.get('/v1/tokens?status=bogus', { token: me.token })).status, 400);
  t.is((await stack.http.get('/v1/tokens?limit=101', { token: me.token })).status, 400);

  const peek = await stack.http.get(`/v1/tokens?owner_id=${me.id}`, { token: other.token });
  t.is(peek.status, 403);
  const asAdmin = await stack.http.get(`/v1/tokens?owner_id=${me.id}&limit=100`, { token: adminToken });
  t.is(asAdmin.status, 200);
  t.is(asAdmin.body.items.length, 4);
  t.is((await stack.http.get(`/v1/tokens/${ids[1]}`, { token: other.token })).status, 404);
  t.is((await stack.http.get(`/v1/tokens/${ids[1]}`, { token: adminToken })).status, 200);
});

test('when a token is patched, then name and scopes change; widening is 403 and someone else’s is 404', async (t) => {
  const me = await person('member');
  const created = (await create(me.token, { name: 'old', scopes: ['agents:read', 'budgets:read'] })).body;
  const renamed = await stack.http.patch(`/v1/tokens/${created.id}`, { token: me.token, json: { name: 'new', description: 'd' } });
  t.is(renamed.status, 200);
  t.like(renamed.body, { name: 'new', description: 'd' });
  t.deepEqual(renamed.body.scopes, ['agents:read', 'budgets:read']);

  const narrowed = await stack.http.patch(`/v1/tokens/${created.id}`, { token: me.token, json: { scopes: ['budgets:read'] } });
  t.deepEqual(narrowed.body.scopes, ['budgets:read']);
  const introspected = await stack.http.post('/v1/tokens/introspect', { token: me.token, json: { token: created.token } });
  t.deepEqual(introspected.body.scopes, ['budgets:read']);

  const widened = await stack.http.patch(`/v1/tokens/${created.id}`, { token: me.token, json: { scopes: ['keys:write'] } });
  t.is(widened.status, 403);
  t.deepEqual(widened.body.error.details.scopes, ['keys:write']);
  const other = await person('member');
  t.is((await stack.http.patch(`/v1/tokens/${created.id}`, { token: other.token, json: { name: 'mine' } })).status, 404);
  t.is((await stack.http.patch(`/v1/tokens/${created.id}`, { token: me.token, json: { owner_id: other.id } })).status, 400);
});

test('when a token is revoked, then the very next request with it is 401', async (t) => {
  const me = await person('member');
  const created = (await create(me.token, { name: 'doomed', scopes: ['tokens:read'] })).body;
  t.is((await stack.http.get('/v1/tokens', { token: created.token })).status, 200);
  const del = await stack.http.delete(`/v1/tokens/${created.id}`, { token: me.token });
  t.is(del.status, 204);
  t.is(del.text, '');
  const next = await stack.http.get('/v1/tokens', { token: created.token });
  t.is(next.status, 401);
  t.is(next.body.error.code, 'unauthenticated');
  t.is((await stack.http.get(`/v1/tokens/${created.id}`, { token: me.token })).body.status, 'revoked');
  t.is((await stack.http.delete(`/v1/tokens/${created.id}`, { token: me.token })).status, 204, 'revoking twice is fine');
});

test('when a token in steady use is revoked elsewhere, then this gateway refuses it within AUTH_CACHE_MS', async (t) => {
  const me = await person('member');
  const created = (await create(me.token, { name: 'busy', scopes: ['tokens:read'] })).body;
  // Used every 100 ms: its introspection is renewed in the background, never waited for.
  for (let i = 0; i < 8; i++) {
    t.is((await stack.http.get('/v1/tokens', { token: created.token })).status, 200);
    await sleep(100);
  }
  // Revoked behind this gateway's back, as through another gateway.
  await tokenRpc.call.RevokeToken({ id: created.id }, { principal: { type: 'user', id: adminId, role: 'admin' } });
  const revokedAt = Date.now();
  let status = 200;
  while (status === 200 && Date.now() - revokedAt < 3_000) {
    status = (await stack.http.get('/v1/tokens', { token: created.token })).status;
    if (status === 200) await sleep(20);
  }
  t.is(status, 401);
  // AUTH_CACHE_MS is 0.9 s: within a second, its introspection's round trip included.
  t.true(Date.now() - revokedAt <= 1_000, `refused after ${Date.now() - revokedAt} ms`);
});

test('when a token revokes itself, then it is 401 on its next request', async (t) => {
  const me = await person('member');
  t.is(
    (
      await stack.http.delete(`/v1/tokens/${(await stack.http.get('/v1/tokens', { token: me.token })).body.items[0].id}`, {
        token: me.token,
      })
    ).status,
    204,
  );
  t.is((await stack.http.get('/v1/tokens', { token: me.token })).status, 401);
});

test('when a token is rotated without grace, then the old secret is 401 at once and the new one works', async (t) => {
  const me = await person('member');
  const created = (await create(me.token, { name: 'rot', scopes: ['tokens:read'] })).body;
  t.is((await stack.http.get('/v1/tokens', { token: created.token })).status, 200);
  const rotated = await stack.http.post(`/v1/tokens/${created.id}/rotate`, { token: me.token, json: {} });
  t.is(rotated.status, 200);
  t.regex(rotated.body.token, TOKEN_FORMAT);
  t.is(rotated.body.id, created.id);
  t.not(rotated.body.token, created.token);
  t.is((await stack.http.get('/v1/tokens', { token: created.token })).status, 401);
  t.is((await stack.http.get('/v1/tokens', { token: rotated.body.token })).status, 200);
  // A bodiless POST means the default (no grace) as well.
  const again = await stack.http.post(`/v1/tokens/${created.id}/rotate`, { token: me.token });
  t.is(again.status, 200);
  t.is((await stack.http.get('/v1/tokens', { token: rotated.body.token })).status, 401);
});

test('when a token is rotated with grace, then the old secret works until the grace ends, then is 401', async (t) => {
  const me = await person('member');
  const created = (await create(me.token, { name: 'rot', scopes: ['tokens:read'] })).body;
  const rotated = await stack.http.post(`/v1/tokens/${created.id}/rotate`, { token: me.token, json: { grace_seconds: 2 } });
  const graceEnds = Date.now() + 2_000;
  t.is(rotated.status, 200);
  t.is((await stack.http.get('/v1/tokens', { token: created.token })).status, 200);
  t.is((await stack.http.get('/v1/tokens', { token: rotated.body.token })).status, 200);
  // The gateway may reuse an introspection for up to AUTH_CACHE_MS (1 s) after the grace ends.
  await sleep(graceEnds - Date.now() + 1_100);
  t.is((await stack.http.get('/v1/tokens', { token: created.token })).status, 401);
  t.is((await stack.http.get('/v1/tokens', { token: rotated.body.token })).status, 200);
  for (const grace_seconds of [-1, 86_401, 'soon']) {
    const bad = await stack.http.post(`/v1/tokens/${created.id}/rotate`, { token: me.token, json: { grace_seconds } });
    t.is(bad.status, 400);
  }
});

test('when a token lacks the route scope, then 403 insufficient_scope names the missing scope', async (t) => {
  const me = await person('member', ['agents:read']);
  const list = await stack.http.get('/v1/tokens', { token: me.token });
  t.is(list.status, 403);
  t.is(list.body.error.code, 'insufficient_scope');
  t.is(list.body.error.details.required_scope, 'tokens:read');

  const reader = await person('member', ['tokens:read']);
  for (const res of [
    await create(reader.token, { name: 'x', scopes: ['tokens:read'] }),
    await stack.http.delete(`/v1/tokens/${'A'.repeat(16)}`, { token: reader.token }),
    await stack.http.post(`/v1/tokens/${'A'.repeat(16)}/rotate`, { token: reader.token, json: {} }),
    await stack.http.patch(`/v1/tokens/${'A'.repeat(16)}`, { token: reader.token, json: { name: 'x' } }),
  ]) {
    t.is(res.status, 403);
    t.is(res.body.error.code, 'insufficient_scope');
    t.is(res.body.error.details.required_scope, 'tokens:write');
  }
  t.is((await stack.http.get('/v1/tokens', { token: reader.token })).status, 200);
});

test('when a token is introspected, then an active one shows id, owner, scopes and expiry; anything else only active:false', async (t) => {
  const me = await person('member');
  const created = (await create(me.token, { name: 'probe', scopes: ['proxy:invoke', 'agents:read'] })).body;
  const active = await stack.http.post('/v1/tokens/introspect', { token: me.token, json: { token: created.token } });
  t.is(active.status, 200);
  t.deepEqual(active.body, {
    active: true,
    id: created.id,
    owner_id: me.id,
    scopes: ['agents:read', 'proxy:invoke'],
    expires_at: created.expires_at,
  });

  const flipped = created.token.slice(0, -1) + (created.token.endsWith('a') ? 'b' : 'a');
  await stack.http.delete(`/v1/tokens/${created.id}`, { token: me.token });
  for (const probe of [created.token, flipped, 'tg_pat_nope', 'not a token', '']) {
    const res = await stack.http.post('/v1/tokens/introspect', { token: me.token, json: { token: probe } });
    t.is(res.status, 200);
    t.deepEqual(res.body, { active: false }, probe);
  }
  t.is(
    (await stack.http.post('/v1/tokens/introspect', { json: { token: created.token } })).status,
    401,
    'the caller must be authenticated',
  );
});

test("when an owner's role is lowered, then their token's scopes narrow at the gateway", async (t) => {
  const me = await person('manager', ['tokens:read', 'users:read']);
  const before = await stack.http.post('/v1/tokens/introspect', { token: me.token, json: { token: me.token } });
  t.deepEqual(before.body.scopes, ['users:read', 'tokens:read']);
  await identity.call.UpdateUser({ id: me.id, role: 'viewer' }, { principal: { type: 'user', id: adminId, role: 'admin' } });
  await sleep(1_600); // owner cache (≤ 0.5 s) + gateway auth cache (≤ 1 s)
  const after = await stack.http.post('/v1/tokens/introspect', { token: me.token, json: { token: me.token } });
  t.deepEqual(after.body.scopes, ['tokens:read']);
});

test('when an agent token calls, then it may introspect but not manage tokens', async (t) => {
  const owner = await person('member');
  const agent = await tokenRpc.call.CreateAgentToken(
    { agent_id: 'agent-e2e', owner_id: owner.id, name: '', scopes: [] },
    { principal: { type: 'service', id: 'budget' } },
  );
  t.regex(agent.secret, /^tg_agt_/);
  const self = await stack.http.post('/v1/tokens/introspect', { token: agent.secret, json: { token: agent.secret } });
  t.is(self.status, 200);
  t.is(self.body.active, true);
  t.is((await stack.http.get('/v1/tokens', { token: agent.secret })).status, 403);
  t.is((await create(agent.secret, { name: 'x', scopes: ['usage:write'] })).status, 403);
});
