import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError } from '@tollgate/platform';
import { TOKEN_KINDS } from '../domain/token-format.js';
import { TOKEN_STATUSES, type TokenRecord, type TokenStatus } from '../domain/token.js';
import type { IntrospectionView, ListQuery, TokenPatch, TokenRepository } from '../domain/token-repository.js';

const { trusted } = mongoose;

type TokenDoc = Omit<TokenRecord, 'id'> & { _id: string };

const tokenSchema = new Schema<TokenDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: TOKEN_KINDS, required: true },
    owner_id: { type: String, required: true },
    agent_id: { type: String, default: '' },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    scopes: { type: [String], default: [] },
    status: { type: String, enum: TOKEN_STATUSES, required: true },
    digest: { type: String, required: true },
    prev_digest: { type: String, default: null },
    prev_expires_at: { type: Date, default: null },
    expires_at: { type: Date, default: null },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
    last_used_at: { type: Date, default: null },
    revoked_at: { type: Date, default: null },
  },
  { collection: 'api_tokens', versionKey: false, strict: 'throw' },
);
// Listing one owner's tokens, newest first.
tokenSchema.index({ owner_id: 1, created_at: -1, _id: -1 });
// The expiry sweeper (FerretDB has no TTL indexes).
tokenSchema.index({ status: 1, expires_at: 1 });
tokenSchema.index({ prev_expires_at: 1 });
// Replicas poll for changed tokens to drop them from their introspection caches.
tokenSchema.index({ updated_at: 1 });

const INTROSPECTION_PROJECTION = {
  kind: 1, owner_id: 1, agent_id: 1, scopes: 1, status: 1, digest: 1, prev_digest: 1, prev_expires_at: 1, expires_at: 1,
} as const;

function toRecord<T extends { _id: string }>(doc: T): Omit<T, '_id'> & { id: string } {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

/** The token collection. Every function returns plain objects. */
export class TokenStore implements TokenRepository {
  readonly model: Model<TokenDoc>;

  constructor(conn: Connection) {
    this.model = conn.models.ApiToken ?? conn.model<TokenDoc>('ApiToken', tokenSchema);
  }

  /** Inserts a new token; false when the id is taken. */
  async insert(record: TokenRecord): Promise<boolean> {
    const { id, ...rest } = record;
    try {
      await this.model.create({ _id: id, ...rest });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async exists(id: string): Promise<boolean> {
    return (await this.model.exists({ _id: id })) !== null;
  }

  async findById(id: string): Promise<TokenRecord | null> {
    const doc = await this.model.findById(id).lean<TokenDoc>();
    return doc ? toRecord(doc) : null;
  }

  /** The hot path: one primary-key lookup with a narrow projection. */
  async findForIntrospection(id: string): Promise<IntrospectionView | null> {
    const doc = await this.model.findById(id, INTROSPECTION_PROJECTION).lean<IntrospectionView & { _id: string }>();
    return doc ? toRecord(doc) : null;
  }

  async list(q: ListQuery): Promise<TokenRecord[]> {
    const filter: Record<string, unknown> = { owner_id: q.ownerId };
    if (q.status === 'active') {
      filter.status = 'active';
      filter.$or = [{ expires_at: null }, { expires_at: trusted({ $gt: new Date() }) }];
    } else if (q.status === 'expired') {
      filter.$or = [{ status: 'expired' }, { status: 'active', expires_at: trusted({ $ne: null, $lte: new Date() }) }];
    } else if (q.status) {
      filter.status = q.status;
    }
    if (q.after) {
      const page = {
        $or: [
          { created_at: trusted({ $lt: q.after.createdAt }) },
          { created_at: q.after.createdAt, _id: trusted({ $lt: q.after.id }) },
        ],
      };
      if (filter.$or) {
        filter.$and = [{ $or: filter.$or }, page];
        delete filter.$or;
      } else {
        Object.assign(filter, page);
      }
    }
    const docs = await this.model.find(filter).sort({ created_at: -1, _id: -1 }).limit(q.limit).lean<TokenDoc[]>();
    return docs.map(toRecord);
  }

  /**
   * Applies a patch only while the token is still in the expected status; returns the
   * updated token, or null when it changed underneath (callers also hold a per-token mutex).
   */
  async update(id: string, expected: TokenStatus, patch: TokenPatch, now: Date): Promise<TokenRecord | null> {
    const doc = await this.model
      .findOneAndUpdate({ _id: id, status: expected }, { $set: { ...patch, updated_at: now } }, { returnDocument: 'after' })
      .lean<TokenDoc>();
    return doc ? toRecord(doc) : null;
  }

  async findDueForExpiry(now: Date, limit: number): Promise<Pick<TokenRecord, 'id' | 'kind' | 'owner_id'>[]> {
    const docs = await this.model
      .find({ status: 'active', expires_at: trusted({ $ne: null, $lte: now }) }, { _id: 1, kind: 1, owner_id: 1 })
      .limit(limit)
      .lean<Pick<TokenDoc, '_id' | 'kind' | 'owner_id'>[]>();
    return docs.map(toRecord);
  }

  /** Marks one token expired if it is still active and past its expiry; true when this call did it. */
  async markExpired(id: string, now: Date): Promise<boolean> {
    const res = await this.model.updateOne(
      { _id: id, status: 'active', expires_at: trusted({ $ne: null, $lte: now }) },
      { $set: { status: 'expired', updated_at: now } },
    );
    return res.modifiedCount === 1;
  }

  /** Forgets old secrets whose rotation grace period is over. */
  async clearLapsedGrace(now: Date): Promise<number> {
    const res = await this.model.updateMany(
      { prev_expires_at: trusted({ $ne: null, $lte: now }) },
      { $set: { prev_digest: null, prev_expires_at: null } },
    );
    return res.modifiedCount;
  }

  async changedSince(since: Date, limit: number): Promise<string[]> {
    const docs = await this.model.find({ updated_at: trusted({ $gt: since }) }, { _id: 1 }).limit(limit).lean<{ _id: string }[]>();
    return docs.map((d) => d._id);
  }

  /** Records last-use times for many tokens in one bulk write; a time never moves backwards. */
  async touchLastUsed(times: ReadonlyMap<string, Date>): Promise<void> {
    if (times.size === 0) return;
    await this.model.bulkWrite(
      [...times].map(([id, at]) => ({ updateOne: { filter: { _id: id }, update: { $max: { last_used_at: at } } } })),
      { ordered: false },
    );
  }
}
