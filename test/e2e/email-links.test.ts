import test from 'ava';
import { startStack, type Stack } from '../support/stack.js';
import { errorOf } from '../support/errors.js';
import { newUser, PASSWORD, uniqueEmail } from '../support/factories.js';
import { auditEvents, edgeClient, setCookies } from '../support/identity-edge.js';
import { mailsTo, waitForMail } from '../support/mailpit.js';

// Sign-in links through the real HTTPS gateway, identity and audit, mailed through the test
// run's real SMTP server (Mailpit) and read back from its API.
let stack: Stack;
let adminToken: string;
const TTL_SECONDS = 2;
const PER_EMAIL = 3;

test.before(async () => {
  stack = await startStack({
    services: ['audit', 'identity'],
    env: {
      gateway: { TRUST_PROXY: 'loopback', EMAIL_LINKS_PER_EMAIL: String(PER_EMAIL), EMAIL_LINKS_PER_IP: '1000' },
      identity: { MAGIC_LINK_TTL_SECONDS: String(TTL_SECONDS), LOCKOUT_THRESHOLD: '3', PUBLIC_URL: 'https://tollgate.example' },
    },
  });
  const res = await edgeClient(stack, 'setup').post('/v1/auth/login', {
    json: { email: stack.secrets.BOOTSTRAP_ADMIN_EMAIL, password: stack.secrets.BOOTSTRAP_ADMIN_PASSWORD },
  });
  adminToken = res.body.access_token;
});
test.after.always(() => stack?.close());

const ACCEPTED = { message: 'If this address belongs to an account, a sign-in link is on its way.' };
const tokenOf = (text: string) => /#token=(tg_ml_[A-Za-z0-9_-]+)/.exec(text)?.[1];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function linkFor(email: string) {
  const res = await edgeClient(stack, 'ask').post('/v1/auth/magic-link', { json: { email } });
  if (res.status !== 202) throw new Error(`magic-link: ${res.status} ${res.text}`);
  const mail = await waitForMail(email);
  const token = tokenOf(mail.text);
  if (!token) throw new Error(`no token in: ${mail.text}`);
  return { mail, token };
}

test('when an account asks for a sign-in link, then 202, a mail in HTML and text with a link that signs in once like a password login, and it is audited', async (t) => {
  const user = await newUser(stack, adminToken, { role: 'member' });
  const c = edgeClient(stack, 'magic');
  const res = await c.post('/v1/auth/magic-link', { json: { email: user.email.toUpperCase() } });
  t.is(res.status, 202);
  t.deepEqual(res.body, ACCEPTED);

  const mail = await waitForMail(user.email);
  t.is(mail.subject, 'Your Tollgate sign-in link');
  const token = tokenOf(mail.text);
  t.truthy(token, 'the text part carries the link');
  t.true(mail.html.includes(`https://tollgate.example/console/magic-link#token=${token}`), 'the HTML part carries the same link');
  t.true(mail.text.includes(c.ip), 'the mail says where the request came from');

  const signedIn = await c.post('/v1/auth/magic-link/verify', { json: { token } });
  t.is(signedIn.status, 200);
  t.like(signedIn.body, { token_type: 'Bearer', user: { id: user.id, email: user.email, role: 'member' } });
  t.truthy(setCookies(signedIn).get('tg_refresh')?.value);
  const me = await c.get('/v1/auth/me', { token: signedIn.body.access_token });
  t.is(me.status, 200);
  t.is(me.body.id, user.id);

  const again = await c.post('/v1/auth/magic-link/verify', { json: { token } });
  t.is(again.status, 401);
  t.is(errorOf(again).code, 'invalid_credentials');

  const requested = await auditEvents(stack, adminToken, 'auth.magic_link.requested', (e) => e.some((x) => x.resource.id === user.id));
  t.like(
    requested.find((x) => x.resource.id === user.id),
    { outcome: 'success', ip: c.ip },
  );
  const logins = await auditEvents(stack, adminToken, 'auth.login.succeeded', (e) =>
    e.some((x) => x.actor.id === user.id && x.details.method === 'magic_link'),
  );
  t.truthy(logins.find((x) => x.actor.id === user.id && x.details.method === 'magic_link'));
  const failed = await auditEvents(stack, adminToken, 'auth.magic_link.failed', (e) => e.some((x) => x.resource.id === user.id));
  t.is(failed.find((x) => x.resource.id === user.id)?.details.reason, 'reused');
});

test('when a link is used twice at once, then exactly one signs in', async (t) => {
  const user = await newUser(stack, adminToken);
  const { token } = await linkFor(user.email);
  const results = await Promise.all(
    Array.from({ length: 8 }, () => edgeClient(stack, 'race').post('/v1/auth/magic-link/verify', { json: { token } })),
  );
  t.deepEqual(results.map((r) => r.status).sort(), [200, 401, 401, 401, 401, 401, 401, 401]);
});

test('when a link has expired, then 401 and the reason expired is audited', async (t) => {
  const user = await newUser(stack, adminToken);
  const { token } = await linkFor(user.email);
  await sleep(TTL_SECONDS * 1000 + 200);
  const res = await edgeClient(stack, 'late').post('/v1/auth/magic-link/verify', { json: { token } });
  t.is(res.status, 401);
  const failed = await auditEvents(stack, adminToken, 'auth.magic_link.failed', (e) =>
    e.some((x) => x.resource.id === user.id && x.details.reason === 'expired'),
  );
  t.truthy(failed.find((x) => x.resource.id === user.id && x.details.reason === 'expired'));
});

test('when the address is unknown, or the account disabled, then the same 202 and body, no mail, and the reason is audited', async (t) => {
  const unknown = uniqueEmail('nobody');
  const disabled = await newUser(stack, adminToken);
  t.is((await stack.http.patch(`/v1/users/${disabled.id}`, { token: adminToken, json: { disabled: true } })).status, 200);
  for (const email of [unknown, disabled.email]) {
    const res = await edgeClient(stack, 'nobody').post('/v1/auth/magic-link', { json: { email } });
    t.is(res.status, 202);
    t.deepEqual(res.body, ACCEPTED);
  }
  const events = await auditEvents(
    stack,
    adminToken,
    'auth.magic_link.requested',
    (e) => e.some((x) => x.details.email === unknown) && e.some((x) => x.resource.id === disabled.id),
  );
  t.like(
    events.find((x) => x.details.email === unknown),
    { outcome: 'denied', details: { reason: 'unknown_user' } },
  );
  t.like(
    events.find((x) => x.resource.id === disabled.id),
    { outcome: 'denied', details: { reason: 'disabled' } },
  );
  t.deepEqual(await mailsTo(unknown), []);
  t.deepEqual(await mailsTo(disabled.email), []);
});

test('when a token is forged or malformed, then 401 (or 400 for a body that is not one), and nothing signs in', async (t) => {
  const c = edgeClient(stack, 'forge');
  for (const token of ['tg_ml_' + 'A'.repeat(43), 'not-a-link', '{"$ne":null}']) {
    const res = await c.post('/v1/auth/magic-link/verify', { json: { token } });
    t.is(res.status, 401, token);
  }
  t.is((await c.post('/v1/auth/magic-link/verify', { json: { token: { $ne: null } } })).status, 400);
  t.is((await c.post('/v1/auth/magic-link', { json: { email: 'not-an-email' } })).status, 400);
});

test('when one address asks for more links than its limit, then 429 with Retry-After, and no more mail is sent', async (t) => {
  const user = await newUser(stack, adminToken);
  const statuses: number[] = [];
  let retryAfter: string | undefined;
  for (let i = 0; i < PER_EMAIL + 2; i++) {
    // A new client each time: the address's own limit is what is measured.
    const res = await edgeClient(stack, 'flood').post('/v1/auth/magic-link', { json: { email: user.email } });
    statuses.push(res.status);
    if (res.status === 429) retryAfter = res.headers['retry-after'] as string | undefined;
  }
  t.deepEqual(statuses, [...Array(PER_EMAIL).fill(202), 429, 429]);
  t.true(Number(retryAfter) >= 1);
  // Every accepted request's mail arrives (they are sent after the answers), and no more after them.
  for (let waited = 0; (await mailsTo(user.email)).length < PER_EMAIL && waited < 15_000; waited += 100) await sleep(100);
  await sleep(500);
  t.is((await mailsTo(user.email)).length, PER_EMAIL);
});

// Password reset: the same rules for asking, a link of its own kind, a new password, every session ended.

const RESET_ACCEPTED = { message: 'If this address belongs to an account, a password-reset link is on its way.' };
const resetTokenOf = (text: string) => /#token=(tg_pr_[A-Za-z0-9_-]+)/.exec(text)?.[1];
const NEW_PASSWORD = 'a-brand-new-passphrase-42';

test('when an account resets its password by mail, then the new password works, the old one and every session do not, the link works once, and a notice is mailed', async (t) => {
  const user = await newUser(stack, adminToken);
  const c = edgeClient(stack, 'reset');
  const before = await c.post('/v1/auth/login', { json: { email: user.email, password: PASSWORD } });
  t.is(before.status, 200);

  const asked = await c.post('/v1/auth/password-reset', { json: { email: user.email } });
  t.is(asked.status, 202);
  t.deepEqual(asked.body, RESET_ACCEPTED);
  const mail = await waitForMail(user.email, { subject: /Reset your Tollgate password/ });
  const token = resetTokenOf(mail.text);
  t.truthy(token);
  t.true(mail.html.includes(`https://tollgate.example/console/reset-password#token=${token}`));

  // A password the policy refuses leaves the link working.
  const weak = await c.post('/v1/auth/password-reset/confirm', { json: { token, new_password: 'short' } });
  t.is(weak.status, 400);
  const done = await c.post('/v1/auth/password-reset/confirm', { json: { token, new_password: NEW_PASSWORD } });
  t.is(done.status, 204);
  t.is((await c.post('/v1/auth/password-reset/confirm', { json: { token, new_password: NEW_PASSWORD } })).status, 401, 'once');

  t.is((await c.get('/v1/auth/me', { token: before.body.access_token })).status, 401, 'the session from before has ended');
  t.is((await c.post('/v1/auth/login', { json: { email: user.email, password: PASSWORD } })).status, 401, 'the old password');
  t.is((await c.post('/v1/auth/login', { json: { email: user.email, password: NEW_PASSWORD } })).status, 200, 'the new password');

  const notice = await waitForMail(user.email, { subject: /password was changed/ });
  t.true(notice.text.includes(c.ip));
  const events = await auditEvents(stack, adminToken, 'auth.password.reset', (e) => e.some((x) => x.resource.id === user.id));
  t.like(
    events.find((x) => x.resource.id === user.id),
    { outcome: 'success', details: { sessions_revoked: 1 } },
  );
});

test('when a link of one kind is used for the other, then 401: a sign-in link resets no password and a reset link signs nobody in', async (t) => {
  const user = await newUser(stack, adminToken);
  const { token: signIn } = await linkFor(user.email);
  const c = edgeClient(stack, 'kinds');
  t.is((await c.post('/v1/auth/password-reset/confirm', { json: { token: signIn, new_password: NEW_PASSWORD } })).status, 401);
  t.is((await c.post('/v1/auth/password-reset', { json: { email: user.email } })).status, 202);
  const reset = resetTokenOf((await waitForMail(user.email, { subject: /Reset/ })).text);
  t.is((await c.post('/v1/auth/magic-link/verify', { json: { token: reset } })).status, 401);
  t.is((await c.post('/v1/auth/login', { json: { email: user.email, password: PASSWORD } })).status, 200, 'nothing changed');
});

test('when a reset is asked for an unknown address, then the same 202 and body, and no mail', async (t) => {
  const unknown = uniqueEmail('nobody-reset');
  const res = await edgeClient(stack, 'reset-nobody').post('/v1/auth/password-reset', { json: { email: unknown } });
  t.is(res.status, 202);
  t.deepEqual(res.body, RESET_ACCEPTED);
  const events = await auditEvents(stack, adminToken, 'auth.password_reset.requested', (e) => e.some((x) => x.details.email === unknown));
  t.like(
    events.find((x) => x.details.email === unknown),
    { outcome: 'denied', details: { reason: 'unknown_user' } },
  );
  t.deepEqual(await mailsTo(unknown), []);
});

test('when an account is locked by wrong passwords, then it is mailed a notice once, and it gets no sign-in link while locked', async (t) => {
  const user = await newUser(stack, adminToken);
  for (let i = 0; i < 4; i++) {
    const res = await edgeClient(stack, 'guesser').post('/v1/auth/login', { json: { email: user.email, password: `wrong-password-${i}` } });
    t.is(res.status, 401);
  }
  const notice = await waitForMail(user.email, { subject: /account is locked/ });
  t.true(notice.text.includes('After 3 wrong passwords in a row'), notice.text);
  t.regex(notice.text, /until \d{4}-\d\d-\d\dT/);

  t.is((await edgeClient(stack, 'locked').post('/v1/auth/magic-link', { json: { email: user.email } })).status, 202);
  const events = await auditEvents(stack, adminToken, 'auth.magic_link.requested', (e) =>
    e.some((x) => x.resource.id === user.id && x.details.reason === 'locked'),
  );
  t.like(
    events.find((x) => x.resource.id === user.id),
    { outcome: 'denied', details: { reason: 'locked' } },
  );
  const mails = await mailsTo(user.email);
  t.deepEqual(
    mails.map((m) => m.subject),
    ['Your Tollgate account is locked'],
    'one notice, and no sign-in link',
  );
});

test('when an account signs in from a device it has not used before, then it is mailed a notice; not on its first sign-in ever, nor again from a known device', async (t) => {
  const user = await newUser(stack, adminToken);
  const laptop = edgeClient(stack, 'laptop');
  const phone = edgeClient(stack, 'phone');
  const signIn = async (c: typeof laptop) =>
    t.is((await c.post('/v1/auth/login', { json: { email: user.email, password: PASSWORD } })).status, 200);
  await signIn(laptop);
  await signIn(laptop);
  await signIn(phone);
  const notice = await waitForMail(user.email, { subject: /New sign-in/ });
  t.true(notice.text.includes(phone.ip) && notice.text.includes(phone.userAgent), notice.text);
  t.true(notice.text.includes('with a password'));
  await signIn(phone);
  await sleep(500);
  t.deepEqual(
    (await mailsTo(user.email)).map((m) => m.subject),
    ['New sign-in to your Tollgate account'],
    'one notice: the phone, once',
  );
});
