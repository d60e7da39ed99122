import test from 'ava';
import { newUser, PASSWORD, uniqueEmail } from '../../../test/support/factories.js';
import { waitForMail } from '../../../test/support/mailpit.js';
import { loginAsAdmin, type Session } from '../../../test/support/session.js';
import { startStack, type Stack } from '../../../test/support/stack.js';
import { cli, cliOnTerminal, gatewayEnv, json, loginAdmin, startCli, workspace, type Workspace } from './cli.js';

// How people sign in, through the CLI against the real stack: temporary passwords, passwords
// turned off (for a user, for everyone), a new email confirmed by its mailed link (the test
// run's Mailpit), passkeys as far as a command line sees them.
let stack: Stack;
let adminSession: Session;
let admin: Workspace;
test.before(async () => {
  stack = await startStack({ env: { gateway: gatewayEnv, identity: { ARGON2_MEMORY_KIB: '1024' } } });
  adminSession = await loginAsAdmin(stack);
  admin = workspace(stack);
  await loginAdmin(stack, admin);
});
test.after.always(async () => {
  admin?.cleanup();
  await stack?.close();
});

const TEMPORARY = 'a-temporary-passphrase';
const CHOSEN = 'a-passphrase-of-my-own';

/** Logs `email` in through the CLI in a fresh workspace, `stdin` piped to --password-stdin. */
async function login(t: { teardown(fn: () => void): void }, email: string, stdin: string) {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  return { ...(await cli(['login', '--email', email, '--password-stdin'], { env: ws.env, stdin })), ws };
}

/** Whether the gateway takes `password` for `email` (a 200 from a login). */
async function passwordWorks(email: string, password: string): Promise<boolean> {
  return (await stack.http.post('/v1/auth/login', { json: { email, password } })).status === 200;
}

// Serial, so it runs before the others: passwords are off for everyone meanwhile.
test.serial('when an admin turns passwords off for everyone, then settings show it and password logins say to use a link', async (t) => {
  const user = await newUser(stack, adminSession);
  const shown = await cli(['settings', 'sign-in'], { env: admin.env });
  t.is(shown.code, 0, shown.stderr);
  t.regex(shown.stdout, /^Passwords\s+on$/m);
  t.regex(shown.stdout, /^Updated\s+never$/m);

  const off = await cli(['settings', 'sign-in', '--passwords', 'off', '--json'], { env: admin.env });
  t.is(off.code, 0, off.stderr);
  t.is(json(off).password_login, false);
  t.truthy(json(off).updated_at);
  const refused = await login(t, user.email, PASSWORD);
  t.is(refused.code, 4, refused.stderr);
  t.regex(refused.stderr, /tollgate login --magic-link/);

  const on = await cli(['settings', 'sign-in', '--passwords', 'on'], { env: admin.env });
  t.is(on.code, 0, on.stderr);
  t.regex(on.stdout, /^Passwords\s+on$/m);
  t.is((await login(t, user.email, PASSWORD)).code, 0);
});

test('when an admin set a temporary password, then login --password-stdin takes the new one on a second line; the old one works no more', async (t) => {
  const user = await newUser(stack, adminSession);
  const set = await stack.http.post(`/v1/users/${user.id}/password`, { token: adminSession.access_token, json: { password: TEMPORARY } });
  t.is(set.status, 200, set.text);

  const oneLine = await login(t, user.email, `${TEMPORARY}\n`);
  t.is(oneLine.code, 2, oneLine.stderr);
  t.regex(oneLine.stderr, /temporary one an admin set.*second line/);

  const twoLines = await login(t, user.email, `${TEMPORARY}\n${CHOSEN}\n`);
  t.is(twoLines.code, 0, twoLines.stderr);
  t.regex(twoLines.stdout, /Logged in to/);
  t.is(json(await cli(['whoami', '--json'], { env: twoLines.ws.env })).user.email, user.email);
  t.true(await passwordWorks(user.email, CHOSEN));
  t.false(await passwordWorks(user.email, TEMPORARY));
});

test('when an admin sets a temporary password with user set-password, then the login on a terminal asks for a new one (echo off)', async (t) => {
  const user = await newUser(stack, adminSession);
  const set = await cli(['user', 'set-password', '--user', user.id, '--password-stdin'], { env: admin.env, stdin: `${TEMPORARY}\n` });
  t.is(set.code, 0, set.stderr);
  t.regex(set.stdout, /must change it at their next sign-in/);
  t.false(set.stdout.includes(TEMPORARY));
  t.like(json(await cli(['user', 'get', user.id, '--json'], { env: admin.env })), { must_change_password: true });

  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  const session = await cliOnTerminal(['login', '--email', user.email], {
    env: ws.env,
    steps: [
      { waitFor: /Password: /, send: `${TEMPORARY}\r` },
      { waitFor: /New password: /, send: `${CHOSEN}\r` },
      { waitFor: /Repeat it: /, send: `${CHOSEN}\r` },
    ],
  });
  t.is(session.code, 0, session.output);
  t.regex(session.output, /temporary one an admin set/);
  t.false(session.output.includes(TEMPORARY) || session.output.includes(CHOSEN), 'no password appears on the terminal');
  t.is((await cli(['whoami'], { env: ws.env })).code, 0);
  t.true(await passwordWorks(user.email, CHOSEN));
  t.false(await passwordWorks(user.email, TEMPORARY));
});

test('when a user is made passwordless, then their password login says to use a link; user update --password-login on undoes it', async (t) => {
  const user = await newUser(stack, adminSession);
  const off = await stack.http.patch(`/v1/users/${user.id}`, { token: adminSession.access_token, json: { password_login: false } });
  t.is(off.status, 200, off.text);
  const refused = await login(t, user.email, PASSWORD);
  t.is(refused.code, 4, refused.stderr);
  t.regex(refused.stderr, new RegExp(`\`tollgate login --magic-link --email ${user.email.replaceAll('.', '\\.')}\``));

  const on = await cli(['user', 'update', user.id, '--password-login', 'on'], { env: admin.env });
  t.is(on.code, 0, on.stderr);
  t.regex(on.stdout, /^Password login\s+on$/m);
  t.is((await login(t, user.email, PASSWORD)).code, 0);
});

test('when profile --email is given, then the link mailed to the new address, pasted, makes it the email whoami shows', async (t) => {
  const user = await newUser(stack, adminSession);
  const { ws } = await login(t, user.email, PASSWORD);
  const nothing = await cli(['profile'], { env: ws.env });
  t.is(nothing.code, 2, nothing.stderr);

  const next = uniqueEmail('cli-new-address');
  const running = startCli(['profile', '--email', next], { env: ws.env });
  await running.waitFor(/confirmation link is on its way/, 'stderr');
  const mail = await waitForMail(next, { subject: /Confirm your new Tollgate email address/ });
  const link = /https:\/\/\S+#token=\S+/.exec(mail.text)?.[0] ?? '';
  const done = await running.answer(`${link}\n`);
  t.is(done.code, 0, done.stderr);
  t.regex(done.stdout, new RegExp(`Your email is now ${next.replaceAll('.', '\\.')}`));
  t.is(json(await cli(['whoami', '--json'], { env: ws.env })).user.email, next);
});

test('when passkeys are listed or deleted from the CLI, then none is listed, an unknown one is not found, and without --yes nothing is asked on a pipe', async (t) => {
  const empty = await cli(['passkey', 'list'], { env: admin.env });
  t.is(empty.code, 0, empty.stderr);
  t.regex(empty.stdout, /No passkeys/);
  t.deepEqual(json(await cli(['passkey', 'list', '--json'], { env: admin.env })), { items: [], next_cursor: null });

  const unknown = await cli(['passkey', 'delete', 'bm8tc3VjaC1wYXNza2V5', '--yes'], { env: admin.env });
  t.is(unknown.code, 5, unknown.stderr);
  const unconfirmed = await cli(['passkey', 'delete', 'bm8tc3VjaC1wYXNza2V5'], { env: admin.env });
  t.is(unconfirmed.code, 2, unconfirmed.stderr);
  t.regex(unconfirmed.stderr, /--yes/);
});
