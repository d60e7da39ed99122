import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new opaque secret: 256 bits, base64url, with a prefix secret scanners can match. */
export function newSecret(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** Sessions are named by 128 random bits. */
export function newSessionId(): string {
  return randomBytes(16).toString('hex');
}

/** What we store instead of a refresh or CSRF token. */
export function digest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Does `secret` hash to `expectedDigest`? Constant-time in the digest comparison. */
export function matchesDigest(secret: string, expectedDigest: string): boolean {
  const a = Buffer.from(digest(secret), 'hex');
  const b = Buffer.from(expectedDigest, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
