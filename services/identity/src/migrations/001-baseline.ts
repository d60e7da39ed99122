import { createIndexes, dropIndexes, type IndexSpec } from '@tollgate/platform';
import type { mongo } from 'mongoose';

// The indexes the stores' schemas created at start-up before migrations were versioned,
// with the same keys and options, so this is a no-op on a database that already has them.
const indexes: IndexSpec[] = [
  { collection: 'audit_outbox', key: { bucket: 1 } },
  { collection: 'email_link_uses', key: { expires_day: 1 } },
  { collection: 'email_links', key: { expires_day: 1 } },
  { collection: 'known_devices', key: { user_id: 1 } },
  { collection: 'login_failures', key: { user_id: 1 } },
  { collection: 'mail_outbox', key: { bucket: 1 } },
  { collection: 'passkeys', key: { user_id: 1 } },
  { collection: 'refresh_tokens', key: { digest: 1 }, unique: true },
  { collection: 'refresh_tokens', key: { expiry_day: 1 } },
  { collection: 'refresh_tokens', key: { session_id: 1 } },
  { collection: 'refresh_tokens', key: { user_id: 1 } },
  { collection: 'session_revocations', key: { user_id: 1 } },
  { collection: 'sessions', key: { user_id: 1 } },
  { collection: 'signing_keys', key: { status: 1 } },
  { collection: 'user_revisions', key: { user_id: 1 } },
  { collection: 'users', key: { bucket: 1 } },
  { collection: 'users', key: { email: 1 }, unique: true },
  { collection: 'users', key: { role: 1 } },
  { collection: 'webauthn_challenge_uses', key: { expires_day: 1 } },
  { collection: 'webauthn_challenges', key: { expires_day: 1 } },
];

export const version = 1;
export const name = 'baseline';
export const up = (db: mongo.Db) => createIndexes(db, indexes);
export const down = (db: mongo.Db) => dropIndexes(db, indexes);
