import test from 'ava';
import { startBudgetStack, addProviderKey, createAgent, patient, type BudgetStack } from './helpers.js';

let s: BudgetStack;
test.before(async () => {
  s = await startBudgetStack({ ALLOW_OVERAGE_BEYOND_LEASE: 'true' });
  await addProviderKey(s, 'openai');
});
test.after.always(() => s?.close());

const service = { type: 'service' as const, id: 'test' };

test('when 200 handshakes and usage reports hit one budget at once, then it is never overspent and every micro-dollar charged is in the ledger', async (t) => {
  const limit = 1_000_000;
  const { agent, as } = await createAgent(s, limit);
  const started = Date.now();

  // Wave 1: 100 handshakes asking 20,000 each and 100 lease-less reports costing 5,000 each: 2.5× the budget.
  const handshakes = Array.from({ length: 100 }, () =>
    s.budget.Handshake({ agent_id: agent.id, provider: 'openai', requested_micros: 20_000 }, patient(as)),
  );
  const reports = Array.from({ length: 100 }, (_, i) =>
    s.budget.ReportUsage({ lease_id: '', request_id: `direct-${i}`, provider: 'openai', model: 'gpt-4o', input_tokens: 0, output_tokens: 0, cost_micros: 5_000 }, patient(as)),
  );
  const [handshakeResults, direct] = await Promise.all([Promise.allSettled(handshakes), Promise.all(reports)]);
  const leases = handshakeResults.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const exhausted = handshakeResults.filter((r) => r.status === 'rejected');
  t.log(`wave 1: ${Date.now() - started} ms, ${leases.length} leases, ${exhausted.length} exhausted`);
  for (const r of exhausted) t.is((r as PromiseRejectedResult).reason?.code, 'budget_exhausted');
  t.true(leases.length > 0 && exhausted.length > 0, 'some handshakes were granted and some refused');
  const granted = leases.reduce((sum, l) => sum + l.granted_micros, 0);
  let charged = direct.reduce((sum, r) => sum + r.charged_micros, 0);
  t.true(granted + charged <= limit, `granted ${granted} + charged ${charged} ≤ ${limit}`);

  // Wave 2: two reports per lease (25,000 each: beyond the grant), a duplicate of each, and the releases.
  const wave2 = await Promise.all([
    ...leases.flatMap((l, i) =>
      [`lease-${i}-a`, `lease-${i}-b`, `lease-${i}-a`].map((requestId) =>
        s.budget.ReportUsage({ lease_id: l.lease_id, request_id: requestId, provider: 'openai', model: 'gpt-4o', input_tokens: 10, output_tokens: 10, cost_micros: 25_000 }, patient(as)),
      ),
    ),
  ]);
  charged += wave2.filter((r) => !r.duplicate).reduce((sum, r) => sum + r.charged_micros, 0);
  t.is(wave2.filter((r) => r.duplicate).length, leases.length, 'each repeated request id charged once');
  await Promise.all(leases.map((l) => s.budget.ReleaseLease({ lease_id: l.lease_id }, patient(as))));
  t.log(`both waves: ${Date.now() - started} ms`);

  const budget = await s.budget.GetBudget({ id: agent.id }, { principal: service });
  t.true(budget.spent_micros <= limit);
  t.is(budget.spent_micros, charged, 'what the callers were told they were charged is what was spent');
  t.is(budget.reserved_micros, 0);
  t.is(budget.remaining_micros, limit - budget.spent_micros);
  const rec = await s.budget.Reconcile({ id: agent.id }, { principal: service });
  t.deepEqual(rec, { ok: true, ledger_spent_micros: charged, budget_spent_micros: charged });
});

test('when overage beyond the lease is allowed, then the excess is charged to what is left of the budget, and no further', async (t) => {
  const { agent, as } = await createAgent(s, 100_000);
  const hs = await s.budget.Handshake({ agent_id: agent.id, provider: 'openai', requested_micros: 30_000 }, { principal: as });
  const over = await s.budget.ReportUsage(
    { lease_id: hs.lease_id, request_id: 'over-1', provider: 'openai', model: 'gpt-4o', input_tokens: 0, output_tokens: 0, cost_micros: 50_000 },
    { principal: as },
  );
  t.deepEqual(over, { charged_micros: 50_000, remaining_micros: 50_000, duplicate: false });
  const capped = await s.budget.ReportUsage(
    { lease_id: hs.lease_id, request_id: 'over-2', provider: 'openai', model: 'gpt-4o', input_tokens: 0, output_tokens: 0, cost_micros: 80_000 },
    { principal: as },
  );
  t.deepEqual(capped, { charged_micros: 50_000, remaining_micros: 0, duplicate: false });
  t.deepEqual(await s.budget.GetBudget({ id: agent.id }, { principal: service }), { limit_micros: 100_000, spent_micros: 100_000, reserved_micros: 0, remaining_micros: 0 });
  t.true((await s.budget.Reconcile({ id: agent.id }, { principal: service })).ok);
});

test('when charges and a limit raise race, then every charge fits the limit in force and the books balance', async (t) => {
  const { agent, as } = await createAgent(s, 200_000);
  const request = await s.budget.CreateBudgetRequest({ agent_id: agent.id, requested_micros: 300_000, justification: 'load test' }, { principal: { type: 'user', id: 'usr_requester', role: 'member' } });
  const [reports] = await Promise.all([
    Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        s.budget.ReportUsage({ lease_id: '', request_id: `race-${i}`, provider: 'openai', model: 'gpt-4o', input_tokens: 0, output_tokens: 0, cost_micros: 7_000 }, patient(as)),
      ),
    ),
    s.budget.ApproveBudgetRequest({ id: request.id, note: 'go' }, patient({ type: 'user', id: 'usr_approver', role: 'manager' })),
  ]);
  const charged = reports.reduce((sum, r) => sum + r.charged_micros, 0);
  const budget = await s.budget.GetBudget({ id: agent.id }, { principal: service });
  t.is(budget.limit_micros, 500_000);
  t.is(budget.spent_micros, charged);
  t.true(charged <= 500_000);
  t.is(budget.remaining_micros, 500_000 - charged);
  t.deepEqual(await s.budget.Reconcile({ id: agent.id }, { principal: service }), { ok: true, ledger_spent_micros: charged, budget_spent_micros: charged });
});
