import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import type { ServiceError } from '@grpc/grpc-js';
import { createServiceClient, type OutgoingCall, type ServiceClient } from '@tollgate/platform';
import { loadAudit } from '@tollgate/proto';
import type { AuditClient, AuditDefinition } from '@tollgate/proto/gen/tollgate/audit/v1/Audit';
import type { AuditEvent, AuditEvent__Output } from '@tollgate/proto/gen/tollgate/audit/v1/AuditEvent';
import type { ExportChunk__Output } from '@tollgate/proto/gen/tollgate/audit/v1/ExportChunk';
import type { ExportRequest } from '@tollgate/proto/gen/tollgate/audit/v1/ExportRequest';
import { startStack, type Stack } from '../../../test/support/stack.js';
import { testEnv } from '../../../test/support/env.js';
import { sleep } from '../../../test/support/eventually.js';

export const asService = (id = 'identity'): OutgoingCall => ({ principal: { type: 'service', id } });
export const asAdmin: OutgoingCall = { principal: { type: 'user', id: 'u-admin', role: 'admin' } };
export const asMember: OutgoingCall = { principal: { type: 'user', id: 'u-member', role: 'member' } };

export interface AuditHarness {
  stack: Stack;
  client: ServiceClient<AuditDefinition>;
  /** The audit service's own database, for tampering with it behind its back. */
  db(): Promise<Connection>;
  close(): Promise<void>;
}

/** The real audit service on fresh databases, and a client authenticated as a test caller. */
export async function startAudit(env: Record<string, string> = {}): Promise<AuditHarness> {
  const stack = await startStack({ services: ['audit'], gateway: false, env: { audit: env } });
  const client = createServiceClient(loadAudit().Audit, stack.addrs.audit, { issuer: 'test', secret: stack.secrets.SERVICE_TOKEN_SECRET });
  let conn: Connection | undefined;
  return {
    stack,
    client,
    async db() {
      conn ??= await mongoose.createConnection(testEnv.mongoUrl, { dbName: stack.env.audit.MONGO_DB }).asPromise();
      return conn;
    },
    async close() {
      client.close();
      await conn?.close();
      await stack.close();
    },
  };
}

let counter = 0;

/** An event message whose scalar fields are all set. */
export type TestEvent = AuditEvent &
  Required<Pick<AuditEvent, 'id' | 'at' | 'action' | 'outcome' | 'ip' | 'user_agent' | 'request_id' | 'details_json'>>;

/** A valid event as an emitter would send it; `tag` ties a test's events together. */
export function event(tag: string, overrides: Partial<AuditEvent> = {}): TestEvent {
  counter++;
  return {
    id: randomUUID(),
    at: new Date().toISOString(),
    actor: { type: 'user', id: `user-${tag}` },
    action: 'auth.login.succeeded',
    resource: { type: 'session', id: `${tag}-${counter}` },
    outcome: 'success',
    ip: '203.0.113.7',
    user_agent: 'test-agent/1.0',
    request_id: randomUUID(),
    details_json: JSON.stringify({ n: counter }),
    ...overrides,
  };
}

/** Reads a whole Export stream: its events in order, and how many batches carried them. */
export function exportEvents(
  client: ServiceClient<AuditDefinition>,
  req: ExportRequest,
  call: OutgoingCall,
): Promise<{ events: AuditEvent__Output[]; chunks: number }> {
  return new Promise((resolve, reject) => {
    const stream = (client.raw as AuditClient).Export(req, client.metadata(call), { deadline: Date.now() + 30_000 });
    const events: AuditEvent__Output[] = [];
    let chunks = 0;
    stream.on('data', (c: ExportChunk__Output) => {
      events.push(...c.events);
      chunks++;
    });
    stream.on('error', reject);
    stream.on('end', () => resolve({ events, chunks }));
  });
}

/** The gRPC status code of a failed raw call. */
export function grpcCode(err: unknown): number | undefined {
  return (err as ServiceError).code;
}

export { sleep };

/** Polls until `check` returns true or the time is up. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000, everyMs = 200): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return check();
}
