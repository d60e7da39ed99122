import test from 'ava';
import { loginAsAdmin } from '../../../test/support/session.js';
import { startStack, type Stack } from '../../../test/support/stack.js';
import { cli, cliOnTerminal, gatewayEnv, json, loginAdmin, secretsIn, workspace, type Workspace } from './cli.js';

let stack: Stack;
test.before(async () => {
  stack = await startStack({ env: { gateway: gatewayEnv } });
});
test.after.always(() => stack?.close());

/** A fresh machine with the admin logged in, cleaned up after the test. */
async function adminWorkspace(t: { teardown(fn: () => void): void }): Promise<Workspace> {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  await loginAdmin(stack, ws);
  return ws;
}

async function createToken(ws: Workspace, name: string, scopes = ['tokens:read']): Promise<{ id: string; token: string }> {
  const r = await cli(['token', 'create', '--name', name, ...scopes.flatMap((s) => ['--scope', s]), '--json'], { env: ws.env });
  if (r.code !== 0) throw new Error(`token create failed (exit ${r.code}): ${r.stderr}`);
  return json(r);
}

/** What the gateway says about a token secret, asked directly (not through the CLI). */
async function isActive(ws: Workspace, token: string): Promise<boolean> {
  const r = json(await cli(['token', 'validate', '--token-stdin', '--json'], { env: ws.env, stdin: token }));
  return r.active === true;
}

test('when a token is created, then its secret is shown once and list, get, update and validate agree', async (t) => {
  const ws = await adminWorkspace(t);

  const created = await cli(
    [
      'token',
      'create',
      '--name',
      'ci-deploy',
      '--description',
      'deploys',
      '--scope',
      'tokens:read',
      '--scope',
      'agents:read',
      '--expires-in',
      '30',
      '--json',
    ],
    { env: ws.env },
  );
  t.is(created.code, 0, created.stderr);
  const tok = json(created);
  t.regex(tok.token, /^tg_pat_[0-9A-Za-z]{54}$/);
  t.is(tok.name, 'ci-deploy');
  t.is(tok.description, 'deploys');
  t.deepEqual([...tok.scopes].sort(), ['agents:read', 'tokens:read']);
  t.is(tok.status, 'active');
  const days = (Date.parse(tok.expires_at) - Date.now()) / 86_400_000;
  t.true(days > 29.9 && days <= 30, `expires in ${days} days`);

  const listed = await cli(['token', 'list', '--json'], { env: ws.env });
  t.is(listed.code, 0, listed.stderr);
  const item = json(listed).items.find((i: { id: string }) => i.id === tok.id);
  t.is(item?.name, 'ci-deploy');
  t.false(listed.stdout.includes(tok.token), 'list never shows the secret');

  const table = await cli(['token', 'list'], { env: ws.env });
  t.regex(table.stdout, /^ID\s+NAME\s+STATUS\s+EXPIRES\s+LAST USED\s+SCOPES$/m);
  t.regex(table.stdout, new RegExp(`^${tok.id}\\s+ci-deploy\\s+active\\s`, 'm'));

  const got = await cli(['token', 'get', tok.id, '--json'], { env: ws.env });
  t.is(got.code, 0, got.stderr);
  t.is(json(got).id, tok.id);
  t.is(json(got).token, undefined, 'get never shows the secret');
  const human = await cli(['token', 'get', tok.id], { env: ws.env });
  t.regex(human.stdout, /Name\s+ci-deploy/);
  t.false(human.stdout.includes(tok.token));

  const updated = await cli(['token', 'update', tok.id, '--name', 'ci-release', '--scope', 'tokens:read,tokens:write', '--json'], {
    env: ws.env,
  });
  t.is(updated.code, 0, updated.stderr);
  t.is(json(updated).name, 'ci-release');
  t.deepEqual([...json(updated).scopes].sort(), ['tokens:read', 'tokens:write']);
  t.is(json(await cli(['token', 'get', tok.id, '--json'], { env: ws.env })).name, 'ci-release');

  const valid = await cli(['token', 'validate', '--token-stdin', '--json'], { env: ws.env, stdin: `${tok.token}\n` });
  t.is(valid.code, 0, valid.stderr);
  t.like(json(valid), { active: true, id: tok.id });
  const validHuman = await cli(['token', 'validate', '--token-stdin'], { env: ws.env, stdin: tok.token });
  t.regex(validHuman.stdout, /Status\s+active/);
});

test('when a token is created for humans, then the secret is printed exactly once with a warning', async (t) => {
  const ws = await adminWorkspace(t);
  const r = await cli(['token', 'create', '--name', 'human', '--scope', 'tokens:read'], { env: ws.env });
  t.is(r.code, 0, r.stderr);
  const secrets = secretsIn(r.stdout);
  t.is(secrets.length, 1);
  t.regex(r.stdout, /shown only once/);
  t.true(await isActive(ws, secrets[0]));
});

test('when a token is rotated without --grace, then the old secret dies at once and the new one works', async (t) => {
  const ws = await adminWorkspace(t);
  const tok = await createToken(ws, 'rotate-now');

  const r = await cli(['token', 'rotate', tok.id, '--json'], { env: ws.env });
  t.is(r.code, 0, r.stderr);
  const rotated = json(r);
  t.is(rotated.id, tok.id);
  t.regex(rotated.token, /^tg_pat_/);
  t.not(rotated.token, tok.token);
  t.false(await isActive(ws, tok.token));
  t.true(await isActive(ws, rotated.token));
});

test('when a token is rotated with --grace, then both secrets work during the grace period', async (t) => {
  const ws = await adminWorkspace(t);
  const tok = await createToken(ws, 'rotate-grace');

  const r = await cli(['token', 'rotate', tok.id, '--grace', '600'], { env: ws.env });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /previous secret keeps working for 600 s/);
  const [secret] = secretsIn(r.stdout);
  t.truthy(secret);
  t.true(await isActive(ws, tok.token), 'the old secret still works');
  t.true(await isActive(ws, secret));
});

test('when revoke is confirmed with y on a terminal, then the token is revoked', async (t) => {
  const ws = await adminWorkspace(t);
  const tok = await createToken(ws, 'revoke-yes');

  const session = await cliOnTerminal(['token', 'revoke', tok.id], {
    env: ws.env,
    steps: [{ waitFor: /Are you sure\? \(y\/N\)/, send: 'y\r' }],
  });
  t.is(session.code, 0, session.output);
  t.regex(session.output, /revoke-yes/, 'the prompt names the token');
  t.regex(session.output, new RegExp(`Token ${tok.id} revoked`));
  t.false(await isActive(ws, tok.token));
  t.is(json(await cli(['token', 'get', tok.id, '--json'], { env: ws.env })).status, 'revoked');
});

test('when revoke is answered n on a terminal, then the token stays active', async (t) => {
  const ws = await adminWorkspace(t);
  const tok = await createToken(ws, 'revoke-no');

  const session = await cliOnTerminal(['token', 'revoke', tok.id], {
    env: ws.env,
    steps: [{ waitFor: /Are you sure\? \(y\/N\)/, send: 'n\r' }],
  });
  t.is(session.code, 0, session.output);
  t.regex(session.output, /Not revoked/);
  t.true(await isActive(ws, tok.token));
});

test('when revoke runs without a terminal and without --yes, then it refuses (exit 2) and the token stays active', async (t) => {
  const ws = await adminWorkspace(t);
  const tok = await createToken(ws, 'revoke-script');

  const r = await cli(['token', 'revoke', tok.id], { env: ws.env, stdin: 'y\n' });
  t.is(r.code, 2);
  t.regex(r.stderr, /refusing to revoke .* pass --yes/);
  t.true(await isActive(ws, tok.token));

  const yes = await cli(['token', 'revoke', tok.id, '--yes', '--json'], { env: ws.env });
  t.is(yes.code, 0, yes.stderr);
  t.deepEqual(json(yes), { id: tok.id, revoked: true });
  t.false(await isActive(ws, tok.token));
  const validate = await cli(['token', 'validate', '--token-stdin'], { env: ws.env, stdin: tok.token });
  t.regex(validate.stdout, /^inactive/);
});

test('when the token does not exist, then get, update, rotate and revoke exit 5', async (t) => {
  const ws = await adminWorkspace(t);
  const missing = 'ZZZZZZZZZZZZZZZZ';
  for (const args of [
    ['get', missing],
    ['update', missing, '--name', 'x'],
    ['rotate', missing],
    ['revoke', missing, '--yes'],
  ]) {
    const r = await cli(['token', ...args], { env: ws.env });
    t.is(r.code, 5, `${args.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, /not found/);
  }
});

test('when acting as an API token that lacks a scope, then the CLI exits 4 and names the problem', async (t) => {
  const ws = await adminWorkspace(t);
  const readOnly = await createToken(ws, 'read-only', ['tokens:read']);
  const asToken = { ...ws.env, TOLLGATE_TOKEN: readOnly.token };

  const who = await cli(['whoami', '--json'], { env: asToken });
  t.is(who.code, 0, who.stderr);
  t.is(json(who).token.id, readOnly.id);

  t.is((await cli(['token', 'list'], { env: asToken })).code, 0, 'reading is allowed');
  const create = await cli(['token', 'create', '--name', 'escalate', '--scope', 'tokens:read'], { env: asToken });
  t.is(create.code, 4);
  t.regex(create.stderr, /forbidden/);
  const rotate = await cli(['token', 'rotate', readOnly.id], { env: asToken });
  t.is(rotate.code, 4);
});

test('when a person asks for scopes beyond their role, then the CLI exits 4', async (t) => {
  const admin = await loginAsAdmin(stack);
  const email = `viewer-${Date.now()}@example.test`;
  const password = 'viewer-password-correct-horse';
  const created = await stack.http.post('/v1/users', { token: admin.access_token, json: { email, password, role: 'viewer' } });
  t.is(created.status, 201, created.text);
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  t.is((await cli(['login', '--email', email, '--password-stdin'], { env: ws.env, stdin: password })).code, 0);

  const r = await cli(['token', 'create', '--name', 'too-much', '--scope', 'users:write'], { env: ws.env });
  t.is(r.code, 4);
  t.regex(r.stderr, /forbidden: .*users:write/);
  t.is((await cli(['token', 'create', '--name', 'fine', '--scope', 'tokens:read'], { env: ws.env })).code, 0);
});

test('when an admin creates a token with --never-expires, then it has no expiry; with --expires-in too, it is a usage error', async (t) => {
  const ws = await adminWorkspace(t);
  const r = await cli(['token', 'create', '--name', 'forever', '--scope', 'tokens:read', '--never-expires', '--json'], { env: ws.env });
  t.is(r.code, 0, r.stderr);
  t.is(json(r).expires_at, null);
  t.regex((await cli(['token', 'get', json(r).id], { env: ws.env })).stdout, /Expires\s+never/);
  t.is(
    (await cli(['token', 'create', '--name', 'x', '--scope', 'tokens:read', '--never-expires', '--expires-in', '5'], { env: ws.env })).code,
    2,
  );
});

test('when a request is invalid, then the CLI exits 6 and names the field', async (t) => {
  const ws = await adminWorkspace(t);
  const r = await cli(['token', 'create', '--name', 'bad', '--scope', 'no:such-scope'], { env: ws.env });
  t.is(r.code, 6);
  t.regex(r.stderr, /invalid request: .*scopes\.0: must be one of/);
  const days = await cli(['token', 'create', '--name', 'bad', '--scope', 'tokens:read', '--expires-in', '999'], { env: ws.env });
  t.is(days.code, 2, 'out-of-range options are caught before anything is sent');
});

test('when there are more tokens than a page, then --limit pages, --cursor continues and --all follows every page', async (t) => {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  await loginAdmin(stack, ws);
  const mine = new Set<string>();
  for (let i = 0; i < 3; i++) mine.add((await createToken(ws, `page-${i}`)).id);

  const first = json(await cli(['token', 'list', '--limit', '1', '--json'], { env: ws.env }));
  t.is(first.items.length, 1);
  t.truthy(first.next_cursor);
  const second = json(await cli(['token', 'list', '--limit', '1', '--cursor', first.next_cursor, '--json'], { env: ws.env }));
  t.is(second.items.length, 1);
  t.not(second.items[0].id, first.items[0].id);

  const all = json(await cli(['token', 'list', '--limit', '1', '--all', '--json'], { env: ws.env }));
  t.is(all.next_cursor, null);
  const ids = new Set(all.items.map((i: { id: string }) => i.id));
  for (const id of mine) t.true(ids.has(id));
  t.is(ids.size, all.items.length, 'no duplicates across pages');

  const revoked = json(await cli(['token', 'list', '--status', 'revoked', '--all', '--json'], { env: ws.env }));
  t.true(revoked.items.every((i: { status: string }) => i.status === 'revoked'));
});

test('when a whole token is given where an id is expected, then nothing is sent and the CLI explains (exit 2)', async (t) => {
  const ws = await adminWorkspace(t);
  const tok = await createToken(ws, 'pasted');
  const r = await cli(['token', 'get', tok.token], { env: ws.env });
  t.is(r.code, 2);
  t.regex(r.stderr, /whole token/);
  t.false(r.stderr.includes(tok.token));
  const byPrefix = await cli(['token', 'get', `tg_pat_${tok.id}`, '--json'], { env: ws.env });
  t.is(byPrefix.code, 0, byPrefix.stderr);
  t.is(json(byPrefix).id, tok.id);
});
