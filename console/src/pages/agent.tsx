import { api } from '../api';
import { SpendChart, utcDay } from '../chart';
import { Empty, ErrorNote, useLoaded } from '../components';
import { money, time } from '../format';
import { BudgetBar, type Agent } from './agents';

/** The days the agent's chart covers. */
const CHART_DAYS = 31;

interface SpendRow {
  key: string;
  spent_usd: number;
  requests: number;
  input_tokens: number;
  output_tokens: number;
}

interface LimitChange {
  old_limit_usd: number;
  new_limit_usd: number;
  approver_id: string;
  reason: string;
  at: string;
  kind: 'request' | 'set' | 'reset';
}

/** /console/agents/<id>: its budget, spend over time and by model, and its limit's history. */
export function AgentPage({ id }: { id: string }) {
  const agent = useLoaded(() => api<Agent>('GET', `/v1/agents/${id}`), [id]);
  const from = utcDay(CHART_DAYS - 1);
  const byDay = useLoaded(() => api<{ items: SpendRow[] }>('GET', `/v1/analytics/spend?group_by=day&agent_id=${id}&from=${from}`), [id]);
  const byModel = useLoaded(
    () => api<{ items: SpendRow[] }>('GET', `/v1/analytics/spend?group_by=model&agent_id=${id}&from=${from}`),
    [id],
  );
  const history = useLoaded(() => api<{ items: LimitChange[] }>('GET', `/v1/agents/${id}/budget/history`), [id]);
  const a = agent.data;
  return (
    <main>
      <p>
        <a href="/console/agents">← Agents</a>
      </p>
      <h1>{a ? a.name : 'Agent'}</h1>
      <ErrorNote error={agent.error ?? byDay.error ?? byModel.error ?? history.error} />
      {a && (
        <section aria-labelledby="budget">
          <h2 id="budget">Budget</h2>
          <BudgetBar agent={a} />
          <p>
            {money(a.budget.remaining_usd)} remaining · {a.disabled ? 'disabled' : 'active'} · created {time(a.created_at)}
          </p>
        </section>
      )}
      <section aria-labelledby="over-time">
        <h2 id="over-time">Spend over the last {CHART_DAYS} days</h2>
        {byDay.data && (
          <SpendChart
            spend={byDay.data.items.map((r) => ({ day: r.key, spent_usd: r.spent_usd }))}
            days={CHART_DAYS}
            label={`${a?.name ?? 'The agent'}: spend per UTC day`}
          />
        )}
      </section>
      <section aria-labelledby="by-model">
        <h2 id="by-model">By model</h2>
        {byModel.data?.items.length === 0 && <Empty>No calls in the last {CHART_DAYS} days.</Empty>}
        {byModel.data && byModel.data.items.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Spent</th>
                <th scope="col">Calls</th>
                <th scope="col">Input tokens</th>
                <th scope="col">Output tokens</th>
              </tr>
            </thead>
            <tbody>
              {byModel.data.items.map((r) => (
                <tr key={r.key}>
                  <td>{r.key}</td>
                  <td>{money(r.spent_usd)}</td>
                  <td>{r.requests}</td>
                  <td>{r.input_tokens}</td>
                  <td>{r.output_tokens}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="limit-history">
        <h2 id="limit-history">Limit history</h2>
        {history.data?.items.length === 0 && <Empty>The limit has not changed since the agent was created.</Empty>}
        {history.data && history.data.items.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Change</th>
                <th scope="col">How</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {history.data.items.map((c) => (
                <tr key={c.at + c.kind}>
                  <td>{time(c.at)}</td>
                  <td>
                    {money(c.old_limit_usd)} → {money(c.new_limit_usd)}
                  </td>
                  <td>{c.kind === 'request' ? 'an approved request' : c.kind === 'set' ? 'set by a manager' : 'reset'}</td>
                  <td>{c.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}
