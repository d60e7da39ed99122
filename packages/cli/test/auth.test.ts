import test from 'ava';
import { readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { newUser, PASSWORD } from '../../../test/support/factories.js';
import { loginAsAdmin, type Session } from '../../../test/support/session.js';
import { startStack, type Stack } from '../../../test/support/stack.js';
import { waitForMail } from '../../../test/support/mailpit.js';
import { cli, cliOnTerminal, gatewayEnv, json, loginAdmin, startCli, workspace, type Workspace } from './cli.js';

let stack: Stack;
let adminSession: Session;
test.before(async () => {
  stack = await startStack({ env: { gateway: gatewayEnv } });
  adminSession = await loginAsAdmin(stack);
});
test.after.always(() => stack?.close());

const stored = (configDir: string) => JSON.parse(readFileSync(path.join(configDir, 'credentials.json'), 'utf8'));

test('when an admin logs in with --password-stdin, then whoami shows them and the tokens are stored 0600 in a 0700 directory', async (t) => {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  const email = stack.secrets.BOOTSTRAP_ADMIN_EMAIL;

  const login = await cli(['login', '--email', email, '--password-stdin'], {
    env: ws.env,
    stdin: `${stack.secrets.BOOTSTRAP_ADMIN_PASSWORD}\n`,
  });
  t.is(login.code, 0, login.stderr);
  t.regex(login.stdout, new RegExp(`Logged in to ${stack.url} as ${email} \\(admin\\)`));
  t.false(login.stdout.includes(stack.secrets.BOOTSTRAP_ADMIN_PASSWORD));

  const file = path.join(ws.configDir, 'credentials.json');
  t.is(statSync(file).mode & 0o777, 0o600);
  t.is(statSync(ws.configDir).mode & 0o777, 0o700);
  const creds = stored(ws.configDir);
  t.is(creds.gateway, stack.url);
  t.is(creds.user.email, email);
  t.truthy(creds.access_token);
  t.truthy(creds.refresh_token);
  t.false(readFileSync(file, 'utf8').includes(stack.secrets.BOOTSTRAP_ADMIN_PASSWORD), 'the password is never stored');

  const who = await cli(['whoami'], { env: ws.env });
  t.is(who.code, 0, who.stderr);
  t.regex(who.stdout, new RegExp(`Email\\s+${email}`));
  t.regex(who.stdout, /Role\s+admin/);
  const whoJson = json(await cli(['whoami', '--json'], { env: ws.env }));
  t.is(whoJson.user.email, email);
  t.is(whoJson.gateway, stack.url);
});

test('when login is typed on a terminal, then the password is not echoed and the session works', async (t) => {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  const password = stack.secrets.BOOTSTRAP_ADMIN_PASSWORD;

  const session = await cliOnTerminal(['login'], {
    env: ws.env,
    steps: [
      { waitFor: /Email: /, send: `${stack.secrets.BOOTSTRAP_ADMIN_EMAIL}\r` },
      { waitFor: /Password: /, send: `${password}\r` },
    ],
  });
  t.is(session.code, 0, session.output);
  t.regex(session.output, /Logged in to/);
  t.false(session.output.includes(password), 'the password never appears on the terminal');
  t.is((await cli(['whoami'], { env: ws.env })).code, 0);
});

test('when login --magic-link is used, then it says to check the mail, takes the pasted link and the session works; the link then works no more', async (t) => {
  const user = await newUser(stack, adminSession, { role: 'member' });
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  const running = startCli(['login', '--magic-link', '--email', user.email], { env: ws.env });
  await running.waitFor(/Check your mail/, 'stderr');
  const mail = await waitForMail(user.email);
  const link = /https:\/\/\S+#token=\S+/.exec(mail.text)?.[0] ?? '';
  const done = await running.answer(`${link}\n`);
  t.is(done.code, 0, done.stderr);
  t.regex(done.stdout, new RegExp(`Logged in to ${stack.url} as ${user.email} \\(member\\)`));
  t.like(json(await cli(['whoami', '--json'], { env: ws.env })), { user: { email: user.email } });

  const elsewhere = workspace(stack);
  t.teardown(elsewhere.cleanup);
  const again = startCli(['login', '--magic-link', '--email', user.email], { env: elsewhere.env });
  await again.waitFor(/Check your mail/, 'stderr');
  const reused = await again.answer(link);
  t.is(reused.code, 3, reused.stderr);
});

test('when user reset-password is used with --stdin, then the mailed link and a new password reset it, and the new one logs in', async (t) => {
  const user = await newUser(stack, adminSession);
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  const running = startCli(['user', 'reset-password', '--email', user.email, '--stdin'], { env: ws.env });
  await running.waitFor(/Check your mail/, 'stderr');
  const mail = await waitForMail(user.email, { subject: /Reset/ });
  const link = /https:\/\/\S+#token=\S+/.exec(mail.text)?.[0] ?? '';
  const newPassword = 'a-fresh-passphrase-from-the-cli';
  const done = await running.answer(`${link}\n${newPassword}\n`);
  t.is(done.code, 0, done.stderr);
  t.regex(done.stdout, /Password changed/);
  const login = await cli(['login', '--email', user.email, '--password-stdin'], { env: ws.env, stdin: newPassword });
  t.is(login.code, 0, login.stderr);
});

test('when profile --name is given, then whoami shows the new name; an empty one is refused (exit 2 or 6) and changes nothing', async (t) => {
  const user = await newUser(stack, adminSession, { role: 'member' });
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  t.is((await cli(['login', '--email', user.email, '--password-stdin'], { env: ws.env, stdin: PASSWORD })).code, 0);
  const renamed = await cli(['profile', '--name', 'Grace Hopper'], { env: ws.env });
  t.is(renamed.code, 0, renamed.stderr);
  t.regex(renamed.stdout, /Your name is now Grace Hopper/);
  t.is(json(await cli(['whoami', '--json'], { env: ws.env })).user.name, 'Grace Hopper');
  const empty = await cli(['profile', '--name', ' '], { env: ws.env });
  t.not(empty.code, 0);
  t.is(json(await cli(['whoami', '--json'], { env: ws.env })).user.name, 'Grace Hopper');
});

test('when the password is wrong, then login exits 3 and stores nothing', async (t) => {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  const r = await cli(['login', '--email', stack.secrets.BOOTSTRAP_ADMIN_EMAIL, '--password-stdin'], {
    env: ws.env,
    stdin: 'not-the-password\n',
  });
  t.is(r.code, 3);
  t.regex(r.stderr, /invalid email or password/);
  t.is((await cli(['whoami'], { env: ws.env })).code, 3);
});

test('when nobody is logged in, then commands exit 3 and say to run tollgate login', async (t) => {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  for (const args of [['whoami'], ['token', 'list'], ['token', 'get', 'AAAAAAAAAAAAAAAA']]) {
    const r = await cli(args, { env: ws.env });
    t.is(r.code, 3, args.join(' '));
    t.regex(r.stderr, /not logged in — run `tollgate login`/);
  }
  const asJson = await cli(['whoami', '--json'], { env: ws.env });
  t.is(asJson.code, 3);
  t.is(JSON.parse(asJson.stderr).error.code, 'not_logged_in');
});

test('when there is no terminal and no --password-stdin, then login is a usage error (exit 2)', async (t) => {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  const r = await cli(['login', '--email', stack.secrets.BOOTSTRAP_ADMIN_EMAIL], { env: ws.env });
  t.is(r.code, 2);
  t.regex(r.stderr, /--password-stdin/);
});

test('when logged out, then the session is ended on the gateway and the credentials are deleted', async (t) => {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  await loginAdmin(stack, ws);
  const { access_token } = stored(ws.configDir);

  const r = await cli(['logout'], { env: ws.env });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /Logged out of/);
  t.throws(() => statSync(path.join(ws.configDir, 'credentials.json')));
  const old = await stack.http.get('/v1/auth/me', { token: access_token });
  t.is(old.status, 401, 'the old access token no longer works');
  t.is((await cli(['whoami'], { env: ws.env })).code, 3);
  t.is((await cli(['logout'], { env: ws.env })).code, 0, 'logging out twice is fine');
});

test('when the session was ended elsewhere, then commands exit 3 and say to log in again', async (t) => {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  await loginAdmin(stack, ws);
  const { access_token } = stored(ws.configDir);
  t.is((await stack.http.post('/v1/auth/logout', { token: access_token })).status, 204);

  const r = await cli(['token', 'list'], { env: ws.env });
  t.is(r.code, 3);
  t.regex(r.stderr, /run `tollgate login`/);
});

test('when --gateway and --ca are given instead of the environment, then login remembers both for later commands', async (t) => {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  const env = { ...ws.env };
  delete (env as Record<string, string | undefined>).TOLLGATE_URL;
  delete (env as Record<string, string | undefined>).TOLLGATE_CA;

  const login = await cli(
    ['login', '--gateway', stack.url, '--ca', ws.caFile, '--email', stack.secrets.BOOTSTRAP_ADMIN_EMAIL, '--password-stdin'],
    {
      env,
      stdin: stack.secrets.BOOTSTRAP_ADMIN_PASSWORD,
    },
  );
  t.is(login.code, 0, login.stderr);
  const who = await cli(['whoami', '--json'], { env });
  t.is(who.code, 0, who.stderr);
  t.is(json(who).gateway, stack.url);

  const elsewhere = await cli(['whoami', '--gateway', 'https://127.0.0.1:9'], { env });
  t.is(elsewhere.code, 3, 'tokens are never sent to another gateway');
  t.regex(elsewhere.stderr, /not logged in to https:\/\/127\.0\.0\.1:9/);
});

test('when the gateway certificate is not trusted, then exit 7 with a hint about --ca', async (t) => {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  const env = { ...ws.env };
  delete (env as Record<string, string | undefined>).TOLLGATE_CA;
  const r = await cli(['login', '--email', 'a@example.test', '--password-stdin'], { env, stdin: 'x' });
  t.is(r.code, 7);
  t.regex(r.stderr, /not trusted .*--ca/);
  t.notRegex(r.stderr, /retrying/, 'a certificate problem is not retried');
});

test('when the gateway is unreachable, then the CLI retries with backoff and exits 7', async (t) => {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  // A port that was free a moment ago: connections to it are refused.
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
  const r = await cli(['login', '--email', 'a@example.test', '--password-stdin'], {
    env: { ...ws.env, TOLLGATE_URL: `https://127.0.0.1:${port}` },
    stdin: 'x',
  });
  t.is(r.code, 7);
  t.is((r.stderr.match(/retrying in/g) ?? []).length, 3);
  t.regex(r.stderr, /connection refused\) — is the gateway running\?/);
});

test('when the command line is wrong, then exit 2; --help documents the exit codes', async (t) => {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  t.is((await cli(['frobnicate'], { env: ws.env })).code, 2);
  t.is((await cli(['token', 'list', '--limit', '0'], { env: ws.env })).code, 2);
  t.is((await cli(['token', 'list', '--status', 'sleeping'], { env: ws.env })).code, 2);
  t.is((await cli(['token', 'get'], { env: ws.env })).code, 2);
  t.is((await cli(['whoami', '--gateway', 'ftp://example.test'], { env: ws.env })).code, 2);
  const help = await cli(['--help'], { env: ws.env });
  t.is(help.code, 0);
  t.regex(help.stdout, /Exit codes:[\s\S]*3 {2}not logged in[\s\S]*7 {2}network error/);
});

/** A fresh machine with `email` logged in through the CLI, cleaned up after the test. */
async function loggedIn(t: { teardown(fn: () => void): void }, email: string, password = PASSWORD): Promise<Workspace> {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  const r = await cli(['login', '--email', email, '--password-stdin'], { env: ws.env, stdin: `${password}\n` });
  if (r.code !== 0) throw new Error(`login as ${email} failed (exit ${r.code}): ${r.stderr}`);
  return ws;
}

test('when a user logs out with --all, then it asks first, and once confirmed every session of theirs ends', async (t) => {
  const user = await newUser(stack, adminSession);
  const here = await loggedIn(t, user.email);
  const there = await loggedIn(t, user.email);
  const { access_token } = stored(here.configDir);

  const refused = await cli(['logout', '--all'], { env: here.env, stdin: 'y\n' });
  t.is(refused.code, 2);
  t.regex(refused.stderr, /refusing to end every session of yours without confirmation: .* pass --yes/);
  const no = await cliOnTerminal(['logout', '--all'], { env: here.env, steps: [{ waitFor: /Are you sure\? \(y\/N\)/, send: 'n\r' }] });
  t.is(no.code, 0, no.output);
  t.regex(no.output, /All 2 of your sessions will end at once/);
  t.regex(no.output, /Not logged out/);
  t.is((await cli(['whoami'], { env: there.env })).code, 0, 'nothing ended');

  const yes = await cliOnTerminal(['logout', '--all'], { env: here.env, steps: [{ waitFor: /Are you sure\? \(y\/N\)/, send: 'y\r' }] });
  t.is(yes.code, 0, yes.output);
  t.regex(yes.output, new RegExp(`Logged out of ${stack.url} everywhere`));
  t.throws(() => statSync(path.join(here.configDir, 'credentials.json')), undefined, 'the credentials are deleted');
  t.is((await stack.http.get('/v1/auth/me', { token: access_token })).status, 401);
  const elsewhere = await cli(['whoami'], { env: there.env });
  t.is(elsewhere.code, 3, 'the login on the other machine has ended too');

  const again = await loggedIn(t, user.email);
  const other = await loggedIn(t, user.email);
  const scripted = await cli(['logout', '--all', '--yes', '--json'], { env: again.env });
  t.is(scripted.code, 0, scripted.stderr);
  t.deepEqual(json(scripted), { logged_out: true, gateway: stack.url, all_sessions: true });
  t.is((await cli(['whoami'], { env: other.env })).code, 3);
  t.deepEqual(json(await cli(['logout', '--all', '--yes', '--json'], { env: again.env })), { logged_out: false }, 'nothing left to end');
});

test('when a user changes their password, then the new one logs in, the old one not, and their other sessions end', async (t) => {
  const user = await newUser(stack, adminSession);
  const here = await loggedIn(t, user.email);
  const there = await loggedIn(t, user.email);
  const newPassword = 'a-brand-new-cli-passphrase';

  const wrong = await cli(['change-password', '--password-stdin'], { env: here.env, stdin: `not-the-password\n${newPassword}\n` });
  t.is(wrong.code, 4, wrong.stderr);
  const weak = await cli(['change-password', '--password-stdin', '--json'], { env: here.env, stdin: `${PASSWORD}\nshort\n` });
  t.is(weak.code, 6, weak.stderr);
  t.is(JSON.parse(weak.stderr).error.exit_code, 6);
  for (const [stdin, message] of [
    [`${PASSWORD}\n`, /stdin holds two lines: the current password, then the new one/],
    [`${PASSWORD}\n\n`, /the password is empty/],
    [undefined, /no terminal to ask for the passwords/],
  ] as const) {
    const refused = await cli(['change-password', ...(stdin === undefined ? [] : ['--password-stdin'])], { env: here.env, stdin });
    t.is(refused.code, 2, refused.stderr);
    t.regex(refused.stderr, message);
  }
  t.is((await cli(['whoami'], { env: there.env })).code, 0, 'nothing changed yet');

  const changed = await cli(['change-password', '--password-stdin'], { env: here.env, stdin: `${PASSWORD}\n${newPassword}\n` });
  t.is(changed.code, 0, changed.stderr);
  t.regex(changed.stdout, /Password changed: your other sessions have ended; this one goes on\./);
  t.false(changed.stdout.includes(newPassword) || changed.stderr.includes(newPassword), 'the password is never printed');
  t.is((await cli(['whoami'], { env: here.env })).code, 0, 'this session goes on');
  t.is((await cli(['whoami'], { env: there.env })).code, 3, 'the other one has ended');
  const old = await cli(['login', '--email', user.email, '--password-stdin'], { env: there.env, stdin: PASSWORD });
  t.is(old.code, 3, 'the old password no longer works');

  const typed = await cliOnTerminal(['change-password'], {
    env: here.env,
    steps: [
      { waitFor: /Current password: /, send: `${newPassword}\r` },
      { waitFor: /New password: /, send: `${PASSWORD}\r` },
      { waitFor: /Repeat it: /, send: `${PASSWORD}\r` },
    ],
  });
  t.is(typed.code, 0, typed.output);
  t.false(typed.output.includes(newPassword) || typed.output.includes(PASSWORD), 'nothing typed is echoed');
  t.regex(typed.output, /Password changed/);
  await loggedIn(t, user.email, PASSWORD);

  const own = await cli(['token', 'create', '--name', 'not-for-passwords', '--scope', 'tokens:read', '--json'], { env: here.env });
  t.is(own.code, 0, own.stderr);
  const byToken = await cli(['change-password', '--password-stdin'], {
    env: { ...here.env, TOLLGATE_TOKEN: json(own).token },
    stdin: `${PASSWORD}\n${newPassword}\n`,
  });
  t.is(byToken.code, 4, 'a password is changed by a person logged in, not by an API token');
  await loggedIn(t, user.email, PASSWORD);
});

test('when an admin rotates the signing key, then signing-key list shows the new key beside the old, and nobody is logged out', async (t) => {
  const admin = workspace(stack);
  t.teardown(admin.cleanup);
  await loginAdmin(stack, admin);
  const anonymous = workspace(stack);
  t.teardown(anonymous.cleanup);

  const before = await cli(['signing-key', 'list', '--json'], { env: anonymous.env });
  t.is(before.code, 0, 'the JWKS needs no login');
  const kids = (r: typeof before) => (json(r).keys as { kid: string }[]).map((k) => k.kid);
  t.true(kids(before).length >= 1);

  const rotated = await cli(['signing-key', 'rotate', '--json'], { env: admin.env });
  t.is(rotated.code, 0, rotated.stderr);
  const key = json(rotated);
  t.like(key, { kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
  t.false(kids(before).includes(key.kid), 'a fresh key');

  const table = await cli(['signing-key', 'list'], { env: anonymous.env });
  t.is(table.code, 0, table.stderr);
  t.regex(table.stdout, /^KEY ID\s+ALGORITHM\s+CURVE\s+USE$/m);
  t.regex(table.stdout, new RegExp(`^${key.kid}\\s+ES256\\s+P-256\\s+sig$`, 'm'));
  for (const kid of kids(before)) t.regex(table.stdout, new RegExp(`^${kid}\\s`, 'm'), 'the old key still verifies');
  t.is((await cli(['whoami'], { env: admin.env })).code, 0, 'the admin is still logged in');

  const human = await cli(['signing-key', 'rotate'], { env: admin.env });
  t.is(human.code, 0, human.stderr);
  t.regex(human.stdout, /Signing key rotated: new access tokens are signed with key \S+;/);

  const member = await newUser(stack, adminSession);
  const byMember = await cli(['signing-key', 'rotate'], { env: (await loggedIn(t, member.email)).env });
  t.is(byMember.code, 4, byMember.stderr);
  t.regex(byMember.stderr, /forbidden/);
});
