import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import type { PublicJwk, SealedKey, SigningKeyRecord } from '../domain/records.js';
import type { SigningKeyRepository } from '../domain/repositories.js';

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

export function createSigningKeyStore(conn: Connection): SigningKeyRepository {
  const model: Model<SigningKeyDoc> =
    (conn.models.SigningKey as Model<SigningKeyDoc> | undefined) ?? conn.model<SigningKeyDoc>('SigningKey', signingKeySchema);

  return {
    async ready() {
      await model.init();
    },

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

    async findActive(): Promise<SigningKeyRecord | null> {
      const d = await model.findOne({ status: 'active' }).sort({ created_at: -1, _id: -1 }).lean<SigningKeyDoc>();
      return d ? toRecord(d) : null;
    },

    async listVerifying(retiredSince: Date): Promise<SigningKeyRecord[]> {
      const docs = await model
        .find({ $or: [{ status: 'active' }, { retired_at: mongoose.trusted({ $gt: retiredSince }) }] })
        .sort({ created_at: -1, _id: -1 })
        .lean<SigningKeyDoc[]>();
      return docs.map(toRecord);
    },

    async retireAllExcept(kid: string): Promise<number> {
      const res = await model.updateMany(
        { status: 'active', _id: mongoose.trusted({ $ne: kid }) },
        { $set: { status: 'retired', retired_at: new Date(), private_key: null } },
      );
      return res.modifiedCount;
    },
  };
}
