import { useState } from 'preact/hooks';
import { api, atLeast, type Page, type Schema, type User } from '../api';
import { ConfirmAction, ErrorNote, PagedTable, onSubmit, useAction, usePaged } from '../components';
import { time } from '../format';

type ProviderKey = Schema<'ProviderKey'>;

/** A key's plaintext field: never echoed back, cleared once sent. */
function SecretInput({ label, value, onInput }: { label: string; value: string; onInput: (v: string) => void }) {
  return (
    <label>
      {label}
      <input type="password" autocomplete="off" required value={value} onInput={(e) => onInput(e.currentTarget.value)} />
    </label>
  );
}

function AddKey({ onAdded }: { onAdded: () => void }) {
  const [provider, setProvider] = useState('openai');
  const [name, setName] = useState('');
  const [secret, setSecret] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const { error, run } = useAction();
  const submit = onSubmit(run, async () => {
    try {
      await api('POST', '/v1/provider-keys', { provider, name, api_key: secret, ...(baseUrl ? { base_url: baseUrl } : {}) });
      setName('');
      setBaseUrl('');
      onAdded();
    } finally {
      setSecret('');
    }
  });
  return (
    <section aria-labelledby="add-key">
      <h2 id="add-key">Add a provider key</h2>
      <form class="inline" onSubmit={submit}>
        <label>
          Provider
          <input required value={provider} onInput={(e) => setProvider(e.currentTarget.value)} />
        </label>
        <label>
          Key name
          <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <SecretInput label="API key" value={secret} onInput={setSecret} />
        <label>
          Base URL (optional)
          <input type="url" value={baseUrl} onInput={(e) => setBaseUrl(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={!name || !secret}>
          Add key
        </button>
      </form>
      <ErrorNote error={error} />
    </section>
  );
}

/** Rotate (a new secret), disable or enable, delete (confirmed): an admin's row actions. */
function KeyActions({ k, onChanged }: { k: ProviderKey; onChanged: () => void }) {
  const [rotating, setRotating] = useState(false);
  const [secret, setSecret] = useState('');
  const { error, busy, run } = useAction();
  const act = (action: () => Promise<unknown>) =>
    run(async () => {
      await action();
      onChanged();
    });
  return (
    <div class="actions">
      {!rotating && (
        <>
          <button type="button" class="secondary" onClick={() => setRotating(true)}>
            Rotate
          </button>
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() => void act(() => api('PATCH', `/v1/provider-keys/${k.id}`, { disabled: !k.disabled }))}
          >
            {k.disabled ? 'Enable' : 'Disable'}
          </button>
          <ConfirmAction
            label="Delete"
            question={`Delete ${k.name}? Calls through the proxy with it stop.`}
            confirm="Confirm deletion"
            action={async () => {
              await api('DELETE', `/v1/provider-keys/${k.id}`);
              onChanged();
            }}
          />
        </>
      )}
      {rotating && (
        <form
          class="inline"
          onSubmit={onSubmit(run, async () => {
            try {
              await api('POST', `/v1/provider-keys/${k.id}/rotate`, { api_key: secret });
              setRotating(false);
              onChanged();
            } finally {
              setSecret('');
            }
          })}
        >
          <SecretInput label={`New key for ${k.name}`} value={secret} onInput={setSecret} />
          <button type="submit" disabled={!secret}>
            Confirm rotation
          </button>
          <button type="button" class="secondary" onClick={() => setRotating(false)}>
            Cancel
          </button>
        </form>
      )}
      <ErrorNote error={error} />
    </div>
  );
}

export function ProviderKeysPage({ user }: { user: User }) {
  const admin = atLeast(user.role, 'admin');
  const list = usePaged((cursor) => api<Page<ProviderKey>>('GET', `/v1/provider-keys?limit=50${cursor ? `&cursor=${cursor}` : ''}`), []);
  return (
    <main>
      <h1>Provider keys</h1>
      {admin && <AddKey onAdded={() => void list.reload()} />}
      <PagedTable
        list={list}
        columns={['Name', 'Provider', 'Key', 'Status', 'Rotated', admin && 'Actions']}
        empty={
          <>No provider keys yet. {admin ? 'Add one above' : 'An admin adds them'}: agents call providers with them through the proxy.</>
        }
        row={(k) => (
          <tr key={k.id} data-key={k.id}>
            <td>{k.name}</td>
            <td>{k.provider}</td>
            <td>
              <code>{k.masked}</code>
            </td>
            <td>{k.disabled ? 'disabled' : 'active'}</td>
            <td>{time(k.rotated_at)}</td>
            {admin && (
              <td>
                <KeyActions k={k} onChanged={() => void list.reload()} />
              </td>
            )}
          </tr>
        )}
      />
    </main>
  );
}
