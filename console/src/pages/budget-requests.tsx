import { useState } from 'preact/hooks';
import { api, atLeast, type Page, type Schema, type User } from '../api';
import { ErrorNote, PagedTable, onSubmit, useAction, usePaged } from '../components';
import { money, time } from '../format';
import type { Agent } from './agents';

type BudgetRequest = Schema<'BudgetRequest'>;

/** Approve or reject in two clicks: the choice, then its confirmation (a reject needs its reason). */
function Decide({ request, onDone }: { request: BudgetRequest; onDone: () => void }) {
  const [choice, setChoice] = useState<'approve' | 'reject' | null>(null);
  const [reason, setReason] = useState('');
  const { error, run } = useAction();
  const confirm = () =>
    run(async () => {
      if (choice === 'approve') await api('POST', `/v1/budget-requests/${request.id}/approve`, reason ? { note: reason } : {});
      else await api('POST', `/v1/budget-requests/${request.id}/reject`, { reason });
      onDone();
    });
  if (!choice)
    return (
      <div class="actions">
        <button type="button" onClick={() => setChoice('approve')}>
          Approve
        </button>
        <button type="button" class="danger" onClick={() => setChoice('reject')}>
          Reject
        </button>
      </div>
    );
  return (
    <div class="actions">
      <label>
        {choice === 'approve' ? 'Note (optional)' : 'Reason (required)'}
        <input value={reason} required={choice === 'reject'} onInput={(e) => setReason(e.currentTarget.value)} />
      </label>
      <button type="button" disabled={choice === 'reject' && !reason.trim()} onClick={() => void confirm()}>
        {choice === 'approve' ? 'Confirm approval' : 'Confirm rejection'}
      </button>
      <button type="button" class="secondary" onClick={() => setChoice(null)}>
        Cancel
      </button>
      <ErrorNote error={error} />
    </div>
  );
}

function AskForMore({ user, onAsked }: { user: User; onAsked: () => void }) {
  const agents = usePaged((cursor) => api<Page<Agent>>('GET', `/v1/agents?limit=100${cursor ? `&cursor=${cursor}` : ''}`), []);
  const mine = (agents.items ?? []).filter((a) => a.owner_id === user.id);
  const [agentId, setAgentId] = useState('');
  const [amount, setAmount] = useState('');
  const [why, setWhy] = useState('');
  const { error, run } = useAction();
  if (mine.length === 0) return null;
  const submit = onSubmit(run, async () => {
    await api('POST', '/v1/budget-requests', { agent_id: agentId || mine[0].id, requested_budget_usd: Number(amount), justification: why });
    setAmount('');
    setWhy('');
    onAsked();
  });
  return (
    <section aria-labelledby="ask">
      <h2 id="ask">Ask for more budget</h2>
      <form class="inline" onSubmit={submit}>
        <label>
          Agent
          <select value={agentId || mine[0].id} onChange={(e) => setAgentId(e.currentTarget.value)}>
            {mine.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Increase (USD)
          <input type="number" min="0.01" step="0.01" required value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
        </label>
        <label>
          Why
          <input required value={why} onInput={(e) => setWhy(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={!amount || !why.trim()}>
          Send request
        </button>
      </form>
      <ErrorNote error={error} />
    </section>
  );
}

export function BudgetRequestsPage({ user }: { user: User }) {
  const [status, setStatus] = useState<'pending' | ''>('pending');
  const list = usePaged(
    (cursor) =>
      api<Page<BudgetRequest>>(
        'GET',
        `/v1/budget-requests?limit=50${status ? `&status=${status}` : ''}${cursor ? `&cursor=${cursor}` : ''}`,
      ),
    [status],
  );
  const approver = atLeast(user.role, 'manager');
  return (
    <main>
      <h1>Budget requests</h1>
      {atLeast(user.role, 'member') && <AskForMore user={user} onAsked={() => void list.reload()} />}
      <label class="filter">
        Show
        <select value={status} onChange={(e) => setStatus(e.currentTarget.value as 'pending' | '')}>
          <option value="pending">Pending</option>
          <option value="">All (history)</option>
        </select>
      </label>
      <PagedTable
        list={list}
        columns={['Asked', 'Increase', 'Why', 'Status', approver && status === 'pending' && 'Decision']}
        empty={
          <>
            {status === 'pending' ? 'Nothing waits for a decision.' : 'No budget requests yet.'} Members ask for more budget for their
            agents here.
          </>
        }
        row={(r) => (
          <tr key={r.id} data-request={r.id}>
            <td>{time(r.created_at)}</td>
            <td>{money(r.requested_budget_usd)}</td>
            <td>{r.justification}</td>
            <td>
              {r.status}
              {r.decision_note && <> — {r.decision_note}</>}
            </td>
            {approver && status === 'pending' && (
              <td>
                {r.requester_id === user.id ? 'Yours: another approver decides' : <Decide request={r} onDone={() => void list.reload()} />}
              </td>
            )}
          </tr>
        )}
      />
    </main>
  );
}
