import { api, atLeast, type Page, type Schema, type User } from '../api';
import { SpendChart, utcDay } from '../chart';
import { Empty, ErrorNote, MoreButton, useLoaded, usePaged, type Paged } from '../components';
import { money } from '../format';
import { BudgetBar, ORDERS, type Agent } from './agents';

/** An agent with less than this share of its limit left is near exhaustion. */
const NEAR_EXHAUSTION = 0.1;
/** The agents near exhaustion listed, least left first; the Agents page, in that order, has the rest. */
const NEAR_SHOWN = 5;
/** Agents read a page at a time (the API's largest page). */
const AGENTS_PAGE = 100;
/** The chart's days: enough to hold this month too. */
const CHART_DAYS = 31;

export function OverviewPage({ user }: { user: User }) {
  const agents = usePaged((cursor) => api<Page<Agent>>('GET', `/v1/agents?limit=${AGENTS_PAGE}${cursor ? `&cursor=${cursor}` : ''}`), []);
  const pending = usePaged(
    () =>
      atLeast(user.role, 'manager')
        ? api<Page<Schema<'BudgetRequest'>>>('GET', '/v1/budget-requests?status=pending&limit=100')
        : Promise.resolve({ items: [], next_cursor: null }),
    [],
  );
  const spend = useLoaded(() => api<Schema<'Spend'>>('GET', `/v1/analytics/spend?group_by=day&from=${utcDay(CHART_DAYS - 1)}`), []);
  const days = (spend.data?.items ?? []).map((r) => ({ day: r.key, spent_usd: r.spent_usd }));
  const today = utcDay();
  const spentOn = (keep: (day: string) => boolean) => days.filter((d) => keep(d.day)).reduce((sum, d) => sum + d.spent_usd, 0);
  const list = agents.items ?? [];
  const top = [...list].sort((a, b) => b.budget.spent_usd - a.budget.spent_usd).slice(0, 5);
  const near = list
    .filter((a) => a.budget.limit_usd > 0 && a.budget.remaining_usd / a.budget.limit_usd < NEAR_EXHAUSTION)
    .sort(ORDERS.remaining.compare);
  return (
    <main>
      <h1>Overview</h1>
      <ErrorNote error={agents.error ?? pending.error ?? spend.error} />
      <div class="tiles">
        <section class="tile" aria-labelledby="t-today">
          <h2 id="t-today">Spent today</h2>
          <p class="figure" data-testid="spent-today">
            {spend.data ? money(spentOn((d) => d === today)) : '…'}
          </p>
          <p>UTC day, every agent you see</p>
        </section>
        <section class="tile" aria-labelledby="t-month">
          <h2 id="t-month">Spent this month</h2>
          <p class="figure" data-testid="spent-month">
            {spend.data ? money(spentOn((d) => d.startsWith(today.slice(0, 8)))) : '…'}
          </p>
          <p>since the 1st, UTC</p>
        </section>
        {atLeast(user.role, 'manager') && (
          <section class="tile" aria-labelledby="t-pending">
            <h2 id="t-pending">Waiting for approval</h2>
            <p class="figure" data-testid="pending-count">
              {pending.items ? `${pending.items.length}${pending.more ? '+' : ''}` : '…'}
            </p>
            <a href="/console/budget-requests">Review requests</a>
          </section>
        )}
      </div>
      <section aria-labelledby="near">
        <h2 id="near">Budgets near exhaustion</h2>
        {agents.items && near.length === 0 ? (
          <Empty>No agent has used more than {(1 - NEAR_EXHAUSTION) * 100} % of its budget.</Empty>
        ) : (
          <ol class="near">
            {near.slice(0, NEAR_SHOWN).map((a) => (
              <li key={a.id}>
                <a href={`/console/agents/${a.id}`}>{a.name}</a>
                <BudgetBar agent={a} />
                <span>{money(a.budget.remaining_usd)} left</span>
              </li>
            ))}
          </ol>
        )}
        <OfLoaded agents={agents} />
        {near.length > 0 && <a href="/console/agents?sort=remaining">Every agent, least remaining first</a>}
      </section>
      <section aria-labelledby="trend">
        <h2 id="trend">Spend over the last {CHART_DAYS} days</h2>
        {spend.data && <SpendChart spend={days} days={CHART_DAYS} label={`Spend per UTC day, the last ${CHART_DAYS} days`} />}
      </section>
      <section aria-labelledby="top">
        <h2 id="top">Top agents by spend this period</h2>
        {agents.items && top.length === 0 ? (
          <Empty>No agents yet: create one on the Agents page.</Empty>
        ) : (
          <ol>
            {top.map((a) => (
              <li key={a.id}>
                {a.name}: {money(a.budget.spent_usd)} of {money(a.budget.limit_usd)}
              </li>
            ))}
          </ol>
        )}
        <OfLoaded agents={agents} />
      </section>
    </main>
  );
}

/** The lists are of the agents loaded so far: when there are more, it says so and loads the next page. */
function OfLoaded({ agents }: { agents: Paged<Agent> }) {
  if (!agents.more || !agents.items) return null;
  return (
    <p>
      Of the first {agents.items.length} agents. <MoreButton more={agents.more} busy={agents.busy} />
    </p>
  );
}
