import type { Scope } from '@tollgate/platform';
import type { TokenKind } from './token-format.js';

export const TOKEN_STATUSES = ['active', 'revoked', 'expired'] as const;
export type TokenStatus = (typeof TOKEN_STATUSES)[number];

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** How long before its expiry a token's owner is told (token.expiring, once). */
export const EXPIRY_NOTICE_DAYS = 7;
export const EXPIRY_NOTICE_MS = EXPIRY_NOTICE_DAYS * DAY_MS;
export const MAX_EXPIRES_IN_DAYS = 366;
export const MAX_GRACE_SECONDS = 86_400;

/** What a lifecycle change can alter: every version of a token carries all of it. */
export interface TokenState {
  name: string;
  description: string;
  scopes: Scope[];
  status: TokenStatus;
  digest: string;
  /** The digest of the secret replaced by the last rotation, valid until prev_expires_at. */
  prev_digest: string | null;
  prev_expires_at: Date | null;
  /** When the current secret replaced the previous one (null: never rotated). */
  rotated_at: Date | null;
  revoked_at: Date | null;
  /** When this version was committed. */
  updated_at: Date;
}

export const TOKEN_CHANGES = ['updated', 'rotated', 'revoked', 'expired'] as const;
/** Why a version after the first was committed. */
export type TokenChange = (typeof TOKEN_CHANGES)[number];

/** One API token: what never changes, and its latest version. Only digests of secrets, never a secret. */
export interface TokenRecord extends TokenState {
  id: string;
  kind: TokenKind;
  owner_id: string;
  /** Set for agent tokens, "" for personal ones. */
  agent_id: string;
  /** null: never expires (admins only). */
  expires_at: Date | null;
  created_at: Date;
  /** 1 at creation; each lifecycle change commits the next one. */
  version: number;
  /** The token's place among its owner's tokens (1, 2, …), which lists page by. */
  owner_seq: number;
}

/** A token with when it was last used (kept apart from the token: store/last-used-store.ts). */
export type TokenWithLastUse = TokenRecord & { last_used_at: Date | null };

export function stateOf(t: TokenState): TokenState {
  const { name, description, scopes, status, digest, prev_digest, prev_expires_at, rotated_at, revoked_at, updated_at } = t;
  return { name, description, scopes, status, digest, prev_digest, prev_expires_at, rotated_at, revoked_at, updated_at };
}

/** The status a caller sees: an active token past its expiry is expired even before the sweeper marks it. */
export function visibleStatus(t: Pick<TokenRecord, 'status' | 'expires_at'>, now = Date.now()): TokenStatus {
  if (t.status === 'active' && t.expires_at && t.expires_at.getTime() <= now) return 'expired';
  return t.status;
}

export function isUsable(t: Pick<TokenRecord, 'status' | 'expires_at'>, now = Date.now()): boolean {
  return visibleStatus(t, now) === 'active';
}
