import { createIndexes, dropIndexes, type IndexSpec } from '@tollgate/platform';
import type { mongo } from 'mongoose';

// The indexes the stores' schemas created at start-up before migrations were versioned,
// with the same keys and options, so this is a no-op on a database that already has them.
const indexes: IndexSpec[] = [
  { collection: 'agents', key: { page: 1 } },
  { collection: 'agents', key: { project_id: 1 } },
  { collection: 'agents', key: { seq: 1 }, unique: true, sparse: true },
  { collection: 'agents', key: { status: 1 } },
  { collection: 'audit_outbox', key: { bucket: 1 } },
  { collection: 'budget_request_decisions', key: { settled: 1 } },
  { collection: 'budget_requests', key: { agent_id: 1 } },
  { collection: 'budget_requests', key: { page: 1 } },
  { collection: 'budget_requests', key: { project_id: 1 } },
  { collection: 'budget_requests', key: { seq: 1 }, unique: true, sparse: true },
  { collection: 'budget_requests', key: { status: 1 } },
  { collection: 'call_hold_minutes', key: { minute: 1 } },
  { collection: 'leases', key: { status: 1, expires_at: 1 } },
  { collection: 'project_members', key: { project_id: 1 } },
  { collection: 'project_members', key: { user_id: 1 } },
  { collection: 'projects', key: { page: 1 } },
  { collection: 'projects', key: { seq: 1 }, unique: true },
  { collection: 'spend_daily', key: { agent_id: 1 } },
  { collection: 'spend_daily', key: { day: 1 } },
  { collection: 'spend_daily', key: { final: 1 } },
  { collection: 'usage_claims', key: { applied: 1 } },
];

export const version = 1;
export const name = 'baseline';
export const up = (db: mongo.Db) => createIndexes(db, indexes);
export const down = (db: mongo.Db) => dropIndexes(db, indexes);
