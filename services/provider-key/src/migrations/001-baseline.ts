import { createIndexes, dropIndexes, type IndexSpec } from '@tollgate/platform';
import type { mongo } from 'mongoose';

// The indexes the stores' schemas created at start-up before migrations were versioned,
// with the same keys and options, so this is a no-op on a database that already has them.
const indexes: IndexSpec[] = [
  { collection: 'audit_outbox', key: { bucket: 1 } },
  { collection: 'provider_keys', key: { provider: 1, _id: 1 } },
  { collection: 'provider_keys', key: { provider: 1, disabled: 1, _id: -1 } },
  { collection: 'provider_keys', key: { 'secret.kid': 1 } },
];

export const version = 1;
export const name = 'baseline';
export const up = (db: mongo.Db) => createIndexes(db, indexes);
export const down = (db: mongo.Db) => dropIndexes(db, indexes);
