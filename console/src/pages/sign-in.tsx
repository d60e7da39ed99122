import { useState } from 'preact/hooks';
import { publicCall, session, signIn, signInWithPasskey, type Schema } from '../api';
import { ErrorNote, onSubmit, useAction } from '../components';
import { navigate } from '../router';

export function SignInPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { error, busy, run } = useAction();
  const [sent, setSent] = useState<string | null>(null);
  const ended = session().ended;

  const submit = onSubmit(run, async () => {
    await signIn(email, password);
    navigate('');
  });
  const mailLink = () =>
    run(async () => {
      const answer = await publicCall<Schema<'MagicLinkRequested'>>('POST', '/v1/auth/magic-link', { email });
      setSent(answer.message);
    });

  return (
    <main class="narrow">
      <h1>Sign in to Tollgate</h1>
      {ended && (
        <p role="status" class="notice">
          {ended}
        </p>
      )}
      <form onSubmit={submit}>
        <label>
          Email
          <input
            type="email"
            name="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autocomplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <ErrorNote error={error} />
        <button type="submit" disabled={busy || !email || !password}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <button type="button" class="secondary" disabled={!email} onClick={() => void mailLink()}>
          Email me a sign-in link
        </button>
        {sent && <p role="status">{sent}</p>}
        {'PublicKeyCredential' in window && (
          <button
            type="button"
            class="secondary"
            onClick={() =>
              void run(async () => {
                await signInWithPasskey();
                navigate('');
              })
            }
          >
            Sign in with a passkey
          </button>
        )}
      </form>
    </main>
  );
}
