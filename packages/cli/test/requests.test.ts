import test from 'ava';
import { createAgent, people, startMoneyStack, type People } from '../../../test/support/factories.js';
import type { Stack } from '../../../test/support/stack.js';
import { cli, gatewayEnv, json, workspace, type Workspace } from './cli.js';

// `tollgate request` against the real stack: members ask for more budget for their agents,
// managers decide.
let stack: Stack;
let p: People;
let member: Workspace;
let member2: Workspace;
let manager: Workspace;
let manager2: Workspace;
test.before(async () => {
  stack = await startMoneyStack({ gateway: gatewayEnv });
  p = await people(stack);
  member = workspace(stack, { TOLLGATE_TOKEN: p.member.access_token });
  member2 = workspace(stack, { TOLLGATE_TOKEN: p.member2.access_token });
  manager = workspace(stack, { TOLLGATE_TOKEN: p.manager.access_token });
  manager2 = workspace(stack, { TOLLGATE_TOKEN: p.manager2.access_token });
});
test.after.always(async () => {
  for (const ws of [member, member2, manager, manager2]) ws?.cleanup();
  await stack?.close();
});

/** A request filed through the CLI (by the member unless `ws` says otherwise), as --json shows it. */
async function file(agentId: string, amount: string, justification = 'more runs', ws = member): Promise<{ id: string }> {
  const r = await cli(['request', 'create', '--agent', agentId, '--amount', amount, '--justification', justification, '--json'], {
    env: ws.env,
  });
  if (r.code !== 0) throw new Error(`request create failed (exit ${r.code}): ${r.stderr}`);
  return json(r);
}

const statusOf = async (id: string) => json(await cli(['request', 'get', id, '--json'], { env: manager.env })).status as string;
const limitOf = async (agentId: string) => json(await cli(['budget', 'get', agentId, '--json'], { env: manager.env })).limit_usd as number;
const idsOf = (r: { stdout: string }) => (JSON.parse(r.stdout) as { items: { id: string }[] }).items.map((i) => i.id);

test('when a member files requests, then get and list show them as tables and as JSON, filtered by status and agent, page by page', async (t) => {
  const agent = await createAgent(stack, p.member, 1);

  const human = await cli(['request', 'create', '--agent', agent.id, '--amount', '12.5', '--justification', 'quarter end'], {
    env: member.env,
  });
  t.is(human.code, 0, human.stderr);
  t.regex(
    human.stdout,
    new RegExp(`^Budget request brq_\\S+ filed: \\$12\\.5 more for agent ${agent.id}, for a manager to decide\\.$`, 'm'),
  );
  t.regex(human.stdout, /^Status\s+pending$/m);
  t.regex(human.stdout, /^Justification\s+quarter end$/m);
  const first = /^ID\s+(brq_\S+)$/m.exec(human.stdout)?.[1];
  t.truthy(first, human.stdout);

  const r = await cli(['request', 'create', '--agent', agent.id, '--amount', '7.25', '--justification', 'nightly batch', '--json'], {
    env: member.env,
  });
  t.is(r.code, 0, r.stderr);
  const created = json(r);
  t.regex(created.id, /^brq_/);
  t.like(created, {
    agent_id: agent.id,
    requester_id: p.member.user.id,
    requested_budget_usd: 7.25,
    justification: 'nightly batch',
    status: 'pending',
    decided_by: null,
    decision_note: null,
    decided_at: null,
  });

  const got = await cli(['request', 'get', created.id, '--json'], { env: member.env });
  t.is(got.code, 0, got.stderr);
  t.deepEqual(json(got), created);
  const summary = await cli(['request', 'get', created.id], { env: manager.env });
  t.is(summary.code, 0, summary.stderr);
  t.regex(summary.stdout, new RegExp(`^Agent ID\\s+${agent.id}$`, 'm'));
  t.regex(summary.stdout, new RegExp(`^Requester ID\\s+${p.member.user.id}$`, 'm'));
  t.regex(summary.stdout, /^Requested\s+\$7\.25 more$/m);
  t.regex(summary.stdout, /^Decided by\s+—$/m);
  t.regex(summary.stdout, /^Note\s+—$/m);

  t.is((await cli(['request', 'reject', first!, '--reason', 'too much'], { env: manager.env })).code, 0);

  const all = await cli(['request', 'list', '--agent', agent.id, '--json'], { env: member.env });
  t.is(all.code, 0, all.stderr);
  t.deepEqual(idsOf(all), [created.id, first], 'newest first');
  t.is(json(all).next_cursor, null);
  t.deepEqual(json(all).items[0], created);
  t.deepEqual(idsOf(await cli(['request', 'list', '--agent', agent.id, '--status', 'pending', '--json'], { env: member.env })), [
    created.id,
  ]);
  t.deepEqual(idsOf(await cli(['request', 'list', '--agent', agent.id, '--status', 'rejected', '--json'], { env: manager.env })), [first]);
  t.deepEqual(idsOf(await cli(['request', 'list', '--agent', agent.id, '--status', 'approved', '--json'], { env: manager.env })), []);

  const table = await cli(['request', 'list', '--agent', agent.id], { env: manager.env });
  t.is(table.code, 0, table.stderr);
  t.regex(table.stdout, /^ID\s+AGENT\s+PROJECT\s+REQUESTER\s+MORE \$\s+STATUS\s+CREATED\s+DECIDED BY\s+JUSTIFICATION$/m);
  t.regex(
    table.stdout,
    new RegExp(
      `^${created.id}\\s+${agent.id}\\s+—\\s+${p.member.user.id}\\s+7\\.25\\s+pending\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\s+—\\s+nightly batch$`,
      'm',
    ),
  );
  t.regex(
    table.stdout,
    new RegExp(`^${first}\\s+${agent.id}\\s+—\\s+\\S+\\s+12\\.5\\s+rejected\\s+.*\\s+${p.manager.user.id}\\s+quarter end$`, 'm'),
  );

  // One at a time: the cursor continues, --all follows every page.
  const page1 = await cli(['request', 'list', '--agent', agent.id, '--limit', '1', '--json'], { env: member.env });
  t.deepEqual(idsOf(page1), [created.id]);
  t.truthy(json(page1).next_cursor);
  const page2 = await cli(['request', 'list', '--agent', agent.id, '--limit', '1', '--cursor', json(page1).next_cursor, '--json'], {
    env: member.env,
  });
  t.deepEqual(idsOf(page2), [first]);
  const everything = await cli(['request', 'list', '--agent', agent.id, '--limit', '1', '--all', '--json'], { env: member.env });
  t.deepEqual(idsOf(everything), [created.id, first]);
  t.is(json(everything).next_cursor, null);
  const more = await cli(['request', 'list', '--agent', agent.id, '--limit', '1'], { env: member.env });
  t.regex(more.stderr, /More budget requests: run again with --cursor \S+, or use --all\./);

  const quiet = await createAgent(stack, p.member, 1);
  t.regex((await cli(['request', 'list', '--agent', quiet.id], { env: member.env })).stdout, /^No budget requests\.$/m);
});

test('when a manager approves, then the limit rises by the amount; a member approving gets exit 4 and the request stays pending', async (t) => {
  const agent = await createAgent(stack, p.member, 10);
  const r = await file(agent.id, '50.5', 'quarter end');

  for (const ws of [member2, member]) {
    const refused = await cli(['request', 'approve', r.id, '--note', 'fine by me'], { env: ws.env });
    t.is(refused.code, 4, refused.stderr);
    t.regex(refused.stderr, /forbidden/);
  }
  const refusedJson = await cli(['request', 'approve', r.id, '--json'], { env: member2.env });
  t.is(refusedJson.code, 4);
  t.like(JSON.parse(refusedJson.stderr), { error: { exit_code: 4 } });
  t.is(await statusOf(r.id), 'pending');
  t.is(await limitOf(agent.id), 10);

  const approved = await cli(['request', 'approve', r.id, '--note', 'ok for Q3'], { env: manager.env });
  t.is(approved.code, 0, approved.stderr);
  t.regex(approved.stdout, new RegExp(`^Budget request ${r.id} approved: the limit of agent ${agent.id} rose by \\$50\\.5\\.$`, 'm'));
  t.regex(approved.stdout, /^Status\s+approved$/m);
  t.regex(approved.stdout, new RegExp(`^Decided by\\s+${p.manager.user.id}$`, 'm'));
  t.regex(approved.stdout, /^Note\s+ok for Q3$/m);
  t.is(await limitOf(agent.id), 60.5);
  const history = json(await cli(['budget', 'history', agent.id, '--json'], { env: member.env }));
  t.like(history.items[0], {
    old_limit_usd: 10,
    new_limit_usd: 60.5,
    approver_id: p.manager.user.id,
    request_id: r.id,
    reason: 'ok for Q3',
  });

  // Decided once: a second approval is a conflict (exit 6), and the limit stays.
  const again = await cli(['request', 'approve', r.id, '--json'], { env: manager2.env });
  t.is(again.code, 6, again.stderr);
  t.like(JSON.parse(again.stderr), { error: { code: 'conflict', exit_code: 6 } });
  t.is(await limitOf(agent.id), 60.5);

  // A manager's own request, or one for an agent they own, is for someone else to approve.
  const own = await createAgent(stack, p.manager, 1);
  const mine = await file(own.id, '2', 'mine', manager);
  const self = await cli(['request', 'approve', mine.id], { env: manager.env });
  t.is(self.code, 4, self.stderr);
  t.regex(self.stderr, /forbidden: .*own/);
  const byOther = await cli(['request', 'approve', mine.id, '--json'], { env: manager2.env });
  t.is(byOther.code, 0, byOther.stderr);
  t.like(json(byOther), { status: 'approved', decided_by: p.manager2.user.id, decision_note: null });
});

test('when a manager rejects with --reason, then it is rejected and the limit stays; without --reason nothing is sent', async (t) => {
  const agent = await createAgent(stack, p.member, 3);
  const r = await file(agent.id, '2');

  const noReason = await cli(['request', 'reject', r.id], { env: manager.env });
  t.is(noReason.code, 2);
  t.regex(noReason.stderr, /--reason/);
  const member2Rejects = await cli(['request', 'reject', r.id, '--reason', 'no'], { env: member2.env });
  t.is(member2Rejects.code, 4, member2Rejects.stderr);
  t.is(await statusOf(r.id), 'pending');

  const rejected = await cli(['request', 'reject', r.id, '--reason', 'not this quarter', '--json'], { env: manager.env });
  t.is(rejected.code, 0, rejected.stderr);
  t.like(json(rejected), { id: r.id, status: 'rejected', decided_by: p.manager.user.id, decision_note: 'not this quarter' });
  t.truthy(json(rejected).decided_at);
  const human = await cli(['request', 'get', r.id], { env: member.env });
  t.regex(human.stdout, /^Status\s+rejected$/m);
  t.regex(human.stdout, /^Note\s+not this quarter$/m);
  t.regex(human.stdout, /^Decided\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC$/m);

  t.is((await cli(['request', 'approve', r.id], { env: manager2.env })).code, 6, 'a rejected request cannot be approved');
  t.is((await cli(['request', 'reject', r.id, '--reason', 'again'], { env: manager2.env })).code, 6);
  t.is(await limitOf(agent.id), 3);
});

test('when the requester cancels, then it is cancelled; anyone else gets exit 4; unknown requests exit 5', async (t) => {
  const agent = await createAgent(stack, p.member, 1);
  const r = await file(agent.id, '3');

  const other = await cli(['request', 'cancel', r.id], { env: member2.env });
  t.is(other.code, 4, other.stderr);
  t.is((await cli(['request', 'cancel', r.id], { env: manager.env })).code, 4, 'not even a manager');
  t.is(await statusOf(r.id), 'pending');

  const cancelled = await cli(['request', 'cancel', r.id], { env: member.env });
  t.is(cancelled.code, 0, cancelled.stderr);
  t.regex(cancelled.stdout, new RegExp(`^Budget request ${r.id} cancelled\\.$`, 'm'));
  t.regex(cancelled.stdout, /^Status\s+cancelled$/m);
  t.is(await statusOf(r.id), 'cancelled');
  const twice = await cli(['request', 'cancel', r.id], { env: member.env });
  t.is(twice.code, 6, twice.stderr);
  t.regex(twice.stderr, /conflict: .*cancelled/);
  t.is((await cli(['request', 'approve', r.id], { env: manager.env })).code, 6);

  for (const args of [
    ['get', 'brq_nope'],
    ['approve', 'brq_nope'],
    ['reject', 'brq_nope', '--reason', 'x'],
    ['cancel', 'brq_nope'],
  ]) {
    const missing = await cli(['request', ...args], { env: manager.env });
    t.is(missing.code, 5, `${args.join(' ')}: ${missing.stderr}`);
    t.regex(missing.stderr, /not found/);
  }
});

test('when create or list is given bad options, then exit 2 before anything is sent; the gateway’s refusals map to 4, 5 and 6', async (t) => {
  const agent = await createAgent(stack, p.member, 1);
  const create = (args: string[], ws = member) => cli(['request', 'create', ...args], { env: ws.env });

  for (const amount of ['', 'lots', '1.0000001', '-5']) {
    const bad = await create(['--agent', agent.id, '--amount', amount, '--justification', 'x']);
    t.is(bad.code, 2, `--amount '${amount}'`);
    t.regex(bad.stderr, /--amount must be a USD amount/);
  }
  t.is((await create(['--agent', agent.id, '--amount', '5'])).code, 2, '--justification is required');
  t.is((await create(['--agent', agent.id, '--justification', 'x'])).code, 2, '--amount is required');
  t.is((await create(['--amount', '5', '--justification', 'x'])).code, 2, '--agent is required');
  const pasted = await create(['--agent', agent.token, '--amount', '5', '--justification', 'x']);
  t.is(pasted.code, 2, 'the agent’s token given as its id is not sent');
  t.false(pasted.stderr.includes(agent.token));
  t.is((await cli(['request', 'list', '--agent', agent.token], { env: member.env })).code, 2);
  for (const args of [
    ['--status', 'maybe'],
    ['--all', '--cursor', 'abc'],
    ['--limit', '0'],
    ['--limit', '101'],
  ]) {
    t.is((await cli(['request', 'list', ...args], { env: member.env })).code, 2, args.join(' '));
  }
  t.deepEqual(idsOf(await cli(['request', 'list', '--agent', agent.id, '--json'], { env: member.env })), [], 'nothing was filed');

  const tooMuch = await create(['--agent', agent.id, '--amount', '10000.5', '--justification', 'x']);
  t.is(tooMuch.code, 6);
  t.regex(tooMuch.stderr, /exceeds maximum allowed \(\$10,000\)/);
  t.is((await create(['--agent', agent.id, '--amount', '0', '--justification', 'x'])).code, 6, 'more than $0');
  const notMine = await create(['--agent', agent.id, '--amount', '5', '--justification', 'x'], member2);
  t.is(notMine.code, 4, notMine.stderr);
  t.regex(notMine.stderr, /forbidden: .*owner/);
  t.is((await create(['--agent', 'agt_nope', '--amount', '5', '--justification', 'x'])).code, 5);
});
