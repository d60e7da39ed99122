import jwt from 'jsonwebtoken';
import { UnauthenticatedError } from '../errors.js';
import { isRole, SCOPES, type Principal, type Scope } from './principal.js';

const AUDIENCE = 'tollgate-internal';
const ALGORITHM = 'HS256';
const TTL_SECONDS = 60;

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
  return jwt.sign(claims, secret, { algorithm: ALGORITHM, audience: AUDIENCE, issuer, expiresIn: TTL_SECONDS });
}

export function verifyAssertion(token: string, secret: string): Principal {
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
