import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * IP tokens hand an LLM provider key to an agent runtime.
 *
 *   ip_v1:<base64url( expires_at ‖ nonce ‖ ciphertext ‖ tag )>
 *
 * - expires_at: 8 bytes, unsigned big-endian milliseconds since the epoch. It is in the
 *   clear so the runtime can check it, and it is authenticated: it is part of the
 *   associated data, as are the prefix and the agent id the token was issued to.
 * - nonce: 12 random bytes, fresh for every token.
 * - ciphertext ‖ tag: AES-256-GCM of the JSON payload, 16-byte tag.
 *
 * The agent id is not carried in the token: the runtime supplies the id it runs as, and
 * the tag only verifies if it is the one the token was issued to. Only the canonical
 * base64url spelling is accepted, so every change to any character of a token is caught.
 */
export const IP_TOKEN_PREFIX = 'ip_v1:';

const HEADER_BYTES = 8;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const MIN_BYTES = HEADER_BYTES + NONCE_BYTES + 1 + TAG_BYTES;
const MAX_TOKEN_CHARS = 16_384;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** What an IP token carries to the agent runtime. */
export interface IpTokenPayload {
  apiKey: string;
  baseUrl: string;
  provider: string;
  keyId: string;
}

export interface DecryptedIpToken extends IpTokenPayload {
  expiresAt: Date;
}

export type IpTokenErrorCode = 'malformed' | 'invalid' | 'expired';

/**
 * Why a token was refused. `invalid` covers a wrong key, a wrong agent and any
 * tampering alike: authenticated encryption cannot tell them apart, and should not.
 */
export class IpTokenError extends Error {
  constructor(
    readonly code: IpTokenErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IpTokenError';
  }
}

/** A 32-byte key, given as bytes or as base64 / base64url text. */
export type IpTokenKey = Uint8Array | string;

function keyBytes(key: IpTokenKey): Buffer {
  // Node's base64 decoder reads both the standard and the URL-safe alphabet.
  const buf = typeof key === 'string' ? Buffer.from(key, 'base64') : Buffer.from(key);
  if (buf.length !== KEY_BYTES) throw new IpTokenError('invalid', 'IP token key must be 32 bytes');
  return buf;
}

function checkAgentId(agentId: unknown): string {
  if (typeof agentId !== 'string' || agentId.length === 0 || agentId.length > 200) {
    throw new IpTokenError('invalid', 'agentId is required');
  }
  return agentId;
}

function associatedData(header: Buffer, agentId: string): Buffer {
  return Buffer.concat([Buffer.from(IP_TOKEN_PREFIX, 'utf8'), header, Buffer.from(agentId, 'utf8')]);
}

export interface SealOptions {
  agentId: string;
  expiresAt: Date;
}

/** Builds an IP token (the provider-key service is the only issuer). */
export function sealIpToken(payload: IpTokenPayload, key: IpTokenKey, opts: SealOptions): string {
  const agentId = checkAgentId(opts.agentId);
  const expiresMs = opts.expiresAt.getTime();
  if (!Number.isSafeInteger(expiresMs) || expiresMs <= 0) throw new IpTokenError('invalid', 'expiresAt must be a valid date');
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeBigUInt64BE(BigInt(expiresMs));
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyBytes(key), nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(header, agentId));
  const plaintext = Buffer.from(
    JSON.stringify({ api_key: payload.apiKey, base_url: payload.baseUrl, provider: payload.provider, key_id: payload.keyId }),
    'utf8',
  );
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  plaintext.fill(0);
  return IP_TOKEN_PREFIX + Buffer.concat([header, nonce, ciphertext, cipher.getAuthTag()]).toString('base64url');
}

export interface DecryptOptions {
  /** The agent the runtime runs as; must be the agent the token was issued to. */
  agentId: string;
  /** Defaults to the current time. */
  now?: Date | number;
}

/**
 * Opens an IP token, failing closed: a bad prefix or encoding, a wrong key, a wrong
 * agent, any modified byte, or an expired token all throw an IpTokenError.
 */
export function decryptIpToken(token: string, key: IpTokenKey, opts: DecryptOptions): DecryptedIpToken {
  const agentId = checkAgentId(opts?.agentId);
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS || !token.startsWith(IP_TOKEN_PREFIX)) {
    throw new IpTokenError('malformed', 'Not an ip_v1 token');
  }
  const body = token.slice(IP_TOKEN_PREFIX.length);
  const raw = BASE64URL.test(body) ? Buffer.from(body, 'base64url') : Buffer.alloc(0);
  // Non-canonical spellings (stray trailing bits, padding) would decode to the same bytes.
  if (raw.length < MIN_BYTES || raw.toString('base64url') !== body) {
    throw new IpTokenError('malformed', 'IP token encoding is invalid');
  }
  const header = raw.subarray(0, HEADER_BYTES);
  const nonce = raw.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
  const ciphertext = raw.subarray(HEADER_BYTES + NONCE_BYTES, raw.length - TAG_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);

  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyBytes(key), nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(header, agentId));
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new IpTokenError('invalid', 'IP token is not valid for this key and agent');
  }

  const expiresMs = Number(header.readBigUInt64BE());
  const now = opts.now === undefined ? Date.now() : typeof opts.now === 'number' ? opts.now : opts.now.getTime();
  if (!(now < expiresMs)) throw new IpTokenError('expired', 'IP token has expired');

  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(plaintext.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new IpTokenError('malformed', 'IP token payload is invalid');
  } finally {
    plaintext.fill(0);
  }
  const { api_key, base_url, provider, key_id } = parsed;
  if (typeof api_key !== 'string' || typeof base_url !== 'string' || typeof provider !== 'string' || typeof key_id !== 'string') {
    throw new IpTokenError('malformed', 'IP token payload is invalid');
  }
  return { apiKey: api_key, baseUrl: base_url, provider, keyId: key_id, expiresAt: new Date(expiresMs) };
}
