import test from 'ava';
import { startBudgetStack, addProviderKey, createAgent, member, patient, type BudgetStack } from './helpers.js';

let s: BudgetStack;
test.before(async () => {
  s = await startBudgetStack();
  await addProviderKey(s, 'openai');
});
test.after.always(() => s?.close());

const service = { type: 'service' as const, id: 'test' };

test('when 200 handshakes and usage reports hit one budget at once, then holds never pass what remains and every micro-dollar charged is in the ledger', async (t) => {
  const limit = 1_000_000;
  const { agent, as } = await createAgent(s, limit);
  const started = Date.now();

  // Wave 1: 100 handshakes asking 20,000 each and 100 lease-less reports costing 5,000 each: 2.5× the budget.
  const handshakes = Array.from({ length: 100 }, () =>
    s.budget.Handshake({ agent_id: agent.id, provider: 'openai', requested_micros: 20_000 }, patient(as)),
  );
  const reports = Array.from({ length: 100 }, (_, i) =>
    s.budget.ReportUsage(
      {
        lease_id: '',
        request_id: `direct-${i}`,
        provider: 'openai',
        model: 'gpt-4o',
        input_tokens: 0,
        output_tokens: 0,
        cost_micros: 5_000,
      },
      patient(as),
    ),
  );
  const [handshakeResults, direct] = await Promise.all([Promise.allSettled(handshakes), Promise.all(reports)]);
  const leases = handshakeResults.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const exhausted = handshakeResults.filter((r) => r.status === 'rejected');
  t.log(`wave 1: ${Date.now() - started} ms, ${leases.length} leases, ${exhausted.length} exhausted`);
  for (const r of exhausted) t.is(r.reason?.code, 'budget_exhausted');
  t.true(leases.length > 0 && exhausted.length > 0, 'some handshakes were granted and some refused');
  const granted = leases.reduce((sum, l) => sum + l.granted_micros, 0);
  let charged = direct.reduce((sum, r) => sum + r.charged_micros, 0);
  t.true(granted <= limit, `holds never pass what remains: granted ${granted} ≤ ${limit}`);
  t.is(charged, 100 * 5_000, 'every report is charged its cost');

  // Wave 2: two reports per lease (25,000 each: beyond the grant), a duplicate of each, and the releases.
  const wave2 = await Promise.all([
    ...leases.flatMap((l, i) =>
      [`lease-${i}-a`, `lease-${i}-b`, `lease-${i}-a`].map((requestId) =>
        s.budget.ReportUsage(
          {
            lease_id: l.lease_id,
            request_id: requestId,
            provider: 'openai',
            model: 'gpt-4o',
            input_tokens: 10,
            output_tokens: 10,
            cost_micros: 25_000,
          },
          patient(as),
        ),
      ),
    ),
  ]);
  charged += wave2.filter((r) => !r.duplicate).reduce((sum, r) => sum + r.charged_micros, 0);
  t.is(wave2.filter((r) => r.duplicate).length, leases.length, 'each repeated request id charged once');
  await Promise.all(leases.map((l) => s.budget.ReleaseLease({ lease_id: l.lease_id }, patient(as))));
  t.log(`both waves: ${Date.now() - started} ms`);

  const budget = await s.budget.GetBudget({ id: agent.id }, { principal: service });
  t.is(budget.spent_micros, charged, 'what the callers were told they were charged is what was spent');
  t.is(budget.reserved_micros, 0);
  t.is(budget.remaining_micros, limit - budget.spent_micros);
  const rec = await s.budget.Reconcile({ id: agent.id }, { principal: service });
  t.deepEqual(rec, { ok: true, ledger_spent_micros: charged, budget_spent_micros: charged });
});

test('when holds and a limit raise race, then every hold fits the limit in force and the books balance', async (t) => {
  const { agent, as } = await createAgent(s, 200_000);
  const request = await s.budget.CreateBudgetRequest(
    { agent_id: agent.id, requested_micros: 300_000, justification: 'load test' },
    { principal: member },
  );
  const [holds] = await Promise.all([
    Promise.all(
      Array.from({ length: 100 }, () =>
        s.budget.Handshake({ agent_id: agent.id, provider: 'openai', requested_micros: 7_000, for_proxy: true }, patient(as)).then(
          (h) => h.granted_micros,
          () => 0,
        ),
      ),
    ),
    s.budget.ApproveBudgetRequest({ id: request.id, note: 'go' }, patient({ type: 'user', id: 'usr_approver', role: 'manager' })),
  ]);
  const held = holds.reduce((sum, h) => sum + h, 0);
  const budget = await s.budget.GetBudget({ id: agent.id }, { principal: service });
  t.is(budget.limit_micros, 500_000);
  t.true(held >= 200_000 && held <= 500_000, `held ${held}`);
  t.is(budget.reserved_micros, held);
  t.is(budget.remaining_micros, 500_000 - held);
  t.true((await s.budget.Reconcile({ id: agent.id }, { principal: service })).ok);
});
