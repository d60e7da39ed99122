import test from 'ava';
import { addProviderKey, people, startMoneyStack, type People } from '../../../test/support/factories.js';
import type { Stack } from '../../../test/support/stack.js';
import { cli, gatewayEnv, json, workspace, type Workspace } from './cli.js';

// `tollgate budget` and `tollgate request` with a project's id (prj_…) against the real stack:
// a manager gives a project a budget, its owner asks for more, another manager approves.
let stack: Stack;
let p: People;
let owner: Workspace;
let manager: Workspace;
let approver: Workspace;
test.before(async () => {
  stack = await startMoneyStack({ gateway: gatewayEnv });
  p = await people(stack);
  await addProviderKey(stack, p.admin, 'openai', 'sk-live-cli-projects-0123456789abcdef');
  owner = workspace(stack, { TOLLGATE_TOKEN: p.member.access_token });
  manager = workspace(stack, { TOLLGATE_TOKEN: p.manager.access_token });
  approver = workspace(stack, { TOLLGATE_TOKEN: p.manager2.access_token });
});
test.after.always(async () => {
  for (const w of [owner, manager, approver]) w?.cleanup();
  await stack?.close();
});

async function newProject(): Promise<string> {
  const res = await stack.http.post('/v1/projects', {
    token: p.manager.access_token,
    json: { name: `team-${Math.random().toString(36).slice(2, 8)}` },
  });
  if (res.status !== 201) throw new Error(`project: ${res.status} ${res.text}`);
  await stack.http.put(`/v1/projects/${res.body.id}/members/${p.member.user.id}`, {
    token: p.manager.access_token,
    json: { role: 'owner' },
  });
  return res.body.id as string;
}

test('a manager gives a project a budget with `budget set prj_…`; get, history and reset read and change the project’s', async (t) => {
  const project = await newProject();
  const none = await cli(['budget', 'get', project], { env: owner.env });
  t.is(none.code, 0, none.stderr);
  t.regex(none.stdout, /No budget of its own/);

  const set = await cli(['budget', 'set', project, '--limit', '12.5', '--period', 'month', '--reason', 'team budget'], {
    env: manager.env,
  });
  t.is(set.code, 0, set.stderr);
  t.regex(set.stdout, new RegExp(`Budget of project ${project} set\\.`));
  t.regex(set.stdout, /^Limit\s+\$12\.5$/m);
  const got = json(await cli(['budget', 'get', project, '--json'], { env: owner.env }));
  t.like(got, { id: project, budget: { limit_usd: 12.5, period: 'month', spent_usd: 0 } });
  t.is(
    (await cli(['budget', 'set', project, '--limit', '20', '--reason', 'more'], { env: owner.env })).code,
    4,
    'a project owner is no manager',
  );

  const reset = await cli(['budget', 'reset', project, '--reason', 'new month', '--yes'], { env: manager.env });
  t.is(reset.code, 0, reset.stderr);
  t.regex(reset.stdout, new RegExp(`Budget of project ${project} reset\\.`));
  const history = json(await cli(['budget', 'history', project, '--json'], { env: owner.env }));
  t.deepEqual(
    history.items.map((h: { kind: string }) => h.kind),
    ['set', 'reset'],
  );
});

test('a project’s owner asks for more with `request create --project`; a manager who does not own it approves', async (t) => {
  const project = await newProject();
  t.is((await cli(['budget', 'set', project, '--limit', '1', '--reason', 'start'], { env: manager.env })).code, 0);
  t.is((await cli(['request', 'create', '--amount', '2', '--justification', 'x'], { env: owner.env })).code, 2, '--agent or --project');
  const filed = await cli(['request', 'create', '--project', project, '--amount', '2', '--justification', 'launch'], { env: owner.env });
  t.is(filed.code, 0, filed.stderr);
  t.regex(filed.stdout, new RegExp(`\\$2 more for project ${project}`));
  const id = /Budget request (brq_\S+) filed/.exec(filed.stdout)?.[1];
  t.truthy(id, filed.stdout);
  const listed = json(await cli(['request', 'list', '--project', project, '--json'], { env: owner.env }));
  t.deepEqual(
    listed.items.map((r: { id: string }) => r.id),
    [id],
  );
  const own = await cli(['request', 'approve', id!], { env: manager.env });
  t.is(own.code, 4, 'the manager created the project: it owns it');
  const approved = await cli(['request', 'approve', id!, '--note', 'ok'], { env: approver.env });
  t.is(approved.code, 0, approved.stderr);
  t.regex(approved.stdout, new RegExp(`the limit of project ${project} rose by \\$2`));
  t.like(json(await cli(['budget', 'get', project, '--json'], { env: owner.env })), { budget: { limit_usd: 3 } });
});
