import { createPublicKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { UnauthenticatedError, type Logger } from '@tollgate/platform';
import type { Clients } from '../clients.js';
import { GATEWAY } from '../http/request-context.js';

const REFRESH_MS = 5 * 60_000;
// An unknown kid (a key rotated in by identity) refetches the JWKS in the background, at most once a second.
const MIN_REFETCH_MS = 1_000;
/** Clock skew tolerated on `iat`. */
const SKEW_SECONDS = 60;

export interface AccessClaims {
  sub: string;
  sid: string;
  role: string;
  typ: string;
  iat: number;
  exp: number;
}

/**
 * Verifies access JWTs locally against identity's JWKS. Keys are looked up by `kid` in a
 * map we fetched ourselves — never from a URL or key in the token. An unknown kid is
 * refused at once and refetched in the background (at most once a second), so a key rotated
 * in elsewhere is known within about a second, and a rotation through this gateway at once.
 * A token must carry `sub`, `sid`, `iat` and `exp`, and live no longer than `maxTtlSeconds`.
 */
export class JwksVerifier {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = 0;
  private inflight: Promise<void> | null = null;

  constructor(
    private readonly clients: Clients,
    private readonly issuer: string,
    private readonly audience: string,
    private readonly maxTtlSeconds: number,
    private readonly log: Logger,
  ) {}

  /** Fetches the key set now (after a rotation through this gateway). */
  refresh(): Promise<void> {
    this.inflight ??= this.clients.identity.call
      .GetJwks({}, { principal: GATEWAY, deadlineMs: 2_000 })
      .then((jwks) => {
        const next = new Map<string, KeyObject>();
        for (const k of jwks.keys) {
          if (k.kty !== 'EC' || k.crv !== 'P-256' || k.alg !== 'ES256') continue;
          next.set(k.kid, createPublicKey({ key: { kty: k.kty, crv: k.crv, x: k.x, y: k.y }, format: 'jwk' }));
        }
        this.keys = next;
        this.fetchedAt = Date.now();
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  private async keyFor(kid: string): Promise<KeyObject | undefined> {
    if (Date.now() - this.fetchedAt > REFRESH_MS) {
      await this.refresh().catch((err: unknown) => {
        // Keep serving with the keys we have; identity being down must not fail known-good tokens.
        if (this.keys.size === 0) throw err;
        this.log.warn({ err: (err as Error).message }, 'JWKS refresh failed');
      });
    }
    const key = this.keys.get(kid);
    // Unknown: refused now (a guessed kid must not hold requests), looked for in the background.
    if (!key && Date.now() - this.fetchedAt >= MIN_REFETCH_MS) {
      this.refresh().catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'JWKS refresh failed'));
    }
    return key;
  }

  async verify(token: string): Promise<AccessClaims> {
    const decoded = jwt.decode(token, { complete: true });
    const kid = decoded?.header.kid;
    if (decoded?.header.alg !== 'ES256' || typeof kid !== 'string') {
      throw new UnauthenticatedError('unauthenticated', 'Access token is malformed');
    }
    const key = await this.keyFor(kid);
    if (!key) throw new UnauthenticatedError('unauthenticated', 'Access token is signed by an unknown key');
    let claims: AccessClaims;
    try {
      claims = jwt.verify(token, key, { algorithms: ['ES256'], issuer: this.issuer, audience: this.audience }) as AccessClaims;
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) throw new UnauthenticatedError('token_expired', 'Access token has expired');
      throw new UnauthenticatedError('unauthenticated', 'Access token is invalid');
    }
    // An access token must not be usable as anything else, nor anything else as one.
    if (claims.typ !== 'access' || typeof claims.sid !== 'string' || typeof claims.sub !== 'string') {
      throw new UnauthenticatedError('unauthenticated', 'Not an access token');
    }
    // Bounded life: a token without an expiry, or one longer than identity ever issues, was not made by identity.
    const now = Math.floor(Date.now() / 1000);
    if (
      typeof claims.iat !== 'number' ||
      typeof claims.exp !== 'number' ||
      claims.exp - claims.iat > this.maxTtlSeconds ||
      claims.iat > now + SKEW_SECONDS
    ) {
      throw new UnauthenticatedError('unauthenticated', 'Access token lifetime is invalid');
    }
    return claims;
  }
}
