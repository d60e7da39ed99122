import { ForbiddenError, ROLE_SCOPES, SCOPES, ValidationError, type Principal, type Role, type Scope } from '@tollgate/platform';

const KNOWN = new Set<string>(SCOPES);

/** Requested scope names → known scopes, deduplicated, in canonical order. Unknown names are a 400. */
export function parseScopes(names: readonly string[], field = 'scopes'): Scope[] {
  const unknown = [...new Set(names.filter((n) => !KNOWN.has(n)))];
  if (unknown.length > 0) {
    throw new ValidationError(`Unknown scope${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {
      [field]: `unknown: ${unknown.join(', ')}`,
    });
  }
  const wanted = new Set(names);
  return SCOPES.filter((s) => wanted.has(s));
}

/**
 * Scopes only ever narrow: a caller may grant what its role allows and, when it is
 * itself a token, no more than that token holds. Anything beyond is a 403 naming the
 * scopes that were refused.
 */
export function assertGrantable(requested: readonly Scope[], grantor: Principal): void {
  const role = grantor.role;
  if (!role) throw new ForbiddenError('Your role does not allow granting scopes');
  const beyondRole = requested.filter((s) => !ROLE_SCOPES[role].includes(s));
  if (beyondRole.length > 0) {
    throw new ForbiddenError(`Scopes exceed what the ${role} role allows: ${beyondRole.join(', ')}`, 'forbidden', {
      scopes: beyondRole,
      role,
    });
  }
  if (grantor.scopes) {
    const held = grantor.scopes;
    const beyondToken = requested.filter((s) => !held.includes(s));
    if (beyondToken.length > 0) {
      throw new ForbiddenError(`Scopes exceed what the calling token holds: ${beyondToken.join(', ')}`, 'insufficient_scope', {
        scopes: beyondToken,
      });
    }
  }
}

/** What a token may do right now: its own scopes, narrowed to its owner's current role. */
export function effectiveScopes(tokenScopes: readonly string[], ownerRole: Role): Scope[] {
  const allowed = ROLE_SCOPES[ownerRole];
  return SCOPES.filter((s) => allowed.includes(s) && tokenScopes.includes(s));
}
