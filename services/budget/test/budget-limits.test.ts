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
  spend,
  startBudgetStack,
  stateOf,
  tokenOf,
  usageReport,
  usd,
  viewer,
  type BudgetStack,
} from './helpers.js';
import { eventually } from '../../../test/support/eventually.js';

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
  await spend(s, a, spent);
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

const thresholdsAnnounced = async (agentId: string) =>
  (await eventsOf('budget.threshold', agentId)).map((e) => e.details.threshold_percent as number);

test('when the spend crosses an alert threshold it is announced once, even when concurrent charges cross it; a reset arms the thresholds again', async (t) => {
  const a = await createAgent(s, usd(10));
  const updated = await s.budget.UpdateAgent({ id: a.agent.id, alert_thresholds: { percents: [80, 50, 100, 50] } }, { principal: member });
  t.deepEqual(updated.alert_thresholds, [50, 80, 100], 'ascending, once each');
  const lease = await s.budget.Handshake({ agent_id: a.agent.id, provider: 'openai', requested_micros: usd(10) }, { principal: a.as });
  const report = (requestId: string, micros: number) =>
    s.budget.ReportUsage(usageReport(lease.lease_id, requestId, { cost_micros: micros }), { principal: a.as });

  await report('r0', usd(4.99));
  await s.budget.UpdateAgent({ id: a.agent.id, description: 'no spend' }, { principal: member });
  t.deepEqual(await thresholdsAnnounced(a.agent.id), [], 'below 50 %');
  // 20 charges at once take the spend from 49.9 % to 109.9 %: 50, 80 and 100 are each announced once.
  await Promise.all(Array.from({ length: 20 }, (_, i) => report(`c${i}`, usd(0.3))));
  const announced = await eventually(
    () => eventsOf('budget.threshold', a.agent.id),
    (events) => events.length >= 3,
  );
  t.deepEqual(
    announced.map((e) => e.details.threshold_percent).sort((x, y) => Number(x) - Number(y)),
    [50, 80, 100],
  );
  for (const e of announced) {
    t.deepEqual(e.actor, { type: 'service', id: 'budget' });
    t.is(e.details.limit_micros, usd(10));
    t.true(Number(e.details.spent_micros) * 100 >= Number(e.details.threshold_percent) * usd(10), JSON.stringify(e.details));
  }
  await report('more', usd(0.5));
  await s.budget.ResetBudget({ agent_id: a.agent.id, reason: 'new month' }, { principal: manager });
  t.deepEqual((await thresholdsAnnounced(a.agent.id)).length, 3, 'nothing more this period');

  // A new period: the thresholds are armed again.
  const next = await s.budget.Handshake({ agent_id: a.agent.id, provider: 'openai', requested_micros: usd(6) }, { principal: a.as });
  await s.budget.ReportUsage(usageReport(next.lease_id, 'n1', { cost_micros: usd(6) }), { principal: a.as });
  const again = await eventually(
    () => thresholdsAnnounced(a.agent.id),
    (all) => all.length >= 4,
  );
  t.deepEqual(again.slice(3), [50]);
});

test('alert thresholds are whole percentages from 1 to 100, at most 10; only the owner or an admin sets them', async (t) => {
  const a = await createAgent(s, usd(1));
  for (const percents of [[0], [101], Array.from({ length: 11 }, (_, i) => i + 1)]) {
    const err = await errorOf(s.budget.UpdateAgent({ id: a.agent.id, alert_thresholds: { percents } }, { principal: member }));
    t.is(err.code, 'validation_failed', JSON.stringify(percents));
    t.truthy(err.details?.alert_thresholds);
  }
  t.is(await codeOf(s.budget.UpdateAgent({ id: a.agent.id, alert_thresholds: { percents: [50] } }, { principal: viewer })), 'forbidden');
  t.deepEqual(
    (await s.budget.UpdateAgent({ id: a.agent.id, alert_thresholds: { percents: [90] } }, { principal: admin })).alert_thresholds,
    [90],
  );
  t.deepEqual(
    (await s.budget.UpdateAgent({ id: a.agent.id, alert_thresholds: { percents: [] } }, { principal: member })).alert_thresholds,
    [],
  );
});
