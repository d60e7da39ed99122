import type { TokenRecord, TokenStatus } from './token.js';

/** What Introspect needs of a token, and nothing more. */
export type IntrospectionView = Pick<
  TokenRecord,
  'id' | 'kind' | 'owner_id' | 'agent_id' | 'scopes' | 'status' | 'digest' | 'prev_digest' | 'prev_expires_at' | 'expires_at'
>;

export interface ListQuery {
  ownerId: string;
  status?: TokenStatus;
  /** Keyset cursor: the (created_at, id) of the last item already shown; newest first. */
  after?: { createdAt: Date; id: string };
  limit: number;
}

export type TokenPatch = Partial<
  Pick<TokenRecord, 'name' | 'description' | 'scopes' | 'status' | 'digest' | 'prev_digest' | 'prev_expires_at' | 'revoked_at'>
>;

/** The token store as the use-cases see it (implemented by store/token-store.ts). */
export interface TokenRepository {
  /** false when the id is taken. */
  insert(record: TokenRecord): Promise<boolean>;
  exists(id: string): Promise<boolean>;
  findById(id: string): Promise<TokenRecord | null>;
  findForIntrospection(id: string): Promise<IntrospectionView | null>;
  list(q: ListQuery): Promise<TokenRecord[]>;
  /** Applies the patch only while the token is in the expected status; null when it is not. */
  update(id: string, expected: TokenStatus, patch: TokenPatch, now: Date): Promise<TokenRecord | null>;
  /** Active tokens whose expiry has passed. */
  findDueForExpiry(now: Date, limit: number): Promise<Pick<TokenRecord, 'id' | 'kind' | 'owner_id'>[]>;
  /** true when this call moved the token from active to expired. */
  markExpired(id: string, now: Date): Promise<boolean>;
  clearLapsedGrace(now: Date): Promise<number>;
  /** Ids of tokens whose updated_at is after `since` (at most `limit`), for cross-replica cache invalidation. */
  changedSince(since: Date, limit: number): Promise<string[]>;
  touchLastUsed(times: ReadonlyMap<string, Date>): Promise<void>;
}
