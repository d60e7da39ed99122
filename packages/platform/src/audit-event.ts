import type { Principal } from './auth/principal.js';

export type Outcome = 'success' | 'failure' | 'denied';

/** The audit events a webhook endpoint may be sent (the audit service delivers them; the gateway documents them). */
export const WEBHOOK_EVENTS = [
  'budget.threshold',
  'budget.exhausted',
  'budget.request.created',
  'budget.request.approved',
  'budget.request.rejected',
  'token.expiring',
  'provider_key.rotated',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export type ActorType = 'user' | 'token' | 'agent' | 'service' | 'anonymous';

export interface AuditEventInput {
  action: string;
  outcome?: Outcome;
  /** Defaults to the caller of the current RPC. */
  actor?: { type: ActorType; id?: string };
  resource: { type: string; id?: string };
  /** Never a password, token, key or cookie. */
  details?: Record<string, unknown>;
}

/** How a verified caller appears as an audit actor. */
export function actorOf(p: Principal): { type: ActorType; id?: string } {
  switch (p.type) {
    case 'user':
      return { type: 'user', id: p.id };
    case 'token':
      return { type: 'token', id: p.tokenId ?? p.id };
    case 'agent':
      return { type: 'agent', id: p.id };
    case 'service':
      // The gateway calls as a service before anyone is authenticated.
      return p.id === 'gateway' ? { type: 'anonymous' } : { type: 'service', id: p.id };
  }
}
