import { assertPerson, assertScope, ForbiddenError, type Principal, type Scope } from '@tollgate/platform';

/**
 * Reading an agent's data: people (viewer+) with `scope`, services, and the agent itself.
 * Returns the agent id an agent caller is limited to, or undefined for everyone else.
 */
export function assertReader(p: Principal, scope: Scope): string | undefined {
  if (p.type === 'service') return undefined;
  if (p.type === 'agent') {
    if (scope !== 'agents:read') assertScope(p, scope);
    return p.id;
  }
  assertPerson(p, 'viewer', scope);
  return undefined;
}

/** The agent itself (handshakes, lease release), holding `scope` when one is named (usage reports). */
export function assertAgent(p: Principal, agentId: string | undefined, scope?: Scope): string {
  if (p.type !== 'agent') throw new ForbiddenError('Only an agent can do this, with its own token');
  if (scope) assertScope(p, scope);
  if (agentId !== undefined && agentId !== p.id) throw new ForbiddenError('An agent can only act for itself');
  return p.id;
}

export function isAdmin(p: Principal): boolean {
  return (p.type === 'user' || p.type === 'token') && p.role === 'admin';
}
