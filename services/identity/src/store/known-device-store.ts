import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError } from '@tollgate/platform';
import type { KnownDeviceRepository } from '../domain/repositories.js';

interface KnownDeviceDoc {
  /** `<user id>:<device key>` */
  _id: string;
  user_id: string;
  first_seen: Date;
}

const knownDeviceSchema = new Schema<KnownDeviceDoc>(
  {
    _id: { type: String, required: true },
    user_id: { type: String, required: true, index: true },
    first_seen: { type: Date, required: true },
  },
  { collection: 'known_devices', versionKey: false },
);

/** A device is remembered by a unique insert: of sign-ins from it at once, one is its first. */
export function createKnownDeviceStore(conn: Connection): KnownDeviceRepository {
  const model: Model<KnownDeviceDoc> =
    (conn.models.KnownDevice as Model<KnownDeviceDoc> | undefined) ?? conn.model<KnownDeviceDoc>('KnownDevice', knownDeviceSchema);
  return {
    async ready() {
      await model.init();
    },
    async remember(userId, deviceKey, at) {
      try {
        await model.create({ _id: `${userId}:${deviceKey}`, user_id: userId, first_seen: at });
        return true;
      } catch (err) {
        if (isDuplicateKeyError(err)) return false;
        throw err;
      }
    },
    async removeAllOfUser(userId) {
      await model.deleteMany({ user_id: userId });
    },
  };
}
