import test from 'ava';
import { startStack, type Stack } from '../support/stack.js';
import type { HttpResponse } from '../support/http.js';
import { auditEvents, edgeClient } from '../support/identity-edge.js';
import { errorOf } from '../support/errors.js';
import { newUser, PASSWORD, uniqueEmail, type ApiUser } from '../support/factories.js';

// The Users routes of the REST API (/openapi.json) through the real HTTPS gateway, with identity, audit
// and the token service (API-token callers and their scopes).
let stack: Stack;
let adminToken: string;
let adminId: string;

test.before(async () => {
  stack = await startStack({
    services: ['audit', 'identity', 'token'],
    env: { gateway: { TRUST_PROXY: 'loopback' }, identity: { ARGON2_MEMORY_KIB: '1024', LOCKOUT_THRESHOLD: '3' } },
  });
  const res = await stack.http.post('/v1/auth/login', {
    json: { email: stack.secrets.BOOTSTRAP_ADMIN_EMAIL, password: stack.secrets.BOOTSTRAP_ADMIN_PASSWORD },
  });
  adminToken = res.body.access_token;
  adminId = res.body.user.id;
});
test.after.always(() => stack?.close());

async function signIn(email: string, password = PASSWORD): Promise<string> {
  const res = await edgeClient(stack, 'signin').post('/v1/auth/login', { json: { email, password } });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${res.text}`);
  return res.body.access_token as string;
}

async function person(role: string) {
  const user = await newUser(stack, adminToken, { role });
  return { user, token: await signIn(user.email) };
}

async function apiToken(sessionToken: string, scopes: string[]): Promise<string> {
  const res = await stack.http.post('/v1/tokens', { token: sessionToken, json: { name: 'e2e', scopes } });
  if (res.status !== 201) throw new Error(`token: ${res.status} ${res.text}`);
  return res.body.token as string;
}

test.serial(
  'PATCH and DELETE /v1/users/{id}: when it would leave no active admin, then 409 conflict; with a second admin it is allowed',
  async (t) => {
    for (const res of [
      await stack.http.patch(`/v1/users/${adminId}`, { token: adminToken, json: { role: 'manager' } }),
      await stack.http.patch(`/v1/users/${adminId}`, { token: adminToken, json: { disabled: true } }),
      await stack.http.delete(`/v1/users/${adminId}`, { token: adminToken }),
    ]) {
      t.is(res.status, 409);
      t.is(errorOf(res).code, 'conflict');
    }
    const second = await newUser(stack, adminToken, { role: 'admin' });
    const demoted = await stack.http.patch(`/v1/users/${second.id}`, { token: adminToken, json: { role: 'member' } });
    t.is(demoted.status, 200);
    t.is((await stack.http.delete(`/v1/users/${second.id}`, { token: adminToken })).status, 204);
    t.is((await stack.http.get(`/v1/auth/me`, { token: adminToken })).body.role, 'admin');
  },
);

test('POST /v1/users: when an admin creates a user, then 201 with the user, the email lower-cased, the name defaulted, and user.created audited', async (t) => {
  const email = uniqueEmail('New.Person');
  const res = await stack.http.post('/v1/users', {
    token: adminToken,
    json: { email: email.toUpperCase(), password: PASSWORD, role: 'member' },
  });
  t.is(res.status, 201);
  t.like(res.body, { email: email.toLowerCase(), name: email.toLowerCase().split('@')[0], role: 'member', disabled: false, locked: false });
  t.deepEqual(Object.keys(res.body).sort(), [
    'created_at',
    'disabled',
    'email',
    'id',
    'last_login_at',
    'locked',
    'must_change_password',
    'name',
    'password_login',
    'role',
  ]);
  t.is(res.body.last_login_at, null, 'never signed in');
  t.false(res.text.includes(PASSWORD));

  const named = await stack.http.post('/v1/users', {
    token: adminToken,
    json: { email: uniqueEmail(), password: PASSWORD, role: 'viewer', name: 'Ada' },
  });
  t.is(named.body.name, 'Ada');

  const events = await auditEvents(stack, adminToken, 'user.created', (e) => e.some((x) => x.resource.id === res.body.id));
  const event = events.find((e) => e.resource.id === res.body.id);
  t.like(event, { actor: { type: 'user', id: adminId }, details: { role: 'member' } });
  t.false(JSON.stringify(event).includes(PASSWORD));
});

test('POST /v1/users: when the email is taken in any letter case, then 409 conflict', async (t) => {
  const user = await newUser(stack, adminToken, { role: 'viewer' });
  const res = await stack.http.post('/v1/users', {
    token: adminToken,
    json: { email: user.email.toUpperCase(), password: PASSWORD, role: 'member' },
  });
  t.is(res.status, 409);
  t.is(errorOf(res).code, 'conflict');
});

test('POST /v1/users: when the body breaks the rules, then 400 validation_failed naming the field', async (t) => {
  const cases: [Record<string, unknown>, string][] = [
    [{ password: 'elevenchars' }, 'password'],
    [{ password: 'x'.repeat(257) }, 'password'],
    [{ role: 'root' }, 'role'],
    [{ email: 'not-an-email' }, 'email'],
    [{ email: { $ne: null } }, 'email'],
    [{ password: { $gt: '' } }, 'password'],
    [{ is_admin: true }, 'is_admin'],
  ];
  for (const [override, field] of cases) {
    const res = await stack.http.post('/v1/users', {
      token: adminToken,
      json: { email: uniqueEmail(), password: PASSWORD, role: 'member', ...override },
    });
    t.is(res.status, 400, JSON.stringify(override));
    t.is(errorOf(res).code, 'validation_failed');
    t.truthy(errorOf(res).details?.[field], `${JSON.stringify(override)} → ${res.text}`);
  }
});

test('POST /v1/users: when a manager, member or anonymous caller tries, then 403 forbidden (audited as authz.denied) or 401', async (t) => {
  const manager = await person('manager');
  const member = await person('member');
  for (const who of [manager, member]) {
    const res = await stack.http.post('/v1/users', { token: who.token, json: { email: uniqueEmail(), password: PASSWORD, role: 'admin' } });
    t.is(res.status, 403);
    t.is(errorOf(res).code, 'forbidden');
  }
  const anonymous = await stack.http.post('/v1/users', { json: { email: uniqueEmail(), password: PASSWORD, role: 'admin' } });
  t.is(anonymous.status, 401);
  const denied = await auditEvents(stack, adminToken, 'authz.denied', (e) => e.some((x) => x.actor.id === member.user.id));
  t.like(
    denied.find((e) => e.actor.id === member.user.id),
    { outcome: 'denied', resource: { type: 'route', id: 'POST /v1/users' } },
  );
});

test('POST /v1/users: when an admin uses an API token, then users:write is required', async (t) => {
  const writer = await apiToken(adminToken, ['users:write']);
  const reader = await apiToken(adminToken, ['users:read']);
  const ok = await stack.http.post('/v1/users', {
    token: writer,
    json: { email: uniqueEmail('by-token'), password: PASSWORD, role: 'viewer' },
  });
  t.is(ok.status, 201);
  const res = await stack.http.post('/v1/users', { token: reader, json: { email: uniqueEmail(), password: PASSWORD, role: 'viewer' } });
  t.is(res.status, 403);
  t.is(errorOf(res).code, 'insufficient_scope');
});

test('GET /v1/users: when an admin or manager lists users, then pages follow next_cursor to null; members are refused', async (t) => {
  const manager = await person('manager');
  const member = await person('member');
  for (let i = 0; i < 3; i++) await newUser(stack, adminToken, { role: 'viewer' });

  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const res: HttpResponse = await stack.http.get(`/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: manager.token });
    t.is(res.status, 200);
    t.true(res.body.items.length <= 2);
    seen.push(...res.body.items.map((u: ApiUser) => u.id));
    cursor = res.body.next_cursor;
  } while (cursor);
  t.is(new Set(seen).size, seen.length);
  t.true(seen.includes(adminId) && seen.includes(member.user.id));

  const viewers = await stack.http.get('/v1/users?role=viewer&limit=100', { token: adminToken });
  t.true(viewers.body.items.length >= 3);
  t.true(viewers.body.items.every((u: ApiUser) => u.role === 'viewer'));
  t.is(viewers.body.next_cursor, null);

  const refused = await stack.http.get('/v1/users', { token: member.token });
  t.is(refused.status, 403);
  for (const q of ['limit=0', 'limit=101', 'role=root', 'cursor=garbage']) {
    const res = await stack.http.get(`/v1/users?${q}`, { token: adminToken });
    t.is(res.status, 400, q);
    t.is(errorOf(res).code, 'validation_failed');
  }

  const managerToken = await apiToken(manager.token, ['users:read']);
  t.is((await stack.http.get('/v1/users', { token: managerToken })).status, 200);
  const noScope = await apiToken(manager.token, ['tokens:read']);
  t.is(errorOf(await stack.http.get('/v1/users', { token: noScope })).code, 'insufficient_scope');
});

test('GET /v1/users/{id}: when admin, manager or the user themself asks, then 200; another member 403; unknown 404', async (t) => {
  const member = await person('member');
  const other = await person('member');
  const manager = await person('manager');
  for (const token of [adminToken, manager.token, member.token]) {
    const res = await stack.http.get(`/v1/users/${member.user.id}`, { token });
    t.is(res.status, 200);
    t.is(res.body.email, member.user.email);
  }
  t.is((await stack.http.get(`/v1/users/${member.user.id}`, { token: other.token })).status, 403);
  const missing = await stack.http.get('/v1/users/ffffffffffffffffffffffff', { token: adminToken });
  t.is(missing.status, 404);
  t.is(errorOf(missing).code, 'not_found');
  t.is((await stack.http.get('/v1/users/bad%24id', { token: adminToken })).status, 400);
});

test("PATCH /v1/users/{id}: when an admin changes a user's role, then their existing access token is refused at once and user.role_changed is audited", async (t) => {
  const member = await person('member');
  t.is((await stack.http.get('/v1/auth/me', { token: member.token })).status, 200);

  const res = await stack.http.patch(`/v1/users/${member.user.id}`, { token: adminToken, json: { role: 'manager' } });
  t.is(res.status, 200);
  t.like(res.body, { id: member.user.id, role: 'manager', name: member.user.name });

  const after = await stack.http.get('/v1/auth/me', { token: member.token });
  t.is(after.status, 401);
  t.is(errorOf(after).code, 'token_revoked');
  t.is((await stack.http.get('/v1/auth/me', { token: await signIn(member.user.email) })).body.role, 'manager');

  const events = await auditEvents(stack, adminToken, 'user.role_changed', (e) => e.some((x) => x.resource.id === member.user.id));
  t.like(
    events.find((e) => e.resource.id === member.user.id),
    { actor: { id: adminId }, details: { from: 'member', to: 'manager' } },
  );
});

test('PATCH /v1/users/{id}: when an admin disables a user, then their token is refused, login fails, and re-enabling restores access', async (t) => {
  const member = await person('member');
  const res = await stack.http.patch(`/v1/users/${member.user.id}`, { token: adminToken, json: { disabled: true } });
  t.is(res.status, 200);
  t.true(res.body.disabled);
  t.is(errorOf(await stack.http.get('/v1/auth/me', { token: member.token })).code, 'token_revoked');
  const login = await edgeClient(stack, 'disabled').post('/v1/auth/login', { json: { email: member.user.email, password: PASSWORD } });
  t.is(login.status, 401);
  t.is(errorOf(login).code, 'invalid_credentials');

  t.is((await stack.http.patch(`/v1/users/${member.user.id}`, { token: adminToken, json: { disabled: false } })).status, 200);
  t.truthy(await signIn(member.user.email));
});

test('PATCH /v1/users/{id}: when the caller is not an admin or the body is wrong, then 403 or 400; an unknown user is 404', async (t) => {
  const manager = await person('manager');
  const target = await newUser(stack, adminToken, { role: 'viewer' });
  t.is((await stack.http.patch(`/v1/users/${target.id}`, { token: manager.token, json: { role: 'admin' } })).status, 403);
  for (const body of [{ role: 'owner' }, { disabled: 'yes' }, { email: 'x@example.test' }, { name: { $set: 'x' } }]) {
    const res = await stack.http.patch(`/v1/users/${target.id}`, { token: adminToken, json: body });
    t.is(res.status, 400, JSON.stringify(body));
  }
  t.is((await stack.http.patch('/v1/users/ffffffffffffffffffffffff', { token: adminToken, json: { name: 'x' } })).status, 404);
  const renamed = await stack.http.patch(`/v1/users/${target.id}`, { token: adminToken, json: { name: 'Renamed' } });
  t.like(renamed.body, { name: 'Renamed', role: 'viewer' });
});

test('DELETE /v1/users/{id}: when an admin deletes a user, then 204, their token stops working, the user is gone and user.deleted is audited', async (t) => {
  const member = await person('member');
  const manager = await person('manager');
  t.is((await stack.http.delete(`/v1/users/${member.user.id}`, { token: manager.token })).status, 403);

  const res = await stack.http.delete(`/v1/users/${member.user.id}`, { token: adminToken });
  t.is(res.status, 204);
  t.is(res.text, '');
  t.is((await stack.http.get('/v1/auth/me', { token: member.token })).status, 401);
  t.is((await stack.http.get(`/v1/users/${member.user.id}`, { token: adminToken })).status, 404);
  t.is((await stack.http.delete(`/v1/users/${member.user.id}`, { token: adminToken })).status, 404);
  const events = await auditEvents(stack, adminToken, 'user.deleted', (e) => e.some((x) => x.resource.id === member.user.id));
  t.like(
    events.find((e) => e.resource.id === member.user.id),
    { actor: { id: adminId }, details: { email: member.user.email } },
  );
});

test('POST /v1/users/{id}/unlock: when an account is locked by failed logins, then only an admin unlock lets the right password in again', async (t) => {
  const user = await newUser(stack, adminToken, { role: 'member' });
  const manager = await person('manager');
  const attacker = edgeClient(stack, 'attacker');
  for (let i = 0; i < 3; i++) {
    t.is((await attacker.post('/v1/auth/login', { json: { email: user.email, password: `wrong-password-${i}` } })).status, 401);
  }
  t.true((await stack.http.get(`/v1/users/${user.id}`, { token: adminToken })).body.locked);
  const owner = edgeClient(stack, 'owner');
  t.is(errorOf(await owner.post('/v1/auth/login', { json: { email: user.email, password: PASSWORD } })).code, 'invalid_credentials');

  t.is((await stack.http.post(`/v1/users/${user.id}/unlock`, { token: manager.token })).status, 403);
  const res = await stack.http.post(`/v1/users/${user.id}/unlock`, { token: adminToken });
  t.is(res.status, 200);
  t.like(res.body, { id: user.id, locked: false });
  t.is((await owner.post('/v1/auth/login', { json: { email: user.email, password: PASSWORD } })).status, 200);
  t.is((await stack.http.post('/v1/users/ffffffffffffffffffffffff/unlock', { token: adminToken })).status, 404);
  const events = await auditEvents(stack, adminToken, 'user.unlocked', (e) => e.some((x) => x.resource.id === user.id));
  t.like(
    events.find((e) => e.resource.id === user.id),
    { actor: { id: adminId }, details: { was_locked: true } },
  );
});

test('GET /v1/users: when a query carries an operator in brackets or a parameter the route does not take, then 400 names it and nothing is listed', async (t) => {
  for (const query of ['role[$ne]=admin', 'role[%24ne]=admin', 'limit=5&where=1', 'email=admin%40tollgate.local']) {
    const res = await stack.http.get(`/v1/users?${query}`, { token: adminToken });
    t.is(res.status, 400, query);
    t.is(res.body.error.code, 'validation_failed', query);
    t.is(res.body.items, undefined);
  }
  t.is((await stack.http.get('/v1/auth/me?debug=1', { token: adminToken })).status, 400, 'a route without query parameters takes none');
  t.is((await stack.http.get('/v1/users?role=admin&limit=5', { token: adminToken })).status, 200);
});

test('GET /v1/users/{id}/sessions: when an admin asks, then each live session of the user with its IP and user agent; a manager gets 403, an unknown user 404', async (t) => {
  const user = await newUser(stack, adminToken);
  const laptop = edgeClient(stack, 'laptop');
  const phone = edgeClient(stack, 'phone');
  for (const c of [laptop, phone]) t.is((await c.post('/v1/auth/login', { json: { email: user.email, password: PASSWORD } })).status, 200);

  const res = await stack.http.get(`/v1/users/${user.id}/sessions`, { token: adminToken });
  t.is(res.status, 200);
  const items = res.body.items as { ip: string; user_agent: string; current: boolean }[];
  t.deepEqual(items.map((s) => s.ip).sort(), [laptop.ip, phone.ip].sort());
  t.deepEqual(items.map((s) => s.user_agent).sort(), [laptop.userAgent, phone.userAgent].sort());
  t.true(items.every((s) => !s.current));
  t.is(res.body.next_cursor, null);

  const manager = await newUser(stack, adminToken, { role: 'manager' });
  t.is((await stack.http.get(`/v1/users/${user.id}/sessions`, { token: await signIn(manager.email) })).status, 403);
  t.is((await stack.http.get('/v1/users/usr_nobody/sessions', { token: adminToken })).status, 404);
});

test('last_login_at: when a user has never signed in, then null; after password logins (8 at once, then one more), then the time of the latest, in GET, /me and the list', async (t) => {
  const user = await newUser(stack, adminToken);
  const get = async () => (await stack.http.get(`/v1/users/${user.id}`, { token: adminToken })).body.last_login_at as string | null;
  t.is(await get(), null);

  const before = Date.now();
  // First sign-ins at once: each records its time (the first write of the record races), none fails.
  const tokens = await Promise.all(Array.from({ length: 8 }, () => signIn(user.email)));
  const token = tokens[0];
  const first = await get();
  t.truthy(first);
  t.true(Date.parse(first!) >= before - 5 && Date.parse(first!) <= Date.now() + 5, first!);
  const me = await stack.http.get('/v1/auth/me', { token });
  t.is(me.body.last_login_at, first);

  await new Promise((r) => setTimeout(r, 20));
  await signIn(user.email);
  const second = await get();
  t.true(Date.parse(second!) > Date.parse(first!), 'a later login moves it');
  const listed = await stack.http.get('/v1/users?limit=100', { token: adminToken });
  const items = listed.body.items as { id: string; last_login_at: string | null }[];
  const all = [...items];
  let cursor = listed.body.next_cursor as string | null;
  while (!all.some((u) => u.id === user.id) && cursor) {
    const next = await stack.http.get(`/v1/users?limit=100&cursor=${encodeURIComponent(cursor)}`, { token: adminToken });
    all.push(...(next.body.items as typeof items));
    cursor = next.body.next_cursor as string | null;
  }
  t.is(all.find((u) => u.id === user.id)?.last_login_at, second);
});
