import test, { type ExecutionContext } from 'ava';
import { randomBytes, randomUUID } from 'node:crypto';
import { connectMongo, createAuditOutbox, createLogger, createServiceClient } from '@tollgate/platform';
import { loadAudit } from '@tollgate/proto';
import type { AuditEvent } from '@tollgate/proto/gen/tollgate/audit/v1/AuditEvent';
import { testEnv } from '../../../test/support/env.js';
import { asAdmin, eventually, sleep, startAudit } from './helpers.js';

/**
 * The audit service plus the emitting side: platform outboxes in one database, as the
 * replicas of a service have (one connection each, as separate processes would).
 */
async function startEmitter(t: ExecutionContext, replicas = 1, relay: { intervalMs?: number; idleIntervalMs?: number } = {}) {
  const h = await startAudit();
  const log = createLogger('outbox-test', testEnv.logLevel);
  const dbName = `t${randomBytes(5).toString('hex')}_emitter`;
  const client = createServiceClient(loadAudit().Audit, h.stack.addrs.audit, {
    issuer: 'emitter',
    secret: h.stack.secrets.SERVICE_TOKEN_SECRET,
  });
  const conns = await Promise.all(Array.from({ length: replicas }, () => connectMongo(testEnv.mongoUrl, dbName, log)));
  const outboxes = conns.map((conn) =>
    createAuditOutbox({ conn, source: 'emitter', client, log, intervalMs: 200, leaderPeriodMs: 1_000, ...relay }),
  );
  t.teardown(async () => {
    for (const outbox of outboxes) await outbox.stop();
    client.close();
    await conns[0].dropDatabase();
    for (const conn of conns) await conn.close();
    await h.close();
  });
  return { h, conn: conns[0], client, outbox: outboxes[0], outboxes };
}

test('when the audit service is down while a service emits, then every event arrives exactly once after it returns', async (t) => {
  const { h, conn, client, outbox } = await startEmitter(t);
  const resource = { type: 'session', id: `outage-${randomUUID().slice(0, 8)}` };
  const ctx = {
    principal: { type: 'user' as const, id: 'u-1', role: 'member' as const },
    requestId: randomUUID(),
    ip: '192.0.2.1',
    userAgent: 'cli/1',
  };

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

test('when two replicas emit while the audit service is down, then after it returns every event is recorded exactly once and the outbox is empty', async (t) => {
  const { h, conn, outboxes } = await startEmitter(t, 2);
  const resource = { type: 'session', id: `replicas-${randomUUID().slice(0, 8)}` };
  const ctx = { principal: { type: 'service' as const, id: 'emitter' }, requestId: randomUUID() };
  const emitAll = (from: number, count: number) =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        outboxes[(from + i) % 2].emit({ action: 'auth.logout', resource, details: { n: from + i } }, ctx),
      ),
    );

  // Some events go out while audit is up, most queue up during the outage, more arrive as it drains.
  await emitAll(0, 40);
  await h.stack.stop('audit');
  await emitAll(40, 200);
  await sleep(1_200);
  await h.stack.start('audit');
  await emitAll(240, 60);

  const drained = async () => (await Promise.all(outboxes.map((o) => o.pending()))).every((n) => n === 0);
  t.true(await eventually(drained, 30_000), 'both replicas see an empty outbox');
  const numbers: number[] = [];
  let cursor = '';
  do {
    const page = await h.client.call.Query({ filter: { resource_id: resource.id }, page: { limit: 100, cursor } }, asAdmin);
    numbers.push(...page.items.map((e) => (JSON.parse(e.details_json) as { n: number }).n));
    cursor = page.next_cursor;
  } while (cursor);
  t.is(numbers.length, 300, 'no event is recorded twice or lost');
  t.deepEqual(
    [...numbers].sort((a, b) => a - b),
    Array.from({ length: 300 }, (_, i) => i),
  );
  t.is(await conn.collection('audit_outbox_dead').countDocuments({}), 0);
  t.true((await h.client.call.Verify({}, asAdmin)).ok);
});

test('when a service is idle, then its relay looks at the outbox less and less often, and an event it emits is still delivered at once', async (t) => {
  const { h, conn, outbox } = await startEmitter(t, 1, { intervalMs: 100, idleIntervalMs: 3_000 });
  // Each look (a walk of the outbox's buckets) starts by reading the relay's low-water mark.
  let looks = 0;
  conn.set('debug', (collection: string, method: string) => {
    if (collection === 'audit_outbox_mark' && method === 'findOne') looks++;
  });
  await sleep(4_000);
  // Every 100 ms that would be 40 looks; doubling while idle: 100, 200, 400, … 3,000 ms.
  t.true(looks >= 3 && looks <= 8, `${looks} looks in 4 s of idling`);

  const resource = { type: 'session', id: `idle-${randomUUID().slice(0, 8)}` };
  const emitted = Date.now();
  await outbox.emit({ action: 'auth.logout', resource }, { principal: { type: 'service', id: 'emitter' }, requestId: randomUUID() });
  const recorded = async () =>
    (await h.client.call.Query({ filter: { resource_id: resource.id }, page: { limit: 10 } }, asAdmin)).items.length === 1;
  t.true(await eventually(recorded, 2_000, 50), 'delivered');
  t.true(Date.now() - emitted < 2_000, 'without waiting for the idle relay');
  t.is(await outbox.pending(), 0);
});
