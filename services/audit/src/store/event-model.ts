import { Schema, type Connection, type Model } from 'mongoose';

/** One stored event. Flat, so every filter is a plain field. */
export interface EventDoc {
  _id: string;
  seq: number;
  /** pageOf(seq): events are read a page at a time by this equality. */
  page: number;
  /** When the audit service stored it (not hashed): what retention goes by. */
  recorded_at: Date;
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
    page: { type: Number, required: true },
    recorded_at: { type: Date, required: true },
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

// The chain's order: no two writers (replicas included) can both take a seq. Every read
// is an equality on seq, _id or page (plus the filter's plain fields, which a page bounds).
eventSchema.index({ seq: 1 }, { unique: true });
eventSchema.index({ page: 1 });

/** The hot log: the last AUDIT_HOT_DAYS of events, where appends happen. */
export function eventModel(conn: Connection): Model<EventDoc> {
  return (conn.models.AuditEvent as Model<EventDoc> | undefined) ?? conn.model<EventDoc>('AuditEvent', eventSchema);
}

/** Whole pages of older events, moved out of the hot log as they are (same documents). */
export function archivedEventModel(conn: Connection): Model<EventDoc> {
  return (
    (conn.models.ArchivedAuditEvent as Model<EventDoc> | undefined) ??
    conn.model<EventDoc>('ArchivedAuditEvent', eventSchema.clone().set('collection', 'audit_events_archive'))
  );
}

/**
 * `_id` = a page that is wholly in the archive. Written after the page's copy and
 * before its removal from the hot log, in page order, so the pages archived are always
 * 0 … n-1 for some n (findLast finds n).
 */
export interface ArchivedPageDoc {
  _id: number;
  archived_at: Date;
}

const archivedPageSchema = new Schema<ArchivedPageDoc>(
  { _id: { type: Number, required: true }, archived_at: { type: Date, required: true } },
  { collection: 'audit_archived_pages', versionKey: false, strict: 'throw' },
);

export function archivedPageModel(conn: Connection): Model<ArchivedPageDoc> {
  return (
    (conn.models.AuditArchivedPage as Model<ArchivedPageDoc> | undefined) ??
    conn.model<ArchivedPageDoc>('AuditArchivedPage', archivedPageSchema)
  );
}
