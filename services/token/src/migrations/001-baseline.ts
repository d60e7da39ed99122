import { createIndexes, dropIndexes, type IndexSpec } from '@tollgate/platform';
import type { mongo } from 'mongoose';

// The indexes the stores' schemas created at start-up before migrations were versioned,
// with the same keys and options, so this is a no-op on a database that already has them.
const indexes: IndexSpec[] = [
  { collection: 'api_token_use_claims', key: { hour: 1 } },
  { collection: 'api_tokens', key: { expiry_day: 1 } },
  { collection: 'api_tokens', key: { owner_id: 1, owner_bucket: 1 } },
  { collection: 'api_tokens', key: { owner_id: 1, owner_seq: 1 }, unique: true },
  { collection: 'audit_outbox', key: { bucket: 1 } },
];

export const version = 1;
export const name = 'baseline';
export const up = (db: mongo.Db) => createIndexes(db, indexes);
export const down = (db: mongo.Db) => dropIndexes(db, indexes);
