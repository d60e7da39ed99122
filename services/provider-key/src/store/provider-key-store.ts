import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import type { SealedSecret } from '../domain/keyring.js';
import type { ProviderKeyRecord } from '../domain/provider-key.js';
import type { ProviderKeyPatch, ProviderKeyRepository, SecretChange } from '../domain/provider-key-repository.js';

const { trusted } = mongoose;

type ProviderKeyDoc = Omit<ProviderKeyRecord, 'id'> & { _id: string };

const sealedSchema = new Schema<SealedSecret>(
  {
    kid: { type: String, required: true },
    nonce: { type: String, required: true },
    ct: { type: String, required: true },
    tag: { type: String, required: true },
  },
  { _id: false, strict: 'throw' },
);

const providerKeySchema = new Schema<ProviderKeyDoc>(
  {
    _id: { type: String, required: true },
    provider: { type: String, required: true },
    name: { type: String, required: true },
    base_url: { type: String, required: true },
    disabled: { type: Boolean, required: true },
    masked: { type: String, required: true },
    secret: { type: sealedSchema, required: true },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
    rotated_at: { type: Date, default: null },
  },
  { collection: 'provider_keys', versionKey: false, strict: 'throw' },
);
// Listing by provider in id (creation) order, and finding the newest enabled key.
providerKeySchema.index({ provider: 1, _id: 1 });
providerKeySchema.index({ provider: 1, disabled: 1, _id: -1 });
// Re-encryption finds the records still sealed under an older key.
providerKeySchema.index({ 'secret.kid': 1 });

function toRecord(doc: ProviderKeyDoc): ProviderKeyRecord {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

export function providerKeyModel(conn: Connection): Model<ProviderKeyDoc> {
  return (conn.models.ProviderKey as Model<ProviderKeyDoc> | undefined) ?? conn.model<ProviderKeyDoc>('ProviderKey', providerKeySchema);
}

/** The provider-key collection. Every function returns plain objects. */
export class ProviderKeyStore implements ProviderKeyRepository {
  readonly model: Model<ProviderKeyDoc>;

  constructor(conn: Connection) {
    this.model = providerKeyModel(conn);
  }

  async insert(record: ProviderKeyRecord): Promise<void> {
    const { id, ...rest } = record;
    await this.model.create({ _id: id, ...rest });
  }

  async findById(id: string): Promise<ProviderKeyRecord | null> {
    const doc = await this.model.findById(id).lean<ProviderKeyDoc>();
    return doc ? toRecord(doc) : null;
  }

  async list(opts: { provider?: string; after?: string; limit: number }): Promise<ProviderKeyRecord[]> {
    const filter: Record<string, unknown> = {};
    if (opts.provider) filter.provider = opts.provider;
    if (opts.after) filter._id = trusted({ $gt: opts.after });
    const docs = await this.model.find(filter).sort({ _id: 1 }).limit(opts.limit).lean<ProviderKeyDoc[]>();
    return docs.map(toRecord);
  }

  async findUsable(provider: string): Promise<ProviderKeyRecord | null> {
    const doc = await this.model.findOne({ provider, disabled: false }).sort({ _id: -1 }).lean<ProviderKeyDoc>();
    return doc ? toRecord(doc) : null;
  }

  async update(id: string, patch: ProviderKeyPatch, now: Date): Promise<ProviderKeyRecord | null> {
    const doc = await this.model.findOneAndUpdate({ _id: id }, { $set: { ...patch, updated_at: now } }, { returnDocument: 'after' }).lean<ProviderKeyDoc>();
    return doc ? toRecord(doc) : null;
  }

  async replaceSecret(id: string, expected: SealedSecret, change: SecretChange, now: Date): Promise<ProviderKeyRecord | null> {
    const doc = await this.model
      .findOneAndUpdate(
        { _id: id, 'secret.kid': expected.kid, 'secret.nonce': expected.nonce },
        { $set: { ...change, updated_at: now } },
        { returnDocument: 'after' },
      )
      .lean<ProviderKeyDoc>();
    return doc ? toRecord(doc) : null;
  }

  async delete(id: string): Promise<boolean> {
    const res = await this.model.deleteOne({ _id: id });
    return res.deletedCount === 1;
  }

  /** Ids of the records not sealed under `kid`, in id order (re-encryption). */
  async idsNotSealedUnder(kid: string, after: string | undefined, limit: number): Promise<string[]> {
    const filter: Record<string, unknown> = { 'secret.kid': trusted({ $ne: kid }) };
    if (after) filter._id = trusted({ $gt: after });
    const docs = await this.model.find(filter, { _id: 1 }).sort({ _id: 1 }).limit(limit).lean<{ _id: string }[]>();
    return docs.map((d) => d._id);
  }
}
