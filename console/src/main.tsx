import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { atLeast, onSession, resume, session, signOut, type Role, type SessionState, type User } from './api';
import { AuditPage } from './pages/audit';
import { HealthPage } from './pages/health';
import { ProviderKeysPage } from './pages/provider-keys';
import { TokensPage } from './pages/tokens';
import { UsersPage } from './pages/users';
import { AccountPage } from './pages/account';
import { AgentPage } from './pages/agent';
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

/** Each page, and the least role its API lets in: a person sees only the pages they can use. */
const NAV: {
  page: string;
  label: string;
  min: Role;
  render: (user: User) => preact.JSX.Element;
  /** The page of one of the section's items (`<page>/<id>`). */
  detail?: (id: string) => preact.JSX.Element;
}[] = [
  { page: '', label: 'Overview', min: 'viewer', render: (user) => <OverviewPage user={user} /> },
  {
    page: 'agents',
    label: 'Agents',
    min: 'viewer',
    render: (user) => <AgentsPage user={user} />,
    detail: (id) => <AgentPage id={id} />,
  },
  { page: 'budget-requests', label: 'Budget requests', min: 'viewer', render: (user) => <BudgetRequestsPage user={user} /> },
  { page: 'provider-keys', label: 'Provider keys', min: 'manager', render: (user) => <ProviderKeysPage user={user} /> },
  { page: 'tokens', label: 'API tokens', min: 'viewer', render: () => <TokensPage /> },
  { page: 'account', label: 'Your account', min: 'viewer', render: (user) => <AccountPage user={user} /> },
  { page: 'users', label: 'Users', min: 'admin', render: () => <UsersPage /> },
  { page: 'audit', label: 'Audit log', min: 'admin', render: () => <AuditPage /> },
  { page: 'health', label: 'Health', min: 'admin', render: () => <HealthPage /> },
];

/** In-app links navigate without a reload, keeping their query (e.g. the Agents page's order). */
function onLinkClick(e: MouseEvent) {
  const a = (e.target as Element).closest('a');
  if (a?.origin !== location.origin || !a.pathname.startsWith('/console/') || e.ctrlKey || e.metaKey) return;
  e.preventDefault();
  navigate(a.pathname.slice('/console/'.length) + a.search);
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
  const shown = NAV.filter((n) => atLeast(user.role, n.min));
  // agents/<id>: the Agents section's page of one agent.
  const [section, id] = page.split('/', 2);
  const current = shown.find((n) => n.page === section) ?? shown[0];
  return (
    <>
      <header>
        <nav aria-label="Console">
          <span class="brand">Tollgate</span>
          {shown.map((n) => (
            <a key={n.page} href={`/console/${n.page}`} aria-current={current.page === n.page ? 'page' : undefined}>
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
      {id && current.detail ? current.detail(id) : current.render(user)}
    </>
  );
}

document.addEventListener('click', onLinkClick);
render(<App />, document.getElementById('app')!);
