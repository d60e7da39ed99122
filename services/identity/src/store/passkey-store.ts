import { Schema, type Connection, type Model } from 'mongoose';
import { ConflictError, isDuplicateKeyError } from '@tollgate/platform';
import type { PasskeyRecord } from '../domain/records.js';
import type { PasskeyRepository } from '../domain/repositories.js';

interface PasskeyDoc {
  /** The credential id (base64url): a sign-in names it, so it is found by primary key. */
  _id: string;
  user_id: string;
  name: string;
  public_key: string;
  counter: number;
  transports: string[];
  device_type: string;
  backed_up: boolean;
  created_at: Date;
  last_used_at: Date | null;
}

const passkeySchema = new Schema<PasskeyDoc>(
  {
    _id: { type: String, required: true },
    user_id: { type: String, required: true, index: true },
    name: { type: String, required: true },
    public_key: { type: String, required: true },
    counter: { type: Number, required: true },
    transports: { type: [String], default: [] },
    device_type: { type: String, required: true },
    backed_up: { type: Boolean, required: true },
    created_at: { type: Date, required: true },
    last_used_at: { type: Date, default: null },
  },
  { collection: 'passkeys', versionKey: false },
);

function toRecord(d: PasskeyDoc): PasskeyRecord {
  return {
    id: d._id,
    userId: d.user_id,
    name: d.name,
    publicKey: d.public_key,
    counter: d.counter,
    transports: d.transports,
    deviceType: d.device_type,
    backedUp: d.backed_up,
    createdAt: d.created_at,
    lastUsedAt: d.last_used_at,
  };
}

/** Registering is a unique insert of the credential id: a credential belongs to one account. */
export function createPasskeyStore(conn: Connection): PasskeyRepository {
  const model: Model<PasskeyDoc> =
    (conn.models.Passkey as Model<PasskeyDoc> | undefined) ?? conn.model<PasskeyDoc>('Passkey', passkeySchema);
  return {
    async ready() {
      await model.init();
    },

    async create(p) {
      try {
        await model.create({
          _id: p.id,
          user_id: p.userId,
          name: p.name,
          public_key: p.publicKey,
          counter: p.counter,
          transports: p.transports,
          device_type: p.deviceType,
          backed_up: p.backedUp,
          created_at: p.createdAt,
          last_used_at: p.lastUsedAt,
        });
      } catch (err) {
        if (isDuplicateKeyError(err)) throw new ConflictError('This passkey is registered already');
        throw err;
      }
    },

    async find(id) {
      const doc = await model.findById(id).lean<PasskeyDoc>();
      return doc ? toRecord(doc) : null;
    },

    async listOfUser(userId) {
      const docs = await model.find({ user_id: userId }).lean<PasskeyDoc[]>();
      return docs.map(toRecord).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    },

    // $max: of two sign-ins recorded at once, the counter kept is never the lower one on MongoDB; on
    // FerretDB (whole-document writes) it may be, which only lets a later counter pass more easily.
    async used(id, counter, at) {
      await model.updateOne({ _id: id }, { $max: { counter }, $set: { last_used_at: at } });
    },

    async remove(id, userId) {
      return (await model.deleteOne({ _id: id, user_id: userId })).deletedCount === 1;
    },

    async removeAllOfUser(userId) {
      await model.deleteMany({ user_id: userId });
    },
  };
}
