import type { TokenChange, TokenRecord } from './token.js';

/** What Introspect needs of a token, and nothing more. */
export type IntrospectionView = Pick<
  TokenRecord,
  'id' | 'kind' | 'owner_id' | 'agent_id' | 'scopes' | 'status' | 'digest' | 'prev_digest' | 'prev_expires_at' | 'expires_at' | 'version'
>;

/** A token as it is first stored: its owner_seq is given by the store. */
export type NewToken = Omit<TokenRecord, 'version' | 'owner_seq'>;

/** How many of an owner's tokens one list bucket holds: a list reads whole buckets by equality. */
export const OWNER_BUCKET_SIZE = 64;

/**
 * The token store as the use-cases see it (implemented by store/token-store.ts).
 *
 * A token's versions form an append-only log keyed `<id>:<version>`: committing the
 * next version is a unique insert, so of two changes made at once from the same
 * version exactly one is committed, on every database. The token document is the read
 * model of the latest version; reads check it against the log, so it is never trusted
 * beyond the version it names.
 */
export interface TokenRepository {
  /** Stores a new token as version 1, last among its owner's tokens; null when the id is taken. */
  insert(token: NewToken): Promise<TokenRecord | null>;
  exists(id: string): Promise<boolean>;
  /** The token at its latest version. */
  findById(id: string): Promise<TokenRecord | null>;
  findForIntrospection(id: string): Promise<IntrospectionView | null>;
  /** Commits `next` (the token at its current version + 1); false when another change committed that version first. */
  commit(next: TokenRecord, change: TokenChange): Promise<boolean>;
  /** The highest owner_seq of the owner's tokens (0: none). */
  lastOwnerSeq(ownerId: string): Promise<number>;
  /** One bucket of the owner's tokens (owner_seq / OWNER_BUCKET_SIZE = bucket) as the read model has them, in no order. */
  ownerBucket(ownerId: string, bucket: number): Promise<TokenRecord[]>;
  /** The tokens at their latest versions (one lookup each: the read model may lag a change in flight). */
  current(tokens: TokenRecord[]): Promise<TokenRecord[]>;
  /** Tokens whose expiry falls on this UTC day (days since the epoch), as the read model has them. */
  expiringOn(day: number): Promise<Pick<TokenRecord, 'id' | 'status' | 'expires_at'>[]>;
  /** Takes the one notice that the token expires soon (a unique insert); false when it was taken before. */
  claimExpiryNotice(id: string, at: Date): Promise<boolean>;
}
