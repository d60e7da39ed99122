import { createHmac, timingSafeEqual } from 'node:crypto';

const DIGEST_HEX = /^[0-9a-f]{64}$/;

/**
 * Token secrets are stored only as HMAC-SHA256(pepper, secret), hex-encoded. The pepper
 * lives in the environment, not the database, so a leaked database alone cannot be
 * used to test guesses offline.
 */
export class SecretDigester {
  readonly #pepper: Buffer;

  constructor(pepper: string) {
    this.#pepper = Buffer.from(pepper, 'utf8');
  }

  #raw(secret: string): Buffer {
    return createHmac('sha256', this.#pepper).update(secret, 'utf8').digest();
  }

  digest(secret: string): string {
    return this.#raw(secret).toString('hex');
  }

  /** Constant-time comparison of a presented secret against each stored digest (every one is compared). */
  matchesAny(secret: string, stored: readonly (string | null)[]): boolean {
    const presented = this.#raw(secret);
    let match = false;
    for (const digest of stored) {
      if (digest && DIGEST_HEX.test(digest) && timingSafeEqual(presented, Buffer.from(digest, 'hex'))) match = true;
    }
    return match;
  }
}
