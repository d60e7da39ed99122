import { api, atLeast, type Page, type User } from '../api';
import { Empty, ErrorNote, usePaged } from '../components';
import { money } from '../format';
import type { Agent } from './agents';

/** An agent with less than this share of its limit left is near exhaustion. */
const NEAR_EXHAUSTION = 0.1;

export function OverviewPage({ user }: { user: User }) {
  const agents = usePaged(() => api<Page<Agent>>('GET', '/v1/agents?limit=100'), []);
  const pending = usePaged(
    () =>
      atLeast(user.role, 'manager')
        ? api<Page<{ id: string }>>('GET', '/v1/budget-requests?status=pending&limit=100')
        : Promise.resolve({ items: [], next_cursor: null }),
    [],
  );
  const list = agents.items ?? [];
  const spent = list.reduce((sum, a) => sum + a.budget.spent_usd, 0);
  const top = [...list].sort((a, b) => b.budget.spent_usd - a.budget.spent_usd).slice(0, 5);
  const near = list.filter((a) => a.budget.limit_usd > 0 && a.budget.remaining_usd / a.budget.limit_usd < NEAR_EXHAUSTION);
  return (
    <main>
      <h1>Overview</h1>
      <ErrorNote error={agents.error ?? pending.error} />
      <div class="tiles">
        <section class="tile" aria-labelledby="t-spent">
          <h2 id="t-spent">Spent this period</h2>
          <p class="figure">{money(spent)}</p>
          <p>
            across {list.length} agents{agents.items?.length === 100 ? ' (the first 100)' : ''}
          </p>
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
        <section class="tile" aria-labelledby="t-near">
          <h2 id="t-near">Near exhaustion</h2>
          <p class="figure">{near.length}</p>
          <p>agents with less than {NEAR_EXHAUSTION * 100} % of their budget left</p>
        </section>
      </div>
      <section aria-labelledby="top">
        <h2 id="top">Top agents by spend</h2>
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
      </section>
    </main>
  );
}
