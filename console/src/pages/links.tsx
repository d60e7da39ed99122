import { useEffect, useState } from 'preact/hooks';
import { publicCall, signInWithLink, type User } from '../api';
import { ErrorNote, onSubmit, useAction } from '../components';
import { navigate, takeLinkToken } from '../router';

const token = takeLinkToken();

function NoToken() {
  return (
    <p role="alert" class="error">
      This page opens from a link Tollgate mailed you, and this address has no token. Open the link from the mail again.
    </p>
  );
}

/** /console/magic-link#token=…: signs in with the mailed token. */
export function MagicLinkPage() {
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (token) signInWithLink(token).then(() => navigate(''), setError);
  }, []);
  return (
    <main class="narrow">
      <h1>Signing you in</h1>
      {!token && <NoToken />}
      <ErrorNote error={error} />
      {error !== null && <a href="/console/sign-in">Back to sign-in</a>}
    </main>
  );
}

/** /console/reset-password#token=…: a new password for the mailed token. */
export function ResetPasswordPage() {
  const [password, setPassword] = useState('');
  const { error, run } = useAction();
  const [done, setDone] = useState(false);
  const submit = onSubmit(run, async () => {
    await publicCall('POST', '/v1/auth/password-reset/confirm', { token, new_password: password });
    setDone(true);
  });
  return (
    <main class="narrow">
      <h1>Choose a new password</h1>
      {!token && <NoToken />}
      {done ? (
        <p role="status">
          Your password is changed and your other sessions are signed out. <a href="/console/sign-in">Sign in</a>
        </p>
      ) : (
        token && (
          <form onSubmit={submit}>
            <label>
              New password
              <input
                type="password"
                autocomplete="new-password"
                required
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            </label>
            <ErrorNote error={error} />
            <button type="submit" disabled={!password}>
              Set password
            </button>
          </form>
        )
      )}
    </main>
  );
}

/** /console/confirm-email#token=…: confirms the new address. */
export function ConfirmEmailPage() {
  const [error, setError] = useState<unknown>(null);
  const [email, setEmail] = useState<string | null>(null);
  useEffect(() => {
    if (token) publicCall<User>('POST', '/v1/auth/email/confirm', { token }).then((u) => setEmail(u.email), setError);
  }, []);
  return (
    <main class="narrow">
      <h1>Confirm your new address</h1>
      {!token && <NoToken />}
      {email && <p role="status">Your address is now {email}. Use it from your next sign-in.</p>}
      <ErrorNote error={error} />
    </main>
  );
}
