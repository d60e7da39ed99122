import test from 'ava';
import {
  addProviderKey,
  agentPrincipal,
  budgetService,
  codeOf,
  chargedOf,
  createAgent,
  ledgerOf,
  manager,
  member,
  outboxEvents,
  patient,
  startBudgetStack,
  stateOf,
  usageReport,
  usd,
  viewer,
  type BudgetStack,
} from './helpers.js';

let s: BudgetStack;
test.before(async () => {
  s = await startBudgetStack();
  await addProviderKey(s, 'openai');
  await addProviderKey(s, 'anthropic');
});
test.after.always(() => s?.close());

const ledger = (agentId: string) => ledgerOf(s.db, agentId);

async function leaseFor(budget: number, lease: number, provider = 'openai') {
  const a = await createAgent(s, budget);
  const hs = await s.budget.Handshake({ agent_id: a.agent.id, provider, requested_micros: lease }, { principal: a.as });
  return { ...a, leaseId: hs.lease_id };
}

test('when usage is reported without a cost, then it is priced from the model price table, rounded up', async (t) => {
  const { agent, as, leaseId } = await leaseFor(usd(10), usd(5));
  const r1 = await s.budget.ReportUsage(usageReport(leaseId, 'p1', { input_tokens: 1000, output_tokens: 500 }), { principal: as });
  t.deepEqual(r1, { charged_micros: 7_500, remaining_micros: 5_000_000, duplicate: false });
  const dated = await s.budget.ReportUsage(
    usageReport(leaseId, 'p2', { model: 'gpt-4o-2024-08-06', input_tokens: 1000, output_tokens: 500 }),
    { principal: as },
  );
  t.is(dated.charged_micros, 7_500, 'a dated model id matches its family');
  const mini = await s.budget.ReportUsage(usageReport(leaseId, 'p3', { model: 'gpt-4o-mini', input_tokens: 1 }), { principal: as });
  t.is(mini.charged_micros, 1, '0.15 micro-dollars round up to 1');
  const given = await s.budget.ReportUsage(usageReport(leaseId, 'p4', { model: 'my-fine-tune', input_tokens: 10, cost_micros: 4_321 }), {
    principal: as,
  });
  t.is(given.charged_micros, 4_321, 'a reported cost is used as is');
  t.deepEqual(await stateOf(s, agent.id), {
    limit_micros: 10_000_000,
    spent_micros: 19_322,
    reserved_micros: 5_000_000 - 19_322,
    remaining_micros: 5_000_000,
  });
});

test('when an anthropic model is reported, then its price applies', async (t) => {
  const { as, leaseId } = await leaseFor(usd(10), usd(5), 'anthropic');
  const r = await s.budget.ReportUsage(
    usageReport(leaseId, 'c1', {
      provider: 'anthropic',
      model: 'claude-3-5-haiku-20241022',
      input_tokens: 1_000_000,
      output_tokens: 1_000,
    }),
    { principal: as },
  );
  t.is(r.charged_micros, 800_000 + 4_000);
});

test('when the model has no price and no cost is given, then the report is rejected and nothing is charged', async (t) => {
  const { agent, as, leaseId } = await leaseFor(usd(1), usd(1));
  t.is(
    await codeOf(s.budget.ReportUsage(usageReport(leaseId, 'u1', { model: 'mystery-model', input_tokens: 5 }), { principal: as })),
    'validation_failed',
  );
  t.is((await stateOf(s, agent.id)).spent_micros, 0);
  t.is((await ledger(agent.id)).length, 0);
});

test('when the same request_id is reported twice, then it is charged once and the second answer says duplicate', async (t) => {
  const { agent, as, leaseId } = await leaseFor(usd(1), usd(1));
  const first = await s.budget.ReportUsage(usageReport(leaseId, 'same', { cost_micros: 1_000 }), { principal: as });
  const second = await s.budget.ReportUsage(usageReport(leaseId, 'same', { cost_micros: 9_999 }), { principal: as });
  t.deepEqual(first, { charged_micros: 1_000, remaining_micros: 0, duplicate: false });
  t.deepEqual(second, { charged_micros: 1_000, remaining_micros: 0, duplicate: true });
  t.is((await stateOf(s, agent.id)).spent_micros, 1_000);
  t.is((await ledger(agent.id)).length, 1);
});

test('when the same request_id is reported 30 times at once, then exactly one charge is made', async (t) => {
  const { agent, as, leaseId } = await leaseFor(usd(1), usd(1));
  const results = await Promise.all(
    Array.from({ length: 30 }, () => s.budget.ReportUsage(usageReport(leaseId, 'burst', { cost_micros: 777 }), patient(as))),
  );
  t.is(results.filter((r) => !r.duplicate).length, 1);
  t.true(results.every((r) => r.charged_micros === 777));
  t.is((await stateOf(s, agent.id)).spent_micros, 777);
  t.is((await ledger(agent.id)).length, 1);
  t.true((await s.budget.Reconcile({ id: agent.id }, { principal: budgetService })).ok);
});

test('when 300 reports, some repeated, hit a budget that covers only part of them at once, then each request is charged its cost, once', async (t) => {
  const limit = 1_000_000;
  const { agent, as } = await createAgent(s, limit);
  // 250 distinct reports of 7,000 (1.75× the budget); the first 50 are each sent twice in a row.
  const ids = Array.from({ length: 250 }, (_, i) => `hot-${i}`).flatMap((id, i) => (i < 50 ? [id, id] : [id]));
  const results = await Promise.all(ids.map((id) => s.budget.ReportUsage(usageReport('', id, { cost_micros: 7_000 }), patient(as))));
  const byId = new Map<string, typeof results>();
  ids.forEach((id, i) => byId.set(id, [...(byId.get(id) ?? []), results[i]]));
  for (const [id, answers] of byId) {
    t.is(answers.filter((r) => !r.duplicate).length, 1, `${id} charged once`);
    t.true(
      answers.every((r) => r.charged_micros === answers[0].charged_micros),
      `${id}: every answer tells the one charge`,
    );
  }
  const charged = results.filter((r) => !r.duplicate).reduce((sum, r) => sum + r.charged_micros, 0);
  t.is(charged, 250 * 7_000, 'what was spent at the provider is charged, past the limit too');
  t.true(results.every((r) => r.charged_micros === 7_000));
  const charges = await ledger(agent.id);
  t.is(charges.length, 250);
  t.is(
    charges.reduce((sum, e) => sum + chargedOf(e), 0),
    250 * 7_000,
  );
  t.deepEqual(await stateOf(s, agent.id), {
    limit_micros: limit,
    spent_micros: 1_750_000,
    reserved_micros: 0,
    remaining_micros: limit - 1_750_000,
  });
  t.deepEqual(await s.budget.Reconcile({ id: agent.id }, { principal: budgetService }), {
    ok: true,
    ledger_spent_micros: 1_750_000,
    budget_spent_micros: 1_750_000,
  });
});

test('when two agents use the same request_id, then each is charged', async (t) => {
  const a = await leaseFor(usd(1), usd(1));
  const b = await leaseFor(usd(1), usd(1));
  t.false((await s.budget.ReportUsage(usageReport(a.leaseId, 'shared-id', { cost_micros: 5 }), { principal: a.as })).duplicate);
  t.false((await s.budget.ReportUsage(usageReport(b.leaseId, 'shared-id', { cost_micros: 5 }), { principal: b.as })).duplicate);
});

test('when usage goes beyond its lease, then all of it is charged — what the provider was paid is what is spent', async (t) => {
  const { agent, as, leaseId } = await leaseFor(usd(1), 10_000);
  const r = await s.budget.ReportUsage(usageReport(leaseId, 'big', { cost_micros: 25_000 }), { principal: as });
  t.deepEqual(r, { charged_micros: 25_000, remaining_micros: 975_000, duplicate: false });
  t.deepEqual(await stateOf(s, agent.id), { limit_micros: 1_000_000, spent_micros: 25_000, reserved_micros: 0, remaining_micros: 975_000 });
  const [entry] = await ledger(agent.id);
  t.like(entry, { cost_micros: 25_000, from_hold: 10_000, from_free: 15_000 });
  t.false('unbilled_micros' in entry, 'nothing is booked aside');
  // A report on a released lease is charged to the rest of the budget.
  await s.budget.ReleaseLease({ lease_id: leaseId }, { principal: as });
  t.is((await s.budget.ReportUsage(usageReport(leaseId, 'late', { cost_micros: 100 }), { principal: as })).charged_micros, 100);
  t.is((await stateOf(s, agent.id)).spent_micros, 25_100);
  t.false(
    (await outboxEvents(s.db)).some((e) => e.action === 'budget.overrun' && e.resource.id === agent.id),
    'within the budget: no overrun',
  );
});

test('when usage is reported beyond the budget, then it is charged all the same, the budget goes below zero, the overrun is audited and no hold is granted', async (t) => {
  const { agent, as } = await createAgent(s, 50_000);
  t.is((await s.budget.ReportUsage(usageReport('', 'd1', { cost_micros: 30_000 }), { principal: as })).charged_micros, 30_000);
  const over = await s.budget.ReportUsage(usageReport('', 'd2', { cost_micros: 30_000 }), { principal: as });
  t.deepEqual(over, { charged_micros: 30_000, remaining_micros: -10_000, duplicate: false });
  t.deepEqual(await stateOf(s, agent.id), { limit_micros: 50_000, spent_micros: 60_000, reserved_micros: 0, remaining_micros: -10_000 });
  const overrun = (await outboxEvents(s.db)).filter((e) => e.action === 'budget.overrun' && e.resource.id === agent.id);
  t.is(overrun.length, 1);
  t.like(overrun[0].details, { request_id: 'd2', cost_micros: 30_000, overrun_micros: 10_000 });
  t.is(
    await codeOf(s.budget.Handshake({ agent_id: agent.id, provider: 'openai', requested_micros: 1 }, { principal: as })),
    'budget_exhausted',
  );
  t.true((await s.budget.Reconcile({ id: agent.id }, { principal: budgetService })).ok);
});

test('when a report is written, then the ledger entry holds who, what, how much and the UTC day', async (t) => {
  const { agent, as, leaseId } = await leaseFor(usd(1), usd(1));
  const before = new Date();
  await s.budget.ReportUsage(usageReport(leaseId, 'shape', { input_tokens: 120, output_tokens: 30 }), { principal: as });
  const [entry] = await ledger(agent.id);
  t.like(entry, {
    agent_id: agent.id,
    hold_id: leaseId,
    request_id: 'shape',
    provider: 'openai',
    model: 'gpt-4o',
    input_tokens: 120,
    output_tokens: 30,
    from_hold: 600,
    from_free: 0,
    day: before.toISOString().slice(0, 10),
  });
  t.true(entry.at instanceof Date);
});

test("when the report is not the agent's own or is malformed, then it is refused and nothing is charged", async (t) => {
  const { agent, as, leaseId } = await leaseFor(usd(1), usd(1));
  const other = await createAgent(s, usd(1));
  t.is(await codeOf(s.budget.ReportUsage(usageReport(leaseId, 'x1', { cost_micros: 1 }), { principal: other.as })), 'not_found');
  t.is(await codeOf(s.budget.ReportUsage(usageReport(leaseId, 'x2', { cost_micros: 1 }), { principal: member })), 'forbidden');
  t.is(
    await codeOf(s.budget.ReportUsage(usageReport(leaseId, 'x3', { cost_micros: 1 }), { principal: { ...as, scopes: ['budgets:read'] } })),
    'insufficient_scope',
  );
  t.is(
    await codeOf(s.budget.ReportUsage(usageReport(leaseId, 'x4', { provider: 'anthropic', cost_micros: 1 }), { principal: as })),
    'validation_failed',
  );
  t.is(await codeOf(s.budget.ReportUsage(usageReport(leaseId, '', { cost_micros: 1 }), { principal: as })), 'validation_failed');
  t.is(await codeOf(s.budget.ReportUsage(usageReport(leaseId, 'has space', { cost_micros: 1 }), { principal: as })), 'validation_failed');
  t.is(await codeOf(s.budget.ReportUsage(usageReport(leaseId, 'x5', { input_tokens: -1 }), { principal: as })), 'validation_failed');
  t.is(await codeOf(s.budget.ReportUsage(usageReport(leaseId, 'x6', { cost_micros: -5 }), { principal: as })), 'validation_failed');
  t.is(
    await codeOf(s.budget.ReportUsage(usageReport('lse_0mwrpp9q30fdaaaec898dcee', 'x7', { cost_micros: 1 }), { principal: as })),
    'not_found',
  );
  t.is((await stateOf(s, agent.id)).spent_micros, 0);
});

test('when spend is grouped by agent, provider, model or day, then the totals add up per key', async (t) => {
  const a = await leaseFor(usd(10), usd(5));
  const b = await leaseFor(usd(10), usd(5), 'anthropic');
  await s.budget.ReportUsage(usageReport(a.leaseId, 's1', { model: 'gpt-4o', input_tokens: 1000, output_tokens: 500 }), {
    principal: a.as,
  });
  await s.budget.ReportUsage(usageReport(a.leaseId, 's2', { model: 'gpt-4o-mini', input_tokens: 2000, output_tokens: 1000 }), {
    principal: a.as,
  });
  await s.budget.ReportUsage(
    usageReport(b.leaseId, 's3', { provider: 'anthropic', model: 'claude-3-haiku', input_tokens: 4000, output_tokens: 400 }),
    { principal: b.as },
  );
  const only = (rows: { key: string }[], keys: string[]) => rows.filter((r) => keys.includes(r.key));

  const byAgent = await s.budget.GetSpend({ group_by: 'agent' }, { principal: viewer });
  t.deepEqual(
    only(byAgent.items, [a.agent.id, b.agent.id]),
    [
      { key: a.agent.id, spent_micros: 7_500 + 900, requests: 2, input_tokens: 3000, output_tokens: 1500 },
      { key: b.agent.id, spent_micros: 1_000 + 500, requests: 1, input_tokens: 4000, output_tokens: 400 },
    ].sort((x, y) => (x.key < y.key ? -1 : 1)),
  );

  const byModel = await s.budget.GetSpend({ group_by: 'model', agent_id: a.agent.id }, { principal: viewer });
  t.deepEqual(byModel.items, [
    { key: 'gpt-4o', spent_micros: 7_500, requests: 1, input_tokens: 1000, output_tokens: 500 },
    { key: 'gpt-4o-mini', spent_micros: 900, requests: 1, input_tokens: 2000, output_tokens: 1000 },
  ]);
  const byProvider = await s.budget.GetSpend({ group_by: 'provider', agent_id: b.agent.id }, { principal: viewer });
  t.deepEqual(byProvider.items, [{ key: 'anthropic', spent_micros: 1_500, requests: 1, input_tokens: 4000, output_tokens: 400 }]);

  const today = new Date().toISOString().slice(0, 10);
  const byDay = await s.budget.GetSpend({ group_by: 'day', agent_id: a.agent.id, from: today, to: today }, { principal: viewer });
  t.deepEqual(byDay.items, [{ key: today, spent_micros: 8_400, requests: 2, input_tokens: 3000, output_tokens: 1500 }]);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  t.deepEqual((await s.budget.GetSpend({ group_by: 'day', agent_id: a.agent.id, to: yesterday }, { principal: viewer })).items, []);
  // Totals are kept per UTC day: a timestamp selects the day it falls in.
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
  t.deepEqual((await s.budget.GetSpend({ group_by: 'day', agent_id: a.agent.id, from: tomorrow }, { principal: viewer })).items, []);
  const laterToday = await s.budget.GetSpend({ group_by: 'day', agent_id: a.agent.id, from: `${today}T23:59:59Z` }, { principal: viewer });
  t.deepEqual(
    laterToday.items.map((r) => r.key),
    [today],
  );

  // An agent sees only its own spend.
  const own = await s.budget.GetSpend({ group_by: 'agent' }, { principal: a.as });
  t.deepEqual(
    own.items.map((r) => r.key),
    [a.agent.id],
  );
  t.deepEqual((await s.budget.GetSpend({ group_by: 'agent', agent_id: b.agent.id }, { principal: a.as })).items, []);
});

test('when spend is asked for badly, then it is a validation error', async (t) => {
  t.is(await codeOf(s.budget.GetSpend({ group_by: 'week' }, { principal: viewer })), 'validation_failed');
  t.is(await codeOf(s.budget.GetSpend({ group_by: 'day', from: 'yesterday' }, { principal: viewer })), 'validation_failed');
  // A window that ends before it starts holds nothing.
  t.deepEqual((await s.budget.GetSpend({ group_by: 'day', from: '2024-02-01', to: '2024-01-01' }, { principal: viewer })).items, []);
  t.is(
    await codeOf(
      s.budget.GetSpend({ group_by: 'day' }, { principal: { type: 'token', id: viewer.id, role: 'viewer', scopes: ['agents:read'] } }),
    ),
    'insufficient_scope',
  );
});

test('when Reconcile runs, then the ledger matches the budget; only managers, admins and services may run it', async (t) => {
  const { agent, as, leaseId } = await leaseFor(usd(2), usd(1));
  for (let i = 0; i < 5; i++) await s.budget.ReportUsage(usageReport(leaseId, `rc${i}`, { cost_micros: 1_111 }), { principal: as });
  t.deepEqual(await s.budget.Reconcile({ id: agent.id }, { principal: manager }), {
    ok: true,
    ledger_spent_micros: 5_555,
    budget_spent_micros: 5_555,
  });
  t.is(await codeOf(s.budget.Reconcile({ id: agent.id }, { principal: member })), 'forbidden');
  t.is(await codeOf(s.budget.Reconcile({ id: agent.id }, { principal: as })), 'forbidden');
  t.is(await codeOf(s.budget.Reconcile({ id: 'agt_nope' }, { principal: manager })), 'not_found');
  t.is(await codeOf(s.budget.Reconcile({ id: agentPrincipal('x').id }, { principal: manager })), 'not_found');
});
