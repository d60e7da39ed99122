import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, ROLES, session, type Page, type Role, type Schema, type User } from '../api';
import { ConfirmAction, ErrorNote, PagedTable, onSubmit, useAction, usePaged } from '../components';
import { time } from '../format';

type UserSession = Schema<'Session'>;

/** Active, or why the person cannot sign in (both when disabled and locked). */
const statusOf = (u: User): string => [u.disabled && 'disabled', u.locked && 'locked'].filter(Boolean).join(', ') || 'active';

function RoleSelect({ label, value, onChange }: { label: ComponentChildren; value: Role; onChange: (r: Role) => void }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.currentTarget.value as Role)}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
    </label>
  );
}

function CreateUser({ onCreated }: { onCreated: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [password, setPassword] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const { error, busy, run } = useAction();
  const submit = onSubmit(run, async () => {
    setCreated(null);
    try {
      const user = await api<User>('POST', '/v1/users', { email, ...(name ? { name } : {}), password, role });
      setEmail('');
      setName('');
      setCreated(user.email);
      onCreated();
    } finally {
      // The password is never kept on the page: the person is told it another way.
      setPassword('');
    }
  });
  return (
    <section aria-labelledby="new-user">
      <h2 id="new-user">New user</h2>
      <form class="inline" onSubmit={submit}>
        <label>
          Email
          <input type="email" required autocomplete="off" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          Name (optional)
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <RoleSelect label="Role" value={role} onChange={setRole} />
        <label>
          Password (12 characters or more)
          <input
            type="password"
            autocomplete="new-password"
            required
            minLength={12}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={busy || !email || !password}>
          Create user
        </button>
      </form>
      {created && (
        <p role="status" class="notice">
          {created} can sign in now. Tell them their password another way than this console.
        </p>
      )}
      <ErrorNote error={error} />
    </section>
  );
}

/** The role cell: a select and Save for others; an admin never demotes themself here. */
function RoleCell({ u, self, onChanged }: { u: User; self: boolean; onChanged: () => void }) {
  const [role, setRole] = useState<Role>(u.role);
  const { error, busy, run } = useAction();
  if (self) return <>{u.role} (you)</>;
  return (
    <form
      class="actions"
      onSubmit={onSubmit(run, async () => {
        await api('PATCH', `/v1/users/${u.id}`, { role });
        onChanged();
      })}
    >
      <RoleSelect label={<span class="visually-hidden">Role of {u.email}</span>} value={role} onChange={setRole} />
      <button type="submit" class="secondary" disabled={busy || role === u.role}>
        Save
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

/** Disable or enable, unlock (when locked), end every session (confirmed); none that would lock an admin out of their own account. */
function UserActions({ u, self, onChanged }: { u: User; self: boolean; onChanged: () => void }) {
  const { error, busy, run } = useAction();
  const [ended, setEnded] = useState<number | null>(null);
  // A new key after each revocation puts its button back in place of the question.
  const [revocations, setRevocations] = useState(0);
  const act = (action: () => Promise<unknown>) =>
    run(async () => {
      setEnded(null);
      await action();
      onChanged();
    });
  return (
    <div class="actions">
      {!self && (
        <button
          type="button"
          class="secondary"
          disabled={busy}
          onClick={() => void act(() => api('PATCH', `/v1/users/${u.id}`, { disabled: !u.disabled }))}
        >
          {u.disabled ? 'Enable' : 'Disable'}
        </button>
      )}
      {u.locked && (
        <button type="button" class="secondary" disabled={busy} onClick={() => void act(() => api('POST', `/v1/users/${u.id}/unlock`))}>
          Unlock
        </button>
      )}
      {!self && (
        <ConfirmAction
          key={revocations}
          label="Revoke sessions"
          question={`Sign ${u.email} out everywhere? They must sign in again.`}
          confirm="Confirm revocation"
          action={async () => {
            const sessions = await api<Page<UserSession>>('GET', `/v1/users/${u.id}/sessions`);
            for (const s of sessions.items) await api('DELETE', `/v1/auth/sessions/${s.id}`);
            setEnded(sessions.items.length);
            setRevocations((n) => n + 1);
          }}
        />
      )}
      {ended !== null && (
        <span role="status">
          {ended === 0 ? 'No live session to revoke.' : `Revoked ${ended} ${ended === 1 ? 'session' : 'sessions'}.`}
        </span>
      )}
      <ErrorNote error={error} />
    </div>
  );
}

/** Admins: everyone who signs in, what they may do, and whether they can. */
export function UsersPage() {
  const me = session().user;
  const list = usePaged((cursor) => api<Page<User>>('GET', `/v1/users?limit=50${cursor ? `&cursor=${cursor}` : ''}`), []);
  const reload = () => void list.reload();
  return (
    <main>
      <h1>Users</h1>
      <CreateUser onCreated={reload} />
      <PagedTable
        list={list}
        columns={['Email', 'Name', 'Role', 'Status', 'Last sign-in', 'Actions']}
        empty="No users yet: create one above."
        row={(u) => {
          const self = u.id === me?.id;
          return (
            <tr key={u.id} data-user={u.id}>
              <td>{u.email}</td>
              <td>{u.name}</td>
              <td>
                {/* A new key when the saved role changes, so that the select starts from it. */}
                <RoleCell key={u.role} u={u} self={self} onChanged={reload} />
              </td>
              <td>{statusOf(u)}</td>
              <td>{time(u.last_login_at)}</td>
              <td>
                <UserActions u={u} self={self} onChanged={reload} />
              </td>
            </tr>
          );
        }}
      />
    </main>
  );
}
