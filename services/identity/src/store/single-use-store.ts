import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError } from '@tollgate/platform';
import type { SingleUsePurpose } from '../domain/records.js';
import type { SingleUseRepository } from '../domain/repositories.js';

const DAY_MS = 86_400_000;
const dayOf = (at: Date) => Math.floor(at.getTime() / DAY_MS);

interface LinkDoc {
  /** sha256 of the token. */
  _id: string;
  purpose: SingleUsePurpose;
  /** Empty for a challenge that is not yet anyone's (a passkey sign-in's). */
  user_id: string;
  /** An email change's new address. */
  data?: string;
  expires_at: Date;
  /** The UTC day it expires on: the sweeper deletes by day, with an equality. */
  expires_day: number;
}

interface UseDoc {
  _id: string;
  used_at: Date;
  expires_day: number;
}

const linkSchema = new Schema<LinkDoc>(
  {
    _id: { type: String, required: true },
    purpose: { type: String, required: true },
    user_id: { type: String, default: '' },
    data: { type: String },
    expires_at: { type: Date, required: true },
    expires_day: { type: Number, required: true, index: true },
  },
  { versionKey: false },
);

const useSchema = new Schema<UseDoc>(
  {
    _id: { type: String, required: true },
    used_at: { type: Date, required: true },
    expires_day: { type: Number, required: true, index: true },
  },
  { versionKey: false },
);

/** Where a kind of single-use secret lives: mailed links, WebAuthn challenges. */
export interface SingleUseCollections {
  model: string;
  collection: string;
  usesCollection: string;
}

export const EMAIL_LINKS: SingleUseCollections = { model: 'EmailLink', collection: 'email_links', usesCollection: 'email_link_uses' };
export const WEBAUTHN_CHALLENGES: SingleUseCollections = {
  model: 'WebauthnChallenge',
  collection: 'webauthn_challenges',
  usesCollection: 'webauthn_challenge_uses',
};

/** A secret is used by inserting its use under the same key: the insert is the commit point, on every database. */
export function createSingleUseStore(conn: Connection, where: SingleUseCollections): SingleUseRepository {
  const links: Model<LinkDoc> =
    (conn.models[where.model] as Model<LinkDoc> | undefined) ?? conn.model<LinkDoc>(where.model, linkSchema, where.collection);
  const useModel = `${where.model}Use`;
  const uses: Model<UseDoc> =
    (conn.models[useModel] as Model<UseDoc> | undefined) ?? conn.model<UseDoc>(useModel, useSchema, where.usesCollection);
  return {
    async ready() {
      await Promise.all([links.init(), uses.init()]);
    },

    async create(link) {
      await links.create({
        _id: link.digest,
        purpose: link.purpose,
        user_id: link.userId,
        ...(link.data === undefined ? {} : { data: link.data }),
        expires_at: link.expiresAt,
        expires_day: dayOf(link.expiresAt),
      });
    },

    async find(digest) {
      const doc = await links.findById(digest).lean<LinkDoc>();
      return doc
        ? { digest: doc._id, purpose: doc.purpose, userId: doc.user_id, expiresAt: doc.expires_at, ...(doc.data ? { data: doc.data } : {}) }
        : null;
    },

    async use(link, at) {
      try {
        await uses.create({ _id: link.digest, used_at: at, expires_day: dayOf(link.expiresAt) });
        return true;
      } catch (err) {
        if (isDuplicateKeyError(err)) return false;
        throw err;
      }
    },

    async removeExpiringOn(day) {
      await Promise.all([links.deleteMany({ expires_day: day }), uses.deleteMany({ expires_day: day })]);
    },
  };
}
