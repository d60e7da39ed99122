import mongoose, { type Connection } from 'mongoose';
import { createServiceClient, type OutgoingCall, type Principal, type ServiceClient } from '@tollgate/platform';
import { loadAudit, loadIdentity } from '@tollgate/proto';
import type { AuditDefinition } from '@tollgate/proto/gen/tollgate/audit/v1/Audit';
import type { AuditEvent__Output } from '@tollgate/proto/gen/tollgate/audit/v1/AuditEvent';
import type { IdentityDefinition } from '@tollgate/proto/gen/tollgate/identity/v1/Identity';
import type { AuthResult__Output } from '@tollgate/proto/gen/tollgate/identity/v1/AuthResult';
import { startStack, type Stack } from '../../../test/support/stack.js';
import { testEnv } from '../../../test/support/env.js';
import { sleep } from '../../../test/support/eventually.js';
import { uniqueEmail } from '../../../test/support/factories.js';

/** The gateway calling for a client that has not signed in yet. */
export const gateway: Principal = { type: 'service', id: 'gateway' };

export const CLIENT = { ip: '203.0.113.7', userAgent: 'identity-tests/1.0' };

/** An outgoing call as `principal`, from the test client's address. */
/** A call as `principal`, from the test client; a long deadline, so a loaded machine slows tests down instead of failing them. */
export const as = (principal: Principal): OutgoingCall => ({ principal, ...CLIENT, deadlineMs: 30_000 });

/** The principal the gateway would assert for the holder of this login's access token. */
export function userOf(auth: AuthResult__Output): Principal {
  return { type: 'user', id: auth.user!.id, role: auth.user!.role as Principal['role'], sessionId: auth.session_id };
}

export interface AuditRecord {
  action: string;
  outcome: string;
  actor: { type: string; id?: string };
  resource: { type: string; id?: string };
  ip: string;
  user_agent: string;
  details: Record<string, unknown>;
  raw: string;
}

export interface IdentityHarness {
  stack: Stack;
  client: ServiceClient<IdentityDefinition>;
  identity: ServiceClient<IdentityDefinition>['call'];
  /** The identity service's own database, to inspect what it stored. */
  db: Connection;
  admin: { email: string; password: string };
  loginAdmin(): Promise<AuthResult__Output>;
  /** Audit events the identity service emitted with this action, oldest first. */
  audit(action: string): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

export { uniqueEmail };
export const PASSWORD = 'correct-horse-battery-staple';

/** A new user with `role` (a unique email, PASSWORD), created by `by`. */
export function newUser(h: IdentityHarness, by: Principal, role = 'member') {
  return h.identity.CreateUser({ email: uniqueEmail(role), password: PASSWORD, role, name: '' }, as(by));
}

function toRecord(event: AuditEvent__Output): AuditRecord {
  return {
    action: event.action,
    outcome: event.outcome,
    actor: { type: event.actor?.type ?? '', ...(event.actor?.id ? { id: event.actor.id } : {}) },
    resource: { type: event.resource?.type ?? '', ...(event.resource?.id ? { id: event.resource.id } : {}) },
    ip: event.ip,
    user_agent: event.user_agent,
    details: JSON.parse(event.details_json || '{}') as Record<string, unknown>,
    raw: JSON.stringify(event),
  };
}

/**
 * The real identity and audit services, each on its own fresh database, argon2 made
 * cheap. Audit events are read back from the audit service once identity's outbox has
 * delivered them.
 */
export async function startIdentity(env: Record<string, string> = {}): Promise<IdentityHarness> {
  const stack = await startStack({
    services: ['audit', 'identity'],
    gateway: false,
    env: { identity: { ARGON2_MEMORY_KIB: '1024', ...env } },
  });
  const opts = { issuer: 'test', secret: stack.secrets.SERVICE_TOKEN_SECRET };
  const client = createServiceClient(loadIdentity().Identity, stack.addrs.identity, opts);
  const auditClient: ServiceClient<AuditDefinition> = createServiceClient(loadAudit().Audit, stack.addrs.audit, opts);
  const db = await mongoose.createConnection(testEnv.mongoUrl, { dbName: stack.env.identity.MONGO_DB }).asPromise();
  const admin = { email: stack.secrets.BOOTSTRAP_ADMIN_EMAIL, password: stack.secrets.BOOTSTRAP_ADMIN_PASSWORD };
  const reader: Principal = { type: 'service', id: 'identity-tests' };
  return {
    stack,
    client,
    identity: client.call,
    db,
    admin,
    loginAdmin: () => client.call.Login({ email: admin.email, password: admin.password }, as(gateway)),
    async audit(action) {
      const outbox = db.collection('audit_outbox');
      for (const deadline = Date.now() + 15_000; (await outbox.countDocuments({})) > 0; await sleep(50)) {
        if (Date.now() > deadline) throw new Error('identity did not deliver its audit events within 15 s');
      }
      const events: AuditEvent__Output[] = [];
      let cursor = '';
      do {
        const page = await auditClient.call.Query({ filter: { action }, page: { limit: 100, cursor } }, { principal: reader });
        events.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor);
      // Query answers newest first.
      return events.reverse().map(toRecord);
    },
    async close() {
      client.close();
      auditClient.close();
      await db.close();
      await stack.close();
    },
  };
}
