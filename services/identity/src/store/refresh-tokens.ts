import mongoose, { Schema, type Connection, type Model } from 'mongoose';

export type RefreshTokenStatus = 'active' | 'rotated' | 'revoked';

/**
 * One refresh token of a session's family, known only by its SHA-256 digest. A refresh
 * marks the presented token `rotated` and issues the next one; a rotated token coming
 * back means it was copied, and the family (the session) is revoked.
 */
export interface RefreshTokenRecord {
  digest: string;
  sessionId: string;
  userId: string;
  status: RefreshTokenStatus;
  issuedAt: Date;
  expiresAt: Date;
}

interface RefreshTokenDoc {
  _id: string;
  session_id: string;
  user_id: string;
  status: RefreshTokenStatus;
  issued_at: Date;
  expires_at: Date;
  rotated_at: Date | null;
}

const refreshTokenSchema = new Schema<RefreshTokenDoc>(
  {
    _id: { type: String, required: true },
    session_id: { type: String, required: true, index: true },
    user_id: { type: String, required: true, index: true },
    status: { type: String, required: true },
    issued_at: { type: Date, required: true },
    expires_at: { type: Date, required: true, index: true },
    rotated_at: { type: Date, default: null },
  },
  { collection: 'refresh_tokens', versionKey: false },
);

function toRecord(d: RefreshTokenDoc): RefreshTokenRecord {
  return {
    digest: d._id,
    sessionId: d.session_id,
    userId: d.user_id,
    status: d.status,
    issuedAt: d.issued_at,
    expiresAt: d.expires_at,
  };
}

export function createRefreshTokenStore(conn: Connection) {
  const model: Model<RefreshTokenDoc> =
    conn.models.RefreshToken ?? conn.model<RefreshTokenDoc>('RefreshToken', refreshTokenSchema);

  return {
    ready: () => model.init(),

    async create(input: { digest: string; sessionId: string; userId: string; expiresAt: Date }): Promise<void> {
      await model.create({
        _id: input.digest,
        session_id: input.sessionId,
        user_id: input.userId,
        status: 'active',
        issued_at: new Date(),
        expires_at: input.expiresAt,
        rotated_at: null,
      });
    },

    async findByDigest(digest: string): Promise<RefreshTokenRecord | null> {
      const d = await model.findById(digest).lean<RefreshTokenDoc>();
      return d ? toRecord(d) : null;
    },

    /** Marks an active token rotated; false if it was not active any more (a concurrent refresh won). */
    async markRotated(digest: string): Promise<boolean> {
      const res = await model.updateOne({ _id: digest, status: 'active' }, { $set: { status: 'rotated', rotated_at: new Date() } });
      return res.modifiedCount === 1;
    },

    async revokeFamily(sessionId: string): Promise<void> {
      await model.updateMany({ session_id: sessionId, status: 'active' }, { $set: { status: 'revoked' } });
    },

    async removeAllOfUser(userId: string): Promise<void> {
      await model.deleteMany({ user_id: userId });
    },

    async sweep(cutoff: Date): Promise<number> {
      const res = await model.deleteMany({ expires_at: mongoose.trusted({ $lt: cutoff }) });
      return res.deletedCount;
    },
  };
}

export type RefreshTokenStore = ReturnType<typeof createRefreshTokenStore>;
