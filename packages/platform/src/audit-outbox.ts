import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { AuditEvent } from '@tollgate/proto/gen/tollgate/audit/v1/AuditEvent';
import type { AuditDefinition } from '@tollgate/proto/gen/tollgate/audit/v1/Audit';
import type { Caller } from './grpc/context.js';
import type { ServiceClient } from './grpc/client.js';
import { ValidationError } from './errors.js';
import { actorOf, type AuditEventInput } from './audit-event.js';
import { createOutbox, type OutboxOptions } from './outbox.js';

export interface AuditEmitter {
  /** Durably queues the event in this service's database; returns once it is stored. */
  emit(input: AuditEventInput, ctx?: Caller): Promise<void>;
  /** Delivers what is queued now if this replica leads the relay (also runs on a timer). Resolves when the attempt ends. */
  flush(): Promise<void>;
  /** Stop the timer and make one last delivery attempt. */
  stop(): Promise<void>;
  pending(): Promise<number>;
}

export interface AuditOutboxOptions extends Omit<OutboxOptions<AuditEvent>, 'name' | 'sink' | 'conn' | 'log'> {
  conn: Connection;
  source: string;
  client: ServiceClient<AuditDefinition>;
  log: Logger;
}

/**
 * Audit events go to the `audit_outbox` collection in the emitting service's own database
 * (outbox.ts), and its relay ships them to the audit service with RecordBatch. The event id
 * is the idempotency key, so a batch sent twice is stored once; an event the audit service
 * rejects as invalid is set aside in `audit_outbox_dead`.
 */
export function createAuditOutbox(opts: AuditOutboxOptions): AuditEmitter {
  const { source, client, ...relay } = opts;
  const principal = { type: 'service', id: source } as const;
  const outbox = createOutbox<AuditEvent>({
    ...relay,
    name: 'audit_outbox',
    sink: {
      deliver: async (events) => {
        await client.call.RecordBatch({ events }, { principal, deadlineMs: 5_000 });
      },
      refused: (err) => err instanceof ValidationError,
      describe: (event) => ({ action: event.action }),
    },
  });
  return {
    async emit(input, ctx) {
      const id = randomUUID();
      await outbox.add(id, {
        id,
        at: new Date().toISOString(),
        actor: input.actor ?? (ctx ? actorOf(ctx.principal) : { type: 'service', id: source }),
        action: input.action,
        resource: input.resource,
        outcome: input.outcome ?? 'success',
        ip: ctx?.ip ?? '',
        user_agent: ctx?.userAgent ?? '',
        request_id: ctx?.requestId ?? '',
        details_json: JSON.stringify(input.details ?? {}),
        source,
      });
    },
    flush: () => outbox.flush(),
    stop: () => outbox.stop(),
    pending: () => outbox.pending(),
  };
}
