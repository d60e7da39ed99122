import test from 'ava';
import { errorOf } from '../support/errors.js';
import { newUser, PASSWORD, uniqueEmail } from '../support/factories.js';
import { auditEvents, edgeClient } from '../support/identity-edge.js';
import { mailsTo, waitForMail } from '../support/mailpit.js';
import { startStack, type Stack } from '../support/stack.js';

// Recovery and profile beyond passwords, through the real HTTPS gateway, identity and audit,
// with mail read back from the test run's Mailpit: an admin's temporary password, passwords
// turned off per user and for everyone, and an email change confirmed from the new address.
let stack: Stack;
let adminToken: string;
const NEW_PASSWORD = 'another-long-passphrase-42';

test.before(async () => {
  stack = await startStack({ services: ['audit', 'identity'], env: { gateway: { TRUST_PROXY: 'loopback' } } });
  const res = await edgeClient(stack, 'setup').post('/v1/auth/login', {
    json: { email: stack.secrets.BOOTSTRAP_ADMIN_EMAIL, password: stack.secrets.BOOTSTRAP_ADMIN_PASSWORD },
  });
  adminToken = res.body.access_token;
});
test.after.always(() => stack?.close());

const login = (email: string, password: string, extra: Record<string, unknown> = {}) =>
  edgeClient(stack, 'login').post('/v1/auth/login', { json: { email, password, ...extra } });

test('a temporary password ends the sessions, and its first sign-in must replace it with a new password', async (t) => {
  const user = await newUser(stack, adminToken);
  const before = (await login(user.email, PASSWORD)).body.access_token as string;
  const TEMPORARY = 'temporary-passphrase-001';

  t.is((await stack.http.post(`/v1/users/${user.id}/password`, { token: before, json: { password: TEMPORARY } })).status, 403);
  t.is((await stack.http.post(`/v1/users/${user.id}/password`, { token: adminToken, json: { password: 'short' } })).status, 400);
  const set = await stack.http.post(`/v1/users/${user.id}/password`, { token: adminToken, json: { password: TEMPORARY } });
  t.is(set.status, 200);
  t.like(set.body, { id: user.id, must_change_password: true, password_login: true });
  t.is((await stack.http.get('/v1/auth/me', { token: before })).status, 401);
  await waitForMail(user.email, { subject: /temporary/ });

  t.is((await login(user.email, PASSWORD)).status, 401);
  const asked = await login(user.email, TEMPORARY);
  t.is(asked.status, 403);
  t.is(errorOf(asked).code, 'password_change_required');
  t.is((await login(user.email, TEMPORARY, { new_password: TEMPORARY })).status, 400);
  t.is((await login(user.email, TEMPORARY, { new_password: 'short' })).status, 400);
  const replaced = await login(user.email, TEMPORARY, { new_password: NEW_PASSWORD });
  t.is(replaced.status, 200, replaced.text);
  t.like(replaced.body.user, { id: user.id, must_change_password: false });

  t.is((await login(user.email, TEMPORARY)).status, 401);
  t.is((await login(user.email, NEW_PASSWORD)).status, 200);
  const setEvents = await auditEvents(stack, adminToken, 'user.password_set', (e) => e.some((x) => x.resource.id === user.id));
  t.like(setEvents.find((x) => x.resource.id === user.id)?.details, { temporary: true, sessions_revoked: 1 });
  const changed = await auditEvents(stack, adminToken, 'auth.password.changed', (e) =>
    e.some((x) => x.resource.id === user.id && x.details.replaced === 'temporary_password'),
  );
  t.true(changed.some((x) => x.resource.id === user.id && x.details.replaced === 'temporary_password'));
});

test('a passwordless user signs in by link only: a right password is 403, a wrong one 401, and resets mail nothing', async (t) => {
  const user = await newUser(stack, adminToken);
  const off = await stack.http.patch(`/v1/users/${user.id}`, { token: adminToken, json: { password_login: false } });
  t.is(off.status, 200);
  t.is(off.body.password_login, false);

  const right = await login(user.email, PASSWORD);
  t.is(right.status, 403);
  t.is(errorOf(right).code, 'password_login_disabled');
  t.is((await login(user.email, 'wrong-password-entirely')).status, 401);

  const reset = await edgeClient(stack, 'reset').post('/v1/auth/password-reset', { json: { email: user.email } });
  t.is(reset.status, 202);
  const link = await edgeClient(stack, 'link').post('/v1/auth/magic-link', { json: { email: user.email } });
  t.is(link.status, 202);
  const mail = await waitForMail(user.email, { subject: /sign-in link/ });
  const token = /#token=(tg_ml_[A-Za-z0-9_-]+)/.exec(mail.text)![1];
  const viaLink = await edgeClient(stack, 'link').post('/v1/auth/magic-link/verify', { json: { token } });
  t.is(viaLink.status, 200);
  const session = viaLink.body.access_token as string;
  const change = await stack.http.put('/v1/auth/password', {
    token: session,
    json: { current_password: PASSWORD, new_password: NEW_PASSWORD },
  });
  t.is(change.status, 403);
  t.is(errorOf(change).code, 'password_login_disabled');
  t.deepEqual(
    (await mailsTo(user.email)).map((m) => m.subject).filter((s) => /reset/i.test(s)),
    [],
  );
  const denied = await auditEvents(stack, adminToken, 'auth.password_reset.requested', (e) =>
    e.some((x) => x.resource.id === user.id && x.details.reason === 'passwords_off'),
  );
  t.true(denied.some((x) => x.resource.id === user.id && x.details.reason === 'passwords_off'));

  t.is((await stack.http.patch(`/v1/users/${user.id}`, { token: adminToken, json: { password_login: true } })).status, 200);
  t.is((await login(user.email, PASSWORD)).status, 200);
});

test.serial('passwords off for everyone: no password signs in, links still do, and only admins change it', async (t) => {
  const user = await newUser(stack, adminToken);
  const member = (await login(user.email, PASSWORD)).body.access_token as string;
  t.is((await stack.http.get('/v1/settings/sign-in', { token: member })).status, 403);
  t.is((await stack.http.patch('/v1/settings/sign-in', { token: member, json: { password_login: false } })).status, 403);
  t.like((await stack.http.get('/v1/settings/sign-in', { token: adminToken })).body, { password_login: true, updated_at: null });

  const off = await stack.http.patch('/v1/settings/sign-in', { token: adminToken, json: { password_login: false } });
  t.teardown(() => stack.http.patch('/v1/settings/sign-in', { token: adminToken, json: { password_login: true } }));
  t.is(off.status, 200);
  t.is(off.body.password_login, false);
  t.truthy(off.body.updated_at);

  const refused = await login(user.email, PASSWORD);
  t.is(refused.status, 403);
  t.is(errorOf(refused).code, 'password_login_disabled');
  const admin = await login(stack.secrets.BOOTSTRAP_ADMIN_EMAIL, stack.secrets.BOOTSTRAP_ADMIN_PASSWORD);
  t.is(admin.status, 403);
  // Sessions opened before go on.
  t.is((await stack.http.get('/v1/auth/me', { token: member })).status, 200);
  t.is((await edgeClient(stack, 'link').post('/v1/auth/magic-link', { json: { email: user.email } })).status, 202);
  await waitForMail(user.email, { subject: /sign-in link/ });

  const on = await stack.http.patch('/v1/settings/sign-in', { token: adminToken, json: { password_login: true } });
  t.is(on.body.password_login, true);
  t.is((await login(user.email, PASSWORD)).status, 200);
  const events = await auditEvents(stack, adminToken, 'settings.sign_in.updated', (e) => e.length >= 2);
  t.deepEqual(
    events.map((e) => e.details.password_login),
    [true, false],
  );
});

test('an email change takes effect when the new address confirms it: sessions follow, the old address is told, a link works once', async (t) => {
  const user = await newUser(stack, adminToken);
  const session = (await login(user.email, PASSWORD)).body.access_token as string;
  const next = uniqueEmail('moved');

  const asked = await stack.http.patch('/v1/auth/me', { token: session, json: { email: next.toUpperCase() } });
  t.is(asked.status, 200);
  t.is(asked.body.email, user.email);
  t.is((await stack.http.patch('/v1/auth/me', { token: session, json: { email: 'not-an-email' } })).status, 400);
  const mail = await waitForMail(next, { subject: /Confirm your new/ });
  t.regex(mail.text, new RegExp(next.replace(/[.+]/g, '\\$&')));
  const token = /#token=(tg_ec_[A-Za-z0-9_-]+)/.exec(mail.text)![1];
  // Nothing changed yet.
  t.is((await login(user.email, PASSWORD)).status, 200);

  const confirmed = await edgeClient(stack, 'confirm').post('/v1/auth/email/confirm', { json: { token } });
  t.is(confirmed.status, 200, confirmed.text);
  t.like(confirmed.body, { id: user.id, email: next });
  t.is((await edgeClient(stack, 'confirm').post('/v1/auth/email/confirm', { json: { token } })).status, 401);
  t.is((await stack.http.get('/v1/auth/me', { token: session })).body.email, next);
  t.is((await login(next, PASSWORD)).status, 200);
  t.is((await login(user.email, PASSWORD)).status, 401);
  const notice = await waitForMail(user.email, { subject: /address was changed/ });
  t.regex(notice.text, new RegExp(next.replace(/[.+]/g, '\\$&')));
  const events = await auditEvents(stack, adminToken, 'user.email_changed', (e) => e.some((x) => x.resource.id === user.id));
  t.like(events.find((x) => x.resource.id === user.id)?.details, { from: user.email, to: next });
});

test('an address another account took meanwhile is 409 at confirmation, and both accounts keep theirs', async (t) => {
  const user = await newUser(stack, adminToken);
  const session = (await login(user.email, PASSWORD)).body.access_token as string;
  const wanted = uniqueEmail('wanted');
  t.is((await stack.http.patch('/v1/auth/me', { token: session, json: { email: wanted } })).status, 200);
  const token = /#token=(tg_ec_[A-Za-z0-9_-]+)/.exec((await waitForMail(wanted, { subject: /Confirm/ })).text)![1];
  const other = await newUser(stack, adminToken, { email: wanted });

  const confirmed = await edgeClient(stack, 'confirm').post('/v1/auth/email/confirm', { json: { token } });
  t.is(confirmed.status, 409);
  t.is((await stack.http.get(`/v1/users/${user.id}`, { token: adminToken })).body.email, user.email);
  t.is((await stack.http.get(`/v1/users/${other.id}`, { token: adminToken })).body.email, wanted);
  t.is((await login(wanted, PASSWORD)).body.user.id, other.id);
});
