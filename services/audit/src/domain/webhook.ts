import { createHmac, randomBytes } from 'node:crypto';
import {
  checkOutboundUrl,
  MAX_DESCRIPTION_LENGTH,
  ValidationError,
  WEBHOOK_EVENTS,
  type OutboundPolicy,
  type WebhookEvent,
} from '@tollgate/platform';
import { isoOf, type ChainedEvent } from './event.js';

/** An endpoint as its admin set it up. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  events: WebhookEvent[];
  enabled: boolean;
  description: string;
  /** Signs every delivery; shown once, when the endpoint is created. */
  secret: string;
  created_at: Date;
  updated_at: Date;
  /** The log's last seq when it was created: it is sent what comes after. */
  start_seq: number;
}

/** Where the dispatcher is with an endpoint (written by the dispatcher alone). */
export interface WebhookProgress {
  id: string;
  /** The last event of the log this endpoint is done with: delivered, not for it, or dead-lettered. */
  cursor_seq: number;
  /** The event being retried, if one is. */
  retrying: { event_id: string; attempts: number; first_at: Date; next_at: Date } | null;
  /**
   * For events sent once per quiet period and resource (QUIET_EVENTS): which was last sent when (ms).
   * A list, not a map: its keys hold dots, which stored field names may not.
   */
  quiet?: { key: string; at: number }[];
}

/**
 * Events a misbehaving caller can raise by the thousand (every refused call is one): an
 * endpoint is sent the first for a resource, then no other for it within the quiet period.
 */
export const QUIET_EVENTS: readonly string[] = ['budget.exhausted'];

export type DeliveryStatus = 'delivered' | 'failed' | 'dead';

/** One attempt to deliver one event to one endpoint, in the endpoint's delivery log. */
export interface DeliveryRecord {
  webhook_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  at: Date;
  status: DeliveryStatus;
  http_status: number;
  error: string;
  latency_ms: number;
  redelivery: boolean;
}

/** An event given up on, until an admin redelivers it. */
export interface DeadLetter {
  webhook_id: string;
  event_id: string;
  event_type: string;
  attempts: number;
  failed_at: Date;
}

/** The most endpoints an installation has: the dispatcher reads them all every poll. */
export const MAX_WEBHOOKS = 100;
/** The longest wait between two attempts of one delivery. */
const MAX_BACKOFF_MS = 3_600_000;

export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function validUrl(raw: string, policy: OutboundPolicy): string {
  if (raw.length > 2_048) throw new ValidationError('url is too long', { url: 'at most 2048 characters' });
  return checkOutboundUrl(raw, policy, 'url');
}

export function validEvents(raw: string[]): WebhookEvent[] {
  const unknown = raw.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (raw.length === 0 || unknown.length > 0) {
    throw new ValidationError('events must name at least one webhook event', {
      events: `one or more of ${WEBHOOK_EVENTS.join(', ')}${unknown.length > 0 ? ` (unknown: ${unknown.join(', ')})` : ''}`,
    });
  }
  return [...new Set(raw)] as WebhookEvent[];
}

export function validDescription(raw: string): string {
  const d = raw.trim();
  if (d.length > MAX_DESCRIPTION_LENGTH) {
    throw new ValidationError('description is too long', { description: `at most ${MAX_DESCRIPTION_LENGTH} characters` });
  }
  return d;
}

/** What a receiver gets: the event, without the log's own bookkeeping (seq, hashes). */
export function payloadOf(e: ChainedEvent): string {
  return JSON.stringify({
    id: e.id,
    type: e.action,
    created_at: isoOf(e.at),
    data: {
      actor: e.actor,
      resource: e.resource,
      outcome: e.outcome,
      details: JSON.parse(e.details_json || '{}') as unknown,
      request_id: e.request_id,
    },
  });
}

/**
 * The `Tollgate-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * Receivers recompute it with the endpoint's secret, compare in constant time, and refuse a
 * timestamp older than their replay window (5 minutes is the documented choice).
 */
export function signature(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/** The wait before attempt `attempts + 1`: doubling from `baseMs`, at most an hour, with jitter (half to all of it). */
export function backoffMs(attempts: number, baseMs: number, random = Math.random): number {
  const full = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.min(attempts - 1, 30));
  return Math.round(full / 2 + (random() * full) / 2);
}
