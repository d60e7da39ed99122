import jwt from 'jsonwebtoken';
import { UnauthenticatedError } from '../errors.js';
import { isRole, SCOPES, type Principal, type Scope } from './principal.js';

const AUDIENCE = 'tollgate-internal';
const ALGORITHM = 'HS256';
const TTL_SECONDS = 60;
/** A minted assertion is reused for this long (half its lifetime), so it never arrives stale. */
const REUSE_MS = 30_000;
const MAX_CACHED = 10_000;

/**
 * Caller assertions: short-lived HS256 JWTs carried in gRPC metadata
 * (`x-tollgate-assertion`). The gateway mints one after it has authenticated the
 * client (JWT session or API token); services mint their own as `service` callers.
 * Services accept a call only with a valid one, so a bare or forged gRPC call is
 * UNAUTHENTICATED.
 */
export const ASSERTION_METADATA_KEY = 'x-tollgate-assertion';

interface AssertionClaims {
  sub: string;
  pt: Principal['type'];
  role?: string;
  scp?: string[];
  sid?: string;
  tid?: string;
  own?: string;
}

export function mintAssertion(principal: Principal, secret: string, issuer: string): string {
  const claims: AssertionClaims = {
    sub: principal.id,
    pt: principal.type,
    role: principal.role,
    scp: principal.scopes,
    sid: principal.sessionId,
    tid: principal.tokenId,
    own: principal.ownerId,
  };
  // Signing and verifying cost ~0.5 ms each with jsonwebtoken, more than the rest of a
  // loopback call: the same caller reuses its assertion, and verified ones are remembered
  // until they expire. Both caches are keyed by everything that makes the token.
  const key = `${secret}\u0000${issuer}\u0000${JSON.stringify(claims)}`;
  const hit = minted.get(key);
  if (hit && hit.until > Date.now()) return hit.token;
  const token = jwt.sign(claims, secret, { algorithm: ALGORITHM, audience: AUDIENCE, issuer, expiresIn: TTL_SECONDS });
  remember(minted, key, { token, until: Date.now() + REUSE_MS });
  return token;
}

const minted = new Map<string, { token: string; until: number }>();
const verified = new Map<string, { secret: string; principal: Principal; expiresAt: number }>();

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
}

export function verifyAssertion(token: string, secret: string): Principal {
  const hit = verified.get(token);
  if (hit?.secret === secret && hit.expiresAt > Date.now()) return { ...hit.principal };
  const principal = verifyUncached(token, secret);
  const { exp } = jwt.decode(token) as { exp: number };
  remember(verified, token, { secret, principal, expiresAt: exp * 1000 });
  return { ...principal };
}

function verifyUncached(token: string, secret: string): Principal {
  let claims: AssertionClaims;
  try {
    claims = jwt.verify(token, secret, { algorithms: [ALGORITHM], audience: AUDIENCE }) as AssertionClaims;
  } catch {
    throw new UnauthenticatedError('unauthenticated', 'Caller assertion is missing, invalid or expired');
  }
  if (!['user', 'token', 'agent', 'service'].includes(claims.pt) || typeof claims.sub !== 'string') {
    throw new UnauthenticatedError('unauthenticated', 'Caller assertion is malformed');
  }
  return {
    type: claims.pt,
    id: claims.sub,
    role: claims.role && isRole(claims.role) ? claims.role : undefined,
    scopes: claims.scp?.filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)),
    sessionId: claims.sid,
    tokenId: claims.tid,
    ownerId: claims.own,
  };
}
