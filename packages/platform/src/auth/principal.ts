/** Roles in increasing order of power. */
export const ROLES = ['viewer', 'member', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = [
  'users:read',
  'users:write',
  'tokens:read',
  'tokens:write',
  'agents:read',
  'agents:write',
  'budgets:read',
  'budgets:write',
  'budget_requests:approve',
  'keys:read',
  'keys:write',
  'audit:read',
  'webhooks:read',
  'webhooks:write',
  'usage:write',
  'proxy:invoke',
] as const;
export type Scope = (typeof SCOPES)[number];

/** What each role may do; a token's scopes are always narrowed to its owner's role. */
export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  viewer: ['tokens:read', 'tokens:write', 'agents:read', 'budgets:read'],
  member: ['tokens:read', 'tokens:write', 'agents:read', 'agents:write', 'budgets:read', 'budgets:write', 'usage:write', 'proxy:invoke'],
  manager: [
    'users:read',
    'tokens:read',
    'tokens:write',
    'agents:read',
    'agents:write',
    'budgets:read',
    'budgets:write',
    'budget_requests:approve',
    'keys:read',
    'usage:write',
    'proxy:invoke',
  ],
  admin: [...SCOPES],
};

/** The scopes an agent credential carries. */
export const AGENT_SCOPES: readonly Scope[] = ['usage:write', 'proxy:invoke', 'budgets:read'];

export function roleAtLeast(role: Role | undefined, min: Role): boolean {
  return role !== undefined && ROLES.indexOf(role) >= ROLES.indexOf(min);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * Who is calling. `user`: a person with a session (JWT). `token`: a personal API token.
 * `agent`: an agent's API token. `service`: another Tollgate process acting for itself
 * (e.g. the gateway before anyone is authenticated, or a relay).
 */
export interface Principal {
  type: 'user' | 'token' | 'agent' | 'service';
  /** user id, token owner's user id, agent id, or service name */
  id: string;
  role?: Role;
  /** Present for token and agent callers; users and services are not scope-limited. */
  scopes?: Scope[];
  sessionId?: string;
  tokenId?: string;
  /** For agent callers: the user who owns the agent. */
  ownerId?: string;
}

/** Does the principal hold this scope? Users and services are limited by role only. */
export function hasScope(p: Principal, scope: Scope): boolean {
  return p.scopes === undefined || p.scopes.includes(scope);
}
