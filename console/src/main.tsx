import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { onSession, resume, session, signOut, type SessionState } from './api';
import { AgentsPage } from './pages/agents';
import { BudgetRequestsPage } from './pages/budget-requests';
import { ConfirmEmailPage, MagicLinkPage, ResetPasswordPage } from './pages/links';
import { OverviewPage } from './pages/overview';
import { SignInPage } from './pages/sign-in';
import { navigate, usePage } from './router';

/** Pages that work without a session: they open from mailed links. */
const PUBLIC_PAGES: Record<string, () => preact.JSX.Element> = {
  'magic-link': MagicLinkPage,
  'reset-password': ResetPasswordPage,
  'confirm-email': ConfirmEmailPage,
};

const NAV = [
  { page: '', label: 'Overview' },
  { page: 'agents', label: 'Agents' },
  { page: 'budget-requests', label: 'Budget requests' },
];

/** In-app links navigate without a reload. */
function onLinkClick(e: MouseEvent) {
  const a = (e.target as Element).closest('a');
  if (a?.origin !== location.origin || !a.pathname.startsWith('/console/') || e.ctrlKey || e.metaKey) return;
  e.preventDefault();
  navigate(a.pathname.slice('/console/'.length));
}

function App() {
  const page = usePage();
  const [state, setState] = useState<SessionState | null>(null);
  useEffect(() => {
    const off = onSession(setState);
    // Mailed-link pages start no session of their own before they have their token's answer.
    if (PUBLIC_PAGES[page]) setState(session());
    else void resume();
    return off;
  }, []);
  const Public = PUBLIC_PAGES[page];
  if (Public) return <Public />;
  if (!state) return <p class="loading">Loading…</p>;
  const { user } = state;
  if (!user) return <SignInPage />;
  return (
    <>
      <header>
        <nav aria-label="Console">
          <span class="brand">Tollgate</span>
          {NAV.map((n) => (
            <a key={n.page} href={`/console/${n.page}`} aria-current={page === n.page ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
        <div class="who">
          <span>
            {user.email} · {user.role}
          </span>
          <button type="button" class="secondary" onClick={() => void signOut().then(() => navigate(''))}>
            Sign out
          </button>
        </div>
      </header>
      {page === 'agents' ? (
        <AgentsPage user={user} />
      ) : page === 'budget-requests' ? (
        <BudgetRequestsPage user={user} />
      ) : (
        <OverviewPage user={user} />
      )}
    </>
  );
}

document.addEventListener('click', onLinkClick);
render(<App />, document.getElementById('app')!);
