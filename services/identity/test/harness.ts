import mongoose, { type Connection } from 'mongoose';
import { createServiceClient, type OutgoingCall, type Principal, type ServiceClient } from '@tollgate/platform';
import { loadIdentity } from '@tollgate/proto';
import type { IdentityDefinition } from '@tollgate/proto/gen/tollgate/identity/v1/Identity';
import type { AuthResult__Output } from '@tollgate/proto/gen/tollgate/identity/v1/AuthResult';
import { startStack, type Stack } from '../../../test/support/stack.js';
import { testEnv } from '../../../test/support/env.js';

/** The gateway calling for a client that has not signed in yet. */
export const gateway: Principal = { type: 'service', id: 'gateway' };

export const CLIENT = { ip: '203.0.113.7', userAgent: 'identity-tests/1.0' };

/** An outgoing call as `principal`, from the test client's address. */
export const as = (principal: Principal): OutgoingCall => ({ principal, ...CLIENT });

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

let counter = 0;
/** A fresh email for each call, so tests in one file never collide. */
export const uniqueEmail = (label = 'user') => `${label}-${process.pid}-${Date.now()}-${++counter}@example.test`;
export const PASSWORD = 'correct-horse-battery-staple';

/**
 * The real identity service on its own fresh database, argon2 made cheap. The audit
 * service is not started: emitted events wait in identity's durable outbox, which is
 * exactly what identity is responsible for, and the tests read them there.
 */
export async function startIdentity(env: Record<string, string> = {}): Promise<IdentityHarness> {
  const stack = await startStack({
    services: ['identity'],
    gateway: false,
    env: { identity: { ARGON2_MEMORY_KIB: '1024', ...env } },
  });
  const client = createServiceClient(loadIdentity().Identity, stack.addrs.identity, {
    issuer: 'test',
    secret: stack.secrets.SERVICE_TOKEN_SECRET,
  });
  const db = await mongoose.createConnection(testEnv.mongoUrl, { dbName: stack.env.identity.MONGO_DB }).asPromise();
  const admin = { email: stack.secrets.BOOTSTRAP_ADMIN_EMAIL, password: stack.secrets.BOOTSTRAP_ADMIN_PASSWORD };
  return {
    stack,
    client,
    identity: client.call,
    db,
    admin,
    loginAdmin: () => client.call.Login({ email: admin.email, password: admin.password }, as(gateway)),
    async audit(action) {
      const docs = await db
        .collection<{ event: { action: string; outcome: string; actor: AuditRecord['actor']; resource: AuditRecord['resource']; ip: string; user_agent: string; details_json: string }; created_at: Date }>('audit_outbox')
        .find({ 'event.action': action })
        .sort({ created_at: 1 })
        .toArray();
      return docs.map(({ event }) => ({
        action: event.action,
        outcome: event.outcome,
        actor: event.actor,
        resource: event.resource,
        ip: event.ip,
        user_agent: event.user_agent,
        details: JSON.parse(event.details_json) as Record<string, unknown>,
        raw: JSON.stringify(event),
      }));
    },
    async close() {
      client.close();
      await db.close();
      await stack.close();
    },
  };
}
