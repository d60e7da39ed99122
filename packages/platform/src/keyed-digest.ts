import { createHmac, hkdfSync } from 'node:crypto';

/**
 * A keyed digest for text that must not be kept as it is (what someone typed, which may be a
 * secret): HMAC-SHA256 under a key derived from `secret` for this `purpose` alone, base64url.
 */
export function keyedDigest(secret: string | Buffer, purpose: string): (text: string) => string {
  const key = Buffer.from(hkdfSync('sha256', secret, '', purpose, 32));
  return (text) => createHmac('sha256', key).update(text).digest('base64url');
}
