import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * The API token string: `tg_<kind>_` + id + secret + checksum, every part base62 and of
 * fixed width, so parsing is unambiguous and a whole token is one "word" for scanners.
 *
 *   tg_pat_ 4Fq9...(16) Zr8x...(32) 0aB3Cd(6)
 *           id          secret      CRC32 of everything before it
 *
 * The id is public (it is the record's key, O(1) lookup); the secret carries
 * 32 × log2(62) ≈ 190 bits of entropy; the checksum lets a mistyped or truncated token
 * be rejected without touching the database, and lets scanners drop false positives.
 */
export const TOKEN_KINDS = ['personal', 'agent'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

const PREFIX: Record<TokenKind, string> = { personal: 'tg_pat_', agent: 'tg_agt_' };

export const ID_LENGTH = 16;
export const SECRET_LENGTH = 32;
export const CHECKSUM_LENGTH = 6; // 62^6 > 2^32
export const TOKEN_LENGTH = PREFIX.personal.length + ID_LENGTH + SECRET_LENGTH + CHECKSUM_LENGTH;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const TOKEN_PATTERN = new RegExp(
  `^tg_(pat|agt)_([0-9A-Za-z]{${ID_LENGTH}})([0-9A-Za-z]{${SECRET_LENGTH}})([0-9A-Za-z]{${CHECKSUM_LENGTH}})$`,
);
const ID_PATTERN = new RegExp(`^[0-9A-Za-z]{${ID_LENGTH}}$`);

export interface ParsedToken {
  kind: TokenKind;
  id: string;
  secret: string;
}

/** Uniform random base62 string (rejection sampling: bytes ≥ 248 are dropped to avoid modulo bias). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export const newTokenId = (): string => randomBase62(ID_LENGTH);
export const newSecret = (): string => randomBase62(SECRET_LENGTH);

export function isTokenId(value: string): boolean {
  return ID_PATTERN.test(value);
}

function checksum(body: string): string {
  let n = crc32(body);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** The public, non-secret part shown in lists: `tg_pat_<id>`. */
export function tokenPrefix(kind: TokenKind, id: string): string {
  return PREFIX[kind] + id;
}

export function formatToken(kind: TokenKind, id: string, secret: string): string {
  if (!isTokenId(id) || !/^[0-9A-Za-z]+$/.test(secret) || secret.length !== SECRET_LENGTH) {
    throw new RangeError('token id or secret has the wrong shape');
  }
  const body = PREFIX[kind] + id + secret;
  return body + checksum(body);
}

/** The parts of a well-formed token, or null for anything else (wrong shape or checksum). */
export function parseToken(value: string): ParsedToken | null {
  if (typeof value !== 'string' || value.length !== TOKEN_LENGTH) return null;
  const m = TOKEN_PATTERN.exec(value);
  if (!m) return null;
  if (checksum(value.slice(0, -CHECKSUM_LENGTH)) !== m[4]) return null;
  return { kind: m[1] === 'pat' ? 'personal' : 'agent', id: m[2], secret: m[3] };
}
