import mongoose, { Schema, type Connection, type Model, type mongo } from 'mongoose';
import { isDuplicateKeyError, type Role } from '@tollgate/platform';
import type { SessionUser, NewSession, SessionRecord } from '../domain/records.js';
import type { SessionRepository } from '../domain/repositories.js';

/**
 * The session document is written by several hands at once — last use (CheckSession),
 * the expiry (each refresh), the user's name and address (a rename, an email change) — and on FerretDB one write can
 * undo another. Each of those is harmless to lose: last use and expiry are rewritten by
 * the next check or refresh (an expiry that loses a race is the previous refresh's, one
 * access-token lifetime older), a name or address by the next change or login. Revocation is
 * therefore not a field here but a record of its own (RevocationDoc).
 */
interface SessionDoc {
  _id: string;
  user_id: string;
  user: { email: string; name: string; role: Role; created_at: Date };
  created_at: Date;
  last_used_at: Date;
  expires_at: Date;
  ip: string;
  user_agent: string;
}

/** A session's revocation: its unique insert is the commit point, so it is never undone and happens once. */
interface RevocationDoc {
  /** The session id. */
  _id: string;
  user_id: string;
  reason: string;
  at: Date;
}

const sessionSchema = new Schema<SessionDoc>(
  {
    _id: { type: String, required: true },
    user_id: { type: String, required: true, index: true },
    user: {
      type: new Schema({ email: String, name: String, role: String, created_at: Date }, { _id: false, versionKey: false }),
      required: true,
    },
    created_at: { type: Date, required: true },
    last_used_at: { type: Date, required: true },
    expires_at: { type: Date, required: true },
    ip: { type: String, default: '' },
    user_agent: { type: String, default: '' },
  },
  { collection: 'sessions', versionKey: false },
);

const revocationSchema = new Schema<RevocationDoc>(
  {
    _id: { type: String, required: true },
    user_id: { type: String, required: true, index: true },
    reason: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'session_revocations', versionKey: false },
);

function toRecord(d: SessionDoc, revocation: RevocationDoc | null): SessionRecord {
  return {
    id: d._id,
    userId: d.user_id,
    user: { email: d.user.email, name: d.user.name ?? '', role: d.user.role, createdAt: d.user.created_at },
    createdAt: d.created_at,
    lastUsedAt: d.last_used_at,
    expiresAt: d.expires_at,
    revokedAt: revocation?.at ?? null,
    revokeReason: revocation?.reason ?? null,
    ip: d.ip ?? '',
    userAgent: d.user_agent ?? '',
  };
}

export function createSessionStore(conn: Connection): SessionRepository {
  const model: Model<SessionDoc> =
    (conn.models.Session as Model<SessionDoc> | undefined) ?? conn.model<SessionDoc>('Session', sessionSchema);
  const revocations: Model<RevocationDoc> =
    (conn.models.SessionRevocation as Model<RevocationDoc> | undefined) ?? conn.model<RevocationDoc>('SessionRevocation', revocationSchema);

  /** Revokes these sessions of one user; returns how many this call revoked (the others already were). */
  async function revokeMany(userId: string, ids: string[], reason: string): Promise<number> {
    if (ids.length === 0) return 0;
    const at = new Date();
    try {
      await revocations.insertMany(
        ids.map((id) => ({ _id: id, user_id: userId, reason, at })),
        { ordered: false },
      );
      return ids.length;
    } catch (err) {
      const writeErrors = (err as mongo.MongoBulkWriteError).writeErrors;
      if (!writeErrors) throw err;
      const errors = Array.isArray(writeErrors) ? writeErrors : [writeErrors];
      if (!errors.every(isDuplicateKeyError)) throw err;
      return ids.length - errors.length;
    }
  }

  return {
    async ready() {
      await Promise.all([model.init(), revocations.init()]);
    },

    async create(input: NewSession): Promise<SessionRecord> {
      const now = new Date();
      const doc: SessionDoc = {
        _id: input.id,
        user_id: input.userId,
        user: { email: input.user.email, name: input.user.name, role: input.user.role, created_at: input.user.createdAt },
        created_at: now,
        last_used_at: now,
        expires_at: input.expiresAt,
        ip: input.ip,
        user_agent: input.userAgent,
      };
      await model.create(doc);
      return toRecord(doc, null);
    },

    /** The session and its revocation, read at once (two primary-key lookups). */
    async findById(id: string): Promise<SessionRecord | null> {
      const [doc, revocation] = await Promise.all([model.findById(id).lean<SessionDoc>(), revocations.findById(id).lean<RevocationDoc>()]);
      return doc ? toRecord(doc, revocation) : null;
    },

    /** Reads the user's sessions kept until the sweeper deletes them. */
    async listLive(userId: string, now = new Date()): Promise<SessionRecord[]> {
      const docs = await model.find({ user_id: userId }).lean<SessionDoc[]>();
      const revoked = await Promise.all(docs.map((d) => revocations.exists({ _id: d._id })));
      return docs
        .filter((d, i) => !revoked[i] && d.expires_at > now)
        .map((d) => toRecord(d, null))
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    },

    /** Reads every session's expiry (no index on it: the sweep's count, once a pass) and the revoked ones' ids. */
    async countLive(now = new Date()): Promise<number> {
      // trusted(): our own operators, exempt from the sanitizeFilter injection guard.
      const unexpired = { expires_at: mongoose.trusted({ $gt: now }) };
      const [live, revoked] = await Promise.all([
        model.countDocuments(unexpired),
        revocations.find({}, { _id: 1 }).lean<{ _id: string }[]>(),
      ]);
      if (revoked.length === 0) return live;
      return live - (await model.countDocuments({ ...unexpired, _id: mongoose.trusted({ $in: revoked.map((r) => r._id) }) }));
    },

    async touch(id: string, at: Date): Promise<void> {
      await model.updateOne({ _id: id }, { $set: { last_used_at: at } });
    },

    async renew(id: string, changes: { expiresAt: Date; at: Date }): Promise<void> {
      await model.updateOne({ _id: id }, { $set: { expires_at: changes.expiresAt, last_used_at: changes.at } });
    },

    async revoke(id: string, userId: string, reason: string): Promise<boolean> {
      return (await revokeMany(userId, [id], reason)) === 1;
    },

    async revokeAllOfUser(userId: string, reason: string, exceptId?: string): Promise<number> {
      const docs = await model.find({ user_id: userId }, { _id: 1 }).lean<{ _id: string }[]>();
      return revokeMany(
        userId,
        docs.map((d) => d._id).filter((id) => id !== exceptId),
        reason,
      );
    },

    async copyUser(userId: string, user: Pick<SessionUser, 'email' | 'name'>): Promise<void> {
      await model.updateMany({ user_id: userId }, { $set: { 'user.email': user.email, 'user.name': user.name } });
    },

    async remove(id: string): Promise<void> {
      await Promise.all([model.deleteOne({ _id: id }), revocations.deleteOne({ _id: id })]);
    },

    async removeAllOfUser(userId: string): Promise<void> {
      await Promise.all([model.deleteMany({ user_id: userId }), revocations.deleteMany({ user_id: userId })]);
    },
  };
}
