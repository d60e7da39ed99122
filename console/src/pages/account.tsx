import { useState } from 'preact/hooks';
import { addPasskey, api, type Page, type Schema, type User } from '../api';
import { ConfirmAction, ErrorNote, onSubmit, PagedTable, useAction, usePaged } from '../components';
import { time } from '../format';

type Passkey = Schema<'Passkey'>;

/** The signed-in person's own account: who they are, and their passkeys. */
export function AccountPage({ user }: { user: User }) {
  const [name, setName] = useState('');
  const { error, busy, run } = useAction();
  const list = usePaged(() => api<Page<Passkey>>('GET', '/v1/auth/passkeys'), []); // one page: a person has a handful
  const submit = onSubmit(run, async () => {
    await addPasskey(name);
    setName('');
    await list.reload();
  });
  return (
    <main>
      <h1>Your account</h1>
      <p>
        {user.name} · {user.email} · {user.role}
      </p>
      <section aria-labelledby="passkeys">
        <h2 id="passkeys">Passkeys</h2>
        <p>A passkey signs you in with this device's screen lock or a security key: no password, nothing to phish.</p>
        <form class="inline" onSubmit={submit}>
          <label>
            Passkey name
            <input required placeholder="e.g. Work laptop" value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <button type="submit" disabled={!name || busy}>
            {busy ? 'Waiting for your device…' : 'Add a passkey'}
          </button>
        </form>
        <ErrorNote error={error} />
        <PagedTable
          list={list}
          columns={['Name', 'Added', 'Last used', 'Actions']}
          empty="No passkey yet: add one above to sign in without a password."
          row={(p) => (
            <tr key={p.id}>
              <td>{p.name}</td>
              <td>{time(p.created_at)}</td>
              <td>{time(p.last_used_at)}</td>
              <td>
                <ConfirmAction
                  label="Remove"
                  question={`Remove ${p.name}? It stops signing you in.`}
                  confirm="Confirm removal"
                  action={async () => {
                    await api('DELETE', `/v1/auth/passkeys/${p.id}`);
                    await list.reload();
                  }}
                />
              </td>
            </tr>
          )}
        />
      </section>
    </main>
  );
}
