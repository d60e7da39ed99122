import { createHash, randomBytes } from 'node:crypto';

/** Ids that sort by creation time (base36 milliseconds, then 64 random bits), so lists page by id. */
export function newId(prefix: IdPrefix, now = Date.now()): string {
  return `${prefix}_${now.toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
}

const ID = /^(agt|lse|brq|hld)_[0-9a-z]{9}[0-9a-f]{16}$/;

/** Agents, leases, budget requests, holds of proxied calls. */
export type IdPrefix = 'agt' | 'lse' | 'brq' | 'hld';

export function isId(prefix: IdPrefix, value: string): boolean {
  return ID.test(value) && value.startsWith(`${prefix}_`);
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
