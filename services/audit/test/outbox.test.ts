import test, { type ExecutionContext } from 'ava';
import { randomBytes, randomUUID } from 'node:crypto';
import { connectMongo, createAuditOutbox, createLogger, createServiceClient } from '@tollgate/platform';
import { loadAudit } from '@tollgate/proto';
import type { AuditEvent } from '@tollgate/proto/gen/tollgate/audit/v1/AuditEvent';
import { testEnv } from '../../../test/support/env.js';
import { asAdmin, eventually, sleep, startAudit } from './helpers.js';

/** The audit service plus the emitting side: a platform outbox in its own database, as any service has. */
async function startEmitter(t: ExecutionContext) {
  const h = await startAudit();
  const log = createLogger('outbox-test', testEnv.logLevel);
  const conn = await connectMongo(testEnv.mongoUrl, `t${randomBytes(5).toString('hex')}_emitter`, log);
  const client = createServiceClient(loadAudit().Audit, h.stack.addrs.audit, { issuer: 'emitter', secret: h.stack.secrets.SERVICE_TOKEN_SECRET });
  const outbox = createAuditOutbox({ conn, source: 'emitter', client, log, intervalMs: 200 });
  t.teardown(async () => {
    await outbox.stop();
    client.close();
    await conn.dropDatabase();
    await conn.close();
    await h.close();
  });
  return { h, conn, client, outbox };
}

test('when the audit service is down while a service emits, then every event arrives exactly once after it returns', async (t) => {
  const { h, conn, client, outbox } = await startEmitter(t);
  const resource = { type: 'session', id: `outage-${randomUUID().slice(0, 8)}` };
  const ctx = { principal: { type: 'user' as const, id: 'u-1', role: 'member' as const }, requestId: randomUUID(), ip: '192.0.2.1', userAgent: 'cli/1' };

  await h.stack.stop('audit');
  for (let i = 0; i < 20; i++) {
    await outbox.emit({ action: 'auth.login.succeeded', resource, details: { attempt: i } }, ctx);
  }
  await sleep(1_500);
  t.is(await outbox.pending(), 20, 'nothing is lost or delivered while audit is down');
  const queued = await conn.collection<{ event: AuditEvent }>('audit_outbox').find({}).toArray();

  await h.stack.start('audit');
  t.true(await eventually(async () => (await outbox.pending()) === 0, 30_000), 'the outbox drains once audit is back');

  const recorded = async () => (await h.client.call.Query({ filter: { resource_id: resource.id }, page: { limit: 100 } }, asAdmin)).items;
  const items = await recorded();
  t.is(items.length, 20);
  t.deepEqual(items.map((e) => e.id).sort(), queued.map((d) => d.event.id!).sort());
  t.true(items.every((e) => e.source === 'emitter' && e.actor?.id === 'u-1' && e.ip === '192.0.2.1'));
  t.deepEqual(
    items.map((e) => (JSON.parse(e.details_json) as { attempt: number }).attempt).sort((a, b) => a - b),
    Array.from({ length: 20 }, (_, i) => i),
  );

  // A relay that timed out after the audit service stored the batch sends it again.
  const resent = await client.call.RecordBatch({ events: queued.map((d) => d.event) }, { principal: { type: 'service', id: 'emitter' } });
  t.true(resent.results.every((r) => r.duplicate));
  t.is((await recorded()).length, 20);
  t.true((await h.client.call.Verify({}, asAdmin)).ok);
});

test('when the audit service rejects one event as invalid, then the others are delivered and the bad one is set aside', async (t) => {
  const { h, conn, outbox } = await startEmitter(t);
  const resource = { type: 'session', id: `poison-${randomUUID().slice(0, 8)}` };
  const ctx = { principal: { type: 'service' as const, id: 'emitter' }, requestId: randomUUID() };

  await h.stack.stop('audit');
  await outbox.emit({ action: 'auth.logout', resource }, ctx);
  await outbox.emit({ action: 'NOT A VALID ACTION!', resource }, ctx);
  await outbox.emit({ action: 'auth.logout', resource }, ctx);
  await h.stack.start('audit');

  t.true(await eventually(async () => (await outbox.pending()) === 0, 30_000), 'the outbox is not blocked by the bad event');
  const items = (await h.client.call.Query({ filter: { resource_id: resource.id }, page: { limit: 10 } }, asAdmin)).items;
  t.is(items.length, 2);
  const dead = await conn.collection<{ event: AuditEvent; error: string }>('audit_outbox_dead').find({}).toArray();
  t.is(dead.length, 1);
  t.is(dead[0].event.action, 'NOT A VALID ACTION!');
  t.truthy(dead[0].error);
});
