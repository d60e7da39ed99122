import { useState } from 'preact/hooks';
import { api, download, type Page, type Schema } from '../api';
import { ErrorNote, PagedTable, useAction, usePaged } from '../components';
import { time } from '../format';

type AuditEvent = Schema<'AuditEvent'>;

interface Filter {
  actor_id: string;
  action: string;
  outcome: string;
  from: string;
  to: string;
}

const NO_FILTER: Filter = { actor_id: '', action: '', outcome: '', from: '', to: '' };

/** The filter as the API's query: empty fields left out, local times (datetime-local) as RFC 3339. */
function query(f: Filter): string {
  const q = new URLSearchParams();
  if (f.actor_id) q.set('actor_id', f.actor_id);
  if (f.action) q.set('action', f.action);
  if (f.outcome) q.set('outcome', f.outcome);
  if (f.from) q.set('from', new Date(f.from).toISOString());
  if (f.to) q.set('to', new Date(f.to).toISOString());
  return q.toString();
}

function Verification() {
  const [result, setResult] = useState<Schema<'AuditVerification'> | null>(null);
  const { error, busy, run } = useAction();
  return (
    <section aria-labelledby="chain">
      <h2 id="chain">Hash chain</h2>
      <button
        type="button"
        class="secondary"
        disabled={busy}
        onClick={() => void run(async () => setResult(await api<Schema<'AuditVerification'>>('GET', '/v1/audit/verify')))}
      >
        {busy ? 'Verifying every event…' : 'Verify the chain'}
      </button>
      {result && (
        <p role="status" class={result.ok ? '' : 'error'}>
          {result.ok
            ? `Intact: ${result.checked} events checked.`
            : `Broken: ${result.checked} events checked; the first broken link is event ${result.first_bad_id ?? '?'}.`}
        </p>
      )}
      <ErrorNote error={error} />
    </section>
  );
}

export function AuditPage() {
  const [draft, setDraft] = useState<Filter>(NO_FILTER);
  const [filter, setFilter] = useState<Filter>(NO_FILTER);
  const [open, setOpen] = useState<string | null>(null);
  const exporting = useAction();
  const list = usePaged(
    (cursor) => api<Page<AuditEvent>>('GET', `/v1/audit/events?limit=50&${query(filter)}${cursor ? `&cursor=${cursor}` : ''}`),
    [filter],
  );
  const field = (name: keyof Filter) => (e: { currentTarget: { value: string } }) => setDraft({ ...draft, [name]: e.currentTarget.value });
  const exportAs = (format: 'ndjson' | 'csv') =>
    exporting.run(async () => {
      const file = await download(`/v1/audit/export?format=${format}&${query(filter)}`);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(file);
      a.download = `tollgate-audit.${format}`;
      a.click();
      URL.revokeObjectURL(a.href);
    });
  return (
    <main>
      <h1>Audit log</h1>
      <form
        class="inline"
        aria-label="Filter events"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(draft);
        }}
      >
        <label>
          Actor id
          <input value={draft.actor_id} onInput={field('actor_id')} />
        </label>
        <label>
          Action
          <input value={draft.action} placeholder="e.g. auth.login" onInput={field('action')} />
        </label>
        <label>
          Outcome
          <select value={draft.outcome} onChange={field('outcome')}>
            <option value="">any</option>
            <option value="success">success</option>
            <option value="failure">failure</option>
            <option value="denied">denied</option>
          </select>
        </label>
        <label>
          From
          <input type="datetime-local" value={draft.from} onInput={field('from')} />
        </label>
        <label>
          To
          <input type="datetime-local" value={draft.to} onInput={field('to')} />
        </label>
        <button type="submit">Apply filter</button>
      </form>
      <div class="actions">
        <button type="button" class="secondary" disabled={exporting.busy} onClick={() => void exportAs('ndjson')}>
          Export NDJSON
        </button>
        <button type="button" class="secondary" disabled={exporting.busy} onClick={() => void exportAs('csv')}>
          Export CSV
        </button>
        {exporting.busy && <span role="status">Exporting…</span>}
      </div>
      <ErrorNote error={exporting.error} />
      <PagedTable
        list={list}
        columns={['Time', 'Actor', 'Action', 'Resource', 'Outcome', 'Detail']}
        empty={'No event matches this filter.'}
        row={(e) => (
          <tr key={e.id} data-event={e.id}>
            <td>{time(e.at)}</td>
            <td>
              {e.actor.type} {e.actor.id ?? ''}
            </td>
            <td>{e.action}</td>
            <td>
              {e.resource.type} {e.resource.id ?? ''}
            </td>
            <td>{e.outcome}</td>
            <td>
              <button type="button" class="secondary" aria-expanded={open === e.id} onClick={() => setOpen(open === e.id ? null : e.id)}>
                {open === e.id ? 'Hide' : 'Show'}
              </button>
              {open === e.id && (
                <pre>{JSON.stringify({ ip: e.ip, request_id: e.request_id, source: e.source, details: e.details }, null, 2)}</pre>
              )}
            </td>
          </tr>
        )}
      />
      <Verification />
    </main>
  );
}
