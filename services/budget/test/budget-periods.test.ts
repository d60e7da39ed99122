import test from 'ava';
import { eventually } from '../../../test/support/eventually.js';
import { nextBoundary, periodStart } from '../src/domain/periods.js';
import {
  addProviderKey,
  agentPrincipal,
  budgetService,
  codeOf,
  createAgent,
  journalOf,
  ledgerOf,
  manager,
  member,
  outboxEvents,
  periodOf,
  spend,
  startBudgetStack,
  stateOf,
  usd,
  type BudgetStack,
} from './helpers.js';

// The budget service's clock runs `ahead` of the real one: a test moves it past a period boundary.
let ahead = 0;
const clock = () => new Date(Date.now() + ahead);
let s: BudgetStack;
test.before(async () => {
  s = await startBudgetStack({}, { budgetClock: clock });
  await addProviderKey(s, 'openai');
});
test.after.always(() => s?.close());

const iso = (at: string) => new Date(at).toISOString();

test('calendar periods are UTC days, weeks from Monday and months, across month and year ends and leap days', (t) => {
  const at = new Date('2028-02-27T23:59:59.999Z'); // a Sunday in a leap year
  t.is(periodStart('day', at).toISOString(), iso('2028-02-27T00:00:00Z'));
  t.is(nextBoundary('day', at)?.toISOString(), iso('2028-02-28T00:00:00Z'));
  t.is(periodStart('week', at).toISOString(), iso('2028-02-21T00:00:00Z'), 'a Sunday belongs to the week that began on Monday');
  t.is(nextBoundary('week', at)?.toISOString(), iso('2028-02-28T00:00:00Z'));
  t.is(nextBoundary('week', new Date('2028-02-28T00:00:00Z'))?.toISOString(), iso('2028-03-06T00:00:00Z'), 'Monday midnight starts a week');
  t.is(nextBoundary('day', new Date('2028-02-28T12:00:00Z'))?.toISOString(), iso('2028-02-29T00:00:00Z'));
  t.is(periodStart('month', at).toISOString(), iso('2028-02-01T00:00:00Z'));
  t.is(nextBoundary('month', at)?.toISOString(), iso('2028-03-01T00:00:00Z'));
  t.is(nextBoundary('month', new Date('2026-12-31T23:00:00Z'))?.toISOString(), iso('2027-01-01T00:00:00Z'));
  t.is(nextBoundary('week', new Date('2026-12-31T10:00:00Z'))?.toISOString(), iso('2027-01-04T00:00:00Z'));
  t.is(nextBoundary('none', at), null);
});

test.serial(
  'when a daily budget is used up, the agent gets it back at the next UTC midnight, and the closed day stays in the ledger',
  async (t) => {
    const a = await createAgent(s, usd(1));
    const daily = await s.budget.SetBudget({ agent_id: a.agent.id, period: 'day', reason: 'daily allowance' }, { principal: manager });
    const tomorrow = nextBoundary('day', clock())!;
    t.like(daily, { period: 'day', limit_micros: usd(1), resets_at: tomorrow.toISOString() });
    await s.budget.UpdateAgent({ id: a.agent.id, alert_thresholds: { percents: [100] } }, { principal: member });

    await spend(s, a, usd(1));
    t.is(
      await codeOf(s.budget.Handshake({ agent_id: a.agent.id, provider: 'openai', requested_micros: 1 }, { principal: a.as })),
      'budget_exhausted',
    );

    // Past midnight: the budget reads as the new day's before anything is written.
    ahead = tomorrow.getTime() - Date.now() + 60_000;
    t.deepEqual(await stateOf(s, a.agent.id), { limit_micros: usd(1), spent_micros: 0, reserved_micros: 0, remaining_micros: usd(1) });
    t.deepEqual(await periodOf(s, a.agent.id), {
      period: 'day',
      period_started_at: tomorrow.toISOString(),
      resets_at: new Date(tomorrow.getTime() + 86_400_000).toISOString(),
    });

    await spend(s, a, usd(0.25));
    t.like(await stateOf(s, a.agent.id), { spent_micros: usd(0.25), remaining_micros: usd(0.75) });
    t.deepEqual(await s.budget.Reconcile({ id: a.agent.id }, { principal: budgetService }), {
      ok: true,
      ledger_spent_micros: usd(0.25),
      budget_spent_micros: usd(0.25),
    });
    // The journal carries the boundary, with what the closed day spent; every charge stays in the ledger.
    const boundaries = (await journalOf(s.db, a.agent.id)).flatMap((e) => e.ops.filter((op) => op.type === 'period'));
    t.like(boundaries, [{ type: 'period', started_at: tomorrow, closed_spent: usd(1) }]);
    t.deepEqual(
      (await ledgerOf(s.db, a.agent.id)).map((c) => c.cost_micros),
      [usd(1), usd(0.25)],
    );
    // The history keeps what people changed, not each boundary.
    t.deepEqual(
      (await s.budget.GetBudgetHistory({ id: a.agent.id }, { principal: budgetService })).items.map((h) => [h.kind, h.period]),
      [['set', 'day']],
    );

    // The day's alert is armed again: reaching 100 % of the new day announces it once more.
    await spend(s, a, usd(0.75));
    const alerts = await eventually(
      async () => (await outboxEvents(s.db)).filter((e) => e.action === 'budget.threshold' && e.resource.id === a.agent.id),
      (events) => events.length >= 2,
    );
    t.deepEqual(
      alerts.map((e) => [e.details.threshold_percent, e.details.period_started_at === tomorrow.toISOString()]),
      [
        [100, false],
        [100, true],
      ],
    );
  },
);

test.serial('when a budget becomes monthly, the spend so far counts toward this month and starts again at the next month', async (t) => {
  const a = await createAgent(s, usd(5));
  await spend(s, a, usd(2));
  const monthly = await s.budget.SetBudget({ agent_id: a.agent.id, period: 'month', reason: 'monthly' }, { principal: manager });
  const nextMonth = nextBoundary('month', clock())!;
  t.like(monthly, { period: 'month', spent_micros: usd(2), remaining_micros: usd(3), resets_at: nextMonth.toISOString() });

  ahead = nextMonth.getTime() - Date.now() + 1_000;
  t.like(await s.budget.GetBudget({ id: a.agent.id }, { principal: budgetService }), {
    spent_micros: 0,
    remaining_micros: usd(5),
    period_started_at: nextMonth.toISOString(),
  });
  // Back to no period: the current period runs on, with no boundary.
  const none = await s.budget.SetBudget({ agent_id: a.agent.id, period: 'none', reason: 'one-off' }, { principal: manager });
  t.like(none, { period: 'none', spent_micros: 0, resets_at: '', period_started_at: nextMonth.toISOString() });
});

test.serial(
  "when a project's daily budget is used up, its agents get it back at the next UTC midnight, while their own budgets keep their periods",
  async (t) => {
    const project = await s.budget.CreateProject({ name: 'daily team', description: '', budget_micros: usd(1) }, { principal: manager });
    await s.budget.SetProjectBudget({ project_id: project.id, period: 'day', reason: 'daily allowance' }, { principal: manager });
    const created = await s.budget.CreateAgent(
      { name: 'in-a-team', description: '', budget_micros: usd(10), providers: [], project_id: project.id },
      { principal: manager },
    );
    const a = { agent: created.agent!, token: created.token, as: agentPrincipal(created.agent!.id, manager.id) };
    const tomorrow = nextBoundary('day', clock())!;
    await spend(s, a, usd(1));
    t.is(
      await codeOf(s.budget.Handshake({ agent_id: a.agent.id, provider: 'openai', requested_micros: 1 }, { principal: a.as })),
      'budget_exhausted',
    );

    ahead = tomorrow.getTime() - Date.now() + 60_000;
    const next = (await s.budget.GetProject({ id: project.id }, { principal: manager })).budget!;
    t.like(next, { spent_micros: 0, remaining_micros: usd(1), period: 'day', period_started_at: tomorrow.toISOString() });
    await spend(s, a, usd(0.25));
    t.like((await s.budget.GetProject({ id: project.id }, { principal: manager })).budget!, { spent_micros: usd(0.25) });
    t.like(await stateOf(s, a.agent.id), { spent_micros: usd(1.25) }, "the agent's own budget has no period");
  },
);
