import { randomUUID } from 'node:crypto';
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import type { Logger } from 'pino';
import type { AuditEvent } from '@tollgate/proto/gen/tollgate/audit/v1/AuditEvent';
import type { AuditDefinition } from '@tollgate/proto/gen/tollgate/audit/v1/Audit';
import type { Principal } from './auth/principal.js';
import type { CallContext } from './grpc/context.js';
import type { ServiceClient } from './grpc/client.js';
import { ValidationError } from './errors.js';

export type Outcome = 'success' | 'failure' | 'denied';
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

interface OutboxDoc {
  _id: string;
  event: AuditEvent;
  created_at: Date;
}

const outboxSchema = new Schema<OutboxDoc>(
  {
    _id: { type: String, required: true },
    event: { type: Schema.Types.Mixed, required: true },
    created_at: { type: Date, required: true, index: true },
  },
  { collection: 'audit_outbox', versionKey: false },
);

interface DeadLetterDoc extends OutboxDoc {
  error: string;
  failed_at: Date;
}

/** Events the audit service refused as invalid: kept for an operator, never retried. */
const deadLetterSchema = new Schema<DeadLetterDoc>(
  {
    _id: { type: String, required: true },
    event: { type: Schema.Types.Mixed, required: true },
    created_at: { type: Date, required: true },
    error: { type: String, required: true },
    failed_at: { type: Date, required: true },
  },
  { collection: 'audit_outbox_dead', versionKey: false },
);

export interface AuditEmitter {
  /** Durably queues the event in this service's database; returns once it is stored. */
  emit(input: AuditEventInput, ctx?: Pick<CallContext, 'principal' | 'requestId' | 'ip' | 'userAgent'>): Promise<void>;
  /** Delivers what is queued now (also runs on a timer). Resolves when the attempt ends. */
  flush(): Promise<void>;
  /** Stop the timer and make one last delivery attempt. */
  stop(): Promise<void>;
  pending(): Promise<number>;
}

export interface OutboxOptions {
  conn: Connection;
  source: string;
  client: ServiceClient<AuditDefinition>;
  log: Logger;
  intervalMs?: number;
  batchSize?: number;
}

/**
 * Audit events go to an outbox collection in the emitting service's own database, and a
 * relay ships them to the audit service with RecordBatch. The event id is the
 * idempotency key, so a batch retried after a timeout is stored once. Delivered
 * events are deleted from the outbox; undelivered ones wait, with backoff, until the
 * audit service is back.
 */
export function createAuditOutbox(opts: OutboxOptions): AuditEmitter {
  const model: Model<OutboxDoc> = opts.conn.models.AuditOutbox ?? opts.conn.model<OutboxDoc>('AuditOutbox', outboxSchema);
  const deadLetters: Model<DeadLetterDoc> =
    opts.conn.models.AuditOutboxDead ?? opts.conn.model<DeadLetterDoc>('AuditOutboxDead', deadLetterSchema);
  const interval = opts.intervalMs ?? 500;
  const batchSize = opts.batchSize ?? 100;
  let backoff = 0;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const principal: Principal = { type: 'service', id: opts.source };

  async function deliver(): Promise<void> {
    for (;;) {
      const batch = await model.find({}).sort({ created_at: 1, _id: 1 }).limit(batchSize).lean();
      if (batch.length === 0) return;
      try {
        await opts.client.call.RecordBatch({ events: batch.map((d) => d.event) }, { principal, deadlineMs: 5_000 });
      } catch (err) {
        // A batch the audit service rejects as invalid would otherwise block the outbox
        // forever: find the bad events one by one and set them aside, deliver the rest.
        if (!(err instanceof ValidationError)) throw err;
        await deliverOneByOne(batch);
        continue;
      }
      // trusted(): our own operator, exempt from the sanitizeFilter injection guard.
      await model.deleteMany({ _id: mongoose.trusted({ $in: batch.map((d) => d._id) }) });
      if (batch.length < batchSize) return;
    }
  }

  async function deliverOneByOne(batch: OutboxDoc[]): Promise<void> {
    for (const doc of batch) {
      try {
        await opts.client.call.RecordBatch({ events: [doc.event] }, { principal, deadlineMs: 5_000 });
        await model.deleteOne({ _id: doc._id });
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        await deadLetters.create({ _id: doc._id, event: doc.event, created_at: doc.created_at, error: err.message, failed_at: new Date() });
        await model.deleteOne({ _id: doc._id });
        opts.log.error({ event_id: doc._id, action: doc.event.action, err: err.message }, 'audit rejected an event; moved to audit_outbox_dead');
      }
    }
  }

  function flush(): Promise<void> {
    if (!running) {
      running = deliver()
        .then(() => {
          backoff = 0;
        })
        .catch((err: unknown) => {
          backoff = Math.min(backoff ? backoff * 2 : 250, 5_000);
          opts.log.warn({ err: (err as Error).message, retry_in_ms: backoff }, 'audit delivery failed, will retry');
        })
        .finally(() => {
          running = null;
        });
    }
    return running;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      void flush().finally(schedule);
    }, interval + backoff);
    timer.unref();
  }
  schedule();

  return {
    async emit(input, ctx) {
      const id = randomUUID();
      const event: AuditEvent = {
        id,
        at: new Date().toISOString(),
        actor: input.actor ?? (ctx ? actorOf(ctx.principal) : { type: 'service', id: opts.source }),
        action: input.action,
        resource: input.resource,
        outcome: input.outcome ?? 'success',
        ip: ctx?.ip ?? '',
        user_agent: ctx?.userAgent ?? '',
        request_id: ctx?.requestId ?? '',
        details_json: JSON.stringify(input.details ?? {}),
        source: opts.source,
      };
      await model.create({ _id: id, event, created_at: new Date() });
      if (backoff === 0) void flush();
    },
    flush,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await flush();
    },
    pending: () => model.countDocuments({}),
  };
}
