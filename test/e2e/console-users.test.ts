import test from 'ava';
import type { Page } from 'playwright-core';
import { accessible, goTo, openConsole, signIn, startConsoleHarness, type ConsoleHarness } from '../support/console.js';
import { eventually } from '../support/eventually.js';
import { auditEventsOf, PASSWORD, uniqueEmail } from '../support/factories.js';
import { edgeClient } from '../support/identity-edge.js';

// The console's Users page (admins only) in Chromium against the real system: what the admin
// does there is what the people concerned then find when they sign in through the API.

/** Failed logins that lock an account here (the default, 100, is out of one test's reach). */
const LOCKOUT_THRESHOLD = 3;

let h: ConsoleHarness;

// startConsoleHarness's system, with a low lockout threshold and the gateway trusting loopback's
// X-Forwarded-For: API logins each come from an address of their own (edgeClient), so failed
// ones never rate-limit the browser's.
test.before(async () => {
  h = await startConsoleHarness({ gateway: { TRUST_PROXY: 'loopback' }, identity: { LOCKOUT_THRESHOLD: String(LOCKOUT_THRESHOLD) } });
});
test.after.always(async () => {
  await h?.close();
});

/** An API login from an address of its own: its status. */
const loginStatus = async (email: string, password = PASSWORD) =>
  (await edgeClient(h.stack, 'users-page').post('/v1/auth/login', { json: { email, password } })).status;

/** The admin's console on the Users page. */
async function usersPage(t: Parameters<typeof openConsole>[0]): Promise<Page> {
  const page = await openConsole(t, h);
  await signIn(page, h.stack.secrets.BOOTSTRAP_ADMIN_EMAIL, h.stack.secrets.BOOTSTRAP_ADMIN_PASSWORD);
  await goTo(page, 'Users');
  return page;
}

/** The row of the user with `email`. */
const rowOf = (page: Page, email: string) => page.locator('tr', { has: page.getByRole('cell', { name: email, exact: true }) });

test.serial('an admin creates a user on the page, who can then sign in; a taken address shows why it is refused', async (t) => {
  const page = await usersPage(t);
  const email = uniqueEmail('console-made');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Name (optional)').fill('Made In Console');
  await page.getByRole('region', { name: 'New user' }).getByRole('combobox').selectOption('viewer');
  const password = page.getByLabel(/^Password/);
  await password.fill('a-console-made-passphrase');
  await page.getByRole('button', { name: 'Create user' }).click();
  const row = rowOf(page, email);
  await row.waitFor();
  t.is(await password.inputValue(), '', 'the password field is cleared');
  t.is(await row.getByRole('cell').nth(1).textContent(), 'Made In Console');
  t.is(await row.getByRole('cell').nth(3).textContent(), 'active');
  t.is(await row.getByRole('cell').nth(4).textContent(), '—', 'never signed in');
  t.is(await row.getByLabel(`Role of ${email}`).inputValue(), 'viewer');
  t.is(await loginStatus(email, 'a-console-made-passphrase'), 200);

  // The same address again: the API's 409, its message on the page, and the password gone all the same.
  await page.getByLabel('Email', { exact: true }).fill(email.toUpperCase());
  await password.fill('another-console-passphrase');
  await page.getByRole('button', { name: 'Create user' }).click();
  await page.getByRole('alert').waitFor();
  t.is(await page.getByRole('alert').textContent(), 'A user with this email already exists');
  t.is(await password.inputValue(), '');

  // The admin's own row: no role select and no Disable, so no way to lock themself out here.
  const own = rowOf(page, h.stack.secrets.BOOTSTRAP_ADMIN_EMAIL.toLowerCase());
  await own.waitFor();
  t.is(await own.getByRole('combobox').count(), 0);
  t.is(await own.getByRole('button', { name: 'Disable' }).count(), 0);
  t.not(await own.getByRole('cell').nth(4).textContent(), '—', 'the last sign-in is shown');
  // axe on the list with a row of each kind (one's own, another's) and the form's error shown.
  await accessible(t, page, 'users');
});

test.serial('an admin makes a member a manager: the API shows the new role and the audit log who changed it', async (t) => {
  const member = await h.person('member');
  const page = await usersPage(t);
  const row = rowOf(page, member.email);
  const save = row.getByRole('button', { name: 'Save' });
  t.true(await save.isDisabled(), 'nothing to save before a change');
  await row.getByLabel(`Role of ${member.email}`).selectOption('manager');
  await save.click();
  const res = await eventually(
    () => h.stack.http.get(`/v1/users/${member.id}`, { token: h.admin.access_token }),
    (r) => r.body.role === 'manager',
  );
  t.is(res.body.role, 'manager');
  const [event] = await auditEventsOf(h.stack, h.admin, 'user.role_changed', member.id);
  t.like(event, { actor: { id: h.admin.user.id }, details: { from: 'member', to: 'manager' } });
  await page.reload();
  t.is(await rowOf(page, member.email).getByLabel(`Role of ${member.email}`).inputValue(), 'manager');
});

test.serial('a disabled user cannot sign in until enabled again', async (t) => {
  const person = await h.person('member');
  const page = await usersPage(t);
  const row = rowOf(page, person.email);
  await row.getByRole('button', { name: 'Disable' }).click();
  await row.getByRole('cell', { name: 'disabled', exact: true }).waitFor();
  t.is(await loginStatus(person.email), 401);
  await row.getByRole('button', { name: 'Enable' }).click();
  await row.getByRole('cell', { name: 'active', exact: true }).waitFor();
  t.is(await loginStatus(person.email), 200);
});

test.serial('a user locked out by failed logins is shown locked, and Unlock lets the right password in again', async (t) => {
  const person = await h.person('member');
  const guesser = edgeClient(h.stack, 'guesser');
  for (let i = 0; i < LOCKOUT_THRESHOLD; i++) {
    t.is((await guesser.post('/v1/auth/login', { json: { email: person.email, password: `wrong-password-${i}` } })).status, 401);
  }
  t.is(await loginStatus(person.email), 401, 'locked: the right password does not sign in');

  const page = await usersPage(t);
  const row = rowOf(page, person.email);
  await row.getByRole('cell', { name: 'locked', exact: true }).waitFor();
  await row.getByRole('button', { name: 'Unlock' }).click();
  await row.getByRole('cell', { name: 'active', exact: true }).waitFor();
  t.is(await row.getByRole('button', { name: 'Unlock' }).count(), 0, 'Unlock shows only while locked');
  t.is(await loginStatus(person.email), 200);
  t.is((await h.stack.http.get(`/v1/users/${person.id}`, { token: h.admin.access_token })).body.locked, false);
});

test.serial("revoking a user's sessions (confirmed) ends their access tokens at once", async (t) => {
  const person = await h.person('member');
  const login = await edgeClient(h.stack, 'revoked').post('/v1/auth/login', { json: { email: person.email, password: PASSWORD } });
  t.is(login.status, 200);
  const me = () => h.stack.http.get('/v1/auth/me', { token: login.body.access_token as string });
  t.is((await me()).status, 200);

  const page = await usersPage(t);
  const row = rowOf(page, person.email);
  await row.getByRole('button', { name: 'Revoke sessions' }).click();
  await row.getByText(`Sign ${person.email} out everywhere?`).waitFor();
  t.is((await me()).status, 200, 'nothing happens before the confirmation');
  await row.getByRole('button', { name: 'Confirm revocation' }).click();
  await row.getByRole('status').filter({ hasText: 'Revoked 1 session.' }).waitFor();
  const started = Date.now();
  const after = await eventually(me, (res) => res.status === 401, 1_500);
  t.is(after.status, 401, `still ${after.status} after ${Date.now() - started} ms`);
  t.is(await row.getByRole('button', { name: 'Revoke sessions' }).count(), 1, 'the row offers it again');
});

test.serial('a manager sees no Users link, and /console/users shows them their first page instead', async (t) => {
  const manager = await h.person('manager');
  const page = await openConsole(t, h);
  await signIn(page, manager.email);
  const nav = page.getByRole('navigation', { name: 'Console' });
  await nav.getByRole('link', { name: 'Overview' }).waitFor();
  t.is(await nav.getByRole('link', { name: 'Users' }).count(), 0);
  await page.goto(`${h.origin}/console/users`);
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  t.is(await page.getByRole('heading', { level: 1, name: 'Users' }).count(), 0);
});
