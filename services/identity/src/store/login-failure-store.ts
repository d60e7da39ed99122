import { Schema, type Connection, type Model } from 'mongoose';
import { findLast, isDuplicateKeyError } from '@tollgate/platform';
import type { SlotKind, SlotRecord } from '../domain/records.js';
import type { LoginFailureRepository } from '../domain/repositories.js';

interface SlotDoc {
  /** `<user>:<series>:<n>` */
  _id: string;
  user_id: string;
  series: number;
  n: number;
  kind: SlotKind;
  at: Date;
}

const slotSchema = new Schema<SlotDoc>(
  {
    _id: { type: String, required: true },
    user_id: { type: String, required: true, index: true },
    series: { type: Number, required: true },
    n: { type: Number, required: true },
    kind: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'login_failures', versionKey: false },
);

const slotKey = (userId: string, series: number, n: number) => `${userId}:${series}:${n}`;
const MAX_REMEMBERED = 10_000;

/** Slot n of series s of user u is the document `u:s:n`: taking a slot is a unique insert, so exactly one login takes it. */
export function createLoginFailureStore(conn: Connection): LoginFailureRepository {
  const model: Model<SlotDoc> = (conn.models.LoginFailure as Model<SlotDoc> | undefined) ?? conn.model<SlotDoc>('LoginFailure', slotSchema);
  const taken = async (userId: string, series: number, n: number) => (await model.exists({ _id: slotKey(userId, series, n) })) !== null;
  /**
   * The last slot this replica saw per user. Slots are immutable and only deleted with
   * their user, so a remembered one stays true; it only may no longer be the last.
   */
  const seen = new Map<string, SlotRecord>();

  function remember(userId: string, slot: SlotRecord) {
    if (seen.size >= MAX_REMEMBERED) seen.clear();
    seen.set(userId, slot);
  }

  return {
    async ready() {
      await model.init();
    },

    /** One round trip (two lookups at once) when this replica saw the last slot. */
    async last(userId: string): Promise<SlotRecord | null> {
      const hint = seen.get(userId);
      if (hint) {
        const [nextSeries, nextSlot] = await Promise.all([taken(userId, hint.series + 1, 1), taken(userId, hint.series, hint.n + 1)]);
        if (!nextSeries && !nextSlot) return hint;
      }
      // A series exists once its first slot does.
      const series = await findLast(hint?.series ?? 0, (s) => taken(userId, s, 1));
      if (series === 0) return null;
      const n = await findLast(series === hint?.series ? hint.n : 1, (k) => taken(userId, series, k));
      const doc = await model.findById(slotKey(userId, series, n)).lean<SlotDoc>();
      if (!doc) return null;
      const slot = { series, n, kind: doc.kind, at: doc.at };
      remember(userId, slot);
      return slot;
    },

    async claim(userId: string, series: number, n: number, kind: SlotKind, at: Date): Promise<boolean> {
      try {
        await model.create({ _id: slotKey(userId, series, n), user_id: userId, series, n, kind, at });
      } catch (err) {
        if (isDuplicateKeyError(err)) return false;
        throw err;
      }
      remember(userId, { series, n, kind, at });
      return true;
    },

    async removeAllOfUser(userId: string): Promise<void> {
      seen.delete(userId);
      await model.deleteMany({ user_id: userId });
    },
  };
}
