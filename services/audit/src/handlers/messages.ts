import type { AuditEvent } from '@tollgate/proto/gen/tollgate/audit/v1/AuditEvent';
import { isoOf, type ChainedEvent } from '../domain/event.js';

/** A stored event as the AuditEvent message. */
export function toWire(e: ChainedEvent): AuditEvent {
  return {
    id: e.id,
    seq: e.seq,
    at: isoOf(e.at),
    source: e.source,
    actor: { type: e.actor.type, id: e.actor.id },
    action: e.action,
    resource: { type: e.resource.type, id: e.resource.id },
    outcome: e.outcome,
    ip: e.ip,
    user_agent: e.user_agent,
    request_id: e.request_id,
    details_json: e.details_json,
    prev_hash: e.prev_hash,
    hash: e.hash,
  };
}
