import test, { type ExecutionContext } from 'ava';
import { newHoldId, type Principal } from '@tollgate/platform';
import {
  agentPrincipal,
  budgetService,
  chargedOf,
  createAgent,
  ledgerOf,
  manager,
  manager2,
  member,
  patient,
  startBudgetReplicas,
  usd,
  viewer,
  type TwoReplicas,
  moneyOf,
} from './helpers.js';

// Two replicas of the budget service on one database. Every call below is split between
// them, so each commit point — the journal's (agent, seq), the usage claim, the decision —
// is raced across processes' worth of state, not just inside one.
let s: TwoReplicas;
let other: TwoReplicas['other'];
test.before(async () => {
  s = await startBudgetReplicas();
  other = s.other;
});
test.after.always(() => s?.close());

const gateway: Principal = { type: 'service', id: 'gateway' };

/** The two replicas, alternately. */
const via = (i: number) => (i % 2 === 0 ? s.budget : other.call);

/** `count` handshakes of 7,000 µ$ at once, alternately on the replicas, for the agent `agentOf(i)`: the leases granted (every refusal is budget_exhausted). */
async function raceHandshakes(t: ExecutionContext, count: number, agentOf: (i: number) => { id: string; as: Principal }) {
  const holds = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      via(i)
        .Handshake({ agent_id: agentOf(i).id, provider: 'openai', requested_micros: 7_000, for_proxy: true }, patient(agentOf(i).as))
        .then(
          (h) => ({ ...h, as: agentOf(i).as }),
          (err: unknown) => (err as { code: string }).code,
        ),
    ),
  );
  t.true(holds.every((h) => typeof h !== 'string' || h === 'budget_exhausted'));
  return holds.filter((h): h is Exclude<typeof h, string> => typeof h !== 'string');
}

test('when 400 reports (100 of them sent to both replicas at once) hit one budget, then each request is charged its cost once, whatever replica it reached', async (t) => {
  const limit = usd(1);
  const { agent, as } = await createAgent(s, limit);
  // 300 distinct reports of 4,000 (1.2× the budget); the first 100 go to both replicas at the same time.
  const calls = Array.from({ length: 300 }, (_, i) => `r-${i}`).flatMap(
    (id, i) =>
      (i < 100
        ? [
            [id, 0],
            [id, 1],
          ]
        : [[id, i]]) as [string, number][],
  );
  const results = await Promise.all(
    calls.map(([id, i]) =>
      via(i).ReportUsage(
        { lease_id: '', request_id: id, provider: 'openai', model: 'gpt-4o', input_tokens: 0, output_tokens: 0, cost_micros: 4_000 },
        patient(as),
      ),
    ),
  );
  const byId = new Map<string, typeof results>();
  calls.forEach(([id], i) => byId.set(id, [...(byId.get(id) ?? []), results[i]]));
  for (const [id, answers] of byId) {
    t.is(answers.filter((r) => !r.duplicate).length, 1, `${id} charged once`);
    t.true(
      answers.every((r) => r.charged_micros === answers[0].charged_micros),
      `${id}: both replicas tell the same charge`,
    );
  }
  const charged = results.filter((r) => !r.duplicate).reduce((sum, r) => sum + r.charged_micros, 0);
  t.is(charged, 300 * 4_000, 'every report charged once: nothing lost, nothing twice');
  const ledger = await ledgerOf(s.db, agent.id);
  t.is(ledger.length, 300);
  t.is(new Set(ledger.map((c) => c.request_id)).size, 300);
  t.is(
    ledger.reduce((sum, c) => sum + chargedOf(c), 0),
    charged,
  );
  for (const client of [s.budget, other.call]) {
    t.deepEqual(moneyOf(await client.GetBudget({ id: agent.id }, { principal: budgetService })), {
      limit_micros: limit,
      spent_micros: charged,
      reserved_micros: 0,
      remaining_micros: limit - charged,
    });
    t.deepEqual(await client.Reconcile({ id: agent.id }, { principal: budgetService }), {
      ok: true,
      ledger_spent_micros: charged,
      budget_spent_micros: charged,
    });
  }
});

test('when 200 holds race across replicas and are then released twice each, then they never hold more than the budget and all of it comes back once', async (t) => {
  const limit = usd(1);
  const { agent, as } = await createAgent(s, limit);
  const granted = await raceHandshakes(t, 200, () => ({ id: agent.id, as }));
  t.is(
    granted.reduce((sum, h) => sum + h.granted_micros, 0),
    limit,
    'everything is held, nothing more',
  );
  t.deepEqual(moneyOf(await other.call.GetBudget({ id: agent.id }, { principal: budgetService })), {
    limit_micros: limit,
    spent_micros: 0,
    reserved_micros: limit,
    remaining_micros: 0,
  });

  const releases = await Promise.all(
    granted.flatMap((h, i) => [0, 1].map((r) => via(i + r).ReleaseLease({ lease_id: h.lease_id }, patient(as)))),
  );
  t.is(
    releases.reduce((sum, r) => sum + r.released_micros, 0),
    limit,
    'each hold is returned exactly once',
  );
  for (const client of [s.budget, other.call]) {
    t.deepEqual(moneyOf(await client.GetBudget({ id: agent.id }, { principal: budgetService })), {
      limit_micros: limit,
      spent_micros: 0,
      reserved_micros: 0,
      remaining_micros: limit,
    });
  }
  t.true((await other.call.Reconcile({ id: agent.id }, { principal: budgetService })).ok);
});

test('when ten managers approve one request on both replicas at once, then exactly one wins and the limit rises once', async (t) => {
  const { agent } = await createAgent(s, usd(10));
  const r = await s.budget.CreateBudgetRequest(
    { agent_id: agent.id, requested_micros: usd(5), justification: 'replicas' },
    { principal: member },
  );
  const outcomes = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      via(i)
        .ApproveBudgetRequest({ id: r.id, note: `approval ${i}` }, patient(i % 3 === 0 ? manager2 : manager))
        .then(
          () => 'ok',
          (err: unknown) => (err as { code: string }).code,
        ),
    ),
  );
  t.is(outcomes.filter((o) => o === 'ok').length, 1);
  t.true(outcomes.every((o) => o === 'ok' || o === 'conflict'));
  for (const client of [s.budget, other.call]) {
    t.is((await client.GetBudget({ id: agent.id }, { principal: budgetService })).limit_micros, usd(15));
    t.is((await client.GetBudgetRequest({ id: r.id }, { principal: viewer })).status, 'approved');
  }
  const history = await other.call.GetBudgetHistory({ id: agent.id }, { principal: viewer });
  t.deepEqual(
    history.items.map((h) => [h.old_limit_micros, h.new_limit_micros, h.request_id]),
    [[usd(10), usd(15), r.id]],
  );
});

test('when holds on both replicas race with a limit raise, then every hold fits the limit in force and the books balance on both', async (t) => {
  const { agent, as } = await createAgent(s, 100_000);
  const r = await s.budget.CreateBudgetRequest(
    { agent_id: agent.id, requested_micros: 50_000, justification: 'more' },
    { principal: member },
  );
  const [holds] = await Promise.all([
    Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        via(i)
          .Handshake({ agent_id: agent.id, provider: 'openai', requested_micros: 2_000, for_proxy: true }, patient(as))
          .then(
            (h) => h.granted_micros,
            () => 0,
          ),
      ),
    ),
    other.call.ApproveBudgetRequest({ id: r.id, note: '' }, patient(manager)),
  ]);
  const held = holds.reduce((sum, x) => sum + x, 0);
  // 200,000 asked: at least the first limit is held, never more than the raised one.
  t.true(held >= 100_000 && held <= 150_000, `held ${held}`);
  for (const client of [s.budget, other.call]) {
    t.deepEqual(moneyOf(await client.GetBudget({ id: agent.id }, { principal: budgetService })), {
      limit_micros: 150_000,
      spent_micros: 0,
      reserved_micros: held,
      remaining_micros: 150_000 - held,
    });
    t.true((await client.Reconcile({ id: agent.id }, { principal: budgetService })).ok);
  }
});

test('when both replicas charge an agent, then spend analytics on either add up to what was charged', async (t) => {
  const { agent, as } = await createAgent(s, usd(1));
  await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      via(i).ReportUsage(
        {
          lease_id: '',
          request_id: `a-${i}`,
          provider: 'openai',
          model: i % 2 ? 'gpt-4o' : 'gpt-4o-mini',
          input_tokens: 10,
          output_tokens: 5,
          cost_micros: 1_000,
        },
        patient(as),
      ),
    ),
  );
  const expected = [
    { key: 'gpt-4o', spent_micros: 20_000, requests: 20, input_tokens: 200, output_tokens: 100 },
    { key: 'gpt-4o-mini', spent_micros: 20_000, requests: 20, input_tokens: 200, output_tokens: 100 },
  ];
  // Each replica rewrites the open day's rollup after its own entries; the newest one wins within moments.
  for (const client of [s.budget, other.call]) {
    let rows: unknown;
    for (let tries = 0; tries < 50; tries++) {
      rows = (await client.GetSpend({ group_by: 'model', agent_id: agent.id }, { principal: viewer })).items;
      if (JSON.stringify(rows) === JSON.stringify(expected)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    t.deepEqual(rows, expected);
  }
});

test('when an agent is renamed, described and disabled on both replicas at once, then every change is kept and no hold is granted after the disable', async (t) => {
  const { agent, as } = await createAgent(s, usd(1));
  await Promise.all([
    s.budget.UpdateAgent({ id: agent.id, name: 'renamed' }, patient(member)),
    other.call.UpdateAgent({ id: agent.id, description: 'described' }, patient(member)),
    s.budget.UpdateAgent({ id: agent.id, disabled: true }, patient(member)),
  ]);
  for (const client of [s.budget, other.call]) {
    t.like(await client.GetAgent({ id: agent.id }, patient(viewer)), { name: 'renamed', description: 'described', disabled: true });
    const hold = await client
      .Handshake({ agent_id: agent.id, provider: 'openai', requested_micros: 1_000, for_proxy: true }, patient(as))
      .catch((err: unknown) => (err as { code: string }).code);
    t.is(hold, 'forbidden');
  }
  // Re-enabled on one replica, holds work again on the other at once.
  await other.call.UpdateAgent({ id: agent.id, disabled: false }, { principal: member });
  t.is(
    (await s.budget.Handshake({ agent_id: agent.id, provider: 'openai', requested_micros: 1_000, for_proxy: true }, patient(as)))
      .granted_micros,
    1_000,
  );
});

test('when the agents of one project hold from it on both replicas at once, then the project never holds more than its budget, each hold is in both journals, and a repeated escrow sync changes nothing', async (t) => {
  const limit = usd(1);
  const project = await s.budget.CreateProject({ name: 'race', description: '', budget_micros: limit }, patient(manager));
  const agents: { id: string; as: Principal }[] = [];
  for (let i = 0; i < 10; i++) {
    const res = await via(i).CreateAgent(
      { name: `p-${i}`, description: '', budget_micros: usd(0.3), providers: [], project_id: project.id },
      patient(manager),
    );
    agents.push({ id: res.agent!.id, as: agentPrincipal(res.agent!.id, manager.id) });
  }
  const projectMoney = async (client: typeof s.budget) =>
    moneyOf((await client.GetProject({ id: project.id }, { principal: manager })).budget!);

  // Leases: 200 handshakes of 7,000 µ$ across the replicas — 1.4 M µ$ asked of a 1 M µ$ project whose agents could hold 3 M µ$.
  const granted = await raceHandshakes(t, 200, (i) => agents[i % 10]);
  t.is(
    granted.reduce((sum, h) => sum + h.granted_micros, 0),
    limit,
    'the whole project is held, nothing more',
  );
  for (const client of [s.budget, other.call]) t.like(await projectMoney(client), { reserved_micros: limit, remaining_micros: 0 });
  await Promise.all(granted.map((h, i) => via(i).ReleaseLease({ lease_id: h.lease_id }, patient(h.as))));
  t.like(await projectMoney(other.call), { reserved_micros: 0, remaining_micros: limit });

  // Escrows: 100 opened across the replicas wanting 20,000 µ$ each (2 M µ$), then each sync repeated on the other replica.
  const syncs = Array.from({ length: 100 }, (_, i) => ({
    agent_id: agents[i % 10].id,
    escrow_id: newHoldId(),
    seq: 1,
    want_micros: 20_000,
    charges: [],
  }));
  const opened = await Promise.all(syncs.map((sync, i) => via(i).SyncEscrows({ escrows: [sync] }, patient(gateway))));
  const escrowed = opened.reduce((sum, r) => sum + r.escrows[0].escrow_micros, 0);
  t.is(escrowed, limit, 'escrows grow only as far as the project allows');
  const repeated = await Promise.all(syncs.map((sync, i) => via(i + 1).SyncEscrows({ escrows: [sync] }, patient(gateway))));
  t.deepEqual(
    repeated.map((r) => r.escrows[0].escrow_micros),
    opened.map((r) => r.escrows[0].escrow_micros),
  );
  for (const client of [s.budget, other.call]) t.like(await projectMoney(client), { reserved_micros: limit, remaining_micros: 0 });
  const agentsReserved = await Promise.all(
    agents.map(async (a) => (await other.call.GetBudget({ id: a.id }, { principal: budgetService })).reserved_micros),
  );
  t.is(
    agentsReserved.reduce((a, b) => a + b, 0),
    limit,
    "the agents' escrows are the project's, micro-dollar for micro-dollar",
  );
});
