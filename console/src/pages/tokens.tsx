import { useState } from 'preact/hooks';
import { api, type Page, type Schema } from '../api';
import { ConfirmAction, ErrorNote, PagedTable, ShownOnce, onSubmit, useAction, usePaged } from '../components';
import { time } from '../format';

type ApiToken = Schema<'ApiToken'>;

/** How long the old secret of a rotated token keeps working, so that what uses it can be updated. */
const ROTATION_GRACE_SECONDS = 3_600;

function TokenActions({ token, onChanged, onSecret }: { token: ApiToken; onChanged: () => void; onSecret: (s: string) => void }) {
  const { error, busy, run } = useAction();
  if (token.status !== 'active') return null;
  const rotate = () =>
    run(async () => {
      const rotated = await api<Schema<'CreatedApiToken'>>('POST', `/v1/tokens/${token.id}/rotate`, {
        grace_seconds: ROTATION_GRACE_SECONDS,
      });
      onSecret(rotated.token);
      onChanged();
    });
  return (
    <div class="actions">
      <button type="button" class="secondary" disabled={busy} onClick={() => void rotate()}>
        Rotate (old secret works 1 hour more)
      </button>
      <ConfirmAction
        label="Revoke"
        question={`Revoke ${token.name}? What uses it stops working at once.`}
        confirm="Confirm revocation"
        action={async () => {
          await api('DELETE', `/v1/tokens/${token.id}`);
          onChanged();
        }}
      />
      <ErrorNote error={error} />
    </div>
  );
}

export function TokensPage() {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState('agents:read, budgets:read');
  const [days, setDays] = useState('90');
  const [secret, setSecret] = useState<string | null>(null);
  const { error, run } = useAction();
  const list = usePaged((cursor) => api<Page<ApiToken>>('GET', `/v1/tokens?limit=50${cursor ? `&cursor=${cursor}` : ''}`), []);
  const submit = onSubmit(run, async () => {
    const created = await api<Schema<'CreatedApiToken'>>('POST', '/v1/tokens', {
      name,
      scopes: scopes.split(/[\s,]+/).filter(Boolean),
      expires_in_days: Number(days),
    });
    setSecret(created.token);
    setName('');
    await list.reload();
  });
  return (
    <main>
      <h1>API tokens</h1>
      <section aria-labelledby="new-token">
        <h2 id="new-token">New token</h2>
        <form class="inline" onSubmit={submit}>
          <label>
            Token name
            <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <label>
            Scopes (comma-separated, within your role)
            <input required value={scopes} onInput={(e) => setScopes(e.currentTarget.value)} />
          </label>
          <label>
            Expires in (days)
            <input type="number" min="1" max="366" required value={days} onInput={(e) => setDays(e.currentTarget.value)} />
          </label>
          <button type="submit" disabled={!name}>
            Create token
          </button>
        </form>
        <ErrorNote error={error} />
      </section>
      {secret && <ShownOnce secret={secret} note="The token, shown this once: store it now." testId="token-secret" />}
      <PagedTable
        list={list}
        columns={['Name', 'Token', 'Scopes', 'Status', 'Expires', 'Last used', 'Actions']}
        empty={'No tokens yet: scripts and the CLI use one instead of your password.'}
        row={(t) => (
          <tr key={t.id} data-token={t.id}>
            <td>{t.name}</td>
            <td>
              <code>{t.prefix}</code>
            </td>
            <td>{t.scopes.join(', ')}</td>
            <td>{t.status}</td>
            <td>{t.expires_at ? time(t.expires_at) : 'never'}</td>
            <td>{time(t.last_used_at)}</td>
            <td>
              <TokenActions token={t} onChanged={() => void list.reload()} onSecret={setSecret} />
            </td>
          </tr>
        )}
      />
    </main>
  );
}
