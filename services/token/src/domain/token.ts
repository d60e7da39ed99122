import type { Scope } from '@tollgate/platform';
import type { TokenKind } from './token-format.js';

export const TOKEN_STATUSES = ['active', 'revoked', 'expired'] as const;
export type TokenStatus = (typeof TOKEN_STATUSES)[number];

export const DAY_MS = 86_400_000;
export const MAX_EXPIRES_IN_DAYS = 366;
export const MAX_GRACE_SECONDS = 86_400;
export const MAX_NAME_LENGTH = 100;
export const MAX_DESCRIPTION_LENGTH = 1_000;

/** One API token as the store keeps it. Only digests of secrets, never a secret. */
export interface TokenRecord {
  id: string;
  kind: TokenKind;
  owner_id: string;
  /** Set for agent tokens, "" for personal ones. */
  agent_id: string;
  name: string;
  description: string;
  scopes: Scope[];
  status: TokenStatus;
  digest: string;
  /** The digest of the secret replaced by the last rotation, valid until prev_expires_at. */
  prev_digest: string | null;
  prev_expires_at: Date | null;
  /** null: never expires (admins only). */
  expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** The status a caller sees: an active token past its expiry is expired even before the sweeper marks it. */
export function visibleStatus(t: Pick<TokenRecord, 'status' | 'expires_at'>, now = Date.now()): TokenStatus {
  if (t.status === 'active' && t.expires_at && t.expires_at.getTime() <= now) return 'expired';
  return t.status;
}

export function isUsable(t: Pick<TokenRecord, 'status' | 'expires_at'>, now = Date.now()): boolean {
  return visibleStatus(t, now) === 'active';
}
