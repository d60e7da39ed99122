import { ForbiddenError, hasScope, roleAtLeast, type Principal, type Role, type Scope } from '@tollgate/platform';

/** A person (session or personal token) of at least `min`, whose token holds `scope`. */
export function assertPerson(p: Principal, min: Role, scope: Scope): void {
  if (p.type !== 'user' && p.type !== 'token') throw new ForbiddenError('This action is for people, not agents or services');
  if (!hasScope(p, scope)) throw new ForbiddenError(`This token lacks the ${scope} scope`, 'insufficient_scope', { scope });
  if (!roleAtLeast(p.role, min)) throw new ForbiddenError(`This action requires the ${min} role`);
}

/**
 * Reading an agent's data: people (viewer+) with `scope`, services, and the agent itself.
 * Returns the agent id an agent caller is limited to, or undefined for everyone else.
 */
export function assertReader(p: Principal, scope: Scope): string | undefined {
  if (p.type === 'service') return undefined;
  if (p.type === 'agent') {
    if (!hasScope(p, scope) && scope !== 'agents:read') throw new ForbiddenError(`This token lacks the ${scope} scope`, 'insufficient_scope', { scope });
    return p.id;
  }
  assertPerson(p, 'viewer', scope);
  return undefined;
}

/** The agent itself (handshakes, lease release), holding `scope` when one is named (usage reports). */
export function assertAgent(p: Principal, agentId: string | undefined, scope?: Scope): string {
  if (p.type !== 'agent') throw new ForbiddenError('Only an agent can do this, with its own token');
  if (scope && !hasScope(p, scope)) throw new ForbiddenError(`This token lacks the ${scope} scope`, 'insufficient_scope', { scope });
  if (agentId !== undefined && agentId !== p.id) throw new ForbiddenError('An agent can only act for itself');
  return p.id;
}

/** The gateway itself (the proxy's escrows). */
export function assertGateway(p: Principal): void {
  if (p.type !== 'service' || p.id !== 'gateway') throw new ForbiddenError('Only the gateway can do this');
}

export function isAdmin(p: Principal): boolean {
  return (p.type === 'user' || p.type === 'token') && p.role === 'admin';
}
