import test from 'ava';
import { readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startStack, type Stack } from '../../../test/support/stack.js';
import { cli, cliOnTerminal, gatewayEnv, json, loginAdmin, workspace } from './cli.js';

let stack: Stack;
test.before(async () => {
  stack = await startStack({ env: { gateway: gatewayEnv } });
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
