import { Schema, type Connection, type Model } from 'mongoose';

/** One stored event. Flat, so every filter is a plain field; `at` is a Date for ranges. */
export interface EventDoc {
  _id: string;
  seq: number;
  at: Date;
  source: string;
  actor_type: string;
  actor_id: string;
  action: string;
  resource_type: string;
  resource_id: string;
  outcome: string;
  ip: string;
  user_agent: string;
  request_id: string;
  /** Canonical JSON, exactly the bytes the hash covers. */
  details_json: string;
  prev_hash: string;
  hash: string;
}

const text = { type: String, default: '' };

const eventSchema = new Schema<EventDoc>(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    source: { type: String, required: true },
    actor_type: { type: String, required: true },
    actor_id: text,
    action: { type: String, required: true },
    resource_type: { type: String, required: true },
    resource_id: text,
    outcome: { type: String, required: true },
    ip: text,
    user_agent: text,
    request_id: text,
    details_json: { type: String, required: true },
    prev_hash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { collection: 'audit_events', versionKey: false, strict: 'throw' },
);

// The chain's order: no two writers (replicas included) can both take a seq.
eventSchema.index({ seq: 1 }, { unique: true });
eventSchema.index({ at: 1 });
eventSchema.index({ actor_id: 1, seq: -1 });
eventSchema.index({ action: 1, seq: -1 });
eventSchema.index({ resource_type: 1, resource_id: 1, seq: -1 });

export function eventModel(conn: Connection): Model<EventDoc> {
  return (conn.models.AuditEvent as Model<EventDoc> | undefined) ?? conn.model<EventDoc>('AuditEvent', eventSchema);
}
