import { assertPerson, type Principal, type Role, type Scope } from '@tollgate/platform';
import type { TokenRecord } from './token.js';

/** The service allowed to mint and revoke agent credentials. */
export const AGENT_TOKEN_ISSUER = 'budget';

export interface ActingUser {
  userId: string;
  role: Role;
  isAdmin: boolean;
}

/**
 * Personal-token operations are for people: a user with a session, or one of their
 * own API tokens holding `scope`. The owner is always the caller, never a request field.
 */
export function actingUser(p: Principal, scope: Scope): ActingUser {
  assertPerson(p, 'viewer', scope);
  return { userId: p.id, role: p.role, isAdmin: p.role === 'admin' };
}

export function isAgentTokenIssuer(p: Principal): boolean {
  return p.type === 'service' && p.id === AGENT_TOKEN_ISSUER;
}

/** Owners and admins see a token; the agent-token issuer sees agent tokens. Others get a 404, not a 403. */
export function canSee(p: Principal, t: Pick<TokenRecord, 'owner_id' | 'kind'>): boolean {
  if (p.type === 'user' || p.type === 'token') return p.id === t.owner_id || p.role === 'admin';
  return t.kind === 'agent' && isAgentTokenIssuer(p);
}
