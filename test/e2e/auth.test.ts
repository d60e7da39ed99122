import test from 'ava';
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Redis } from 'ioredis';
import { testEnv } from '../support/env.js';
import { startStack, type Stack } from '../support/stack.js';
import type { HttpResponse } from '../support/http.js';
import { errorOf } from '../support/errors.js';
import { newUser, PASSWORD, uniqueEmail } from '../support/factories.js';
import { auditEvents, edgeClient, setCookies, type ApiAuditEvent, type EdgeClient } from '../support/identity-edge.js';

// The Auth routes of the REST API (/openapi.json) through the real HTTPS gateway, identity and audit.
// Each test is its own client (X-Forwarded-For, trusted from loopback here), so the
// per-IP login limits of one test never touch another.
let stack: Stack;
let adminToken: string;
const LOCKOUT_THRESHOLD = 3;

test.before(async () => {
  // Production argon2 cost: the timing check below compares real hashing work.
  stack = await startStack({
    services: ['audit', 'identity'],
    env: { gateway: { TRUST_PROXY: 'loopback' }, identity: { LOCKOUT_THRESHOLD: String(LOCKOUT_THRESHOLD) } },
  });
  const res = await edgeClient(stack, 'setup').post('/v1/auth/login', {
    json: { email: stack.secrets.BOOTSTRAP_ADMIN_EMAIL, password: stack.secrets.BOOTSTRAP_ADMIN_PASSWORD },
  });
  adminToken = res.body.access_token;
});
test.after.always(() => stack?.close());

async function login(c: EdgeClient, email: string, password = PASSWORD) {
  const res = await c.post('/v1/auth/login', { json: { email, password } });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${res.text}`);
  return { res, body: res.body as { access_token: string; refresh_token: string; csrf_token: string; user: { id: string } } };
}

const withoutRequestId = (res: HttpResponse) => ({ ...errorOf(res), request_id: undefined });

test('POST /v1/auth/login: when the credentials are right, then 200 with tokens and user, the refresh and CSRF cookies, and auth.login.succeeded', async (t) => {
  const c = edgeClient(stack, 'login');
  const user = await newUser(stack, adminToken, { role: 'viewer' });
  const res = await c.post('/v1/auth/login', { json: { email: user.email.toUpperCase(), password: PASSWORD } });
  t.is(res.status, 200);
  t.like(res.body, { token_type: 'Bearer', expires_in: 900, user: { id: user.id, email: user.email, role: 'viewer', disabled: false } });
  t.is(res.body.user.name, user.email.split('@')[0]);
  t.regex(res.body.user.created_at, /^\d{4}-\d{2}-\d{2}T/);
  for (const field of ['access_token', 'refresh_token', 'csrf_token']) t.is(typeof res.body[field], 'string');
  t.truthy(res.headers['x-request-id']);
  t.truthy(res.headers['x-ratelimit-limit']);

  const cookies = setCookies(res);
  const refresh = cookies.get('tg_refresh');
  t.is(refresh?.value, res.body.refresh_token);
  t.like(refresh?.attrs, { httponly: '', secure: '', samesite: 'Strict', path: '/v1/auth' });
  const csrf = cookies.get('tg_csrf');
  t.is(csrf?.value, res.body.csrf_token);
  t.like(csrf?.attrs, { secure: '', samesite: 'Strict', path: '/' });
  t.false('httponly' in (csrf?.attrs ?? {}));

  const events = await auditEvents(stack, adminToken, 'auth.login.succeeded', (e) => e.some((x) => x.actor.id === user.id));
  t.like(
    events.find((e) => e.actor.id === user.id),
    { outcome: 'success', ip: c.ip, user_agent: c.userAgent, resource: { type: 'user', id: user.id } },
  );
});

test('POST /v1/auth/login: when the email is unknown, the password wrong, or the account disabled or locked, then the same 401 invalid_credentials and the reason is audited', async (t) => {
  const c = edgeClient(stack, 'failures');
  const wrong = await newUser(stack, adminToken);
  const disabled = await newUser(stack, adminToken);
  await stack.http.patch(`/v1/users/${disabled.id}`, { token: adminToken, json: { disabled: true } });
  const locked = await newUser(stack, adminToken);
  const lockClient = edgeClient(stack, 'locker');
  for (let i = 0; i < LOCKOUT_THRESHOLD; i++) {
    t.is((await lockClient.post('/v1/auth/login', { json: { email: locked.email, password: `wrong-password-${i}` } })).status, 401);
  }
  const unknownEmail = uniqueEmail('nobody');

  const responses = [
    await c.post('/v1/auth/login', { json: { email: unknownEmail, password: PASSWORD } }),
    await c.post('/v1/auth/login', { json: { email: wrong.email, password: 'not-the-right-password' } }),
    await c.post('/v1/auth/login', { json: { email: disabled.email, password: PASSWORD } }),
    await edgeClient(stack, 'locked').post('/v1/auth/login', { json: { email: locked.email, password: PASSWORD } }),
  ];
  for (const res of responses) {
    t.is(res.status, 401);
    t.is(errorOf(res).code, 'invalid_credentials');
    t.deepEqual(withoutRequestId(res), withoutRequestId(responses[0]));
    t.is(res.headers['set-cookie'], undefined);
  }

  const expected = { [unknownEmail]: 'unknown_user', [wrong.id]: 'bad_password', [disabled.id]: 'disabled', [locked.id]: 'locked' };
  const matches = (e: ApiAuditEvent, key: string) =>
    (e.resource.id === key || e.details.email === key) && e.details.reason === expected[key];
  // Audit delivery is asynchronous: wait for these users' own events (other tests fail logins too).
  const events = await auditEvents(stack, adminToken, 'auth.login.failed', (e) =>
    Object.keys(expected).every((key) => e.some((x) => matches(x, key))),
  );
  const reasonFor = (key: string) => events.find((e) => matches(e, key));
  for (const key of Object.keys(expected)) t.truthy(reasonFor(key), `${expected[key]} audited`);
  t.like(reasonFor(unknownEmail), { outcome: 'failure', actor: { type: 'anonymous' }, ip: c.ip, user_agent: c.userAgent });
  t.true(events.every((e) => !JSON.stringify(e).includes(PASSWORD) && !JSON.stringify(e).includes('not-the-right-password')));
  const lockEvents = await auditEvents(stack, adminToken, 'auth.account.locked', (e) => e.some((x) => x.resource.id === locked.id));
  t.truthy(lockEvents.find((e) => e.resource.id === locked.id));
});

test.serial('POST /v1/auth/login: when the email is unknown, then answering takes about as long as for a wrong password', async (t) => {
  const user = await newUser(stack, adminToken);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const timed = async (email: string, password: string) => {
    // A fresh client per attempt: the per-IP failure limit is not what is measured here.
    const c = edgeClient(stack, 'timing');
    const started = process.hrtime.bigint();
    const res = await c.post('/v1/auth/login', { json: { email, password } });
    if (res.status !== 401) throw new Error(`expected 401, got ${res.status}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const unknown: number[] = [];
  const wrong: number[] = [];
  await timed(uniqueEmail('warm'), PASSWORD);
  // Serial: the file's other tests would share the CPU with some attempts and not others.
  // Two wrong passwords per round keep the account under identity's lockout threshold between successes. The
  // successes come from one device (a new one would be mailed about, off the answer's path, while the next attempt
  // is timed), and each round times the other kind first.
  const resetter = edgeClient(stack, 'timing-reset');
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 2; i++) {
      const pair = [
        async () => unknown.push(await timed(uniqueEmail('nobody'), PASSWORD)),
        async () => wrong.push(await timed(user.email, `wrong-password-${round}-${i}`)),
      ];
      for (const attempt of round % 2 === 0 ? pair : pair.reverse()) await attempt();
    }
    await login(resetter, user.email);
  }
  const ratio = median(unknown) / median(wrong);
  t.log(`median unknown ${median(unknown).toFixed(1)} ms, wrong password ${median(wrong).toFixed(1)} ms`);
  t.true(ratio > 0.5 && ratio < 2, `ratio ${ratio}`);
});

test('POST /v1/auth/login: when one IP keeps failing, then it is 429 with Retry-After after 5 failures; an account tried from many IPs is not locked by 5', async (t) => {
  const c = edgeClient(stack, 'brute');
  for (let i = 0; i < 5; i++) t.is((await c.post('/v1/auth/login', { json: { email: uniqueEmail('x'), password: PASSWORD } })).status, 401);
  const blocked = await c.post('/v1/auth/login', {
    json: { email: stack.secrets.BOOTSTRAP_ADMIN_EMAIL, password: stack.secrets.BOOTSTRAP_ADMIN_PASSWORD },
  });
  t.is(blocked.status, 429);
  t.is(errorOf(blocked).code, 'rate_limited');
  t.true(Number(blocked.headers['retry-after']) > 0);

  const target = uniqueEmail('target');
  for (let i = 0; i < 5; i++) {
    t.is((await edgeClient(stack, 'spray').post('/v1/auth/login', { json: { email: target, password: PASSWORD } })).status, 401);
  }
  // Each IP's short lock is its own; the account's hourly ceiling (100 by default) is far off.
  t.is((await edgeClient(stack, 'spray').post('/v1/auth/login', { json: { email: target, password: PASSWORD } })).status, 401);
});

test('POST /v1/auth/login: when the body is malformed, then 400/415 and no credentials are checked', async (t) => {
  const c = edgeClient(stack, 'malformed');
  const cases: [Parameters<EdgeClient['post']>[1], number, string][] = [
    [{ json: { email: { $ne: null }, password: PASSWORD } }, 400, 'validation_failed'],
    [{ json: { email: stack.secrets.BOOTSTRAP_ADMIN_EMAIL, password: { $gt: '' } } }, 400, 'validation_failed'],
    [{ json: { email: 'a@b.c', password: PASSWORD, admin: true } }, 400, 'validation_failed'],
    [{ json: { email: 'a@b.c' } }, 400, 'validation_failed'],
    [{ raw: '{"email": ', headers: { 'content-type': 'application/json' } }, 400, 'invalid_json'],
    [{ raw: 'email=a@b.c&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported_media_type'],
  ];
  for (const [opts, status, code] of cases) {
    const res = await c.post('/v1/auth/login', opts);
    t.is(res.status, status, JSON.stringify(opts));
    t.is(errorOf(res).code, code);
  }
  const details = errorOf(await c.post('/v1/auth/login', { json: { email: { $ne: null }, password: PASSWORD } })).details;
  t.truthy(details?.email);
});

test('POST /v1/auth/refresh: when a refresh token is sent in the body, then 200 with a new refresh token, and the used one is dead', async (t) => {
  const c = edgeClient(stack, 'refresh-body');
  const user = await newUser(stack, adminToken);
  const { body: first } = await login(c, user.email);
  const res = await c.post('/v1/auth/refresh', { json: { refresh_token: first.refresh_token } });
  t.is(res.status, 200);
  t.like(res.body, { token_type: 'Bearer', expires_in: 900, user: { id: user.id } });
  t.not(res.body.refresh_token, first.refresh_token);
  t.is(setCookies(res).get('tg_refresh')?.value, res.body.refresh_token);
  t.is((await c.get('/v1/auth/me', { token: res.body.access_token })).status, 200);

  const again = await c.post('/v1/auth/refresh', { json: { refresh_token: res.body.refresh_token } });
  t.is(again.status, 200);
});

test('POST /v1/auth/refresh: when the cookie flow is used, then the X-CSRF-Token header must match the session', async (t) => {
  const c = edgeClient(stack, 'refresh-cookie');
  const user = await newUser(stack, adminToken);
  const { res: loginRes, body } = await login(c, user.email);
  const cookie = `tg_refresh=${setCookies(loginRes).get('tg_refresh')!.value}`;

  const missing = await c.post('/v1/auth/refresh', { headers: { cookie } });
  t.is(missing.status, 403);
  t.is(errorOf(missing).code, 'csrf_failed');
  const wrong = await c.post('/v1/auth/refresh', { headers: { cookie, 'x-csrf-token': 'not-the-csrf-token' } });
  t.is(wrong.status, 403);
  t.is(errorOf(wrong).code, 'csrf_failed');

  const ok = await c.post('/v1/auth/refresh', { headers: { cookie, 'x-csrf-token': body.csrf_token } });
  t.is(ok.status, 200);
  const cookies = setCookies(ok);
  t.is(cookies.get('tg_refresh')?.value, ok.body.refresh_token);
  t.is(cookies.get('tg_csrf')?.value, ok.body.csrf_token);
  t.not(ok.body.csrf_token, body.csrf_token);

  const none = await c.post('/v1/auth/refresh');
  t.is(none.status, 401);
  t.is(errorOf(none).code, 'unauthenticated');
  const injected = await c.post('/v1/auth/refresh', { json: { refresh_token: { $ne: null } } });
  t.is(injected.status, 400);
  t.is(errorOf(injected).code, 'validation_failed');
});

test('POST /v1/auth/refresh: when an already-rotated refresh token is presented, then 401 refresh_token_reused, the session family is revoked and reuse is audited', async (t) => {
  const c = edgeClient(stack, 'reuse');
  const user = await newUser(stack, adminToken);
  const { body: first } = await login(c, user.email);
  const second = await c.post('/v1/auth/refresh', { json: { refresh_token: first.refresh_token } });
  t.is(second.status, 200);

  const reused = await c.post('/v1/auth/refresh', { json: { refresh_token: first.refresh_token } });
  t.is(reused.status, 401);
  t.is(errorOf(reused).code, 'refresh_token_reused');
  const cleared = setCookies(reused).get('tg_refresh');
  t.is(cleared?.value, '');
  t.regex(cleared?.attrs.expires ?? '', /1970/);

  const latest = await c.post('/v1/auth/refresh', { json: { refresh_token: second.body.refresh_token } });
  t.is(latest.status, 401);
  t.is(errorOf(latest).code, 'token_revoked');
  for (const token of [first.access_token, second.body.access_token]) {
    const res = await c.get('/v1/auth/me', { token });
    t.is(res.status, 401);
    t.is(errorOf(res).code, 'token_revoked');
  }
  const events = await auditEvents(stack, adminToken, 'auth.refresh.reuse_detected', (e) => e.some((x) => x.details.user_id === user.id));
  t.like(
    events.find((e) => e.details.user_id === user.id),
    { outcome: 'denied', resource: { type: 'session' }, ip: c.ip },
  );
});

test('POST /v1/auth/logout: when a session logs out, then 204, its access token is 401 token_revoked, its refresh token is dead, cookies are cleared and auth.logout is audited', async (t) => {
  const c = edgeClient(stack, 'logout');
  const user = await newUser(stack, adminToken);
  const { body } = await login(c, user.email);
  t.is((await c.get('/v1/auth/me', { token: body.access_token })).status, 200);

  const res = await c.post('/v1/auth/logout', { token: body.access_token });
  t.is(res.status, 204);
  t.is(res.text, '');
  t.is(setCookies(res).get('tg_refresh')?.value, '');

  const after = await c.get('/v1/auth/me', { token: body.access_token });
  t.is(after.status, 401);
  t.is(errorOf(after).code, 'token_revoked');
  const refresh = await c.post('/v1/auth/refresh', { json: { refresh_token: body.refresh_token } });
  t.is(refresh.status, 401);
  t.is(errorOf(refresh).code, 'token_revoked');
  const events = await auditEvents(stack, adminToken, 'auth.logout', (e) => e.some((x) => x.actor.id === user.id));
  t.like(
    events.find((e) => e.actor.id === user.id),
    { resource: { type: 'session' }, ip: c.ip },
  );

  t.is((await c.post('/v1/auth/logout')).status, 401);
});

test('POST /v1/auth/logout-all: when a user logs out everywhere, then 204 and every session of theirs is revoked', async (t) => {
  const user = await newUser(stack, adminToken);
  const sessions = [await login(edgeClient(stack, 'all-a'), user.email), await login(edgeClient(stack, 'all-b'), user.email)];
  const c = edgeClient(stack, 'all-c');
  t.is((await c.post('/v1/auth/logout-all', { token: sessions[0].body.access_token })).status, 204);
  for (const s of sessions) {
    const res = await c.get('/v1/auth/me', { token: s.body.access_token });
    t.is(res.status, 401);
    t.is(errorOf(res).code, 'token_revoked');
    t.is((await c.post('/v1/auth/refresh', { json: { refresh_token: s.body.refresh_token } })).status, 401);
  }
});

test('GET /v1/auth/me: when a session asks, then it gets its user; without or with a bad token, 401', async (t) => {
  const c = edgeClient(stack, 'me');
  const user = await newUser(stack, adminToken, { role: 'manager' });
  const { body } = await login(c, user.email);
  const res = await c.get('/v1/auth/me', { token: body.access_token });
  t.is(res.status, 200);
  t.like(res.body, { id: user.id, email: user.email, role: 'manager', disabled: false });
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

  const none = await c.get('/v1/auth/me');
  t.is(none.status, 401);
  t.is(errorOf(none).code, 'unauthenticated');
  const forged = jwt.sign({ sid: 'x', typ: 'access', role: 'admin' }, 'not-the-key', {
    subject: user.id,
    audience: 'tollgate-api',
    issuer: 'tollgate',
  });
  t.is((await c.get('/v1/auth/me', { token: forged })).status, 401);
});

test('PUT /v1/auth/password: when the current password is right, then 204 and other sessions end; wrong current 403; weak new 400', async (t) => {
  const user = await newUser(stack, adminToken);
  const c = edgeClient(stack, 'password');
  const { body: current } = await login(c, user.email);
  const { body: other } = await login(edgeClient(stack, 'password-other'), user.email);
  const newPassword = 'an-even-better-passphrase';

  const wrong = await c.put('/v1/auth/password', {
    token: current.access_token,
    json: { current_password: 'wrong-password-000', new_password: newPassword },
  });
  t.is(wrong.status, 403);
  t.is(errorOf(wrong).code, 'forbidden');
  const weak = await c.put('/v1/auth/password', {
    token: current.access_token,
    json: { current_password: PASSWORD, new_password: 'short' },
  });
  t.is(weak.status, 400);
  t.truthy(errorOf(weak).details?.new_password);
  const extra = await c.put('/v1/auth/password', {
    token: current.access_token,
    json: { current_password: PASSWORD, new_password: newPassword, user_id: 'x' },
  });
  t.is(extra.status, 400);

  const ok = await c.put('/v1/auth/password', {
    token: current.access_token,
    json: { current_password: PASSWORD, new_password: newPassword },
  });
  t.is(ok.status, 204);
  t.is((await c.get('/v1/auth/me', { token: current.access_token })).status, 200);
  const ended = await c.get('/v1/auth/me', { token: other.access_token });
  t.is(ended.status, 401);
  t.is(errorOf(ended).code, 'token_revoked');
  t.is((await edgeClient(stack, 'pw-old').post('/v1/auth/login', { json: { email: user.email, password: PASSWORD } })).status, 401);
  t.is((await edgeClient(stack, 'pw-new').post('/v1/auth/login', { json: { email: user.email, password: newPassword } })).status, 200);
  const events = await auditEvents(stack, adminToken, 'auth.password.changed', (e) => e.some((x) => x.resource.id === user.id));
  t.false(JSON.stringify(events).includes(newPassword));
});

test('PUT /v1/auth/password: when a stolen session guesses the current password, then the guesses lock the account and are limited like logins', async (t) => {
  const user = await newUser(stack, adminToken);
  const c = edgeClient(stack, 'password-guess');
  const { body: session } = await login(c, user.email);
  const change = (current_password: string) =>
    c.put('/v1/auth/password', { token: session.access_token, json: { current_password, new_password: 'a-brand-new-passphrase' } });
  // LOCKOUT_THRESHOLD is 3 here: three wrong guesses lock the account...
  for (let i = 0; i < LOCKOUT_THRESHOLD; i++) t.is((await change(`wrong-guess-${i}`)).status, 403);
  // ...so the right password changes nothing now,
  const locked = await change(PASSWORD);
  t.is(locked.status, 403);
  t.regex(errorOf(locked).message, /locked/);
  t.is(
    (await edgeClient(stack, 'pw-still-old').post('/v1/auth/login', { json: { email: user.email, password: 'a-brand-new-passphrase' } }))
      .status,
    401,
  );
  // ...and past the failures allowed per account (5 a window), the gateway answers 429 before identity is asked.
  t.is((await change('wrong-guess-4')).status, 403);
  const limited = await change('wrong-guess-5');
  t.is(limited.status, 429);
  t.true(Number(limited.headers['retry-after']) > 0);
  const events = await auditEvents(stack, adminToken, 'auth.account.locked', (e) => e.some((x) => x.resource.id === user.id));
  t.truthy(events.find((e) => e.resource.id === user.id));
});

test('GET /v1/auth/sessions: when a user lists sessions, then they see their own with ip, user agent and the current one marked', async (t) => {
  const user = await newUser(stack, adminToken);
  const a = edgeClient(stack, 'sessions-a');
  const b = edgeClient(stack, 'sessions-b');
  await login(a, user.email);
  const { body } = await login(b, user.email);
  await login(edgeClient(stack, 'someone-else'), (await newUser(stack, adminToken)).email);

  const res = await b.get('/v1/auth/sessions', { token: body.access_token });
  t.is(res.status, 200);
  t.is(res.body.next_cursor, null);
  t.is(res.body.items.length, 2);
  const current = res.body.items.find((s: { current: boolean }) => s.current);
  t.like(current, { ip: b.ip, user_agent: b.userAgent });
  t.deepEqual(Object.keys(current).sort(), ['created_at', 'current', 'id', 'ip', 'last_used_at', 'user_agent']);
  t.like(
    res.body.items.find((s: { current: boolean }) => !s.current),
    { ip: a.ip, user_agent: a.userAgent },
  );
});

test('DELETE /v1/auth/sessions/{id}: when the owner or an admin revokes a session, then 204 and it stops working; anyone else gets 404', async (t) => {
  const owner = await newUser(stack, adminToken);
  const c = edgeClient(stack, 'revoke');
  const { body: mine } = await login(c, owner.email);
  const { body: second } = await login(edgeClient(stack, 'revoke-2'), owner.email);
  const { body: third } = await login(edgeClient(stack, 'revoke-3'), owner.email);
  const { body: stranger } = await login(edgeClient(stack, 'stranger'), (await newUser(stack, adminToken)).email);
  const sessions = (await c.get('/v1/auth/sessions', { token: mine.access_token })).body.items as { id: string; current: boolean }[];
  const [secondId, thirdId] = sessions.filter((s) => !s.current).map((s) => s.id);

  const foreign = await c.delete(`/v1/auth/sessions/${secondId}`, { token: stranger.access_token });
  t.is(foreign.status, 404);
  t.is(errorOf(foreign).code, 'not_found');

  t.is((await c.delete(`/v1/auth/sessions/${secondId}`, { token: mine.access_token })).status, 204);
  t.is((await c.delete(`/v1/auth/sessions/${thirdId}`, { token: adminToken })).status, 204);
  for (const token of [second.access_token, third.access_token]) {
    const res = await c.get('/v1/auth/me', { token });
    t.is(res.status, 401);
    t.is(errorOf(res).code, 'token_revoked');
  }
  t.is((await c.get('/v1/auth/me', { token: mine.access_token })).status, 200);
  t.is((await c.delete('/v1/auth/sessions/not-a-session', { token: mine.access_token })).status, 404);
  t.is((await c.delete('/v1/auth/sessions/bad%20id', { token: mine.access_token })).status, 400);
});

test('GET /.well-known/jwks.json: when anyone asks, then the access-token keys come back and verify a real access token', async (t) => {
  const c = edgeClient(stack, 'jwks');
  const res = await c.get('/.well-known/jwks.json');
  t.is(res.status, 200);
  t.regex(String(res.headers['cache-control']), /max-age=\d+/);
  const keys = res.body.keys as { kid: string; kty: string; crv: string; x: string; y: string; alg: string; use: string }[];
  t.true(keys.length >= 1);
  for (const k of keys) {
    t.like(k, { kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    t.false('d' in k);
  }
  const kid = jwt.decode(adminToken, { complete: true })!.header.kid;
  const jwk = keys.find((k) => k.kid === kid)!;
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } as JsonWebKey, format: 'jwk' });
  const claims = jwt.verify(adminToken, key, { algorithms: ['ES256'], issuer: 'tollgate', audience: 'tollgate-api' }) as {
    typ: string;
    sid: string;
  };
  t.is(claims.typ, 'access');
  t.truthy(claims.sid);
});

test('GET /openapi.json: when the document is fetched, then it documents every Auth and Users route', async (t) => {
  const res = await edgeClient(stack, 'openapi').get('/openapi.json');
  t.is(res.status, 200);
  const expected: [string, string][] = [
    ['/v1/auth/login', 'post'],
    ['/v1/auth/refresh', 'post'],
    ['/v1/auth/logout', 'post'],
    ['/v1/auth/logout-all', 'post'],
    ['/v1/auth/me', 'get'],
    ['/v1/auth/password', 'put'],
    ['/v1/auth/sessions', 'get'],
    ['/v1/auth/sessions/{id}', 'delete'],
    ['/.well-known/jwks.json', 'get'],
    ['/v1/users', 'post'],
    ['/v1/users', 'get'],
    ['/v1/users/{id}', 'get'],
    ['/v1/users/{id}', 'patch'],
    ['/v1/users/{id}', 'delete'],
    ['/v1/users/{id}/unlock', 'post'],
  ];
  for (const [path, method] of expected) t.truthy(res.body.paths[path]?.[method], `${method.toUpperCase()} ${path}`);
  for (const schema of ['AuthResult', 'User', 'Session', 'Jwks']) t.truthy(res.body.components.schemas[schema], schema);
  t.truthy(res.body.paths['/v1/auth/login'].post.responses['401']);
});

test('when a password is typed into the email field, then neither the audit log nor the login limiter keeps it', async (t) => {
  const c = edgeClient(stack, 'typo');
  const typed = `Hunter2-${Date.now()}-secret`;
  t.is((await c.post('/v1/auth/login', { json: { email: typed, password: 'anything at all' } })).status, 401);
  const unknownEmail = uniqueEmail('typo');
  t.is((await c.post('/v1/auth/login', { json: { email: unknownEmail, password: 'anything at all' } })).status, 401);

  const events = await auditEvents(stack, adminToken, 'auth.login.failed', (e) => e.some((x) => x.details.email === unknownEmail));
  t.false(JSON.stringify(events).toLowerCase().includes(typed.toLowerCase()), 'the typed text is nowhere in the audit log');
  t.true(events.some((e) => e.details.reason === 'unknown_user' && typeof e.details.email_digest === 'string' && e.ip === c.ip));
  t.truthy(
    events.find((e) => e.details.email === unknownEmail),
    'a well-formed email is kept as typed (normalised)',
  );

  const redis = new Redis(testEnv.redisUrl);
  try {
    const keys = await redis.keys('*');
    t.true(keys.length > 0);
    t.false(
      keys.some((k) => k.toLowerCase().includes(typed.toLowerCase()) || k.includes(unknownEmail)),
      'limiter keys hold digests only',
    );
  } finally {
    redis.disconnect();
  }
});

test('PATCH /v1/auth/me: when a user renames themself, then /me and the user show it and user.updated is audited; an empty or too long name is 400 and changes nothing', async (t) => {
  const c = edgeClient(stack, 'profile');
  const user = await newUser(stack, adminToken, { role: 'viewer' });
  const { body } = await login(c, user.email);
  const token = body.access_token;

  const res = await c.patch('/v1/auth/me', { token, json: { name: '  Ada Lovelace  ' } });
  t.is(res.status, 200);
  t.like(res.body, { id: user.id, name: 'Ada Lovelace', role: 'viewer' });
  t.is((await c.get('/v1/auth/me', { token })).body.name, 'Ada Lovelace');
  t.is((await stack.http.get(`/v1/users/${user.id}`, { token: adminToken })).body.name, 'Ada Lovelace');

  for (const name of ['', '   ', 'x'.repeat(101)]) {
    const bad = await c.patch('/v1/auth/me', { token, json: { name } });
    t.is(bad.status, 400, JSON.stringify(name));
    t.is(errorOf(bad).code, 'validation_failed');
  }
  t.is((await c.get('/v1/auth/me', { token })).body.name, 'Ada Lovelace', 'unchanged');
  const events = await auditEvents(stack, adminToken, 'user.updated', (e) => e.some((x) => x.resource.id === user.id));
  t.like(
    events.find((x) => x.resource.id === user.id),
    { actor: { id: user.id }, details: { changed: ['name'], by: 'self' } },
  );
});
