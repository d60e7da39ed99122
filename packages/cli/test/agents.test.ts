import test from 'ava';
import { addProviderKey, people, startMoneyStack, type People } from '../../../test/support/factories.js';
import type { Stack } from '../../../test/support/stack.js';
import { cli, cliOnTerminal, gatewayEnv, json, workspace, type Workspace } from './cli.js';

// `tollgate agent` and `tollgate budget` against the real stack: a member owns the agents, a
// manager manages their budgets.
let stack: Stack;
let p: People;
let member: Workspace;
let manager: Workspace;
test.before(async () => {
  stack = await startMoneyStack({ gateway: gatewayEnv });
  p = await people(stack);
  await addProviderKey(stack, p.admin, 'openai', 'sk-live-cli-agents-0123456789abcdef');
  member = workspace(stack, { TOLLGATE_TOKEN: p.member.access_token });
  manager = workspace(stack, { TOLLGATE_TOKEN: p.manager.access_token });
});
test.after.always(async () => {
  member?.cleanup();
  manager?.cleanup();
  await stack?.close();
});

const unique = (label: string) => `${label}-${Math.random().toString(36).slice(2, 8)}`;

/** An agent created through the CLI as the member: its id, name and tg_agt_ token. */
async function createAgent(budgetUsd = '5'): Promise<{ id: string; name: string; token: string }> {
  const name = unique('agent');
  const r = await cli(['agent', 'create', '--name', name, '--budget', budgetUsd, '--json'], { env: member.env });
  if (r.code !== 0) throw new Error(`agent create failed (exit ${r.code}): ${r.stderr}`);
  const created = json(r);
  return { id: created.agent.id, name, token: created.token };
}

/** Charges `usd` to the agent through a lease, as an agent runtime does (the lease is released). */
async function spend(agent: { id: string; token: string }, usd: number): Promise<void> {
  const lease = await stack.http.post(`/v1/agents/${agent.id}/handshake`, {
    token: agent.token,
    json: { provider: 'openai', requested_usd: usd },
  });
  if (lease.status !== 200) throw new Error(`handshake: ${lease.status} ${lease.text}`);
  const charged = await stack.http.post('/v1/usage', {
    token: agent.token,
    json: {
      lease_id: lease.body.lease_id,
      request_id: unique('r'),
      provider: 'openai',
      model: 'gpt-4o',
      input_tokens: 10,
      output_tokens: 10,
      cost_usd: usd,
    },
  });
  const released = await stack.http.post(`/v1/leases/${lease.body.lease_id}/release`, { token: agent.token });
  if (charged.status !== 200 || released.status !== 200) throw new Error(`spending: ${charged.text} ${released.text}`);
}

const budgetOf = async (id: string) => json(await cli(['budget', 'get', id, '--json'], { env: manager.env }));

test('when a member creates an agent, then its token is printed once, and list and get show it as a table and as JSON', async (t) => {
  const name = unique('researcher');
  const human = await cli(
    ['agent', 'create', '--name', name, '--budget', '7.75', '--description', 'reads papers', '--provider', 'openai'],
    { env: member.env },
  );
  t.is(human.code, 0, human.stderr);
  const tokens = human.stdout.match(/tg_agt_[0-9A-Za-z]{54}/g) ?? [];
  t.is(tokens.length, 1, 'the token is printed exactly once');
  t.regex(human.stdout, /shown only once/);
  const id = /^ID\s+(agt_\S+)$/m.exec(human.stdout)?.[1];
  t.truthy(id, human.stdout);
  t.regex(human.stdout, /^Limit\s+\$7\.75$/m);
  t.regex(human.stdout, /^Providers\s+openai$/m);

  const r = await cli(['agent', 'create', '--name', `${name}-json`, '--budget', '5', '--json'], { env: member.env });
  t.is(r.code, 0, r.stderr);
  const created = json(r);
  t.regex(created.token, /^tg_agt_[0-9A-Za-z]{54}$/);
  t.regex(created.agent.id, /^agt_/);
  t.like(created.agent, {
    name: `${name}-json`,
    owner_id: p.member.user.id,
    description: '',
    providers: [],
    disabled: false,
    budget: { limit_usd: 5, spent_usd: 0, reserved_usd: 0, remaining_usd: 5, period: 'none', resets_at: null },
    alert_thresholds: [],
  });

  const listed = await cli(['agent', 'list', '--all', '--json'], { env: member.env });
  t.is(listed.code, 0, listed.stderr);
  t.is(json(listed).next_cursor, null);
  t.deepEqual(
    json(listed).items.find((a: { id: string }) => a.id === created.agent.id),
    created.agent,
  );
  t.false(listed.stdout.includes(created.token), 'list never shows the token');

  const table = await cli(['agent', 'list', '--all'], { env: member.env });
  t.is(table.code, 0, table.stderr);
  t.regex(table.stdout, /^ID\s+NAME\s+OWNER\s+PROJECT\s+LIMIT \$\s+SPENT \$\s+REMAINING \$\s+PERIOD\s+DISABLED$/m);
  t.regex(table.stdout, new RegExp(`^${created.agent.id}\\s+${name}-json\\s+${p.member.user.id}\\s+—\\s+5\\s+0\\s+5\\s+none\\s+no$`, 'm'));
  t.regex(table.stdout, new RegExp(`^${id}\\s+${name}\\s+${p.member.user.id}\\s+—\\s+7\\.75\\s+0\\s+7\\.75\\s+none\\s+no$`, 'm'));

  const got = await cli(['agent', 'get', created.agent.id, '--json'], { env: member.env });
  t.is(got.code, 0, got.stderr);
  t.deepEqual(json(got), created.agent);
  const summary = await cli(['agent', 'get', id!], { env: manager.env });
  t.is(summary.code, 0, summary.stderr);
  t.regex(summary.stdout, new RegExp(`^Name\\s+${name}$`, 'm'));
  t.regex(summary.stdout, /^Description\s+reads papers$/m);
  t.regex(summary.stdout, /^Remaining\s+\$7\.75$/m);
  t.regex(summary.stdout, /^Period\s+none$/m);
  t.regex(summary.stdout, /^Resets\s+never$/m);
  t.regex(summary.stdout, /^Alert thresholds\s+none$/m);
  t.notRegex(summary.stdout, /tg_agt_/, 'get never shows the token');

  const bad = await cli(['agent', 'create', '--name', 'bad', '--budget', '1.0000001'], { env: member.env });
  t.is(bad.code, 2, 'refused before anything is sent');
  t.regex(bad.stderr, /--budget must be a USD amount/);
  // The gateway's own refusal (over MAX_BUDGET_USD) names the field, exit 6.
  const tooMuch = await cli(['agent', 'create', '--name', 'rich', '--budget', '20000'], { env: member.env });
  t.is(tooMuch.code, 6);
  t.regex(tooMuch.stderr, /budget_usd|Budget exceeds/);
  t.is((await cli(['agent', 'create', '--name', 'no-budget'], { env: member.env })).code, 2, '--budget is required');
  const pasted = await cli(['agent', 'get', created.token], { env: member.env });
  t.is(pasted.code, 2, 'a token given as the id is not sent');
  t.false(pasted.stderr.includes(created.token));
});

test('when an agent is updated, then its name, limits, alert thresholds and disabled state change, and clearing works', async (t) => {
  const agent = await createAgent();
  const r = await cli(
    [
      'agent',
      'update',
      agent.id,
      '--name',
      `${agent.name}-2`,
      '--description',
      'nightly batch',
      '--max-parallel-calls',
      '4',
      '--tokens-per-minute',
      '1000',
      '--alert-thresholds',
      '50,80,100',
      '--disable',
      '--json',
    ],
    { env: member.env },
  );
  t.is(r.code, 0, r.stderr);
  t.like(json(r), {
    id: agent.id,
    name: `${agent.name}-2`,
    description: 'nightly batch',
    max_parallel_calls: 4,
    tokens_per_minute: 1000,
    alert_thresholds: [50, 80, 100],
    disabled: true,
  });

  const summary = await cli(['agent', 'get', agent.id], { env: member.env });
  t.regex(summary.stdout, /^Alert thresholds\s+50%, 80%, 100%$/m);
  t.regex(summary.stdout, /^Disabled\s+yes$/m);
  t.regex(summary.stdout, /^Max parallel calls\s+4$/m);
  t.regex(summary.stdout, /^Tokens per minute\s+1000$/m);

  const human = await cli(['agent', 'update', agent.id, '--enable', '--alert-thresholds', 'none', '--max-parallel-calls', '0'], {
    env: member.env,
  });
  t.is(human.code, 0, human.stderr);
  t.regex(human.stdout, /^Disabled\s+no$/m);
  t.regex(human.stdout, /^Alert thresholds\s+none$/m);
  t.regex(human.stdout, /^Max parallel calls\s+the service’s default$/m);

  t.is((await cli(['agent', 'update', agent.id, '--alert-thresholds', '80', '--json'], { env: member.env })).code, 0);
  const cleared = await cli(['agent', 'update', agent.id, '--alert-thresholds', '', '--json'], { env: member.env });
  t.is(cleared.code, 0, cleared.stderr);
  t.deepEqual(json(cleared).alert_thresholds, []);
  t.like(json(await cli(['agent', 'get', agent.id, '--json'], { env: member.env })), { disabled: false, alert_thresholds: [] });

  for (const args of [
    [],
    ['--disable', '--enable'],
    ['--alert-thresholds', '0'],
    ['--alert-thresholds', '50,x'],
    ['--max-parallel-calls', '-1'],
  ]) {
    const refused = await cli(['agent', 'update', agent.id, ...args], { env: member.env });
    t.is(refused.code, 2, `${args.join(' ')}: ${refused.stderr}`);
  }
  t.regex((await cli(['agent', 'update', agent.id], { env: member.env })).stderr, /nothing to update/);
  t.is((await cli(['agent', 'update', 'agt_nope', '--name', 'x'], { env: member.env })).code, 5);
});

test('when a manager manages a budget, then get, set (not below spent + reserved), reset and history agree; a member gets exit 4', async (t) => {
  const agent = await createAgent('10');
  await spend(agent, 3);

  const got = await cli(['budget', 'get', agent.id, '--json'], { env: manager.env });
  t.is(got.code, 0, got.stderr);
  t.like(json(got), { limit_usd: 10, spent_usd: 3, reserved_usd: 0, remaining_usd: 7, period: 'none', resets_at: null });
  t.truthy(json(got).period_started_at);
  const human = await cli(['budget', 'get', agent.id], { env: member.env });
  t.is(human.code, 0, human.stderr);
  t.regex(human.stdout, /^Limit\s+\$10$/m);
  t.regex(human.stdout, /^Spent\s+\$3 \(this period\)$/m);
  t.regex(human.stdout, /^Reserved\s+\$0/m);
  t.regex(human.stdout, /^Remaining\s+\$7$/m);
  t.regex(human.stdout, /^Resets\s+never$/m);

  // Lower than what is spent: 409, exit 6, and the message says how low it may go.
  const tooLow = await cli(['budget', 'set', agent.id, '--limit', '2.5', '--reason', 'pilot over'], { env: manager.env });
  t.is(tooLow.code, 6, tooLow.stderr);
  t.regex(tooLow.stderr, /conflict: .*the lowest it can go now is \$3 \(\$3 spent \+ \$0 reserved\)/);
  const tooLowJson = await cli(['budget', 'set', agent.id, '--limit', '2.5', '--reason', 'pilot over', '--json'], { env: manager.env });
  t.is(tooLowJson.code, 6);
  t.like(JSON.parse(tooLowJson.stderr), { error: { code: 'conflict', exit_code: 6 } });
  t.regex(JSON.parse(tooLowJson.stderr).error.message, /\$3/);

  // Managers and admins only: a member is refused, exit 4, and nothing changes.
  const forbidden = await cli(['budget', 'set', agent.id, '--limit', '100', '--reason', 'more'], { env: member.env });
  t.is(forbidden.code, 4, forbidden.stderr);
  t.regex(forbidden.stderr, /forbidden/);
  const forbiddenReset = await cli(['budget', 'reset', agent.id, '--reason', 'again', '--yes'], { env: member.env });
  t.is(forbiddenReset.code, 4, forbiddenReset.stderr);
  t.like(await budgetOf(agent.id), { limit_usd: 10, spent_usd: 3 });

  t.is((await cli(['budget', 'set', agent.id, '--reason', 'nothing'], { env: manager.env })).code, 2, '--limit or --period is needed');
  t.is((await cli(['budget', 'set', agent.id, '--limit', '5'], { env: manager.env })).code, 2, '--reason is required');
  for (const limit of ['', 'lots', '1.0000001']) {
    const bad = await cli(['budget', 'set', agent.id, '--limit', limit, '--reason', 'x'], { env: manager.env });
    t.is(bad.code, 2, `--limit '${limit}' is not $0`);
    t.regex(bad.stderr, /--limit must be a USD amount/);
  }
  t.is((await cli(['budget', 'set', agent.id, '--period', 'year', '--reason', 'x'], { env: manager.env })).code, 2);

  const lowered = await cli(['budget', 'set', agent.id, '--limit', '3', '--reason', 'pilot over', '--json'], { env: manager.env });
  t.is(lowered.code, 0, lowered.stderr);
  t.like(json(lowered), { limit_usd: 3, spent_usd: 3, remaining_usd: 0, period: 'none' });
  const monthly = await cli(['budget', 'set', agent.id, '--limit', '25.5', '--period', 'month', '--reason', 'approved by finance'], {
    env: manager.env,
  });
  t.is(monthly.code, 0, monthly.stderr);
  t.regex(monthly.stdout, /^Limit\s+\$25\.5$/m);
  t.regex(monthly.stdout, /^Period\s+month$/m);
  t.notRegex(monthly.stdout, /^Resets\s+never$/m);
  t.truthy((await budgetOf(agent.id)).resets_at);

  // A reset is destructive: without a terminal it needs --yes.
  const refused = await cli(['budget', 'reset', agent.id, '--reason', 'new quarter'], { env: manager.env, stdin: 'y\n' });
  t.is(refused.code, 2);
  t.regex(refused.stderr, /refusing to reset .* pass --yes/);
  t.like(await budgetOf(agent.id), { spent_usd: 3 });
  const reset = await cli(['budget', 'reset', agent.id, '--reason', 'new quarter', '--yes', '--json'], { env: manager.env });
  t.is(reset.code, 0, reset.stderr);
  t.like(json(reset), { limit_usd: 25.5, spent_usd: 0, remaining_usd: 25.5, period: 'month' });

  const history = await cli(['budget', 'history', agent.id, '--json'], { env: member.env });
  t.is(history.code, 0, history.stderr);
  t.deepEqual(
    json(history).items.map((h: Record<string, unknown>) => [
      h.kind,
      h.old_limit_usd,
      h.new_limit_usd,
      h.period,
      h.closed_spent_usd,
      h.approver_id,
      h.reason,
    ]),
    [
      ['set', 10, 3, 'none', 0, p.manager.user.id, 'pilot over'],
      ['set', 3, 25.5, 'month', 0, p.manager.user.id, 'approved by finance'],
      ['reset', 25.5, 25.5, 'month', 3, p.manager.user.id, 'new quarter'],
    ],
  );
  const table = await cli(['budget', 'history', agent.id], { env: manager.env });
  t.is(table.code, 0, table.stderr);
  t.regex(table.stdout, /^AT\s+KIND\s+OLD \$\s+NEW \$\s+PERIOD\s+CLOSED SPENT \$\s+BY\s+REASON$/m);
  t.regex(
    table.stdout,
    new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\s+set\\s+10\\s+3\\s+none\\s+0\\s+${p.manager.user.id}\\s+pilot over$`, 'm'),
  );
  t.regex(table.stdout, new RegExp(`\\s+reset\\s+25\\.5\\s+25\\.5\\s+month\\s+3\\s+${p.manager.user.id}\\s+new quarter$`, 'm'));

  const fresh = await createAgent();
  t.regex((await cli(['budget', 'history', fresh.id], { env: manager.env })).stdout, /^No budget changes\.$/m);
  for (const args of [
    ['get', 'agt_nope'],
    ['history', 'agt_nope'],
    ['set', 'agt_nope', '--limit', '1', '--reason', 'x'],
  ]) {
    t.is((await cli(['budget', ...args], { env: manager.env })).code, 5, args.join(' '));
  }
});

interface LedgerRow {
  kind: string;
  charge: { cost_usd: number } | null;
  limit_change: { new_limit_usd: number } | null;
}

test('budget ledger lists an agent’s charges and limit changes newest first, a page at a time, as a table and as JSON', async (t) => {
  const agent = await createAgent('10');
  await spend(agent, 1.25);
  const raised = await cli(['budget', 'set', agent.id, '--limit', '12', '--reason', 'more room'], { env: manager.env });
  t.is(raised.code, 0, raised.stderr);
  await spend(agent, 0.5);

  const all = await cli(['budget', 'ledger', agent.id, '--json'], { env: member.env });
  t.is(all.code, 0, all.stderr);
  t.deepEqual(
    (json(all).items as LedgerRow[]).map((e) => [e.kind, e.charge?.cost_usd ?? e.limit_change?.new_limit_usd]),
    [
      ['charge', 0.5],
      ['limit_change', 12],
      ['charge', 1.25],
    ],
    'the lease and its release spend nothing and are not listed',
  );
  const first = json(await cli(['budget', 'ledger', agent.id, '--limit', '1', '--json'], { env: member.env }));
  t.is(first.items.length, 1);
  const rest = json(await cli(['budget', 'ledger', agent.id, '--cursor', first.next_cursor, '--json'], { env: member.env }));
  t.deepEqual(
    [...first.items, ...rest.items].map((e: { id: string }) => e.id),
    json(all).items.map((e: { id: string }) => e.id),
  );

  const table = await cli(['budget', 'ledger', agent.id], { env: manager.env });
  t.is(table.code, 0, table.stderr);
  t.regex(table.stdout, /^AT\s+KIND\s+WHAT$/m);
  t.regex(table.stdout, /\s+charge\s+openai\/gpt-4o 10\+10 tokens \$0\.5 \(request r-\w+\)$/m);
  t.regex(table.stdout, new RegExp(`\\s+limit_change\\s+\\$10 → \\$12 \\(set by ${p.manager.user.id}\\): more room$`, 'm'));
  t.regex((await cli(['budget', 'ledger', (await createAgent()).id], { env: member.env })).stdout, /^No ledger entries\.$/m);
  t.is((await cli(['budget', 'ledger', 'agt_nope'], { env: manager.env })).code, 5);
});

test('when an agent has spent, then budget spend shows it per agent, model and day, as a table and as JSON', async (t) => {
  const agent = await createAgent('5');
  await spend(agent, 0.5);
  await spend(agent, 0.25);
  const today = new Date().toISOString().slice(0, 10);
  const row = (key: string) => ({ key, spent_usd: 0.75, requests: 2, input_tokens: 20, output_tokens: 20 });

  const byAgent = await cli(['budget', 'spend', '--agent', agent.id, '--json'], { env: member.env });
  t.is(byAgent.code, 0, byAgent.stderr);
  t.deepEqual(json(byAgent), { items: [row(agent.id)] }, 'grouped by agent unless --by says otherwise');

  const byModel = await cli(['budget', 'spend', '--by', 'model', '--agent', agent.id], { env: manager.env });
  t.is(byModel.code, 0, byModel.stderr);
  t.regex(byModel.stdout, /^MODEL\s+SPENT \$\s+REQUESTS\s+INPUT TOKENS\s+OUTPUT TOKENS$/m);
  t.regex(byModel.stdout, /^gpt-4o\s+0\.75\s+2\s+20\s+20$/m);

  const byDay = await cli(['budget', 'spend', '--by', 'day', '--from', '2d', '--to', today, '--agent', agent.id, '--json'], {
    env: member.env,
  });
  t.is(byDay.code, 0, byDay.stderr);
  t.deepEqual(json(byDay).items, [row(today)]);
  const before = await cli(['budget', 'spend', '--by', 'provider', '--from', '2020-01-01', '--to', '2020-01-31', '--agent', agent.id], {
    env: member.env,
  });
  t.is(before.code, 0, before.stderr);
  t.is(before.stdout, 'No spend.\n');

  for (const args of [
    ['--by', 'week'],
    ['--from', 'yesterday'],
    ['--to', '2025-02-30'],
    ['--agent', agent.token],
  ]) {
    const refused = await cli(['budget', 'spend', ...args], { env: member.env });
    t.is(refused.code, 2, `${args.join(' ')}: ${refused.stderr}`);
    t.false(refused.stderr.includes(agent.token), 'a token given for an id is never echoed');
  }
});

test('when delete runs without a terminal and without --yes, then it refuses (exit 2) and the agent stays; with --yes it is gone', async (t) => {
  const agent = await createAgent();

  const refused = await cli(['agent', 'delete', agent.id], { env: member.env, stdin: 'y\n' });
  t.is(refused.code, 2);
  t.regex(refused.stderr, /refusing to delete agent .* pass --yes/);
  t.is((await cli(['agent', 'get', agent.id], { env: member.env })).code, 0, 'nothing was deleted');

  const deleted = await cli(['agent', 'delete', agent.id, '--yes', '--json'], { env: member.env });
  t.is(deleted.code, 0, deleted.stderr);
  t.deepEqual(json(deleted), { id: agent.id, deleted: true });

  const gone = await cli(['agent', 'get', agent.id], { env: member.env });
  t.is(gone.code, 5);
  t.regex(gone.stderr, /not found/);
  t.is((await cli(['budget', 'get', agent.id], { env: manager.env })).code, 5);
  t.is((await cli(['agent', 'delete', agent.id, '--yes'], { env: member.env })).code, 5, 'deleting twice: not found');
  const asAgent = await cli(['budget', 'get', agent.id], { env: { ...member.env, TOLLGATE_TOKEN: agent.token } });
  t.is(asAgent.code, 3, 'its token stopped working');
});

test('when delete and reset are answered on a terminal, then n keeps the agent and its spend, y deletes it', async (t) => {
  const agent = await createAgent('4');
  await spend(agent, 1.25);

  const keepSpend = await cliOnTerminal(['budget', 'reset', agent.id, '--reason', 'oops'], {
    env: manager.env,
    steps: [{ waitFor: /Are you sure\? \(y\/N\)/, send: 'n\r' }],
  });
  t.is(keepSpend.code, 0, keepSpend.output);
  t.regex(
    keepSpend.output,
    new RegExp(`${agent.name} \\(${agent.id}: \\$1\\.25 spent of \\$4 this period\\)`),
    'the prompt says what is reset',
  );
  t.regex(keepSpend.output, /Not reset/);
  t.like(await budgetOf(agent.id), { spent_usd: 1.25 });

  const no = await cliOnTerminal(['agent', 'delete', agent.id], {
    env: member.env,
    steps: [{ waitFor: /Are you sure\? \(y\/N\)/, send: 'n\r' }],
  });
  t.is(no.code, 0, no.output);
  t.regex(
    no.output,
    new RegExp(`Agent ${agent.name} \\(${agent.id}, budget \\$4, \\$1\\.25 spent\\)`),
    'the prompt names the agent and its budget',
  );
  t.regex(no.output, /Not deleted/);
  t.is((await cli(['agent', 'get', agent.id], { env: member.env })).code, 0);

  const yes = await cliOnTerminal(['agent', 'delete', agent.id], {
    env: member.env,
    steps: [{ waitFor: /Are you sure\? \(y\/N\)/, send: 'y\r' }],
  });
  t.is(yes.code, 0, yes.output);
  t.regex(yes.output, new RegExp(`Agent ${agent.id} deleted`));
  t.is((await cli(['agent', 'get', agent.id], { env: member.env })).code, 5);
});
