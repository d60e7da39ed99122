import { createServiceClient } from '@tollgate/platform';
import { loadBudget } from '@tollgate/proto';
import { createUserAndLogin, loginAsAdmin, type Session } from '../support/session.js';
import { startStack, type Stack, type StackOptions } from '../support/stack.js';

/** The whole mesh behind the gateway, with cheap password hashing for the many logins. */
export function startMoneyStack(env: StackOptions['env'] = {}): Promise<Stack> {
  return startStack({ env: { ...env, identity: { ARGON2_MEMORY_KIB: '1024', ...env.identity } } });
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

export async function createAgent(stack: Stack, owner: Session, budgetUsd: number | string, extra: Record<string, unknown> = {}): Promise<CreatedAgent> {
  const res = await stack.http.post('/v1/agents', {
    token: owner.access_token,
    json: { name: `agent-${Math.random().toString(36).slice(2, 8)}`, budget_usd: budgetUsd, ...extra },
  });
  if (res.status !== 201) throw new Error(`creating an agent: ${res.status} ${res.text}`);
  return { id: res.body.agent.id, token: res.body.token, body: res.body };
}

export async function addProviderKey(stack: Stack, admin: Session, provider: string, apiKey: string) {
  const res = await stack.http.post('/v1/provider-keys', {
    token: admin.access_token,
    json: { provider, name: provider, api_key: apiKey, ...(provider === 'openai' ? {} : { base_url: 'https://llm.example.com/v1' }) },
  });
  if (res.status !== 201) throw new Error(`adding a ${provider} key: ${res.status} ${res.text}`);
  return res.body as { id: string };
}

/** The budget service directly, for what has no REST route (Reconcile). */
export function budgetRpc(stack: Stack) {
  return createServiceClient(loadBudget().Budget, stack.addrs.budget, { issuer: 'e2e', secret: stack.secrets.SERVICE_TOKEN_SECRET });
}
