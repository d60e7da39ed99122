import { createHash, randomBytes } from 'node:crypto';
import { isTimeOrderedId, timeOrderedId } from '@tollgate/platform';

/** Agents, leases, budget requests, holds of proxied calls, managers' budget changes, projects: ids that sort by creation time. */
export type IdPrefix = 'agt' | 'lse' | 'brq' | 'hld' | 'chg' | 'prj';

export function newId(prefix: IdPrefix, now = Date.now()): string {
  return timeOrderedId(prefix, now);
}

export function isId(prefix: IdPrefix, value: string): boolean {
  return isTimeOrderedId(prefix, value);
}

/**
 * The key of one usage report: the same (agent, request_id) always maps to the same op id,
 * which is safe as a field name (request ids are the agent's own text).
 */
export function usageOpId(agentId: string, requestId: string): string {
  return `u_${createHash('sha256').update(`${agentId}\n${requestId}`).digest('hex').slice(0, 40)}`;
}

export function randomNonce(): string {
  return randomBytes(12).toString('base64url');
}
