import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError } from '@tollgate/platform';
import type { RefreshTokenRecord } from '../domain/records.js';
import type { RefreshTokenRepository } from '../domain/repositories.js';

const DAY_MS = 86_400_000;

interface RefreshTokenDoc {
  /** `<session>:<generation>`: its unique insert is the commit point of a refresh. */
  _id: string;
  digest: string;
  session_id: string;
  user_id: string;
  generation: number;
  csrf_digest: string;
  issued_at: Date;
  expires_at: Date;
  /** The UTC day of expires_at (days since the epoch): the sweeper reads one day per equality query. */
  expiry_day: number;
}

const refreshTokenSchema = new Schema<RefreshTokenDoc>(
  {
    _id: { type: String, required: true },
    digest: { type: String, required: true, unique: true },
    session_id: { type: String, required: true, index: true },
    user_id: { type: String, required: true, index: true },
    generation: { type: Number, required: true },
    csrf_digest: { type: String, required: true },
    issued_at: { type: Date, required: true },
    expires_at: { type: Date, required: true },
    expiry_day: { type: Number, required: true, index: true },
  },
  { collection: 'refresh_tokens', versionKey: false },
);

const generationKey = (sessionId: string, generation: number) => `${sessionId}:${generation}`;

function toRecord(d: RefreshTokenDoc): RefreshTokenRecord {
  return {
    digest: d.digest,
    sessionId: d.session_id,
    userId: d.user_id,
    generation: d.generation,
    csrfDigest: d.csrf_digest,
    issuedAt: d.issued_at,
    expiresAt: d.expires_at,
  };
}

export function createRefreshTokenStore(conn: Connection): RefreshTokenRepository {
  const model: Model<RefreshTokenDoc> =
    (conn.models.RefreshToken as Model<RefreshTokenDoc> | undefined) ?? conn.model<RefreshTokenDoc>('RefreshToken', refreshTokenSchema);

  return {
    async ready() {
      await model.init();
    },

    async issue(input: Omit<RefreshTokenRecord, 'issuedAt'>): Promise<boolean> {
      try {
        await model.create({
          _id: generationKey(input.sessionId, input.generation),
          digest: input.digest,
          session_id: input.sessionId,
          user_id: input.userId,
          generation: input.generation,
          csrf_digest: input.csrfDigest,
          issued_at: new Date(),
          expires_at: input.expiresAt,
          expiry_day: Math.floor(input.expiresAt.getTime() / DAY_MS),
        });
        return true;
      } catch (err) {
        // The digest is 256 random bits: a collision is the generation's key.
        if (isDuplicateKeyError(err)) return false;
        throw err;
      }
    },

    async findByDigest(digest: string): Promise<RefreshTokenRecord | null> {
      const d = await model.findOne({ digest }).lean<RefreshTokenDoc>();
      return d ? toRecord(d) : null;
    },

    async superseded(token: Pick<RefreshTokenRecord, 'sessionId' | 'generation'>): Promise<boolean> {
      return (await model.exists({ _id: generationKey(token.sessionId, token.generation + 1) })) !== null;
    },

    async expiringOn(day: number): Promise<RefreshTokenRecord[]> {
      return (await model.find({ expiry_day: day }).lean<RefreshTokenDoc[]>()).map(toRecord);
    },

    async removeSession(sessionId: string): Promise<void> {
      await model.deleteMany({ session_id: sessionId });
    },

    async removeAllOfUser(userId: string): Promise<void> {
      await model.deleteMany({ user_id: userId });
    },
  };
}
