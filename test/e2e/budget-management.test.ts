import test from 'ava';
import type { Stack } from '../support/stack.js';
import { eventually } from '../support/eventually.js';
import {
  addProviderKey,
  auditEventsOf,
  budgetRpc,
  createAgent,
  moneyOf,
  patOf,
  people,
  startMoneyStack,
  type CreatedAgent,
  type People,
} from '../support/factories.js';

// Managers' budget management through the gateway: setting a limit (up or down), a period, a reset.
// The budget service's clock runs `ahead` of the real one, so a test can cross a period boundary.
let ahead = 0;
let stack: Stack;
let p: People;

test.before(async () => {
  stack = await startMoneyStack({}, { budgetClock: () => new Date(Date.now() + ahead) });
  p = await people(stack);
  await addProviderKey(stack, p.admin, 'openai', 'sk-live-e2e-budgets-0123456789abcdef');
});
test.after.always(() => stack?.close());

const setBudget = (token: string, agentId: string, json: Record<string, unknown>) =>
  stack.http.put(`/v1/agents/${agentId}/budget`, { token, json });
const reset = (token: string, agentId: string, reason = 'new quarter') =>
  stack.http.post(`/v1/agents/${agentId}/budget/reset`, { token, json: { reason } });
const budget = async (agentId: string) => (await stack.http.get(`/v1/agents/${agentId}/budget`, { token: p.viewer.access_token })).body;
const history = async (agentId: string) =>
  (await stack.http.get(`/v1/agents/${agentId}/budget/history`, { token: p.viewer.access_token })).body.items;
const auditOf = (action: string, agentId: string, count = 1) => auditEventsOf(stack, p.admin, action, agentId, count);

/** Charges `usd` to the agent through a lease, as an agent runtime does; the lease is released. */
async function spend(agent: CreatedAgent, usd: number) {
  const lease = await stack.http.post(`/v1/agents/${agent.id}/handshake`, {
    token: agent.token,
    json: { provider: 'openai', requested_usd: usd },
  });
  if (lease.status !== 200) return lease.status;
  const report = {
    lease_id: lease.body.lease_id,
    request_id: `r-${Math.random()}`,
    provider: 'openai',
    model: 'gpt-4o',
    input_tokens: 10,
    output_tokens: 10,
    cost_usd: usd,
  };
  const charged = await stack.http.post('/v1/usage', { token: agent.token, json: report });
  const released = await stack.http.post(`/v1/leases/${lease.body.lease_id}/release`, { token: agent.token });
  if (charged.status !== 200 || released.status !== 200) throw new Error(`spending: ${charged.text} ${released.text}`);
  return 200;
}

test('a manager lowers a limit to what is spent and reserved but not below (409 with the minimum), raises it, and each change is in the history and the audit log', async (t) => {
  const agent = await createAgent(stack, p.member, 10);
  await spend(agent, 3);

  const tooLow = await setBudget(p.manager.access_token, agent.id, { limit_usd: 2.999999, reason: 'pilot over' });
  t.is(tooLow.status, 409);
  t.is(tooLow.body.error.code, 'conflict');
  t.deepEqual(tooLow.body.error.details, { minimum_usd: 3, spent_usd: 3, reserved_usd: 0 });
  t.deepEqual(moneyOf(await budget(agent.id)), { limit_usd: 10, spent_usd: 3, reserved_usd: 0, remaining_usd: 7 });

  const lowered = await setBudget(p.manager.access_token, agent.id, { limit_usd: 3, reason: 'pilot over' });
  t.is(lowered.status, 200);
  t.like(lowered.body, { limit_usd: 3, spent_usd: 3, reserved_usd: 0, remaining_usd: 0, period: 'none', resets_at: null });
  t.is(await spend(agent, 0.01), 402, 'nothing is left to hold');

  const raised = await setBudget(p.admin.access_token, agent.id, { limit_usd: 25.5, reason: 'approved by finance' });
  t.like(raised.body, { limit_usd: 25.5, remaining_usd: 22.5 });
  t.deepEqual(
    (await history(agent.id)).map((h: Record<string, unknown>) => [h.kind, h.old_limit_usd, h.new_limit_usd, h.approver_id, h.reason]),
    [
      ['set', 10, 3, p.manager.user.id, 'pilot over'],
      ['set', 3, 25.5, p.admin.user.id, 'approved by finance'],
    ],
  );
  const events = await auditOf('budget.limit.changed', agent.id, 2);
  t.true(events.some((e) => e.actor.id === p.manager.user.id && e.details.new_limit_micros === 3_000_000 && e.details.kind === 'set'));
});

test('members, viewers, agents and tokens without budgets:write get 403 and the budget does not change; bad bodies get 400', async (t) => {
  const agent = await createAgent(stack, p.member, 1);
  const readOnly = await patOf(stack, p.manager, ['budgets:read']);
  for (const token of [p.member.access_token, p.viewer.access_token, agent.token, readOnly]) {
    t.is((await setBudget(token, agent.id, { limit_usd: 100, reason: 'more' })).status, 403);
    t.is((await reset(token, agent.id)).status, 403);
  }
  const bad: Record<string, unknown>[] = [
    { limit_usd: 5 },
    { reason: 'neither limit nor period' },
    { limit_usd: -1, reason: 'x' },
    { limit_usd: 1.0000001, reason: 'x' },
    { limit_usd: '5', reason: 'x' },
    { period: 'year', reason: 'x' },
    { limit_usd: 5, reason: 'x', spent_usd: 0 },
    { limit_usd: { $gt: 0 }, reason: 'x' },
  ];
  for (const json of bad) {
    const res = await setBudget(p.manager.access_token, agent.id, json);
    t.is(res.status, 400, JSON.stringify(json));
    t.is(res.body.error.code, 'validation_failed');
  }
  t.is((await setBudget(p.manager.access_token, 'agt_nope', { limit_usd: 5, reason: 'x' })).status, 404);
  t.deepEqual(moneyOf(await budget(agent.id)), { limit_usd: 1, spent_usd: 0, reserved_usd: 0, remaining_usd: 1 });
  t.deepEqual(await history(agent.id), []);
});

test('a reset starts the spend again from zero; the closed period stays in the history and the ledger', async (t) => {
  const agent = await createAgent(stack, p.member, 2);
  await spend(agent, 2);
  t.is(await spend(agent, 0.5), 402);
  const res = await reset(p.manager.access_token, agent.id);
  t.is(res.status, 200);
  t.like(res.body, { limit_usd: 2, spent_usd: 0, remaining_usd: 2, period: 'none' });
  t.is(await spend(agent, 0.5), 200, 'the agent can spend again');
  const [change] = await history(agent.id);
  t.like(change, { kind: 'reset', old_limit_usd: 2, new_limit_usd: 2, closed_spent_usd: 2, reason: 'new quarter' });
  const [event] = await auditOf('budget.reset', agent.id);
  t.like(event.details, { closed_spent_micros: 2_000_000 });
  const rpc = budgetRpc(stack);
  try {
    t.deepEqual(await rpc.call.Reconcile({ id: agent.id }, { principal: { type: 'service', id: 'e2e' } }), {
      ok: true,
      ledger_spent_micros: 500_000,
      budget_spent_micros: 500_000,
    });
  } finally {
    rpc.close();
  }
});

test('the owner sets alert thresholds; crossing one is audited budget.threshold once, and bad thresholds are 400', async (t) => {
  const agent = await createAgent(stack, p.member, 4);
  const path = `/v1/agents/${agent.id}`;
  for (const alert_thresholds of [[0], [101], [50.5], ['50'], Array.from({ length: 11 }, (_, i) => i + 1)]) {
    const res = await stack.http.patch(path, { token: p.member.access_token, json: { alert_thresholds } });
    t.is(res.status, 400, JSON.stringify(alert_thresholds));
  }
  t.is((await stack.http.patch(path, { token: p.viewer.access_token, json: { alert_thresholds: [50] } })).status, 403);
  const set = await stack.http.patch(path, { token: p.member.access_token, json: { alert_thresholds: [75, 50] } });
  t.is(set.status, 200);
  t.deepEqual(set.body.alert_thresholds, [50, 75]);

  await spend(agent, 1.5);
  await spend(agent, 0.6);
  const [crossed] = await auditOf('budget.threshold', agent.id);
  t.like(crossed, { actor: { type: 'service', id: 'budget' } });
  t.like(crossed.details, { threshold_percent: 50, spent_micros: 2_100_000, limit_micros: 4_000_000, period: 'none' });
  await spend(agent, 0.1);
  const all = await auditOf('budget.threshold', agent.id);
  t.deepEqual(
    all.map((e) => e.details.threshold_percent),
    [50],
    'announced once; 75 % is not reached',
  );
});

test.serial('a daily budget used up is 402 until the next UTC midnight, then the agent has it again', async (t) => {
  const agent = await createAgent(stack, p.member, 1);
  const daily = await setBudget(p.manager.access_token, agent.id, { period: 'day', reason: 'daily allowance' });
  t.is(daily.status, 200);
  const midnight = new Date(daily.body.resets_at as string);
  t.is(midnight.getUTCHours() + midnight.getUTCMinutes() + midnight.getUTCSeconds(), 0);
  t.true(midnight.getTime() > Date.now() + ahead);

  t.is(await spend(agent, 1), 200);
  t.is(await spend(agent, 0.01), 402);

  ahead = midnight.getTime() - Date.now() + 5_000;
  const next = await eventually(
    () => budget(agent.id),
    (b) => b.spent_usd === 0,
  );
  t.like(next, { limit_usd: 1, spent_usd: 0, remaining_usd: 1, period: 'day', period_started_at: midnight.toISOString() });
  t.is(next.resets_at, new Date(midnight.getTime() + 86_400_000).toISOString());
  t.is(await spend(agent, 0.4), 200);
  t.like(await budget(agent.id), { spent_usd: 0.4, remaining_usd: 0.6 });
});
