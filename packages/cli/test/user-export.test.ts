import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { auditEventsOf, createAgent, type CreatedAgent } from '../../../test/support/factories.js';
import { createUserAndLogin, loginAsAdmin, type Session } from '../../../test/support/session.js';
import { startStack, type Stack } from '../../../test/support/stack.js';
import { cli, gatewayEnv, json, loginAdmin, workspace, type Workspace } from './cli.js';

// `tollgate user export` against the real stack: a member logged in (their access token) exports
// themself; the bootstrap admin, logged in through the CLI, exports anyone.
let stack: Stack;
let adminSession: Session;
let memberSession: Session;
let admin: Workspace;
let member: Workspace;
let agent: CreatedAgent;
let secret: string;
test.before(async () => {
  stack = await startStack({ env: { gateway: gatewayEnv, identity: { ARGON2_MEMORY_KIB: '1024' } } });
  adminSession = await loginAsAdmin(stack);
  memberSession = await createUserAndLogin(stack, adminSession, 'member');
  admin = workspace(stack);
  await loginAdmin(stack, admin);
  member = workspace(stack, { TOLLGATE_TOKEN: memberSession.access_token });
  const token = await stack.http.post('/v1/tokens', {
    token: memberSession.access_token,
    json: { name: 'ci-deploy', scopes: ['tokens:read'] },
  });
  secret = token.body.token;
  agent = await createAgent(stack, memberSession, 5);
  await auditEventsOf(stack, adminSession, 'agent.created', agent.id);
});
test.after.always(async () => {
  admin?.cleanup();
  member?.cleanup();
  await stack?.close();
});

test('when a member exports themself with --out, then a new 0600 file holds their profile, tokens without secrets and agents with events', async (t) => {
  const file = path.join(member.dir, 'me.json');
  const r = await cli(['user', 'export', '--user', memberSession.user.id, '--out', file, '--json'], { env: member.env });
  t.is(r.code, 0, r.stderr);
  t.is(statSync(file).mode & 0o777, 0o600, 'personal data: only its owner reads it');
  const text = readFileSync(file, 'utf8');
  const data = JSON.parse(text);
  t.like(data.user, { id: memberSession.user.id, email: memberSession.user.email });
  t.true(data.tokens.some((x: { name: string; kind: string }) => x.name === 'ci-deploy' && x.kind === 'personal'));
  t.false(text.includes(secret) || text.includes(agent.token), 'never a secret');
  t.deepEqual(
    data.agents.map((a: { id: string }) => a.id),
    [agent.id],
  );
  t.true(data.agents[0].events.some((e: { action: string }) => e.action === 'agent.created'));
  t.deepEqual(json(r), {
    output: file,
    user_id: memberSession.user.id,
    sessions: data.sessions.length,
    tokens: data.tokens.length,
    agents: 1,
    events: data.agents[0].events.length,
    truncated: false,
  });

  const again = await cli(['user', 'export', '--user', memberSession.user.id, '--out', file], { env: member.env });
  t.is(again.code, 2, 'an existing file is never overwritten');
  t.regex(again.stderr, /cannot write .*me\.json \(EEXIST\) — check --out/);
  t.is(readFileSync(file, 'utf8'), text);
  const nowhere = await cli(['user', 'export', '--user', memberSession.user.id, '--out', path.join(member.dir, 'missing', 'me.json')], {
    env: member.env,
  });
  t.is(nowhere.code, 2);
  t.regex(nowhere.stderr, /ENOENT/);
});

test('when an admin exports a member, then the JSON goes to stdout, or a summary of the file without --json', async (t) => {
  const r = await cli(['user', 'export', '--user', memberSession.user.id], { env: admin.env });
  t.is(r.code, 0, r.stderr);
  const data = JSON.parse(r.stdout);
  t.is(data.user.id, memberSession.user.id);
  t.false(data.truncated);
  t.false(r.stdout.includes(secret));

  const file = path.join(admin.dir, 'member.json');
  const human = await cli(['user', 'export', '--user', memberSession.user.id, '--out', file], { env: admin.env });
  t.is(human.code, 0, human.stderr);
  t.regex(human.stdout, new RegExp(`^Exported the data of ${memberSession.user.email.replaceAll('.', '\\.')} to .*member\\.json\\.$`, 'm'));
  t.regex(human.stdout, /^Agents\s+1$/m);
  t.regex(human.stdout, /^Audit events\s+[1-9]\d*$/m);
  t.is(JSON.parse(readFileSync(file, 'utf8')).user.id, memberSession.user.id);
});

test('when the export is refused or the user unknown, then it exits 4 or 5 and leaves no file behind; --user is required', async (t) => {
  const file = path.join(member.dir, 'admin.json');
  const refused = await cli(['user', 'export', '--user', adminSession.user.id, '--out', file], { env: member.env });
  t.is(refused.code, 4, refused.stderr);
  t.regex(refused.stderr, /forbidden/);
  t.false(existsSync(file), 'nothing is left behind');

  const unknown = path.join(admin.dir, 'nobody.json');
  t.is((await cli(['user', 'export', '--user', 'usr_nobody', '--out', unknown], { env: admin.env })).code, 5);
  t.false(existsSync(unknown));

  const missing = await cli(['user', 'export'], { env: member.env });
  t.is(missing.code, 2);
  t.regex(missing.stderr, /--user/);
});
