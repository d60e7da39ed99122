import { createHash } from 'node:crypto';
import { isRole, UnauthenticatedError, type Principal, type Scope } from '@tollgate/platform';
import type { Clients } from '../clients.js';
import type { JwksVerifier } from './jwks.js';
import { IntrospectionBatch } from './introspection-batch.js';
import { TtlCache } from './ttl-cache.js';
import { GATEWAY, outgoingFrom, type RequestContext } from '../http/request-context.js';

const API_TOKEN = /^tg_(pat|agt)_/;
/** The most API tokens kept fresh between their calls: one IntrospectMany's worth. */
const WARM_TOKENS = 1_000;

interface SessionEntry {
  active: boolean;
  userId: string;
  role?: string;
}
interface TokenEntry {
  principal?: Principal;
}

/**
 * Turns `Authorization: Bearer …` into a Principal. JWTs are verified locally, then the
 * session is checked with identity; API tokens are introspected by the token service, many
 * at a time (introspection-batch.ts).
 * Both answers are reused for at most AUTH_CACHE_MS (≤ 1 s), and dropped at once when a
 * logout or revocation passes through this gateway. An answer past half its life is fetched
 * again in the background while it is still used, so a busy caller never waits for one; an
 * API token used within `keepWarmMs` is kept fresh that way between its calls too.
 */
export class Authenticator {
  private readonly sessions: TtlCache<SessionEntry>;
  private readonly tokens: TtlCache<TokenEntry>;
  private readonly introspection: IntrospectionBatch;

  constructor(
    private readonly clients: Clients,
    private readonly jwks: JwksVerifier,
    cacheMs: number,
    keepWarmMs: number,
  ) {
    this.sessions = new TtlCache(cacheMs);
    this.tokens = new TtlCache(cacheMs, undefined, { ms: keepWarmMs, max: WARM_TOKENS });
    // Revalidations wait at most a quarter of an answer's life for company: sent past half its life, they are back before it ends.
    this.introspection = new IntrospectionBatch(clients, Math.max(1, Math.floor(cacheMs / 4)));
  }

  /**
   * `withinLimits` resolves once the caller is known to be within its rate limits (rejects when
   * it is not): a credential this gateway cannot check by itself waits for it before asking
   * another service, so a caller over its limits never costs identity or token a call.
   */
  async authenticate(
    authorization: string | undefined,
    ctx: RequestContext,
    withinLimits: Promise<unknown> = Promise.resolve(),
  ): Promise<Principal> {
    const match = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(authorization ?? '');
    if (!match) throw new UnauthenticatedError('unauthenticated', 'Authorization: Bearer <token> is required');
    const credential = match[1];
    return API_TOKEN.test(credential)
      ? this.fromApiToken(credential, ctx, withinLimits)
      : this.fromAccessToken(credential, ctx, withinLimits);
  }

  private async fromAccessToken(jwt: string, ctx: RequestContext, withinLimits: Promise<unknown>): Promise<Principal> {
    await withinLimits;
    const claims = await this.jwks.verify(jwt);
    const session = await this.sessions.through(claims.sid, () => this.checkSession(claims.sid, claims.sub, ctx));
    // The cached check is of the session's own user: a token naming another user with this sid is not that session.
    if (!session.active || session.userId !== claims.sub)
      throw new UnauthenticatedError('token_revoked', 'This session has ended; log in again');
    ctx.credential = { kind: 'session', sessionId: claims.sid };
    const role = session.role && isRole(session.role) ? session.role : undefined;
    return { type: 'user', id: claims.sub, role, sessionId: claims.sid };
  }

  private async checkSession(sessionId: string, userId: string, ctx: RequestContext): Promise<SessionEntry> {
    const res = await this.clients.identity.call.CheckSession({ session_id: sessionId }, outgoingFrom(ctx, GATEWAY));
    return { active: res.active && res.user?.id === userId, userId, role: res.user?.role };
  }

  private async fromApiToken(token: string, ctx: RequestContext, withinLimits: Promise<unknown>): Promise<Principal> {
    const key = createHash('sha256').update(token).digest('base64url');
    if (!this.tokens.holds(key)) await withinLimits;
    const entry = await this.tokens.through(key, () => this.introspect(token, true), {
      refresh: () => this.introspect(token, false),
      hurry: () => this.introspection.hurry(),
    });
    if (!entry.principal) throw new UnauthenticatedError('unauthenticated', 'API token is invalid, expired or revoked');
    ctx.credential = { kind: 'token', tokenId: entry.principal.tokenId ?? '' };
    return entry.principal;
  }

  private async introspect(token: string, waiting: boolean): Promise<TokenEntry> {
    const res = await this.introspection.introspect(token, waiting);
    if (!res.active) return {};
    const role = isRole(res.owner_role) ? res.owner_role : undefined;
    const scopes = res.scopes as Scope[];
    return {
      principal:
        res.kind === 'agent'
          ? { type: 'agent', id: res.agent_id, ownerId: res.owner_id, role, scopes, tokenId: res.id }
          : { type: 'token', id: res.owner_id, role, scopes, tokenId: res.id },
    };
  }

  /** After a signing-key rotation through this gateway: tokens signed with the new key verify at once. */
  signingKeysChanged(): Promise<void> {
    return this.jwks.refresh();
  }

  /** Called by routes that end sessions or tokens, so this gateway stops accepting them at once. */
  invalidateSession(sessionId: string): void {
    this.sessions.delete(sessionId);
  }
  invalidateUser(userId: string): void {
    this.sessions.deleteWhere((s) => s.userId === userId);
    this.tokens.deleteWhere((t) => t.principal?.id === userId || t.principal?.ownerId === userId);
  }
  invalidateToken(tokenId: string): void {
    this.tokens.deleteWhere((t) => t.principal?.tokenId === tokenId);
  }

  stop(): void {
    this.tokens.stop();
  }
}
