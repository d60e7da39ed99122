import mongoose, { Schema, type Connection, type Model } from 'mongoose';

/** The public half of an ES256 key, as a JWK. */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

/** AES-256-GCM ciphertext of the PKCS#8 private key; the kid is the associated data. */
export interface SealedKey {
  iv: string;
  data: string;
  tag: string;
}

export interface SigningKeyRecord {
  kid: string;
  status: 'active' | 'retired';
  publicJwk: PublicJwk;
  /** Null once retired: a retired key only verifies, so its private half is dropped. */
  sealedPrivateKey: SealedKey | null;
  createdAt: Date;
  retiredAt: Date | null;
}

interface SigningKeyDoc {
  _id: string;
  status: 'active' | 'retired';
  public_jwk: PublicJwk;
  private_key: SealedKey | null;
  created_at: Date;
  retired_at: Date | null;
}

const signingKeySchema = new Schema<SigningKeyDoc>(
  {
    _id: { type: String, required: true },
    status: { type: String, required: true, index: true },
    public_jwk: { type: Schema.Types.Mixed, required: true },
    private_key: { type: Schema.Types.Mixed, default: null },
    created_at: { type: Date, required: true },
    retired_at: { type: Date, default: null },
  },
  { collection: 'signing_keys', versionKey: false },
);

function toRecord(d: SigningKeyDoc): SigningKeyRecord {
  return {
    kid: d._id,
    status: d.status,
    publicJwk: d.public_jwk,
    sealedPrivateKey: d.private_key ?? null,
    createdAt: d.created_at,
    retiredAt: d.retired_at ?? null,
  };
}

export function createSigningKeyStore(conn: Connection) {
  const model: Model<SigningKeyDoc> = conn.models.SigningKey ?? conn.model<SigningKeyDoc>('SigningKey', signingKeySchema);

  return {
    ready: () => model.init(),

    async create(input: { kid: string; publicJwk: PublicJwk; sealedPrivateKey: SealedKey }): Promise<SigningKeyRecord> {
      const doc: SigningKeyDoc = {
        _id: input.kid,
        status: 'active',
        public_jwk: input.publicJwk,
        private_key: input.sealedPrivateKey,
        created_at: new Date(),
        retired_at: null,
      };
      await model.create(doc);
      return toRecord(doc);
    },

    /** The newest active key (two replicas starting at once may each have made one). */
    async findActive(): Promise<SigningKeyRecord | null> {
      const d = await model.findOne({ status: 'active' }).sort({ created_at: -1, _id: -1 }).lean<SigningKeyDoc>();
      return d ? toRecord(d) : null;
    },

    /** Active keys, and retired ones retired after `retiredSince`: what may still verify a live token. */
    async listVerifying(retiredSince: Date): Promise<SigningKeyRecord[]> {
      const docs = await model
        .find({ $or: [{ status: 'active' }, { retired_at: mongoose.trusted({ $gt: retiredSince }) }] })
        .sort({ created_at: -1, _id: -1 })
        .lean<SigningKeyDoc[]>();
      return docs.map(toRecord);
    },

    /** Retires every active key but `kid`, dropping their private halves. */
    async retireAllExcept(kid: string): Promise<number> {
      const res = await model.updateMany(
        { status: 'active', _id: mongoose.trusted({ $ne: kid }) },
        { $set: { status: 'retired', retired_at: new Date(), private_key: null } },
      );
      return res.modifiedCount;
    },
  };
}

export type SigningKeyStore = ReturnType<typeof createSigningKeyStore>;
