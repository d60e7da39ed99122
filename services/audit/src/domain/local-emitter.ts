import { randomUUID } from 'node:crypto';
import { actorOf, type AuditEmitter } from '@tollgate/platform';
import type { EventLog } from './event-log.js';
import { validateEvent } from './validate.js';

/**
 * The audit service's own events (e.g. someone exported the log) go straight into the
 * chain instead of through an outbox and a gRPC call to itself. They pass the same
 * validation and redaction as events from other services.
 */
export function createLocalEmitter(source: string, eventLog: () => EventLog): AuditEmitter {
  const inFlight = new Set<Promise<unknown>>();
  const settle = async () => {
    await Promise.allSettled([...inFlight]);
  };
  return {
    async emit(input, ctx) {
      const { event } = validateEvent(
        {
          id: randomUUID(),
          at: new Date().toISOString(),
          actor: input.actor ? { type: input.actor.type, id: input.actor.id ?? '' } : actorOrService(ctx?.principal, source),
          action: input.action,
          resource: { type: input.resource.type, id: input.resource.id ?? '' },
          outcome: input.outcome ?? 'success',
          ip: ctx?.ip ?? '',
          user_agent: ctx?.userAgent ?? '',
          request_id: ctx?.requestId ?? '',
          details_json: JSON.stringify(input.details ?? {}),
        },
        source,
      );
      const appending = eventLog().append([event]);
      inFlight.add(appending);
      try {
        await appending;
      } finally {
        inFlight.delete(appending);
      }
    },
    flush: settle,
    stop: settle,
    pending: async () => inFlight.size,
  };
}

function actorOrService(principal: Parameters<typeof actorOf>[0] | undefined, source: string) {
  const actor = principal ? actorOf(principal) : { type: 'service' as const, id: source };
  return { type: actor.type, id: actor.id ?? '' };
}
