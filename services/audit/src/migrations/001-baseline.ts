import { createIndexes, dropIndexes, type IndexSpec } from '@tollgate/platform';
import type { mongo } from 'mongoose';

// The indexes the stores' schemas created at start-up before migrations were versioned,
// with the same keys and options, so this is a no-op on a database that already has them.
const indexes: IndexSpec[] = [
  { collection: 'audit_events', key: { page: 1 } },
  { collection: 'audit_events', key: { seq: 1 }, unique: true },
  { collection: 'audit_events_archive', key: { page: 1 } },
  { collection: 'audit_events_archive', key: { seq: 1 }, unique: true },
];

export const version = 1;
export const name = 'baseline';
export const up = (db: mongo.Db) => createIndexes(db, indexes);
export const down = (db: mongo.Db) => dropIndexes(db, indexes);
