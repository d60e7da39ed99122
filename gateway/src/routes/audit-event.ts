import './zod-openapi.js';
import { z } from 'zod';
import type { AuditEvent__Output } from '@tollgate/proto/gen/tollgate/audit/v1/AuditEvent';
import { nullable } from './fields.js';

/** The REST shape of an audit event: the listing's items, GET by id, and each line of an NDJSON export. */
export const eventSchema = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    at: z.string(),
    actor: z.object({ type: z.enum(['user', 'token', 'agent', 'service', 'anonymous']), id: z.string().nullable() }),
    action: z.string(),
    resource: z.object({ type: z.string(), id: z.string().nullable() }),
    outcome: z.enum(['success', 'failure', 'denied']),
    ip: z.string().nullable(),
    user_agent: z.string().nullable(),
    request_id: z.string().nullable(),
    source: z.string().openapi({ description: 'The service that emitted the event' }),
    details: z.record(z.string(), z.unknown()).openapi({ description: 'Never holds a password, token, key or cookie' }),
    hash: z.string().openapi({ description: 'SHA-256 over the canonical event, its seq and prev_hash' }),
    prev_hash: z.string().openapi({ description: 'The hash of the event before (64 zeros for the first)' }),
  })
  .openapi('AuditEvent');

export type ApiAuditEvent = z.infer<typeof eventSchema>;

export function toEvent(e: AuditEvent__Output): ApiAuditEvent {
  return {
    id: e.id,
    seq: e.seq,
    at: e.at,
    actor: { type: (e.actor?.type ?? 'anonymous') as ApiAuditEvent['actor']['type'], id: nullable(e.actor?.id) },
    action: e.action,
    resource: { type: e.resource?.type ?? '', id: nullable(e.resource?.id) },
    outcome: e.outcome as ApiAuditEvent['outcome'],
    ip: nullable(e.ip),
    user_agent: nullable(e.user_agent),
    request_id: nullable(e.request_id),
    source: e.source,
    details: detailsOf(e.details_json),
    hash: e.hash,
    prev_hash: e.prev_hash,
  };
}

function detailsOf(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json || '{}');
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through: show what is stored rather than fail the listing
  }
  return { unparseable: json };
}
