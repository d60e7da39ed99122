import { ForbiddenError } from '../errors.js';
import { hasScope, roleAtLeast, type Principal, type Role, type Scope } from './principal.js';

/**
 * The access rules every service decides with, from the verified caller only (never from ids
 * in a request). A personal API token acts with its owner's role, narrowed by its scopes.
 */

/** A person acting: a user session, or one of their personal API tokens. */
export type Person = Principal & { type: 'user' | 'token'; role: Role };

/** Is `p` a person of at least `min` whose token (when it is one) holds `scope`? */
export function isPerson(p: Principal, min: Role, scope: Scope): p is Person {
  return (p.type === 'user' || p.type === 'token') && roleAtLeast(p.role, min) && hasScope(p, scope);
}

/** The refusal of a token that lacks `scope`: 403 `insufficient_scope`, naming the scope. */
export function lacksScope(scope: Scope): ForbiddenError {
  return new ForbiddenError(`This token lacks the ${scope} scope`, 'insufficient_scope', { required_scope: scope });
}

/** A caller whose token (when it is one) holds `scope`: 403 `insufficient_scope` otherwise. */
export function assertScope(p: Principal, scope: Scope): void {
  if (!hasScope(p, scope)) throw lacksScope(scope);
}

/** A person of at least `min` whose token holds `scope`: 403 otherwise (`insufficient_scope` naming the scope a token lacks). */
export function assertPerson(p: Principal, min: Role, scope: Scope): asserts p is Person {
  if (p.type !== 'user' && p.type !== 'token') throw new ForbiddenError('This is for people, not agents or services');
  assertScope(p, scope);
  if (!roleAtLeast(p.role, min)) throw new ForbiddenError(`This requires the ${min} role`);
}

/** A Tollgate service acting for itself (`name`: that service only): 403 otherwise. */
export function assertService(p: Principal, name?: string): void {
  if (p.type !== 'service' || (name !== undefined && p.id !== name)) {
    throw new ForbiddenError(name ? `Only the ${name} service can do this` : 'Only Tollgate services can do this');
  }
}
