import test from 'ava';
import { codeOf } from '../../../test/support/errors.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError, type Principal } from '@tollgate/platform';
import { as, CLIENT, gateway, PASSWORD, startIdentity, uniqueEmail, userOf, type IdentityHarness } from './harness.js';

let h: IdentityHarness;
let admin: Principal;

test.before(async () => {
  h = await startIdentity({ SESSION_SWEEP_INTERVAL_MS: '1000' });
  admin = userOf(await h.loginAdmin());
});

test.after.always(async () => {
  await h?.close();
});

async function signedInUser(role = 'member') {
  const email = uniqueEmail(role);
  const user = await h.identity.CreateUser({ email, password: PASSWORD, role, name: '' }, as(admin));
  const login = () => h.identity.Login({ email, password: PASSWORD }, as(gateway));
  return { user, email, login, auth: await login() };
}

const refresh = (refresh_token: string, extra: { csrf_token?: string; cookie_flow?: boolean } = {}) =>
  h.identity.Refresh({ refresh_token, ...extra }, as(gateway));

const active = async (session_id: string) => (await h.identity.CheckSession({ session_id }, as(gateway))).active;

test('when a refresh token is used, then a new refresh token and CSRF token are issued for the same session as its next generation', async (t) => {
  const { auth, user } = await signedInUser();
  const next = await refresh(auth.refresh_token);
  t.is(next.session_id, auth.session_id);
  t.not(next.refresh_token, auth.refresh_token);
  t.not(next.csrf_token, auth.csrf_token);
  t.is(next.user?.id, user.id);
  t.truthy(next.access_token);
  // The family is stored as generations of the session, by digest only.
  const stored = await h.db.collection('refresh_tokens').find({ session_id: auth.session_id }).toArray();
  t.deepEqual(stored.map((d) => d._id).sort(), [`${auth.session_id}:1`, `${auth.session_id}:2`]);
  t.false(JSON.stringify(stored).includes(next.refresh_token));
  t.truthy(await refresh(next.refresh_token));
});

test('when an already-rotated refresh token comes back, then the whole session is revoked, reuse is audited and refresh_token_reused is returned', async (t) => {
  const { auth, user } = await signedInUser();
  const second = await refresh(auth.refresh_token);

  const err = await t.throwsAsync(refresh(auth.refresh_token), { instanceOf: UnauthenticatedError });
  t.is(err?.code, 'refresh_token_reused');
  t.false(await active(auth.session_id));
  t.is(await codeOf(refresh(second.refresh_token)), 'token_revoked');

  const [event] = (await h.audit('auth.refresh.reuse_detected')).filter((e) => e.resource.id === auth.session_id);
  t.like(event, { outcome: 'denied', resource: { type: 'session' }, details: { user_id: user.id }, ip: CLIENT.ip });
  t.false(event.raw.includes(auth.refresh_token));
});

test('when the same refresh token is presented twice at once, then only one refresh succeeds', async (t) => {
  const { auth } = await signedInUser();
  const codes = await Promise.all([codeOf(refresh(auth.refresh_token)), codeOf(refresh(auth.refresh_token))]);
  t.deepEqual(codes.sort(), ['ok', 'refresh_token_reused']);
});

test('when a refresh comes through the cookie flow, then it needs the current CSRF token of the session', async (t) => {
  const { auth } = await signedInUser();
  t.is(await codeOf(refresh(auth.refresh_token, { cookie_flow: true })), 'csrf_failed');
  t.is(await codeOf(refresh(auth.refresh_token, { cookie_flow: true, csrf_token: 'forged-csrf-token' })), 'csrf_failed');
  const err = await t.throwsAsync(refresh(auth.refresh_token, { cookie_flow: true, csrf_token: auth.refresh_token }), {
    instanceOf: ForbiddenError,
  });
  t.is(err?.code, 'csrf_failed');

  // A failed CSRF check changes nothing: the token is still the live one.
  const next = await refresh(auth.refresh_token, { cookie_flow: true, csrf_token: auth.csrf_token });
  t.is(await codeOf(refresh(next.refresh_token, { cookie_flow: true, csrf_token: auth.csrf_token })), 'csrf_failed');
  t.truthy(await refresh(next.refresh_token, { cookie_flow: true, csrf_token: next.csrf_token }));
});

test('when a refresh token is unknown or empty, then Refresh fails as invalid_credentials', async (t) => {
  t.is(await codeOf(refresh('tg_rt_' + 'A'.repeat(43))), 'invalid_credentials');
  t.is(await codeOf(refresh('')), 'invalid_credentials');
});

test('when a user logs out, then CheckSession reports the session inactive, its refresh token is dead and auth.logout is audited', async (t) => {
  const { auth, user } = await signedInUser();
  const other = await h.identity.Login({ email: user.email, password: PASSWORD }, as(gateway));
  t.true(await active(auth.session_id));

  await h.identity.Logout({ session_id: other.session_id }, as(userOf(auth)));
  t.false(await active(auth.session_id));
  t.true(await active(other.session_id), 'the session named in the request is ignored; the caller’s own ends');
  t.is(await codeOf(refresh(auth.refresh_token)), 'token_revoked');
  const [event] = (await h.audit('auth.logout')).filter((e) => e.resource.id === auth.session_id);
  t.like(event, { actor: { type: 'user', id: user.id }, resource: { type: 'session' }, details: { user_id: user.id } });

  await t.throwsAsync(h.identity.Logout({}, as(gateway)), { instanceOf: ForbiddenError });
});

test('when a user logs out everywhere, then every one of their sessions ends', async (t) => {
  const { auth, login } = await signedInUser();
  const others = [await login(), await login()];
  await h.identity.LogoutAll({}, as(userOf(auth)));
  for (const s of [auth, ...others]) t.false(await active(s.session_id));
});

test('when sessions are listed, then the caller sees only their own live sessions with the current one marked', async (t) => {
  const { auth, login } = await signedInUser();
  const second = await login();
  const third = await login();
  await h.identity.Logout({}, as(userOf(third)));
  await signedInUser();

  const { items } = await h.identity.ListSessions({}, as(userOf(second)));
  t.deepEqual(items.map((s) => s.id).sort(), [auth.session_id, second.session_id].sort());
  const current = items.find((s) => s.current);
  t.is(current?.id, second.session_id);
  t.like(current, { ip: CLIENT.ip, user_agent: CLIENT.userAgent });
  t.regex(current!.created_at, /^\d{4}-/);
  await t.throwsAsync(h.identity.ListSessions({}, as(gateway)), { instanceOf: ForbiddenError });
});

test('when a session is revoked, then its owner or an admin may, anyone else gets not_found, and auth.session.revoked is audited', async (t) => {
  const owner = await signedInUser();
  const ownerSecond = await owner.login();
  const stranger = await signedInUser();

  await t.throwsAsync(h.identity.RevokeSession({ id: ownerSecond.session_id }, as(userOf(stranger.auth))), { instanceOf: NotFoundError });
  await t.throwsAsync(h.identity.RevokeSession({ id: 'no-such-session' }, as(userOf(owner.auth))), { instanceOf: NotFoundError });
  t.true(await active(ownerSecond.session_id));

  await h.identity.RevokeSession({ id: ownerSecond.session_id }, as(userOf(owner.auth)));
  t.false(await active(ownerSecond.session_id));
  await h.identity.RevokeSession({ id: owner.auth.session_id }, as(admin));
  t.false(await active(owner.auth.session_id));

  const events = (await h.audit('auth.session.revoked')).filter((e) => e.details.user_id === owner.user.id);
  t.deepEqual(
    events.map((e) => e.actor.id),
    [owner.user.id, admin.id],
  );
});

test('when a user changes their password, then the current one must be right, the new one must meet the policy, and other sessions end', async (t) => {
  const { auth, login, email, user } = await signedInUser();
  const other = await login();
  const me = as(userOf(auth));
  const newPassword = 'a-much-better-passphrase';

  const wrong = await t.throwsAsync(h.identity.ChangePassword({ current_password: 'not-my-password', new_password: newPassword }, me), {
    instanceOf: ForbiddenError,
  });
  t.is(wrong?.code, 'forbidden');
  t.like(
    (await h.audit('auth.password.change_failed')).find((e) => e.resource.id === user.id),
    { details: { reason: 'bad_password' } },
  );
  const weak = await t.throwsAsync(h.identity.ChangePassword({ current_password: PASSWORD, new_password: 'short' }, me), {
    instanceOf: ValidationError,
  });
  t.truthy(weak?.details?.new_password);
  t.true(await active(other.session_id));

  await h.identity.ChangePassword({ current_password: PASSWORD, new_password: newPassword }, me);
  t.true(await active(auth.session_id));
  t.false(await active(other.session_id));
  t.is(await codeOf(h.identity.Login({ email, password: PASSWORD }, as(gateway))), 'invalid_credentials');
  t.is((await h.identity.Login({ email, password: newPassword }, as(gateway))).user?.id, user.id);
  const [event] = (await h.audit('auth.password.changed')).filter((e) => e.resource.id === user.id);
  t.like(event, { details: { sessions_revoked: 1 } });
  t.false(event.raw.includes(newPassword));
});

test('when CheckSession is asked, then only services may ask, and it answers from the session with the user', async (t) => {
  const { auth, user } = await signedInUser('viewer');
  const res = await h.identity.CheckSession({ session_id: auth.session_id }, as(gateway));
  t.like(res, { active: true, user: { id: user.id, email: user.email, role: 'viewer', disabled: false } });
  t.false(await active('unknown-session'));
  t.false(await active(''));
  await t.throwsAsync(h.identity.CheckSession({ session_id: auth.session_id }, as(userOf(auth))), { instanceOf: ForbiddenError });
});

test('when a session is checked, then last_used_at is written at most once a minute', async (t) => {
  const { auth } = await signedInUser();
  const sessions = h.db.collection<{ _id: string; last_used_at: Date }>('sessions');
  const longAgo = new Date(Date.now() - 5 * 60_000);
  await sessions.updateOne({ _id: auth.session_id }, { $set: { last_used_at: longAgo } });

  await active(auth.session_id);
  await new Promise((r) => setTimeout(r, 200));
  const touched = (await sessions.findOne({ _id: auth.session_id }))!.last_used_at;
  t.true(touched.getTime() > Date.now() - 10_000);

  await active(auth.session_id);
  await new Promise((r) => setTimeout(r, 200));
  t.is((await sessions.findOne({ _id: auth.session_id }))!.last_used_at.getTime(), touched.getTime());
});

test('when a session has expired, then it is inactive, its refresh token is token_expired, and the sweeper deletes it a day later', async (t) => {
  const recent = await signedInUser();
  const old = await signedInUser();
  const sessions = h.db.collection<{ _id: string; expires_at: Date }>('sessions');
  const tokens = h.db.collection<{ session_id: string; expires_at: Date; expiry_day: number }>('refresh_tokens');
  const hourAgo = new Date(Date.now() - 60 * 60_000);
  // Just past the day of retention: the sweeper reads the cutoff's day on every pass (earlier days only until done).
  const dayAndMinuteAgo = new Date(Date.now() - (24 * 60 + 1) * 60_000);
  for (const [id, at] of [
    [recent.auth.session_id, hourAgo],
    [old.auth.session_id, dayAndMinuteAgo],
  ] as const) {
    await sessions.updateOne({ _id: id }, { $set: { expires_at: at } });
    // The sweeper finds refresh tokens by the UTC day they expire on.
    await tokens.updateMany({ session_id: id }, { $set: { expires_at: at, expiry_day: Math.floor(at.getTime() / 86_400_000) } });
  }

  t.false(await active(recent.auth.session_id));
  t.is(await codeOf(refresh(recent.auth.refresh_token)), 'token_expired');

  // SESSION_SWEEP_INTERVAL_MS=1000 in this file.
  await new Promise((r) => setTimeout(r, 2_500));
  t.is(await sessions.countDocuments({ _id: old.auth.session_id }), 0);
  t.is(await tokens.countDocuments({ session_id: old.auth.session_id }), 0);
  t.is(await sessions.countDocuments({ _id: recent.auth.session_id }), 1);
});
