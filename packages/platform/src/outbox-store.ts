import { Schema, type Connection, type Model } from 'mongoose';

// An outbox's collections in its service's own database: `<name>`, `<name>_dead`, `<name>_mark`.

export interface OutboxDoc {
  _id: string;
  /** What to deliver (an audit event, a mail). */
  event: unknown;
  created_at: Date;
  /** floor(created_at / BUCKET_MS): the relay reads the outbox one bucket at a time, by equality. */
  bucket: number;
}

export interface DeadLetterDoc extends Omit<OutboxDoc, 'bucket'> {
  error: string;
  failed_at: Date;
}

/** The relay's low-water mark: every bucket below it has been delivered and can receive nothing more. */
export interface OutboxMarkDoc {
  _id: 'low';
  bucket: number;
}

export interface OutboxModels {
  outbox: Model<OutboxDoc>;
  /** What the sink refused for good: kept for an operator, never retried. */
  deadLetters: Model<DeadLetterDoc>;
  marks: Model<OutboxMarkDoc>;
}

const outboxSchema = (collection: string) =>
  new Schema<OutboxDoc>(
    {
      _id: { type: String, required: true },
      event: { type: Schema.Types.Mixed, required: true },
      created_at: { type: Date, required: true },
      bucket: { type: Number, required: true, index: true },
    },
    { collection, versionKey: false },
  );

const deadLetterSchema = (collection: string) =>
  new Schema<DeadLetterDoc>(
    {
      _id: { type: String, required: true },
      event: { type: Schema.Types.Mixed, required: true },
      created_at: { type: Date, required: true },
      error: { type: String, required: true },
      failed_at: { type: Date, required: true },
    },
    { collection, versionKey: false },
  );

const markSchema = (collection: string) =>
  new Schema<OutboxMarkDoc>(
    { _id: { type: String, required: true }, bucket: { type: Number, required: true } },
    { collection, versionKey: false },
  );

/** The models of the outbox `name` on `conn` (created once per connection). */
export function outboxModels(conn: Connection, name: string): OutboxModels {
  const model = <D>(collection: string, schema: (c: string) => Schema<D>) =>
    (conn.models[collection] as Model<D> | undefined) ?? conn.model<D>(collection, schema(collection));
  return {
    outbox: model(name, outboxSchema),
    deadLetters: model(`${name}_dead`, deadLetterSchema),
    marks: model(`${name}_mark`, markSchema),
  };
}
