import type { AuditHandlers } from '@tollgate/proto/gen/tollgate/audit/v1/Audit';
import type { BudgetHandlers } from '@tollgate/proto/gen/tollgate/budget/v1/Budget';
import type { IdentityHandlers } from '@tollgate/proto/gen/tollgate/identity/v1/Identity';
import type { ProviderKeyHandlers } from '@tollgate/proto/gen/tollgate/providerkey/v1/ProviderKey';
import type { TokenHandlers } from '@tollgate/proto/gen/tollgate/token/v1/Token';
import type { ServiceInfoHandlers } from '@tollgate/proto/gen/tollgate/common/v1/ServiceInfo';
import { ANY_CALLER, type Callers } from './auth/policy.js';
import type { AsyncHandlers } from './grpc/server.js';

/** One declaration per RPC of a service; the compiler holds each list to its contract. */
export type CallersOf<H> = { readonly [K in keyof AsyncHandlers<H>]: Callers };

/** What every person may see of their own: their tokens, their sessions. */
const PEOPLE = { role: 'viewer' } as const;
/** Reading agents' data: people with `scope`, any agent (which records it sees is the handler's rule), any service. */
const readers = (scope: 'agents:read' | 'budgets:read', agentScope?: 'budgets:read'): Callers => ({
  people: { role: 'viewer', scope },
  agents: { scope: agentScope },
  services: 'any',
});

/**
 * Who may call each RPC of the mesh. The services' gRPC servers enforce these before a handler
 * runs (`registration`), and the gateway's routes check the same declaration before they call,
 * so the REST document's "Callers" lines say what the services enforce.
 */
export const RPC_CALLERS = {
  identity: {
    // Signing in is what the gateway does for anonymous callers.
    Login: ANY_CALLER,
    Refresh: ANY_CALLER,
    RequestMagicLink: ANY_CALLER,
    VerifyMagicLink: ANY_CALLER,
    RequestPasswordReset: ANY_CALLER,
    ResetPassword: ANY_CALLER,
    Logout: { people: { ...PEOPLE, sessionsOnly: true } },
    LogoutAll: { people: { ...PEOPLE, sessionsOnly: true } },
    ListSessions: { people: { ...PEOPLE, sessionsOnly: true } },
    ListUserSessions: { people: { role: 'admin', scope: 'users:read' } },
    ChangePassword: { people: { ...PEOPLE, sessionsOnly: true } },
    UpdateMe: { people: { ...PEOPLE, sessionsOnly: true } },
    // The link's token is the credential.
    ConfirmEmailChange: ANY_CALLER,
    SetTemporaryPassword: { people: { role: 'admin', scope: 'users:write' } },
    GetSignInSettings: { people: { role: 'admin', scope: 'users:read' } },
    UpdateSignInSettings: { people: { role: 'admin', scope: 'users:write' } },
    // Every gateway keeps a copy of the rules it enforces.
    ListIpRules: { people: { role: 'admin', scope: 'users:read' }, services: ['gateway'] },
    CreateIpRule: { people: { role: 'admin', scope: 'users:write' } },
    DeleteIpRule: { people: { role: 'admin', scope: 'users:write' } },
    GetIpRulesVersion: { services: ['gateway'] },
    PasskeyRegistrationOptions: { people: { ...PEOPLE, sessionsOnly: true } },
    VerifyPasskeyRegistration: { people: { ...PEOPLE, sessionsOnly: true } },
    PasskeySignInOptions: ANY_CALLER,
    VerifyPasskeySignIn: ANY_CALLER,
    ListPasskeys: { people: { ...PEOPLE, sessionsOnly: true } },
    DeletePasskey: { people: { ...PEOPLE, sessionsOnly: true } },
    // The owner or an admin; to anyone else the session does not exist.
    RevokeSession: { people: PEOPLE },
    CheckSession: { services: 'any' },
    GetJwks: ANY_CALLER,
    RotateSigningKey: { people: { role: 'admin', scope: 'users:write' } },
    CreateUser: { people: { role: 'admin', scope: 'users:write' } },
    UpdateUser: { people: { role: 'admin', scope: 'users:write' } },
    DeleteUser: { people: { role: 'admin', scope: 'users:write' } },
    UnlockUser: { people: { role: 'admin', scope: 'users:write' } },
    // Themself, or managers and admins (users:read); services look owners up.
    GetUser: { people: PEOPLE, services: 'any' },
    // The token service finds the bootstrap token's admin; the gateway's own identity is for anonymous callers only.
    ListUsers: { people: { role: 'manager', scope: 'users:read' }, services: ['token'] },
  },
  token: {
    CreateToken: { people: { ...PEOPLE, scope: 'tokens:write' } },
    ListTokens: { people: { ...PEOPLE, scope: 'tokens:read' } },
    // Owners and admins see a token; the budget service sees the agent tokens it minted.
    GetToken: { people: { ...PEOPLE, scope: 'tokens:read' }, services: ['budget'] },
    UpdateToken: { people: { ...PEOPLE, scope: 'tokens:write' } },
    RevokeToken: { people: { ...PEOPLE, scope: 'tokens:write' }, services: ['budget'] },
    RotateToken: { people: { ...PEOPLE, scope: 'tokens:write' } },
    // RFC 7662 style: an inactive token reveals nothing but active=false.
    Introspect: ANY_CALLER,
    IntrospectMany: ANY_CALLER,
    CreateAgentToken: { services: ['budget'] },
  },
  budget: {
    CreateAgent: { people: { role: 'member', scope: 'agents:write' } },
    GetAgent: readers('agents:read'),
    ListAgents: readers('agents:read'),
    // The owner or an admin.
    UpdateAgent: { people: { role: 'member', scope: 'agents:write' } },
    // The owner or an admin; never an agent (its own token is what the deletion revokes).
    DeleteAgent: { people: { role: 'member', scope: 'agents:write' } },
    GetBudget: readers('budgets:read', 'budgets:read'),
    GetBudgetHistory: readers('budgets:read', 'budgets:read'),
    ListLedgerEntries: readers('budgets:read', 'budgets:read'),
    SetBudget: { people: { role: 'manager', scope: 'budgets:write' } },
    ResetBudget: { people: { role: 'manager', scope: 'budgets:write' } },
    // The agent's owner or an admin.
    CreateBudgetRequest: { people: { role: 'member', scope: 'budgets:write' } },
    ListBudgetRequests: readers('budgets:read', 'budgets:read'),
    GetBudgetRequest: readers('budgets:read', 'budgets:read'),
    ApproveBudgetRequest: { people: { role: 'manager', scope: 'budget_requests:approve' } },
    RejectBudgetRequest: { people: { role: 'manager', scope: 'budget_requests:approve' } },
    // Whoever filed it.
    CancelBudgetRequest: { people: { ...PEOPLE, scope: 'budgets:write' } },
    // An agent for itself.
    Handshake: { agents: {} },
    ReleaseLease: { agents: {} },
    ReportUsage: { agents: { scope: 'usage:write' } },
    GetSpend: readers('budgets:read', 'budgets:read'),
    Reconcile: { people: { role: 'manager', scope: 'budgets:read' }, services: 'any' },
    SyncEscrows: { services: ['gateway'] },
    ListPrices: { people: { ...PEOPLE, scope: 'budgets:read' }, services: 'any' },
    SetPrice: { people: { role: 'admin', scope: 'budgets:write' } },
    RemovePrice: { people: { role: 'admin', scope: 'budgets:write' } },
    SetCallPrice: { people: { role: 'admin', scope: 'budgets:write' } },
    RemoveCallPrice: { people: { role: 'admin', scope: 'budgets:write' } },
    // Managers and admins create projects; which ones a caller sees and may change is the handler's rule (membership).
    CreateProject: { people: { role: 'manager', scope: 'agents:write' } },
    GetProject: { people: { ...PEOPLE, scope: 'agents:read' } },
    ListProjects: { people: { ...PEOPLE, scope: 'agents:read' } },
    // Managers, admins and the project's owners.
    UpdateProject: { people: { ...PEOPLE, scope: 'agents:write' } },
    DeleteProject: { people: { ...PEOPLE, scope: 'agents:write' } },
    ListProjectMembers: { people: { ...PEOPLE, scope: 'agents:read' } },
    SetProjectMember: { people: { ...PEOPLE, scope: 'agents:write' } },
    RemoveProjectMember: { people: { ...PEOPLE, scope: 'agents:write' } },
    SetProjectBudget: { people: { role: 'manager', scope: 'budgets:write' } },
    ResetProjectBudget: { people: { role: 'manager', scope: 'budgets:write' } },
    GetProjectBudgetHistory: { people: { ...PEOPLE, scope: 'budgets:read' } },
  },
  'provider-key': {
    CreateKey: { people: { role: 'admin', scope: 'keys:write' } },
    ListKeys: { people: { role: 'manager', scope: 'keys:read' } },
    GetKey: { people: { role: 'manager', scope: 'keys:read' } },
    UpdateKey: { people: { role: 'admin', scope: 'keys:write' } },
    RotateKey: { people: { role: 'admin', scope: 'keys:write' } },
    DeleteKey: { people: { role: 'admin', scope: 'keys:write' } },
    // Decrypting a key is for Tollgate services only: the budget service's handshakes, the gateway's proxy.
    IssueIpToken: { services: ['budget'] },
    ResolveForProxy: { services: ['gateway'] },
  },
  audit: {
    Record: { services: 'any' },
    RecordBatch: { services: 'any' },
    // Admins (their tokens holding audit:read) and services; agents and other roles never.
    Query: { people: { role: 'admin', scope: 'audit:read' }, services: 'any' },
    Get: { people: { role: 'admin', scope: 'audit:read' }, services: 'any' },
    Verify: { people: { role: 'admin', scope: 'audit:read' }, services: 'any' },
    Export: { people: { role: 'admin', scope: 'audit:read' }, services: 'any' },
    // Webhook endpoints receive the log's events: admins only.
    CreateWebhook: { people: { role: 'admin', scope: 'webhooks:write' } },
    ListWebhooks: { people: { role: 'admin', scope: 'webhooks:read' } },
    GetWebhook: { people: { role: 'admin', scope: 'webhooks:read' } },
    UpdateWebhook: { people: { role: 'admin', scope: 'webhooks:write' } },
    DeleteWebhook: { people: { role: 'admin', scope: 'webhooks:write' } },
    ListDeliveries: { people: { role: 'admin', scope: 'webhooks:read' } },
    Redeliver: { people: { role: 'admin', scope: 'webhooks:write' } },
  },
  // Served by every service beside its own API: the gateway's detailed health report, for admins.
  serviceInfo: {
    GetServiceInfo: { services: ['gateway'] },
  },
} as const satisfies {
  identity: CallersOf<IdentityHandlers>;
  token: CallersOf<TokenHandlers>;
  budget: CallersOf<BudgetHandlers>;
  'provider-key': CallersOf<ProviderKeyHandlers>;
  audit: CallersOf<AuditHandlers>;
  serviceInfo: CallersOf<ServiceInfoHandlers>;
};
