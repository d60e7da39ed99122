import { createCipheriv, createDecipheriv, createHash, createPrivateKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import jwt from 'jsonwebtoken';
import type { Logger } from 'pino';
import type { PublicJwk, SealedKey, SigningKeyRecord } from './records.js';
import type { SigningKeyRepository } from './repositories.js';

const generateEcKeyPair = promisify(generateKeyPair);

/** How often a replica re-reads which key is active (another replica may have rotated). */
const ACTIVE_KEY_REFRESH_MS = 30_000;
/**
 * Retired keys stay in the JWKS for the access-token lifetime plus this margin, which
 * covers a replica still signing with the old key until its next refresh.
 */
const RETIRED_KEY_MARGIN_MS = 5 * 60_000;

export interface Jwk extends PublicJwk {
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

export interface AccessClaims {
  userId: string;
  sessionId: string;
  role: string;
}

export interface Signer {
  /** Loads (or, on the very first start, creates) the active key. */
  init(): Promise<void>;
  signAccessToken(claims: AccessClaims): Promise<string>;
  /** The keys that may verify a live access token: the active one and recently retired ones. */
  jwks(): Promise<Jwk[]>;
  /** Makes a new key active; tokens signed by the old one keep verifying until they expire. */
  rotate(): Promise<Jwk>;
}

export interface SignerOptions {
  store: SigningKeyRepository;
  /** AES-256 key that seals private keys at rest. */
  encryptionKey: Buffer;
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  log: Logger;
}

/** RFC 7638 thumbprint: a kid derived from the key itself. */
function thumbprint(jwk: PublicJwk): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

function seal(plain: Buffer, kid: string, key: Buffer): SealedKey {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(kid, 'utf8'));
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { iv: iv.toString('base64'), data: data.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

function unseal(sealed: SealedKey, kid: string, key: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(kid, 'utf8'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
}

function toJwk(rec: Pick<SigningKeyRecord, 'kid' | 'publicJwk'>): Jwk {
  const { kty, crv, x, y } = rec.publicJwk;
  return { kty, crv, x, y, kid: rec.kid, alg: 'ES256', use: 'sig' };
}

export function createSigner(opts: SignerOptions): Signer {
  let active: { kid: string; privateKey: KeyObject } | null = null;
  let loadedAt = 0;

  async function createKey(): Promise<SigningKeyRecord> {
    const { publicKey, privateKey } = await generateEcKeyPair('ec', { namedCurve: 'P-256' });
    const exported = publicKey.export({ format: 'jwk' });
    const publicJwk: PublicJwk = { kty: 'EC', crv: 'P-256', x: String(exported.x), y: String(exported.y) };
    const kid = thumbprint(publicJwk);
    const der = privateKey.export({ type: 'pkcs8', format: 'der' });
    const rec = await opts.store.create({ kid, publicJwk, sealedPrivateKey: seal(der, kid, opts.encryptionKey) });
    active = { kid, privateKey };
    loadedAt = Date.now();
    opts.log.info({ kid }, 'created a new signing key');
    return rec;
  }

  function use(rec: SigningKeyRecord) {
    if (active?.kid !== rec.kid) {
      if (!rec.sealedPrivateKey) throw new Error(`signing key ${rec.kid} is active but has no private key`);
      let der: Buffer;
      try {
        der = unseal(rec.sealedPrivateKey, rec.kid, opts.encryptionKey);
      } catch {
        throw new Error(`JWT_KEY_ENCRYPTION_KEY cannot decrypt the stored signing key ${rec.kid}`);
      }
      active = { kid: rec.kid, privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) };
    }
    loadedAt = Date.now();
  }

  async function load(): Promise<void> {
    const rec = await opts.store.findActive();
    if (rec) use(rec);
    else await createKey();
  }

  async function current() {
    if (!active || Date.now() - loadedAt > ACTIVE_KEY_REFRESH_MS) await load();
    return active!;
  }

  return {
    init: load,

    async signAccessToken(claims) {
      const key = await current();
      return jwt.sign({ sid: claims.sessionId, role: claims.role, typ: 'access' }, key.privateKey, {
        algorithm: 'ES256',
        keyid: key.kid,
        issuer: opts.issuer,
        audience: opts.audience,
        subject: claims.userId,
        expiresIn: opts.accessTtlSeconds,
      });
    },

    async jwks() {
      const since = new Date(Date.now() - opts.accessTtlSeconds * 1000 - RETIRED_KEY_MARGIN_MS);
      return (await opts.store.listVerifying(since)).map(toJwk);
    },

    async rotate() {
      const rec = await createKey();
      await opts.store.retireAllExcept(rec.kid);
      return toJwk(rec);
    },
  };
}
