import { randomBytes } from 'node:crypto';
import test from 'ava';
import type { Principal } from '@tollgate/platform';
import {
  addProviderKey,
  admin,
  agentPrincipal,
  budgetService,
  codeOf,
  createAgent,
  errorOf,
  manager,
  member,
  outboxEvents,
  startBudgetStack,
  stateOf,
  tokenOf,
  usageReport,
  usd,
  viewer,
  type BudgetStack,
} from './helpers.js';

let s: BudgetStack;
test.before(async () => {
  s = await startBudgetStack();
  await addProviderKey(s, 'openai');
});
test.after.always(() => s?.close());

const history = async (agentId: string) => (await s.budget.GetBudgetHistory({ id: agentId }, { principal: budgetService })).items;
const eventsOf = async (action: string, agentId: string) =>
  (await outboxEvents(s.db)).filter((e) => e.action === action && e.resource.id === agentId);
const setBudget = (agentId: string, change: { limit_micros?: number; period?: string; reason?: string }, by: Principal = manager) =>
  s.budget.SetBudget({ agent_id: agentId, reason: 'quarterly plan', ...change }, { principal: by });

/** An agent with `spent` charged and `held` reserved by a lease left open (which `open` reports against). */
async function agentWith(limit: number, spent: number, held: number) {
  const a = await createAgent(s, limit);
  const spend = await s.budget.Handshake({ agent_id: a.agent.id, provider: 'openai', requested_micros: spent }, { principal: a.as });
  await s.budget.ReportUsage(usageReport(spend.lease_id, `r-${randomBytes(4).toString('hex')}`, { cost_micros: spent }), {
    principal: a.as,
  });
  await s.budget.ReleaseLease({ lease_id: spend.lease_id }, { principal: a.as });
  const open = await s.budget.Handshake({ agent_id: a.agent.id, provider: 'openai', requested_micros: held }, { principal: a.as });
  return { ...a, open: open.lease_id };
}

test('when a manager lowers a limit, it may go down to what is spent and reserved; a micro-dollar less is 409 with the minimum and changes nothing', async (t) => {
  const { agent } = await agentWith(usd(10), usd(3), usd(2));

  const refused = await errorOf(setBudget(agent.id, { limit_micros: usd(5) - 1 }));
  t.is(refused.code, 'conflict');
  t.is(refused.message, 'The limit cannot go below what is already spent and reserved');
  t.deepEqual(refused.details, { minimum_usd: 5, spent_usd: 3, reserved_usd: 2 });
  t.deepEqual(await stateOf(s, agent.id), {
    limit_micros: usd(10),
    spent_micros: usd(3),
    reserved_micros: usd(2),
    remaining_micros: usd(5),
  });
  t.deepEqual(await history(agent.id), []);
  t.deepEqual(await eventsOf('budget.limit.changed', agent.id), []);

  const lowered = await setBudget(agent.id, { limit_micros: usd(5), reason: 'pilot is over' });
  t.like(lowered, { limit_micros: usd(5), spent_micros: usd(3), reserved_micros: usd(2), remaining_micros: 0, period: 'none' });
  const [change] = await history(agent.id);
  t.like(change, {
    kind: 'set',
    old_limit_micros: usd(10),
    new_limit_micros: usd(5),
    approver_id: manager.id,
    reason: 'pilot is over',
    period: 'none',
    closed_spent_micros: 0,
  });
  t.regex(change.request_id, /^chg_/);
  const [event] = await eventsOf('budget.limit.changed', agent.id);
  t.deepEqual(event.actor, { type: 'user', id: manager.id });
  t.like(event.details, {
    kind: 'set',
    old_limit_micros: usd(10),
    new_limit_micros: usd(5),
    reason: 'pilot is over',
    change_id: change.request_id,
  });

  // With nothing left, a lease cannot be granted; money reserved earlier is still the agent's to report against.
  t.is(
    await codeOf(
      s.budget.Handshake({ agent_id: agent.id, provider: 'openai', requested_micros: 1 }, { principal: agentPrincipal(agent.id) }),
    ),
    'budget_exhausted',
  );
});

test('when a manager raises a limit directly, it joins approved budget requests in the history, each with its kind', async (t) => {
  const { agent } = await createAgent(s, usd(1));
  const request = await s.budget.CreateBudgetRequest(
    { agent_id: agent.id, requested_micros: usd(2), justification: 'more papers' },
    { principal: member },
  );
  await s.budget.ApproveBudgetRequest({ id: request.id, note: 'ok' }, { principal: manager });
  const raised = await setBudget(agent.id, { limit_micros: usd(50) }, admin);
  t.like(raised, { limit_micros: usd(50), spent_micros: 0, remaining_micros: usd(50) });
  t.deepEqual(
    (await history(agent.id)).map((h) => [h.kind, h.old_limit_micros, h.new_limit_micros, h.approver_id]),
    [
      ['request', usd(1), usd(3), manager.id],
      ['set', usd(3), usd(50), admin.id],
    ],
  );
});

test('when a manager resets a budget, the spend starts again from zero, what is reserved stays reserved, and the closed period stays in the ledger', async (t) => {
  const { agent, as, open } = await agentWith(usd(10), usd(3), usd(2));
  const reset = await s.budget.ResetBudget({ agent_id: agent.id, reason: 'new quarter' }, { principal: manager });
  t.like(reset, { limit_micros: usd(10), spent_micros: 0, reserved_micros: usd(2), remaining_micros: usd(8), period: 'none' });
  t.true(Date.parse(reset.period_started_at) > Date.now() - 60_000, 'a new period began now');
  t.is(reset.resets_at, '');
  const [change] = await history(agent.id);
  t.like(change, {
    kind: 'reset',
    old_limit_micros: usd(10),
    new_limit_micros: usd(10),
    closed_spent_micros: usd(3),
    reason: 'new quarter',
  });
  const [event] = await eventsOf('budget.reset', agent.id);
  t.like(event.details, { closed_spent_micros: usd(3), limit_micros: usd(10), reason: 'new quarter' });

  // The lease reserved before the reset is charged in the new period.
  await s.budget.ReportUsage(usageReport(open, 'after-reset', { cost_micros: usd(1) }), { principal: as });
  t.like(await stateOf(s, agent.id), { spent_micros: usd(1), reserved_micros: usd(1), remaining_micros: usd(8) });
  t.deepEqual(await s.budget.Reconcile({ id: agent.id }, { principal: budgetService }), {
    ok: true,
    ledger_spent_micros: usd(1),
    budget_spent_micros: usd(1),
  });
});

test('members, viewers, agents and API tokens without budgets:write may not set or reset a budget, and nothing changes', async (t) => {
  const { agent } = await createAgent(s, usd(1));
  const refused: [Principal, string][] = [
    [member, 'forbidden'],
    [viewer, 'forbidden'],
    [agentPrincipal(agent.id), 'forbidden'],
    [tokenOf(manager, ['budgets:read']), 'insufficient_scope'],
  ];
  for (const [by, code] of refused) {
    t.is(await codeOf(setBudget(agent.id, { limit_micros: usd(100) }, by)), code, `${by.type} ${by.role ?? ''}`);
    t.is(await codeOf(s.budget.ResetBudget({ agent_id: agent.id, reason: 'x' }, { principal: by })), code);
  }
  t.like(await setBudget(agent.id, { limit_micros: usd(2) }, tokenOf(manager, ['budgets:write'])), { limit_micros: usd(2) });
  t.is((await history(agent.id)).length, 1);
});

test('bad input is refused with a clear error and changes nothing', async (t) => {
  const { agent } = await createAgent(s, usd(1));
  const cases: [Parameters<typeof setBudget>[1], string][] = [
    [{ limit_micros: -1 }, 'limit_usd'],
    [{ period: 'year' }, 'period'],
    [{}, 'limit_usd'],
    [{ limit_micros: usd(2), reason: '   ' }, 'reason'],
  ];
  for (const [change, field] of cases) {
    const err = await errorOf(setBudget(agent.id, change));
    t.is(err.code, 'validation_failed', JSON.stringify(change));
    t.truthy(err.details?.[field], `${JSON.stringify(change)} names ${field}`);
  }
  t.is(await codeOf(setBudget('agt_unknown', { limit_micros: usd(2) })), 'not_found');
  t.is(await codeOf(s.budget.ResetBudget({ agent_id: agent.id, reason: '' }, { principal: manager })), 'validation_failed');
  t.deepEqual(await history(agent.id), []);
  t.like(await stateOf(s, agent.id), { limit_micros: usd(1) });
});

test('when a lowering races leases, the limit never ends below what is spent and reserved', async (t) => {
  const { agent, as } = await createAgent(s, usd(10));
  const leases = Array.from({ length: 20 }, () =>
    s.budget.Handshake({ agent_id: agent.id, provider: 'openai', requested_micros: usd(0.5) }, { principal: as }).then(
      () => 'granted',
      (err: unknown) => (err as { code?: string }).code ?? 'error',
    ),
  );
  const lowering = setBudget(agent.id, { limit_micros: usd(4) }).then(
    () => 'lowered',
    (err: unknown) => (err as { code?: string }).code ?? 'error',
  );
  const [outcome, ...granted] = await Promise.all([lowering, ...leases]);
  t.true(['lowered', 'conflict'].includes(outcome), outcome);
  const state = await stateOf(s, agent.id);
  t.true(state.reserved_micros <= state.limit_micros, JSON.stringify(state));
  t.is(state.reserved_micros, granted.filter((g) => g === 'granted').length * usd(0.5));
  t.is(state.limit_micros, outcome === 'lowered' ? usd(4) : usd(10));
});
