import { personOf, type Principal, type Role } from '@tollgate/platform';
import type { TokenRecord } from './token.js';

/** The service allowed to mint and revoke agent credentials. */
export const AGENT_TOKEN_ISSUER = 'budget';

export interface ActingUser {
  userId: string;
  role: Role;
  isAdmin: boolean;
}

/** The person a personal-token operation is for: the owner is always the caller, never a request field. */
export function actingUser(p: Principal): ActingUser {
  const person = personOf(p);
  return { userId: person.id, role: person.role, isAdmin: person.role === 'admin' };
}

/** Owners and admins see a token; the agent-token issuer sees agent tokens. Others get a 404, not a 403. */
export function canSee(p: Principal, t: Pick<TokenRecord, 'owner_id' | 'kind'>): boolean {
  if (p.type === 'user' || p.type === 'token') return p.id === t.owner_id || p.role === 'admin';
  return t.kind === 'agent' && p.type === 'service' && p.id === AGENT_TOKEN_ISSUER;
}
