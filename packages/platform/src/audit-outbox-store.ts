import { Schema, type Connection, type Model } from 'mongoose';
import type { AuditEvent } from '@tollgate/proto/gen/tollgate/audit/v1/AuditEvent';

// The audit outbox's collections in the emitting service's own database.

export interface OutboxDoc {
  _id: string;
  event: AuditEvent;
  created_at: Date;
  /** floor(created_at / BUCKET_MS): the relay reads the outbox one bucket at a time, by equality. */
  bucket: number;
}

const outboxSchema = new Schema<OutboxDoc>(
  {
    _id: { type: String, required: true },
    event: { type: Schema.Types.Mixed, required: true },
    created_at: { type: Date, required: true },
    bucket: { type: Number, required: true, index: true },
  },
  { collection: 'audit_outbox', versionKey: false },
);

export interface DeadLetterDoc extends Omit<OutboxDoc, 'bucket'> {
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

/** The relay's low-water mark: every bucket below it has been delivered and can receive nothing more. */
export interface OutboxMarkDoc {
  _id: 'low';
  bucket: number;
}

const markSchema = new Schema<OutboxMarkDoc>(
  { _id: { type: String, required: true }, bucket: { type: Number, required: true } },
  { collection: 'audit_outbox_mark', versionKey: false },
);

export interface OutboxModels {
  outbox: Model<OutboxDoc>;
  deadLetters: Model<DeadLetterDoc>;
  marks: Model<OutboxMarkDoc>;
}

/** The outbox's models on `conn` (created once per connection). */
export function outboxModels(conn: Connection): OutboxModels {
  return {
    outbox: (conn.models.AuditOutbox as Model<OutboxDoc> | undefined) ?? conn.model<OutboxDoc>('AuditOutbox', outboxSchema),
    deadLetters:
      (conn.models.AuditOutboxDead as Model<DeadLetterDoc> | undefined) ?? conn.model<DeadLetterDoc>('AuditOutboxDead', deadLetterSchema),
    marks: (conn.models.AuditOutboxMark as Model<OutboxMarkDoc> | undefined) ?? conn.model<OutboxMarkDoc>('AuditOutboxMark', markSchema),
  };
}
