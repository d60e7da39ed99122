import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import type { Role } from '@tollgate/platform';

/**
 * What a session remembers of its user. Role changes and disabling revoke every
 * session of the user, and name changes are copied here, so CheckSession (the
 * gateway's hot path) answers from this one document.
 */
export interface SessionUser {
  email: string;
  name: string;
  role: Role;
  createdAt: Date;
}

export interface SessionRecord {
  id: string;
  userId: string;
  user: SessionUser;
  createdAt: Date;
  lastUsedAt: Date;
  /** When the current refresh token stops working; the sweeper deletes the session a day later. */
  expiresAt: Date;
  revokedAt: Date | null;
  revokeReason: string | null;
  ip: string;
  userAgent: string;
  csrfDigest: string;
}

interface SessionDoc {
  _id: string;
  user_id: string;
  user: { email: string; name: string; role: Role; created_at: Date };
  created_at: Date;
  last_used_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  revoke_reason: string | null;
  ip: string;
  user_agent: string;
  csrf_digest: string;
}

const sessionSchema = new Schema<SessionDoc>(
  {
    _id: { type: String, required: true },
    user_id: { type: String, required: true, index: true },
    user: {
      type: new Schema(
        { email: String, name: String, role: String, created_at: Date },
        { _id: false, versionKey: false },
      ),
      required: true,
    },
    created_at: { type: Date, required: true },
    last_used_at: { type: Date, required: true },
    expires_at: { type: Date, required: true, index: true },
    revoked_at: { type: Date, default: null },
    revoke_reason: { type: String, default: null },
    ip: { type: String, default: '' },
    user_agent: { type: String, default: '' },
    csrf_digest: { type: String, required: true },
  },
  { collection: 'sessions', versionKey: false },
);

function toRecord(d: SessionDoc): SessionRecord {
  return {
    id: d._id,
    userId: d.user_id,
    user: { email: d.user.email, name: d.user.name ?? '', role: d.user.role, createdAt: d.user.created_at },
    createdAt: d.created_at,
    lastUsedAt: d.last_used_at,
    expiresAt: d.expires_at,
    revokedAt: d.revoked_at ?? null,
    revokeReason: d.revoke_reason ?? null,
    ip: d.ip ?? '',
    userAgent: d.user_agent ?? '',
    csrfDigest: d.csrf_digest,
  };
}

export interface NewSession {
  id: string;
  userId: string;
  user: SessionUser;
  expiresAt: Date;
  ip: string;
  userAgent: string;
  csrfDigest: string;
}

export function createSessionStore(conn: Connection) {
  const model: Model<SessionDoc> = conn.models.Session ?? conn.model<SessionDoc>('Session', sessionSchema);

  return {
    ready: () => model.init(),

    async create(input: NewSession): Promise<SessionRecord> {
      const now = new Date();
      const doc: SessionDoc = {
        _id: input.id,
        user_id: input.userId,
        user: { email: input.user.email, name: input.user.name, role: input.user.role, created_at: input.user.createdAt },
        created_at: now,
        last_used_at: now,
        expires_at: input.expiresAt,
        revoked_at: null,
        revoke_reason: null,
        ip: input.ip,
        user_agent: input.userAgent,
        csrf_digest: input.csrfDigest,
      };
      await model.create(doc);
      return toRecord(doc);
    },

    async findById(id: string): Promise<SessionRecord | null> {
      const d = await model.findById(id).lean<SessionDoc>();
      return d ? toRecord(d) : null;
    },

    /** The user's sessions that still work, newest first. */
    async listLive(userId: string, now = new Date()): Promise<SessionRecord[]> {
      const docs = await model
        .find({ user_id: userId, revoked_at: null, expires_at: mongoose.trusted({ $gt: now }) })
        .sort({ created_at: -1 })
        .limit(1_000)
        .lean<SessionDoc[]>();
      return docs.map(toRecord);
    },

    async touch(id: string, at: Date): Promise<void> {
      await model.updateOne({ _id: id }, { $set: { last_used_at: at } });
    },

    /** After a refresh: a new CSRF digest and a new expiry for the session. */
    async renew(id: string, changes: { csrfDigest: string; expiresAt: Date; at: Date }): Promise<void> {
      await model.updateOne(
        { _id: id, revoked_at: null },
        { $set: { csrf_digest: changes.csrfDigest, expires_at: changes.expiresAt, last_used_at: changes.at } },
      );
    },

    /** Revokes one live session; false when it was already revoked or does not exist. */
    async revoke(id: string, reason: string, csrfDigest: string): Promise<boolean> {
      const res = await model.updateOne(
        { _id: id, revoked_at: null },
        { $set: { revoked_at: new Date(), revoke_reason: reason, csrf_digest: csrfDigest } },
      );
      return res.modifiedCount === 1;
    },

    /**
     * Revokes every live session of a user (but `exceptId`), replacing their CSRF digests
     * with one nobody holds. Returns how many were revoked.
     */
    async revokeAllOfUser(userId: string, reason: string, csrfDigest: string, exceptId?: string): Promise<number> {
      const filter: Record<string, unknown> = { user_id: userId, revoked_at: null };
      if (exceptId) filter._id = mongoose.trusted({ $ne: exceptId });
      const res = await model.updateMany(filter, {
        $set: { revoked_at: new Date(), revoke_reason: reason, csrf_digest: csrfDigest },
      });
      return res.modifiedCount;
    },

    async renameUser(userId: string, name: string): Promise<void> {
      await model.updateMany({ user_id: userId }, { $set: { 'user.name': name } });
    },

    async removeAllOfUser(userId: string): Promise<void> {
      await model.deleteMany({ user_id: userId });
    },

    /** Deletes sessions whose expiry is before `cutoff`; returns how many. */
    async sweep(cutoff: Date): Promise<number> {
      const res = await model.deleteMany({ expires_at: mongoose.trusted({ $lt: cutoff }) });
      return res.deletedCount;
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
