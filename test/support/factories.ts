import { createServiceClient } from '@tollgate/platform';
import { loadBudget } from '@tollgate/proto';
import { eventually } from './eventually.js';
import { createUserAndLogin, loginAsAdmin, type Session } from './session.js';
import { startStack, type Stack, type StackOptions } from './stack.js';

// Fixtures and data factories for tests against the real stack. Factories make what a test
// needs through the REST API, as a client would, with unique names and sensible defaults:
// a test passes only the fields it is about.

/**
 * What proxy tests run the gateway and the budget service with: rate limits out of the way, idle
 * escrows handed back and unsynced ones expired within seconds, the sweeper at work every 200 ms.
 */
export const PROXY_TEST_ENV = {
  gateway: {
    RATE_LIMIT_TOKEN_PER_MIN: '100000',
    RATE_LIMIT_PRINCIPAL_PER_MIN: '100000',
    GRPC_DEADLINE_MS: '20000',
    ESCROW_IDLE_MS: '300',
    DEFAULT_MAX_OUTPUT_TOKENS: '1000',
  },
  budget: { MAX_PARALLEL_CALLS: '200', ESCROW_TTL_SECONDS: '3', SWEEP_INTERVAL_MS: '200' },
};

/** The whole mesh behind the gateway, with cheap password hashing for the many logins. */
export function startMoneyStack(env: StackOptions['env'] = {}, opts: Pick<StackOptions, 'budgetClock'> = {}): Promise<Stack> {
  return startStack({ ...opts, env: { ...env, identity: { ARGON2_MEMORY_KIB: '1024', ...env.identity } } });
}

let counter = 0;
/** A fresh email for each call, so tests never collide. */
export const uniqueEmail = (label = 'user') => `${label}-${process.pid}-${Date.now()}-${++counter}@example.test`;

/** The password newUser() gives a user unless told otherwise. */
export const PASSWORD = 'correct-horse-battery-staple';

/** A user as the API answers it. */
export interface ApiUser {
  id: string;
  email: string;
  name: string;
  role: string;
  disabled: boolean;
  locked: boolean;
  created_at: string;
}

/**
 * A user created through the API by `admin` (a session or a token): a member with a unique
 * email and PASSWORD, unless `overrides` says otherwise (any other field is sent as given).
 */
export async function newUser(
  stack: Stack,
  admin: Session | string,
  overrides: { role?: string; email?: string; password?: string; name?: string; [field: string]: unknown } = {},
): Promise<ApiUser> {
  const role = overrides.role ?? 'member';
  const res = await stack.http.post('/v1/users', {
    token: typeof admin === 'string' ? admin : admin.access_token,
    json: { email: uniqueEmail(role), password: PASSWORD, ...overrides, role },
  });
  if (res.status !== 201) throw new Error(`creating a user: ${res.status} ${res.text}`);
  return res.body as ApiUser;
}

export interface People {
  admin: Session;
  manager: Session;
  manager2: Session;
  member: Session;
  member2: Session;
  viewer: Session;
}

export async function people(stack: Stack): Promise<People> {
  const admin = await loginAsAdmin(stack);
  return {
    admin,
    manager: await createUserAndLogin(stack, admin, 'manager'),
    manager2: await createUserAndLogin(stack, admin, 'manager'),
    member: await createUserAndLogin(stack, admin, 'member'),
    member2: await createUserAndLogin(stack, admin, 'member'),
    viewer: await createUserAndLogin(stack, admin, 'viewer'),
  };
}

/** A personal API token of `who` with `scopes`, minted through the gateway. */
export async function patOf(stack: Stack, who: Session, scopes: string[]): Promise<string> {
  const res = await stack.http.post('/v1/tokens', { token: who.access_token, json: { name: 'e2e', scopes } });
  if (res.status !== 201) throw new Error(`token for ${who.user.email}: ${res.status} ${res.text}`);
  return res.body.token as string;
}

export interface CreatedAgent {
  id: string;
  /** The agent's own tg_agt_ credential. */
  token: string;
  body: Record<string, unknown>;
}

/** An agent of `owner` with a budget of `budgetUsd`, created through the API (a unique name unless `extra` gives one). */
export async function createAgent(
  stack: Stack,
  owner: Session,
  budgetUsd: number | string,
  extra: Record<string, unknown> = {},
): Promise<CreatedAgent> {
  const res = await stack.http.post('/v1/agents', {
    token: owner.access_token,
    json: { name: `agent-${Math.random().toString(36).slice(2, 8)}`, budget_usd: budgetUsd, ...extra },
  });
  if (res.status !== 201) throw new Error(`creating an agent: ${res.status} ${res.text}`);
  return { id: res.body.agent.id, token: res.body.token, body: res.body };
}

/** An agent's budget as the API answers it. */
export interface AgentBudget {
  limit_usd: number;
  spent_usd: number;
  reserved_usd: number;
  remaining_usd: number;
}

/** A budget's money in an answer (its period fields aside). */
export function moneyOf(budget: AgentBudget): AgentBudget {
  const { limit_usd, spent_usd, reserved_usd, remaining_usd } = budget;
  return { limit_usd, spent_usd, reserved_usd, remaining_usd };
}

/** The money of GET /v1/agents/{id}/budget as `reader` gets it (the error body when the call fails). */
export async function budgetOf(stack: Stack, reader: Session, agentId: string): Promise<AgentBudget> {
  const res = await stack.http.get(`/v1/agents/${agentId}/budget`, { token: reader.access_token });
  return res.status === 200 ? moneyOf(res.body as AgentBudget) : (res.body as AgentBudget);
}

export async function addProviderKey(stack: Stack, admin: Session, provider: string, apiKey: string) {
  const res = await stack.http.post('/v1/provider-keys', {
    token: admin.access_token,
    json: { provider, name: provider, api_key: apiKey, ...(provider === 'openai' ? {} : { base_url: 'https://llm.example.com/v1' }) },
  });
  if (res.status !== 201) throw new Error(`adding a ${provider} key: ${res.status} ${res.text}`);
  return res.body as { id: string };
}

/** A chat-completions request for the proxy: a short gpt-4o-mini prompt, with `extra` fields over it. */
export const chatRequest = (extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'hello there' }],
  ...extra,
});

/** The budget service directly, for what has no REST route (Reconcile). */
export function budgetRpc(stack: Stack) {
  return createServiceClient(loadBudget().Budget, stack.addrs.budget, { issuer: 'e2e', secret: stack.secrets.SERVICE_TOKEN_SECRET });
}

/** An audit event as the log's API answers it (the fields tests read). */
export interface AuditedEvent {
  actor: { type: string; id: string | null };
  details: Record<string, unknown>;
}

/** The audit events `action` on `resourceId`, read by `admin` once at least `count` are in the log. */
export function auditEventsOf(stack: Stack, admin: Session, action: string, resourceId: string, count = 1): Promise<AuditedEvent[]> {
  return eventually(
    async () =>
      (await stack.http.get(`/v1/audit/events?action=${action}&resource_id=${resourceId}`, { token: admin.access_token })).body
        .items as AuditedEvent[],
    (items) => items.length >= count,
  );
}
