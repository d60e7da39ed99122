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

/** The person behind a call its server lets in only for people (RPC_CALLERS): 403 should another kind come. */
export function personOf(p: Principal): Person {
  if ((p.type === 'user' || p.type === 'token') && p.role !== undefined) return p as Person;
  throw new ForbiddenError('This is for people, not agents or services');
}

/**
 * Who may call one RPC: declared once per RPC (rpc-callers.ts), checked by the service's gRPC
 * server before its handler runs and by the gateway before it calls. What a caller may do to
 * which record — its own agent, its own session, an owner's token — stays the handler's rule.
 */
export interface Callers {
  /** People — user sessions and their personal API tokens — of at least `role`, a token holding `scope`; `sessionsOnly`: no API tokens. */
  people?: { role: Role; scope?: Scope; sessionsOnly?: boolean };
  /** Agents with their own token, holding `scope` when one is named. */
  agents?: { scope?: Scope };
  /** Tollgate services acting for themselves: any, or the ones named. */
  services?: 'any' | readonly string[];
}

/** Any authenticated caller. */
export const ANY_CALLER: Callers = { people: { role: 'viewer' }, agents: {}, services: 'any' };

/** Why `p` may not call, or undefined when it may. */
export function refusalOf(callers: Callers, p: Principal): ForbiddenError | undefined {
  const kind = KINDS[p.type];
  switch (p.type) {
    case 'user':
    case 'token': {
      const people = callers.people;
      if (!people) return notFor(kind, callers);
      if (people.sessionsOnly && p.type !== 'user') return new ForbiddenError('This needs a user session, not an API token');
      if (people.scope && !hasScope(p, people.scope)) return lacksScope(people.scope);
      return roleAtLeast(p.role, people.role) ? undefined : new ForbiddenError(`This requires the ${people.role} role`);
    }
    case 'agent':
      if (!callers.agents) return notFor(kind, callers);
      return callers.agents.scope && !hasScope(p, callers.agents.scope) ? lacksScope(callers.agents.scope) : undefined;
    case 'service': {
      const services = callers.services;
      if (!services) return notFor(kind, callers);
      return services === 'any' || services.includes(p.id)
        ? undefined
        : new ForbiddenError(`Only the ${services.join(' or ')} service can do this`);
    }
  }
}

/** 403 unless `p` may call (the refusal names the role or scope it lacks). */
export function assertCaller(callers: Callers, p: Principal): void {
  const refusal = refusalOf(callers, p);
  if (refusal) throw refusal;
}

/** The kinds of credential the declaration lets in. */
export function callerKinds(callers: Callers): Principal['type'][] {
  const kinds: Principal['type'][] = [];
  if (callers.people) kinds.push(...(callers.people.sessionsOnly ? (['user'] as const) : (['user', 'token'] as const)));
  if (callers.agents) kinds.push('agent');
  if (callers.services) kinds.push('service');
  return kinds;
}

/** The declaration in words, for the API document. */
export function describeCallers(callers: Callers): string {
  const parts: string[] = [];
  const { people, agents } = callers;
  if (people) {
    const who = people.sessionsOnly ? 'user sessions' : 'users and their API tokens';
    parts.push(
      `${who} of role ${people.role}${people.role === 'admin' ? '' : ' or above'}${people.scope ? ` (API-token scope \`${people.scope}\`)` : ''}`,
    );
  }
  if (agents) parts.push(`agents${agents.scope ? ` (scope \`${agents.scope}\`)` : ''}`);
  return `Callers: ${parts.join('; ')}.`;
}

const KINDS: Record<Principal['type'], string> = {
  user: 'user sessions',
  token: 'personal API tokens',
  agent: 'agents',
  service: 'services',
};

function notFor(kind: string, callers: Callers): ForbiddenError {
  const open = callerKinds(callers).map((k) => KINDS[k]);
  return new ForbiddenError(`This is not open to ${kind}${open.length > 0 ? `, only to ${[...new Set(open)].join(' and ')}` : ''}`);
}
