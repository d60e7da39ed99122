import { ForbiddenError, roleAtLeast, type Principal } from '@tollgate/platform';

// Which records a caller may act on; who may call each RPC at all is declared in RPC_CALLERS.

/** The agent an agent caller is limited to (it sees only itself); undefined for people and services. */
export function agentScope(p: Principal): string | undefined {
  return p.type === 'agent' ? p.id : undefined;
}

/** The agent acting for itself (handshakes, lease release, usage reports): never for another one. */
export function actingAgent(p: Principal, agentId: string | undefined): string {
  if (p.type !== 'agent') throw new ForbiddenError('Only an agent can do this, with its own token');
  if (agentId !== undefined && agentId !== p.id) throw new ForbiddenError('An agent can only act for itself');
  return p.id;
}

export function isAdmin(p: Principal): boolean {
  return (p.type === 'user' || p.type === 'token') && p.role === 'admin';
}

/** Managers and admins see every project and every project's agents; other people, their projects' only. */
export function seesAllProjects(p: Principal): boolean {
  return (p.type === 'user' || p.type === 'token') && roleAtLeast(p.role, 'manager');
}
