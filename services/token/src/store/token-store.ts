import { Schema, type Connection, type Model } from 'mongoose';
import { findLast, isDuplicateKeyError } from '@tollgate/platform';
import { TOKEN_KINDS } from '../domain/token-format.js';
import { DAY_MS, stateOf, TOKEN_CHANGES, TOKEN_STATUSES, type TokenChange, type TokenRecord, type TokenState } from '../domain/token.js';
import { OWNER_BUCKET_SIZE, type IntrospectionView, type NewToken, type TokenRepository } from '../domain/token-repository.js';

type TokenDoc = Omit<TokenRecord, 'id'> & {
  _id: string;
  /** owner_seq / OWNER_BUCKET_SIZE: lists read one bucket per equality query. */
  owner_bucket: number;
  /** The UTC day of expires_at (days since the epoch): the expiry sweeper reads one day per equality query. */
  expiry_day: number | null;
};

/** A committed version after the first: the whole mutable state, so the latest one alone says what the token is. */
type VersionDoc = TokenState & { _id: string; token_id: string; version: number; change: TokenChange };

const stateFields = {
  name: { type: String, required: true },
  description: { type: String, default: '' },
  scopes: { type: [String], default: [] },
  status: { type: String, enum: TOKEN_STATUSES, required: true },
  digest: { type: String, required: true },
  prev_digest: { type: String, default: null },
  prev_expires_at: { type: Date, default: null },
  rotated_at: { type: Date, default: null },
  revoked_at: { type: Date, default: null },
  updated_at: { type: Date, required: true },
};

const tokenSchema = new Schema<TokenDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: TOKEN_KINDS, required: true },
    owner_id: { type: String, required: true },
    agent_id: { type: String, default: '' },
    expires_at: { type: Date, default: null },
    created_at: { type: Date, required: true },
    owner_seq: { type: Number, required: true },
    owner_bucket: { type: Number, required: true },
    expiry_day: { type: Number, default: null, index: true },
    version: { type: Number, required: true },
    ...stateFields,
  },
  { collection: 'api_tokens', versionKey: false, strict: 'throw' },
);
// The unique (owner, place) is what gives each new token its own place in its owner's list.
tokenSchema.index({ owner_id: 1, owner_seq: 1 }, { unique: true });
tokenSchema.index({ owner_id: 1, owner_bucket: 1 });

const versionSchema = new Schema<VersionDoc>(
  {
    _id: { type: String, required: true },
    token_id: { type: String, required: true },
    version: { type: Number, required: true },
    change: { type: String, enum: TOKEN_CHANGES, required: true },
    ...stateFields,
  },
  { collection: 'api_token_versions', versionKey: false, strict: 'throw' },
);

const INTROSPECTION_PROJECTION = {
  kind: 1,
  owner_id: 1,
  agent_id: 1,
  scopes: 1,
  status: 1,
  digest: 1,
  prev_digest: 1,
  prev_expires_at: 1,
  expires_at: 1,
  version: 1,
} as const;

const versionKey = (id: string, version: number) => `${id}:${version}`;
const dayOf = (at: Date | null) => (at ? Math.floor(at.getTime() / DAY_MS) : null);

function toRecord(doc: TokenDoc): TokenRecord {
  const { _id, owner_bucket: _bucket, expiry_day: _day, ...rest } = doc;
  return { id: _id, ...rest };
}

/** The token collection (the read model) and its version log. Every function returns plain objects. */
/** Owners whose last token place is remembered (the oldest is forgotten first). */
const MAX_REMEMBERED_OWNERS = 10_000;

export class TokenStore implements TokenRepository {
  readonly model: Model<TokenDoc>;
  readonly versions: Model<VersionDoc>;
  /** Per owner, the highest owner_seq this process saw taken (most recently used owners last). */
  readonly #ownerSeqs = new Map<string, number>();

  constructor(conn: Connection) {
    this.model = (conn.models.ApiToken as Model<TokenDoc> | undefined) ?? conn.model<TokenDoc>('ApiToken', tokenSchema);
    this.versions =
      (conn.models.ApiTokenVersion as Model<VersionDoc> | undefined) ?? conn.model<VersionDoc>('ApiTokenVersion', versionSchema);
  }

  async init(): Promise<void> {
    await Promise.all([this.model.init(), this.versions.init()]);
  }

  async insert(token: NewToken): Promise<TokenRecord | null> {
    const { id, ...rest } = token;
    let seq = await this.lastOwnerSeq(token.owner_id);
    for (;;) {
      const doc: TokenDoc = {
        _id: id,
        ...rest,
        version: 1,
        owner_seq: seq + 1,
        owner_bucket: Math.floor((seq + 1) / OWNER_BUCKET_SIZE),
        expiry_day: dayOf(token.expires_at),
      };
      try {
        await this.model.create(doc);
        return toRecord(doc);
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        // Either the id is taken, or another of the owner's tokens took this place: take the next.
        if (await this.exists(id)) return null;
        seq = await findLast(seq + 1, (n) => this.#ownerSeqTaken(token.owner_id, n));
      }
    }
  }

  async exists(id: string): Promise<boolean> {
    return (await this.model.exists({ _id: id })) !== null;
  }

  async findById(id: string): Promise<TokenRecord | null> {
    const doc = await this.model.findById(id).lean<TokenDoc>();
    return doc ? this.#latest(toRecord(doc)) : null;
  }

  /** The hot path: one primary-key read with a narrow projection, and one probe for a newer version. */
  async findForIntrospection(id: string): Promise<IntrospectionView | null> {
    const doc = await this.model.findById(id, INTROSPECTION_PROJECTION).lean<Omit<IntrospectionView, 'id'> & { _id: string }>();
    if (!doc) return null;
    const { _id, ...view } = doc;
    return this.#latest({ id: _id, ...view });
  }

  async commit(next: TokenRecord, change: TokenChange): Promise<boolean> {
    const { id, version } = next;
    try {
      await this.versions.create({ _id: versionKey(id, version), token_id: id, version, change, ...stateOf(next) });
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
    await this.#project(id, version, next);
    return true;
  }

  async lastOwnerSeq(ownerId: string): Promise<number> {
    // From the last place this process saw taken (owner_seq only grows): a probe or two, not a search from 0.
    const last = await findLast(this.#ownerSeqs.get(ownerId) ?? 0, (n) => this.#ownerSeqTaken(ownerId, n));
    this.#ownerSeqs.delete(ownerId);
    this.#ownerSeqs.set(ownerId, last);
    if (this.#ownerSeqs.size > MAX_REMEMBERED_OWNERS) this.#ownerSeqs.delete(this.#ownerSeqs.keys().next().value!);
    return last;
  }

  async ownerBucket(ownerId: string, bucket: number): Promise<TokenRecord[]> {
    const docs = await this.model.find({ owner_id: ownerId, owner_bucket: bucket }).lean<TokenDoc[]>();
    return docs.map(toRecord);
  }

  current(tokens: TokenRecord[]): Promise<TokenRecord[]> {
    return Promise.all(tokens.map((t) => this.#latest(t)));
  }

  async expiringOn(day: number): Promise<Pick<TokenRecord, 'id' | 'status' | 'expires_at'>[]> {
    const docs = await this.model
      .find({ expiry_day: day }, { status: 1, expires_at: 1 })
      .lean<Pick<TokenDoc, '_id' | 'status' | 'expires_at'>[]>();
    return docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  }

  async claimExpiryNotice(id: string, at: Date): Promise<boolean> {
    try {
      await this.model.db.collection<{ _id: string; at: Date }>('api_token_expiry_notices').insertOne({ _id: id, at });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async #ownerSeqTaken(ownerId: string, seq: number): Promise<boolean> {
    return (await this.model.exists({ owner_id: ownerId, owner_seq: seq })) !== null;
  }

  /** The latest committed version after `version`, if there is one. */
  async #newer(id: string, version: number): Promise<VersionDoc | null> {
    const last = await findLast(version, async (v) => (await this.versions.exists({ _id: versionKey(id, v) })) !== null);
    return last === version ? null : this.versions.findById(versionKey(id, last)).lean<VersionDoc>();
  }

  /**
   * The read model is trusted for the version it names; a newer committed version (its
   * writer not done yet, or its write undone by a concurrent one) replaces it. One probe
   * when the read model is current.
   */
  async #latest<T extends { id: string; version: number }>(read: T): Promise<T> {
    const newer = await this.#newer(read.id, read.version);
    return newer ? { ...read, ...stateOf(newer), version: newer.version } : read;
  }

  /**
   * Writes a committed version into the read model. On FerretDB a concurrent write of an
   * older version can land after ours and undo it, so the writer looks again and writes
   * the latest until the log has nothing newer; readers never depend on it (#latest).
   */
  async #project(id: string, version: number, state: TokenState): Promise<void> {
    for (let current: { version: number; state: TokenState } | null = { version, state }; current;) {
      await this.model.updateOne({ _id: id }, { $set: { ...stateOf(current.state), version: current.version } });
      const newer = await this.#newer(id, current.version);
      current = newer && { version: newer.version, state: newer };
    }
  }
}
