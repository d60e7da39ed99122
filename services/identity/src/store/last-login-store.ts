import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError } from '@tollgate/platform';
import type { LastLoginRepository } from '../domain/repositories.js';

interface LastLoginDoc {
  /** The user's id. */
  _id: string;
  at: Date;
}

const lastLoginSchema = new Schema<LastLoginDoc>(
  { _id: { type: String, required: true }, at: { type: Date, required: true } },
  { collection: 'last_logins', versionKey: false },
);

/**
 * One document per user, apart from the user's revisions (a sign-in is not a change of the
 * user). Two sign-ins at once may write in either order: the time kept is one of theirs,
 * milliseconds apart, which is all this record promises.
 */
export function createLastLoginStore(conn: Connection): LastLoginRepository {
  const model: Model<LastLoginDoc> =
    (conn.models.LastLogin as Model<LastLoginDoc> | undefined) ?? conn.model<LastLoginDoc>('LastLogin', lastLoginSchema);
  return {
    async ready() {
      await model.init();
    },
    async record(userId, at) {
      try {
        return (await model.updateOne({ _id: userId }, { $set: { at } }, { upsert: true })).upsertedCount === 0;
      } catch (err) {
        // Two first sign-ins at once both insert; the one that lost updates what the other inserted.
        if (!isDuplicateKeyError(err)) throw err;
        await model.updateOne({ _id: userId }, { $set: { at } });
        return true;
      }
    },
    async last(userId) {
      return (await model.findById(userId).lean<LastLoginDoc>())?.at ?? null;
    },
    async remove(userId) {
      await model.deleteOne({ _id: userId });
    },
  };
}
