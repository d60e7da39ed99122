import test from 'ava';
import { UnauthenticatedError, ValidationError, type Principal } from '@tollgate/platform';
import { as, CLIENT, gateway, newUser, PASSWORD, startIdentity, uniqueEmail, userOf, type IdentityHarness } from './harness.js';

const THRESHOLD = 3;
let h: IdentityHarness;
let admin: Principal;

test.before(async () => {
  // LOCKOUT_SECONDS=0: a locked account stays locked until an admin unlocks it.
  h = await startIdentity({ LOCKOUT_THRESHOLD: String(THRESHOLD), LOCKOUT_SECONDS: '0' });
  admin = userOf(await h.loginAdmin());
});

test.after.always(async () => {
  await h?.close();
});

async function failedLogin(email: string, password: string) {
  return h.identity.Login({ email, password }, as(gateway)).then(
    () => {
      throw new Error('login unexpectedly succeeded');
    },
    (err: unknown) => err as UnauthenticatedError,
  );
}

test('when more right passwords race than the lockout threshold, then every one signs in and nothing stays locked', async (t) => {
  // Each guess takes a failure slot before its hash is checked: with a real hash cost, right guesses
  // in flight fill the last slot before any of them is settled.
  const slow = await startIdentity({ LOCKOUT_THRESHOLD: String(THRESHOLD), ARGON2_MEMORY_KIB: '19456' });
  t.teardown(() => slow.close());
  const slowAdmin = userOf(await slow.loginAdmin());
  const user = await slow.identity.CreateUser({ email: uniqueEmail(), password: PASSWORD, role: 'viewer', name: '' }, as(slowAdmin));
  const logins = await Promise.allSettled(
    Array.from({ length: THRESHOLD * 3 }, () => slow.identity.Login({ email: user.email, password: PASSWORD }, as(gateway))),
  );
  t.deepEqual(
    logins.map((l) => l.status),
    logins.map(() => 'fulfilled'),
  );
  t.false((await slow.identity.GetUser({ id: user.id }, as(slowAdmin))).locked);
});

test('when the email and password are right, then Login returns tokens, a session and the user, and audits auth.login.succeeded', async (t) => {
  const user = await newUser(h, admin);
  const auth = await h.identity.Login({ email: user.email.toUpperCase(), password: PASSWORD }, as(gateway));
  t.is(auth.access_token.split('.').length, 3);
  t.is(auth.expires_in, 900);
  t.regex(auth.refresh_token, /^tg_rt_[A-Za-z0-9_-]{43}$/);
  t.regex(auth.csrf_token, /^[A-Za-z0-9_-]{43}$/);
  t.regex(auth.session_id, /^[0-9a-f]{32}$/);
  t.like(auth.user, { id: user.id, email: user.email, role: 'member', disabled: false });

  const [event] = (await h.audit('auth.login.succeeded')).filter((e) => e.resource.id === user.id);
  t.like(event, {
    outcome: 'success',
    actor: { type: 'user', id: user.id },
    ip: CLIENT.ip,
    user_agent: CLIENT.userAgent,
    details: { session_id: auth.session_id },
  });
  for (const secret of [PASSWORD, auth.refresh_token, auth.csrf_token, auth.access_token]) t.false(event.raw.includes(secret));

  const stored = await h.db.collection('sessions').findOne({ _id: auth.session_id as never });
  t.like(stored, { user_id: user.id, ip: CLIENT.ip, user_agent: CLIENT.userAgent });
  t.false(JSON.stringify(stored).includes(auth.csrf_token));
  t.is(await h.db.collection('refresh_tokens').countDocuments({ session_id: auth.session_id }), 1);
  t.false(JSON.stringify(await h.db.collection('refresh_tokens').find({}).toArray()).includes(auth.refresh_token));
});

test('when a login fails for any reason, then the caller always sees the same invalid_credentials error and the audit log records the reason', async (t) => {
  const wrong = await newUser(h, admin);
  const disabled = await newUser(h, admin);
  await h.identity.UpdateUser({ id: disabled.id, disabled: true }, as(admin));
  const unknownEmail = uniqueEmail('nobody');

  const errors = [
    await failedLogin(unknownEmail, PASSWORD),
    await failedLogin(wrong.email, 'not-the-password-at-all'),
    await failedLogin(disabled.email, PASSWORD),
  ];
  for (const err of errors) {
    t.true(err instanceof UnauthenticatedError);
    t.is(err.code, 'invalid_credentials');
    t.is(err.message, errors[0].message);
  }

  const failures = await h.audit('auth.login.failed');
  const unknown = failures.find((e) => e.details.email === unknownEmail);
  t.like(unknown, {
    outcome: 'failure',
    actor: { type: 'anonymous' },
    ip: CLIENT.ip,
    user_agent: CLIENT.userAgent,
    details: { reason: 'unknown_user' },
  });
  t.like(
    failures.find((e) => e.resource.id === wrong.id),
    { resource: { type: 'user', id: wrong.id }, details: { reason: 'bad_password', failed_attempts: 1 }, ip: CLIENT.ip },
  );
  t.like(
    failures.find((e) => e.resource.id === disabled.id),
    { details: { reason: 'disabled' } },
  );
  for (const e of failures) {
    t.false(e.raw.includes(PASSWORD));
    t.false(e.raw.includes('not-the-password-at-all'));
  }
});

test('when the email or password is missing, then Login fails validation before any lookup', async (t) => {
  const err = await t.throwsAsync(h.identity.Login({ email: '', password: '' }, as(gateway)), { instanceOf: ValidationError });
  t.deepEqual(Object.keys(err?.details ?? {}).sort(), ['email', 'password']);
});

test(`when a password is wrong ${THRESHOLD} times in a row, then the account locks, audits auth.account.locked, and only an admin unlock opens it`, async (t) => {
  const user = await newUser(h, admin);
  for (let i = 0; i < THRESHOLD; i++) await failedLogin(user.email, `wrong-password-${i}`);

  const locked = await h.audit('auth.account.locked');
  t.like(
    locked.filter((e) => e.resource.id === user.id),
    [{ details: { failed_attempts: THRESHOLD, threshold: THRESHOLD, lockout_seconds: 0 } }],
  );
  t.true((await h.identity.GetUser({ id: user.id }, as(admin))).locked);

  const err = await failedLogin(user.email, PASSWORD);
  t.is(err.code, 'invalid_credentials');
  const reasons = (await h.audit('auth.login.failed')).filter((e) => e.resource.id === user.id).map((e) => e.details.reason);
  t.deepEqual(reasons, [...Array(THRESHOLD).fill('bad_password'), 'locked']);

  const unlocked = await h.identity.UnlockUser({ id: user.id }, as(admin));
  t.false(unlocked.locked);
  t.like(
    (await h.audit('user.unlocked')).find((e) => e.resource.id === user.id),
    { actor: { type: 'user', id: admin.id } },
  );
  t.is((await h.identity.Login({ email: user.email, password: PASSWORD }, as(gateway))).user?.id, user.id);
});

test('when a login succeeds, then the failure count starts again from zero', async (t) => {
  const user = await newUser(h, admin);
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < THRESHOLD - 1; i++) await failedLogin(user.email, `wrong-password-${i}`);
    t.truthy((await h.identity.Login({ email: user.email, password: PASSWORD }, as(gateway))).access_token);
  }
  t.false((await h.identity.GetUser({ id: user.id }, as(admin))).locked);
  t.is((await h.audit('auth.account.locked')).filter((e) => e.resource.id === user.id).length, 0);
});

test('when LOCKOUT_SECONDS passes, then a locked account can sign in again and the count restarts', async (t) => {
  const timed = await startIdentity({ LOCKOUT_THRESHOLD: '2', LOCKOUT_SECONDS: '1' });
  t.teardown(() => timed.close());
  const timedAdmin = userOf(await timed.loginAdmin());
  const user = await timed.identity.CreateUser({ email: uniqueEmail(), password: PASSWORD, role: 'viewer', name: '' }, as(timedAdmin));
  for (const pw of ['wrong-password-1', 'wrong-password-2']) {
    await t.throwsAsync(timed.identity.Login({ email: user.email, password: pw }, as(gateway)), { instanceOf: UnauthenticatedError });
  }
  await t.throwsAsync(timed.identity.Login({ email: user.email, password: PASSWORD }, as(gateway)), { instanceOf: UnauthenticatedError });

  await new Promise((r) => setTimeout(r, 1_100));
  // One more wrong attempt after the lock expired counts as the first of a new series.
  await t.throwsAsync(timed.identity.Login({ email: user.email, password: 'wrong-password-3' }, as(gateway)), {
    instanceOf: UnauthenticatedError,
  });
  t.is((await timed.identity.Login({ email: user.email, password: PASSWORD }, as(gateway))).user?.id, user.id);
});
