import { api, type Page, type Schema } from '../api';
import { SpendChart, utcDay } from '../chart';
import { Empty, ErrorNote, PagedTable, Table, useLoaded, usePaged } from '../components';
import { money, time } from '../format';
import { BudgetBar, type Agent } from './agents';

/** The days the agent's chart covers. */
const CHART_DAYS = 31;

type LimitChange = Schema<'BudgetHistory'>['items'][number];

/** One row of the agent's ledger: a charge, a limit change or a period boundary (the other two are null). */
type LedgerEntry = Schema<'LedgerEntry'>;

/** How a limit changed, in the history's words and the ledger's. */
const howChanged = (kind: LimitChange['kind']) =>
  kind === 'request' ? 'an approved request' : kind === 'set' ? 'set by a manager' : 'reset';

/** One ledger entry as a row: what it was, what it moved, and what tells it apart (the model, or the reason). */
function ledgerRow(e: LedgerEntry) {
  const { charge: c, limit_change: l, period: p } = e;
  return (
    <tr key={e.id}>
      <td>{time(e.at)}</td>
      {c && (
        <>
          <td>charge</td>
          <td>{money(c.cost_usd)}</td>
          <td>
            {[c.model, `${c.input_tokens} in, ${c.output_tokens} out`, c.whole_hold_reason && `whole hold: ${c.whole_hold_reason}`]
              .filter(Boolean)
              .join(' · ')}
          </td>
        </>
      )}
      {l && (
        <>
          <td>limit ({howChanged(l.kind)})</td>
          <td>
            {money(l.old_limit_usd)} → {money(l.new_limit_usd)}
          </td>
          <td>{l.reason}</td>
        </>
      )}
      {p && (
        <>
          <td>new period</td>
          <td>{money(p.closed_spent_usd)}</td>
          <td>spent in the period it closed</td>
        </>
      )}
    </tr>
  );
}

/** /console/agents/<id>: its budget, spend over time and by model, its limit's history and its recent ledger entries. */
export function AgentPage({ id }: { id: string }) {
  const agent = useLoaded(() => api<Agent>('GET', `/v1/agents/${id}`), [id]);
  const from = utcDay(CHART_DAYS - 1);
  const byDay = useLoaded(() => api<Schema<'Spend'>>('GET', `/v1/analytics/spend?group_by=day&agent_id=${id}&from=${from}`), [id]);
  const byModel = useLoaded(() => api<Schema<'Spend'>>('GET', `/v1/analytics/spend?group_by=model&agent_id=${id}&from=${from}`), [id]);
  const history = useLoaded(() => api<Schema<'BudgetHistory'>>('GET', `/v1/agents/${id}/budget/history`), [id]);
  const ledger = usePaged(
    (cursor) => api<Page<LedgerEntry>>('GET', `/v1/agents/${id}/ledger?limit=50${cursor ? `&cursor=${cursor}` : ''}`),
    [id],
  );
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
          <Table
            columns={['Model', 'Spent', 'Calls', 'Input tokens', 'Output tokens']}
            rows={byModel.data.items}
            row={(r) => (
              <tr key={r.key}>
                <td>{r.key}</td>
                <td>{money(r.spent_usd)}</td>
                <td>{r.requests}</td>
                <td>{r.input_tokens}</td>
                <td>{r.output_tokens}</td>
              </tr>
            )}
          />
        )}
      </section>
      <section aria-labelledby="limit-history">
        <h2 id="limit-history">Limit history</h2>
        {history.data?.items.length === 0 && <Empty>The limit has not changed since the agent was created.</Empty>}
        {history.data && history.data.items.length > 0 && (
          <Table
            columns={['When', 'Change', 'How', 'Why']}
            rows={history.data.items}
            row={(c) => (
              <tr key={c.at + c.kind}>
                <td>{time(c.at)}</td>
                <td>
                  {money(c.old_limit_usd)} → {money(c.new_limit_usd)}
                </td>
                <td>{howChanged(c.kind)}</td>
                <td>{c.reason}</td>
              </tr>
            )}
          />
        )}
      </section>
      <section aria-labelledby="ledger">
        <h2 id="ledger">Recent ledger entries</h2>
        <PagedTable
          list={ledger}
          columns={['When', 'Entry', 'Amount', 'Details']}
          empty="Nothing charged yet: the agent's calls, limit changes and new periods show here."
          row={ledgerRow}
        />
      </section>
    </main>
  );
}
