import mongoose, { type Connection } from 'mongoose';
import { createServiceClient, type OutgoingCall, type Principal, type Role, type ServiceClient } from '@tollgate/platform';
import { loadAudit, loadIdentity, loadToken } from '@tollgate/proto';
import type { AuditDefinition } from '@tollgate/proto/gen/tollgate/audit/v1/Audit';
import type { IdentityDefinition } from '@tollgate/proto/gen/tollgate/identity/v1/Identity';
import type { TokenDefinition } from '@tollgate/proto/gen/tollgate/token/v1/Token';
import type { CreatedToken__Output } from '@tollgate/proto/gen/tollgate/token/v1/CreatedToken';
import { startStack, type Stack } from '../../../test/support/stack.js';
import { testEnv } from '../../../test/support/env.js';
import { sleep } from '../../../test/support/eventually.js';
import { uniqueEmail } from '../../../test/support/factories.js';

export const CLIENT = { ip: '203.0.113.9', userAgent: 'token-tests/1.0' };

/** An outgoing call as `principal`, from the test client's address. */
export const as = (principal: Principal): OutgoingCall => ({ principal, ...CLIENT });

/** The gateway, introspecting a bearer token before anyone is authenticated. */
export const gateway: Principal = { type: 'service', id: 'gateway' };
/** The budget service, the one caller allowed to mint agent tokens. */
export const budget: Principal = { type: 'service', id: 'budget' };

export interface AuditRecord {
  action: string;
  outcome: string;
  actor: { type: string; id: string };
  resource: { type: string; id: string };
  details: Record<string, unknown>;
  raw: string;
}

export interface TokenHarness {
  stack: Stack;
  token: ServiceClient<TokenDefinition>['call'];
  identity: ServiceClient<IdentityDefinition>['call'];
  /** The token service's own database, to arrange time travel and inspect what it stored. */
  db: Connection;
  /** The bootstrap admin, as a signed-in user. */
  admin: Principal;
  /** A new user with this role, signed in. */
  user(role: Role): Promise<Principal>;
  /** A personal token for `owner`. */
  issue(owner: Principal, scopes?: string[], extra?: { expires_in_days?: number; never_expires?: boolean }): Promise<CreatedToken__Output>;
  /** The principal the gateway would assert for a request bearing this token (from Introspect). */
  tokenPrincipal(secret: string): Promise<Principal>;
  /** Time travel: the token's expiry moves `msAgo` into the past, as the store records it (the sweeper reads tokens by expiry day). */
  backdateExpiry(id: string, msAgo: number): Promise<void>;
  /** Waits until every emitted event is delivered and the audit service holds at least `min` with this action for this resource. */
  audit(action: string, resourceId?: string, min?: number): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

export { sleep, uniqueEmail };
let counter = 0;
const PASSWORD = 'correct-horse-battery-staple';

/** Polls `check` until it returns something truthy, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 5_000, stepMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(stepMs);
  }
}

/**
 * The real audit, identity and token services on fresh databases. Users are created
 * through identity as the bootstrap admin; calls carry the principal the gateway
 * would assert for them.
 */
export async function startTokenStack(tokenEnv: Record<string, string> = {}): Promise<TokenHarness> {
  const stack = await startStack({
    services: ['audit', 'identity', 'token'],
    gateway: false,
    env: { identity: { ARGON2_MEMORY_KIB: '1024' }, token: tokenEnv },
  });
  const opts = { issuer: 'test', secret: stack.secrets.SERVICE_TOKEN_SECRET };
  const tokenClient = createServiceClient(loadToken().Token, stack.addrs.token, opts);
  const identityClient = createServiceClient(loadIdentity().Identity, stack.addrs.identity, opts);
  const auditClient: ServiceClient<AuditDefinition> = createServiceClient(loadAudit().Audit, stack.addrs.audit, opts);
  const db = await mongoose.createConnection(testEnv.mongoUrl, { dbName: stack.env.token.MONGO_DB }).asPromise();

  const anyAdmin: Principal = { type: 'user', id: 'test-admin', role: 'admin' };
  const admins = await identityClient.call.ListUsers({ role: 'admin', page: { limit: 10 } }, as(anyAdmin));
  const bootstrapAdmin = admins.items.find((u) => u.email === stack.secrets.BOOTSTRAP_ADMIN_EMAIL);
  if (!bootstrapAdmin) throw new Error('identity did not bootstrap its admin');
  const admin: Principal = { type: 'user', id: bootstrapAdmin.id, role: 'admin' };

  return {
    stack,
    token: tokenClient.call,
    identity: identityClient.call,
    db,
    admin,
    async user(role) {
      const u = await identityClient.call.CreateUser({ email: uniqueEmail(role), password: PASSWORD, role, name: '' }, as(admin));
      return { type: 'user', id: u.id, role };
    },
    issue(owner, scopes = ['tokens:read'], extra = {}) {
      return tokenClient.call.CreateToken({ name: `token ${++counter}`, description: '', scopes, ...extra }, as(owner));
    },
    async backdateExpiry(id, msAgo) {
      const at = new Date(Date.now() - msAgo);
      await db
        .collection('api_tokens')
        .updateOne({ _id: id as never }, { $set: { expires_at: at, expiry_day: Math.floor(at.getTime() / 86_400_000) } });
    },
    async tokenPrincipal(secret) {
      const r = await tokenClient.call.Introspect({ token: secret }, as(gateway));
      if (!r.active) throw new Error('token is not active');
      return { type: 'token', id: r.owner_id, role: r.owner_role as Role, scopes: r.scopes as Principal['scopes'], tokenId: r.id };
    },
    async audit(action, resourceId, min = 1) {
      return eventually(async () => {
        // Every replica's events wait in the one outbox until delivered: count only once it is empty.
        if ((await db.collection('audit_outbox').countDocuments({})) > 0) return null;
        const page = await auditClient.call.Query(
          { filter: { action, resource_id: resourceId ?? '' }, page: { limit: 100 } },
          as({ type: 'service', id: 'test' }),
        );
        if (page.items.length < min) return null;
        return page.items.map((e) => ({
          action: e.action,
          outcome: e.outcome,
          actor: { type: e.actor?.type ?? '', id: e.actor?.id ?? '' },
          resource: { type: e.resource?.type ?? '', id: e.resource?.id ?? '' },
          details: JSON.parse(e.details_json || '{}') as Record<string, unknown>,
          raw: JSON.stringify(e),
        }));
      });
    },
    async close() {
      tokenClient.close();
      identityClient.close();
      auditClient.close();
      await db.close();
      await stack.close();
    },
  };
}
