import { useState } from 'preact/hooks';
import { api, atLeast, type Page, type Schema, type User } from '../api';
import { ErrorNote, PagedTable, ShownOnce, onSubmit, useAction, usePaged } from '../components';
import { money, time } from '../format';

export type Agent = Schema<'Agent'>;

export function BudgetBar({ agent }: { agent: Agent }) {
  const { limit_usd: limit, spent_usd: spent, reserved_usd: reserved } = agent.budget;
  return (
    <div class="budget">
      <progress max={limit || 1} value={Math.min(spent, limit)} aria-label={`${agent.name}: ${money(spent)} of ${money(limit)} spent`} />
      <span>
        {money(spent)} of {money(limit)}
        {reserved > 0 && <> · {money(reserved)} held</>}
      </span>
    </div>
  );
}

function CreateAgent({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [budget, setBudget] = useState('10');
  const { error, run } = useAction();
  const [token, setToken] = useState<string | null>(null);
  const submit = onSubmit(run, async () => {
    const created = await api<Schema<'CreatedAgent'>>('POST', '/v1/agents', { name, budget_usd: Number(budget) });
    setToken(created.token);
    setName('');
    onCreated();
  });
  return (
    <section aria-labelledby="new-agent">
      <h2 id="new-agent">New agent</h2>
      <form class="inline" onSubmit={submit}>
        <label>
          Name
          <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Budget (USD)
          <input type="number" min="0" step="0.01" required value={budget} onInput={(e) => setBudget(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={!name}>
          Create agent
        </button>
      </form>
      <ErrorNote error={error} />
      {token && (
        <ShownOnce secret={token} note="The agent's credential, shown this once: store it where the agent runs." testId="agent-token" />
      )}
    </section>
  );
}

/** The orders the list can be read in (of the agents loaded so far); a link picks one with `agents?sort=<key>`. */
export const ORDERS = {
  name: { label: 'Name', compare: (a: Agent, b: Agent) => a.name.localeCompare(b.name) },
  spent: { label: 'Most spent', compare: (a: Agent, b: Agent) => b.budget.spent_usd - a.budget.spent_usd },
  remaining: { label: 'Least remaining', compare: (a: Agent, b: Agent) => a.budget.remaining_usd - b.budget.remaining_usd },
  created: { label: 'Newest', compare: (a: Agent, b: Agent) => b.created_at.localeCompare(a.created_at) },
};
type Order = keyof typeof ORDERS;

/** The order the address asks for (the overview links to the least remaining first), else by name. */
function linkedOrder(): Order {
  const sort = new URLSearchParams(location.search).get('sort');
  return sort !== null && Object.hasOwn(ORDERS, sort) ? (sort as Order) : 'name';
}

export function AgentsPage({ user }: { user: User }) {
  const [filter, setFilter] = useState('');
  const list = usePaged((cursor) => api<Page<Agent>>('GET', `/v1/agents?limit=50${cursor ? `&cursor=${cursor}` : ''}`), []);
  const [order, setOrder] = useState(linkedOrder);
  const shown = (list.items ?? []).filter((a) => a.name.toLowerCase().includes(filter.toLowerCase())).sort(ORDERS[order].compare);
  return (
    <main>
      <h1>Agents</h1>
      {atLeast(user.role, 'member') && <CreateAgent onCreated={() => void list.reload()} />}
      <div class="actions">
        <label class="filter">
          Filter by name
          <input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        </label>
        <label class="filter">
          Sort by
          <select value={order} onChange={(e) => setOrder(e.currentTarget.value as Order)}>
            {Object.entries(ORDERS).map(([key, o]) => (
              <option key={key} value={key}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <PagedTable
        list={list}
        rows={shown}
        columns={['Name', 'Budget', 'Status', 'Created']}
        empty={
          <>
            No agents yet. {atLeast(user.role, 'member') ? 'Create one above' : 'Ask a member to create one'}: each gets a credential and a
            dollar budget.
          </>
        }
        row={(a) => (
          <tr key={a.id}>
            <td>
              <a href={`/console/agents/${a.id}`}>{a.name}</a>
            </td>
            <td>
              <BudgetBar agent={a} />
            </td>
            <td>{a.disabled ? 'disabled' : 'active'}</td>
            <td>{time(a.created_at)}</td>
          </tr>
        )}
      />
    </main>
  );
}
