import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';

/** AES-256-GCM keys by id; `activeKid` encrypts, every key decrypts. */
export interface Keyring {
  activeKid: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** A secret at rest (a provider key, a webhook's signing secret): the key id is stored beside the ciphertext. */
export interface SealedSecret {
  kid: string;
  /** base64 of the 12-byte nonce */
  nonce: string;
  /** base64 of the ciphertext */
  ct: string;
  /** base64 of the 16-byte GCM tag */
  tag: string;
}

const KID = /^[A-Za-z0-9_.-]{1,32}$/;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Parses `kid:base64(32 bytes)[,kid2:...]`; errors name the entry, never the key material. */
export function parseKeyring(value: string): Keyring {
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('must list at least one key as kid:base64(32 bytes)');
  const keys = new Map<string, Buffer>();
  entries.forEach((entry, i) => {
    const sep = entry.indexOf(':');
    const kid = sep > 0 ? entry.slice(0, sep) : '';
    if (!KID.test(kid)) throw new Error(`entry ${i + 1}: key id must be 1 to 32 letters, digits, '.', '_' or '-' followed by ':'`);
    if (keys.has(kid)) throw new Error(`entry ${i + 1}: key id ${kid} is listed twice`);
    const key = Buffer.from(entry.slice(sep + 1), 'base64');
    if (key.length !== 32) throw new Error(`entry ${i + 1} (${kid}): key must be the base64 encoding of exactly 32 bytes`);
    keys.set(kid, key);
  });
  return { activeKid: entries[0].slice(0, entries[0].indexOf(':')), keys };
}

/**
 * A keyring variable of a service's configuration: `kid:base64(32 bytes)[,kid2:base64(32 bytes)...]`.
 * The first key seals; every listed key opens (an old key stays listed until every record is resealed).
 */
export const keyringVar = z.string().transform((v, ctx): Keyring => {
  try {
    return parseKeyring(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

/** Thrown when a record names a key id the keyring does not hold, or fails authentication. */
export class UndecryptableError extends Error {
  constructor(readonly kid: string) {
    super(`secret sealed under key ${kid} cannot be opened`);
    this.name = 'UndecryptableError';
  }
}

/**
 * Encryption of secrets at rest. The record id is bound as associated data, so a ciphertext
 * copied onto another record does not decrypt there.
 */
export class SecretBox {
  constructor(private readonly keyring: Keyring) {}

  get activeKid(): string {
    return this.keyring.activeKid;
  }

  seal(plaintext: string, recordId: string): SealedSecret {
    const kid = this.keyring.activeKid;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keyring.keys.get(kid)!, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(recordId, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { kid, nonce: nonce.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
  }

  open(sealed: SealedSecret, recordId: string): string {
    const key = this.keyring.keys.get(sealed.kid);
    if (!key) throw new UndecryptableError(sealed.kid);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.nonce, 'base64'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(recordId, 'utf8'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new UndecryptableError(sealed.kid);
    }
  }
}
