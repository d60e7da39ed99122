import test from 'ava';
import { people, startMoneyStack, type People } from '../../../test/support/factories.js';
import type { Stack } from '../../../test/support/stack.js';
import { cli, gatewayEnv, json, workspace, type Workspace } from './cli.js';

// `tollgate project` against the real stack: a manager creates projects and adds people; a
// member adds agents to one and sees only its projects; destructive commands ask first.
let stack: Stack;
let p: People;
let manager: Workspace;
let member: Workspace;
let viewer: Workspace;
test.before(async () => {
  stack = await startMoneyStack({ gateway: gatewayEnv });
  p = await people(stack);
  manager = workspace(stack, { TOLLGATE_TOKEN: p.manager.access_token });
  member = workspace(stack, { TOLLGATE_TOKEN: p.member.access_token });
  viewer = workspace(stack, { TOLLGATE_TOKEN: p.viewer.access_token });
});
test.after.always(async () => {
  for (const w of [manager, member, viewer]) w?.cleanup();
  await stack?.close();
});

const unique = (label: string) => `${label}-${Math.random().toString(36).slice(2, 8)}`;

test('a manager creates, shows, lists and updates a project as a table and as JSON; a member cannot create one', async (t) => {
  const name = unique('research');
  const created = await cli(['project', 'create', name, '--description', 'papers', '--budget', '25'], { env: manager.env });
  t.is(created.code, 0, created.stderr);
  const id = /^ID\s+(prj_\S+)$/m.exec(created.stdout)?.[1];
  t.truthy(id, created.stdout);
  t.regex(created.stdout, /you own it/);
  t.regex(created.stdout, /^Your role\s+owner$/m);
  t.regex(created.stdout, /^Limit\s+\$25$/m);

  const shown = json(await cli(['project', 'get', id!, '--json'], { env: manager.env }));
  t.like(shown, { id, name, description: 'papers', your_role: 'owner', budget: { limit_usd: 25 } });
  const table = await cli(['project', 'list', '--all'], { env: manager.env });
  t.regex(table.stdout, /^ID\s+NAME\s+YOUR ROLE\s+LIMIT \$\s+SPENT \$\s+REMAINING \$\s+CREATED$/m);
  t.regex(table.stdout, new RegExp(`^${id}\\s+${name}\\s+owner\\s+25\\s+0\\s+25\\s`, 'm'));

  const updated = json(await cli(['project', 'update', id!, '--name', `${name}-2`, '--alerts', '50,80', '--json'], { env: manager.env }));
  t.like(updated, { name: `${name}-2`, alert_thresholds: [50, 80] });
  t.is((await cli(['project', 'update', id!], { env: manager.env })).code, 2, 'nothing to update');
  t.is((await cli(['project', 'update', id!, '--alerts', '150'], { env: manager.env })).code, 2);

  const refused = await cli(['project', 'create', unique('mine')], { env: member.env });
  t.is(refused.code, 4, refused.stderr);
});

test('members are set and removed; a member adds an agent to its project and sees only its projects; a viewer cannot add agents', async (t) => {
  const id = json(await cli(['project', 'create', unique('team'), '--json'], { env: manager.env })).id as string;
  const set = await cli(['project', 'member', 'set', id, p.member.user.id, '--role', 'member'], { env: manager.env });
  t.is(set.code, 0, set.stderr);
  t.regex(set.stdout, new RegExp(`User ${p.member.user.id} is now a member of project ${id}`));
  t.is((await cli(['project', 'member', 'set', id, p.viewer.user.id, '--role', 'viewer'], { env: manager.env })).code, 0);
  t.is((await cli(['project', 'member', 'set', id, p.viewer.user.id, '--role', 'boss'], { env: manager.env })).code, 2);
  const listed = json(await cli(['project', 'member', 'list', id, '--json'], { env: member.env }));
  t.deepEqual(
    listed.items.map((m: { user_id: string; role: string }) => [m.user_id, m.role]).sort(),
    [
      [p.manager.user.id, 'owner'],
      [p.member.user.id, 'member'],
      [p.viewer.user.id, 'viewer'],
    ].sort(),
  );

  const agent = await cli(['agent', 'create', '--name', unique('in-team'), '--budget', '2', '--project', id, '--json'], {
    env: member.env,
  });
  t.is(agent.code, 0, agent.stderr);
  const agentId = json(agent).agent.id as string;
  t.is(json(agent).agent.project_id, id);
  const outside = json(await cli(['agent', 'create', '--name', unique('alone'), '--budget', '1', '--json'], { env: member.env })).agent.id;
  const inProject = json(await cli(['agent', 'list', '--project', id, '--json'], { env: viewer.env }));
  t.deepEqual(
    inProject.items.map((a: { id: string }) => a.id),
    [agentId],
  );
  t.false(inProject.items.some((a: { id: string }) => a.id === outside));
  const table = await cli(['agent', 'list', '--project', id], { env: viewer.env });
  t.is(table.code, 0, table.stderr);
  t.regex(table.stdout, /^ID\s+NAME\s+OWNER\s+PROJECT\s+LIMIT \$/m);
  t.regex(table.stdout, new RegExp(`^${agentId}\\s+\\S+\\s+${p.member.user.id}\\s+${id}\\s+2\\s`, 'm'));
  t.false(table.stdout.includes(outside));
  t.regex((await cli(['agent', 'get', agentId], { env: viewer.env })).stdout, new RegExp(`^Project\\s+${id}$`, 'm'));
  const byViewer = await cli(['agent', 'create', '--name', unique('nope'), '--budget', '1', '--project', id], { env: viewer.env });
  t.is(byViewer.code, 4, byViewer.stderr);
  const mine = json(await cli(['project', 'list', '--json'], { env: member.env }));
  t.true(mine.items.every((x: { your_role: string }) => x.your_role !== null));

  // Removing asks first: without a terminal it needs --yes.
  const unasked = await cli(['project', 'member', 'remove', id, p.viewer.user.id], { env: manager.env });
  t.is(unasked.code, 2);
  t.regex(unasked.stderr, /--yes/);
  t.is((await cli(['project', 'member', 'remove', id, p.viewer.user.id, '--yes'], { env: manager.env })).code, 0);
  t.is((await cli(['project', 'get', id], { env: viewer.env })).code, 5, 'no longer a member: not found');
});

test('a project with agents is not deleted (exit 6, the reason shown); an empty one is, with --yes', async (t) => {
  const id = json(await cli(['project', 'create', unique('busy'), '--json'], { env: manager.env })).id as string;
  t.is((await cli(['agent', 'create', '--name', unique('a'), '--budget', '1', '--project', id], { env: manager.env })).code, 0);
  const unasked = await cli(['project', 'delete', id], { env: manager.env });
  t.is(unasked.code, 2);
  const busy = await cli(['project', 'delete', id, '--yes'], { env: manager.env });
  t.is(busy.code, 6, busy.stderr);
  t.regex(busy.stderr, /still has agents/);

  const empty = json(await cli(['project', 'create', unique('empty'), '--json'], { env: manager.env })).id as string;
  const deleted = await cli(['project', 'delete', empty, '--yes'], { env: manager.env });
  t.is(deleted.code, 0, deleted.stderr);
  t.regex(deleted.stdout, new RegExp(`Project ${empty} deleted\\.`));
  t.is((await cli(['project', 'get', empty], { env: manager.env })).code, 5);
});
