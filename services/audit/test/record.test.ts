import test from 'ava';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { ASSERTION_METADATA_KEY, createServiceClient, ForbiddenError, mintAssertion, ValidationError } from '@tollgate/platform';
import { loadAudit } from '@tollgate/proto';
import { freePort } from '@tollgate/devkit';
import { asAdmin, asService, event, exportEvents, grpcCode, startAudit, type AuditHarness, type TestEvent } from './helpers.js';

let h: AuditHarness;
let metricsPort: number;

test.before(async () => {
  metricsPort = await freePort();
  h = await startAudit({ METRICS_PORT: String(metricsPort) });
});
test.after.always(async () => {
  await h?.close();
});

const GENESIS = '0'.repeat(64);

test('when a service records an event, then it gets a seq and hashes, and the same id again is stored once', async (t) => {
  const e = event('rec-once');
  const first = await h.client.call.Record(e, asService());
  const again = await h.client.call.Record({ ...e, action: 'auth.logout' }, asService());

  t.deepEqual(first, { id: e.id, duplicate: false });
  t.deepEqual(again, { id: e.id, duplicate: true });
  const stored = await h.client.call.Get({ id: e.id }, asAdmin);
  t.is(stored.action, 'auth.login.succeeded', 'the first copy is the one kept');
  t.true(stored.seq >= 1);
  t.regex(stored.hash, /^[0-9a-f]{64}$/);
  t.regex(stored.prev_hash, /^[0-9a-f]{64}$/);
  t.is(stored.source, 'identity');
  const { items } = await h.client.call.Query({ filter: { resource_id: e.resource!.id } }, asAdmin);
  t.is(items.length, 1);
});

test('when the first event is recorded on an empty log, then it has seq 1 and links to 64 zeros', async (t) => {
  const fresh = await startAudit();
  t.teardown(() => fresh.close());
  await fresh.client.call.RecordBatch({ events: [event('genesis'), event('genesis')] }, asService());

  const { items } = await fresh.client.call.Query({}, asAdmin);
  const [second, first] = items;
  t.is(first.seq, 1);
  t.is(first.prev_hash, GENESIS);
  t.is(second.seq, 2);
  t.is(second.prev_hash, first.hash);
});

test('when 50 RecordBatch calls with overlapping ids race, then each id is stored once, seq is contiguous and the chain verifies', async (t) => {
  const fresh = await startAudit();
  t.teardown(() => fresh.close());
  const pool = Array.from({ length: 120 }, () => event('race'));
  // Each batch takes 10 events from a sliding window, so every id is sent by several batches.
  const batches = Array.from({ length: 50 }, (_, i) => Array.from({ length: 10 }, (_, j) => pool[(i * 2 + j) % pool.length]));

  // The appends queue up behind one another: give the last in line time on a busy machine.
  const responses = await Promise.all(
    batches.map((events) => fresh.client.call.RecordBatch({ events }, { ...asService(), deadlineMs: 30_000 })),
  );

  const sentIds = new Set(batches.flat().map((e) => e.id));
  const firstTime = responses.flatMap((r) => r.results).filter((r) => !r.duplicate);
  t.is(firstTime.length, sentIds.size, 'exactly one response per id says "stored"');
  t.deepEqual(new Set(firstTime.map((r) => r.id)), sentIds);

  const seqs: number[] = [];
  let cursor = '';
  do {
    const page = await fresh.client.call.Query({ page: { limit: 100, cursor } }, asAdmin);
    seqs.push(...page.items.map((e) => e.seq));
    cursor = page.next_cursor;
  } while (cursor);
  t.is(seqs.length, sentIds.size);
  t.deepEqual(
    [...seqs].sort((a, b) => a - b),
    Array.from({ length: sentIds.size }, (_, i) => i + 1),
  );
  t.deepEqual(await fresh.client.call.Verify({}, asAdmin), { ok: true, checked: sentIds.size, first_bad_id: '' });
});

test('when two replicas take concurrent batches, some sent to both, then seqs are 1..N, each id is stored once, duplicates are reported and the chain verifies', async (t) => {
  const fresh = await startAudit();
  const replica = await fresh.stack.startReplica('audit');
  const replicaClient = createServiceClient(loadAudit().Audit, replica.addr, {
    issuer: 'test',
    secret: fresh.stack.secrets.SERVICE_TOKEN_SECRET,
  });
  t.teardown(async () => {
    replicaClient.close();
    await replica.stop();
    await fresh.close();
  });
  const clients = [fresh.client, replicaClient];
  const pools = [0, 1].map(() => Array.from({ length: 300 }, () => event('replicas')));
  const batchesOf = (events: TestEvent[]) => Array.from({ length: events.length / 20 }, (_, i) => events.slice(i * 20, i * 20 + 20));
  // Each replica gets its 300 events in batches of 20; ten more batches, each mixing both pools, go to both replicas.
  const sends = pools.flatMap((pool, r) => batchesOf(pool).map((events) => ({ to: [r], events })));
  for (let i = 0; i < 10; i++)
    sends.push({ to: [0, 1], events: [...pools[0].slice(i * 30, i * 30 + 5), ...pools[1].slice(i * 30, i * 30 + 5)] });
  const patient = { ...asService(), deadlineMs: 60_000 };

  const responses = await Promise.all(sends.flatMap((s) => s.to.map((r) => clients[r].call.RecordBatch({ events: s.events }, patient))));

  const all = [...pools[0], ...pools[1]];
  const results = responses.flatMap((r) => r.results);
  const storedIds = results.filter((r) => !r.duplicate).map((r) => r.id);
  t.is(storedIds.length, all.length, 'exactly one response per id says "stored"');
  t.deepEqual(storedIds.sort(), all.map((e) => e.id).sort());
  t.is(results.filter((r) => r.duplicate).length, results.length - all.length, 'every other copy is reported as a duplicate');

  for (const client of clients) {
    const { events: exported } = await exportEvents(client, { filter: { actor_id: 'user-replicas' } }, asAdmin);
    t.deepEqual(
      exported.map((e) => e.seq),
      Array.from({ length: all.length }, (_, i) => i + 1),
      'seqs 1..N without a gap, in order',
    );
    t.is(new Set(exported.map((e) => e.id)).size, all.length, 'each id once');
    t.true(
      exported.every((e, i) => i === 0 || e.prev_hash === exported[i - 1].hash),
      'each event links to the one before: no fork',
    );
  }
  t.deepEqual(
    await replicaClient.call.Verify({}, asAdmin),
    { ok: true, checked: all.length + 2, first_bad_id: '' },
    'the two exports are in the chain too',
  );
  const again = await fresh.client.call.RecordBatch({ events: all.slice(0, 100) }, patient);
  t.true(again.results.every((r) => r.duplicate));
});

test('when a batch repeats an id, then the first copy is stored and the repeat is reported as a duplicate', async (t) => {
  const e = event('in-batch');
  const { results } = await h.client.call.RecordBatch({ events: [e, { ...e, outcome: 'failure' }] }, asService());
  t.deepEqual(results, [
    { id: e.id, duplicate: false },
    { id: e.id, duplicate: true },
  ]);
  t.is((await h.client.call.Get({ id: e.id }, asAdmin)).outcome, 'success');
});

test('when an event is invalid, then Record is rejected naming the field and nothing is stored', async (t) => {
  const cases: [string, Partial<ReturnType<typeof event>>][] = [
    ['action', { action: 'Login' }],
    ['action', { action: 'auth' }],
    ['outcome', { outcome: 'maybe' }],
    ['actor.type', { actor: { type: 'robot', id: 'x' } }],
    ['actor', { actor: null }],
    ['resource', { resource: null }],
    ['resource.type', { resource: { type: 'Bad Type', id: '1' } }],
    ['details_json', { details_json: '[1,2]' }],
    ['details_json', { details_json: 'not json' }],
    ['details_json', { details_json: JSON.stringify({ blob: 'x'.repeat(17 * 1024) }) }],
    ['id', { id: '' }],
    ['id', { id: 'a'.repeat(200) }],
    ['at', { at: 'yesterday' }],
    ['resource.id', { resource: { type: 'user', id: 'x'.repeat(300) } }],
  ];
  for (const [field, overrides] of cases) {
    const e = event('invalid', overrides);
    const err = await t.throwsAsync(h.client.call.Record(e, asService()), { instanceOf: ValidationError }, field);
    t.truthy(err?.details?.[field], `names ${field}: ${JSON.stringify(err?.details)}`);
  }
  const { items } = await h.client.call.Query({ filter: { actor_id: 'user-invalid' } }, asAdmin);
  t.is(items.length, 0);
});

test('when one event of a batch is invalid, then the whole batch is rejected and none of it is stored', async (t) => {
  const good = event('bad-batch');
  const bad = event('bad-batch', { outcome: 'perhaps' });
  const err = await t.throwsAsync(h.client.call.RecordBatch({ events: [good, bad] }, asService()), { instanceOf: ValidationError });
  t.truthy(err?.details?.['events[1].outcome']);
  await t.throwsAsync(h.client.call.Get({ id: good.id }, asAdmin), { message: /not found/i });
});

test('when details carry secrets, then they are redacted before the event is stored', async (t) => {
  const e = event('secrets', {
    details_json: JSON.stringify({
      reason: 'bad_password',
      password: 'hunter2',
      nested: { api_key: 'sk-live-123', Authorization: 'Bearer abc', refresh_token: 'r1', token_id: 'tok_1' },
      headers: [{ cookie: 'sid=1' }],
      leaked: 'tg_pat_abcdef0123456789',
      clientSecret: 's3cr3t',
    }),
  });
  await h.client.call.Record(e, asService());

  const stored = await h.client.call.Get({ id: e.id }, asAdmin);
  t.notRegex(stored.details_json, /hunter2|sk-live|Bearer abc|r1"|sid=1|tg_pat_|s3cr3t/);
  t.deepEqual(JSON.parse(stored.details_json), {
    reason: 'bad_password',
    password: '[redacted]',
    nested: { api_key: '[redacted]', Authorization: '[redacted]', refresh_token: '[redacted]', token_id: 'tok_1' },
    headers: [{ cookie: '[redacted]' }],
    leaked: '[redacted]',
    clientSecret: '[redacted]',
  });
});

test('when an emitter names another source, then the stored source is the calling service', async (t) => {
  const e = { ...event('source'), source: 'budget', seq: 999, hash: 'f'.repeat(64), prev_hash: 'e'.repeat(64) };
  await h.client.call.Record(e, asService('token'));
  const stored = await h.client.call.Get({ id: e.id }, asAdmin);
  t.is(stored.source, 'token');
  t.not(stored.seq, 999);
  t.not(stored.hash, 'f'.repeat(64));
});

test('when a user, an API token or an agent calls Record or RecordBatch, then it is PERMISSION_DENIED', async (t) => {
  const callers = [
    asAdmin,
    { principal: { type: 'token' as const, id: 'u-admin', role: 'admin' as const, scopes: ['audit:read' as const], tokenId: 't1' } },
    { principal: { type: 'agent' as const, id: 'agent-1', scopes: ['usage:write' as const] } },
  ];
  for (const caller of callers) {
    const e = event('forbidden');
    await t.throwsAsync(h.client.call.Record(e, caller), { instanceOf: ForbiddenError });
    await t.throwsAsync(h.client.call.RecordBatch({ events: [e] }, caller), { instanceOf: ForbiddenError });
  }
  const { items } = await h.client.call.Query({ filter: { actor_id: 'user-forbidden' } }, asAdmin);
  t.is(items.length, 0);
});

test('when a bare gRPC call carries no or a forged assertion, then it is UNAUTHENTICATED', async (t) => {
  const raw = new (loadAudit().Audit)(h.stack.addrs.audit, grpc.credentials.createInsecure());
  t.teardown(() => raw.close());
  const call = (md: grpc.Metadata) =>
    new Promise((resolve, reject) =>
      raw.Record(event('bare'), md, { deadline: Date.now() + 5_000 }, (err, res) => (err ? reject(err) : resolve(res))),
    );

  const bare = await t.throwsAsync(call(new grpc.Metadata()));
  t.is(grpcCode(bare), grpc.status.UNAUTHENTICATED);

  const forged = new grpc.Metadata();
  forged.set(ASSERTION_METADATA_KEY, mintAssertion({ type: 'service', id: 'identity' }, 'not-the-secret-not-the-secret-xx', 'evil'));
  const err = await t.throwsAsync(call(forged));
  t.is(grpcCode(err), grpc.status.UNAUTHENTICATED);

  const streamed = await t.throwsAsync(
    new Promise((resolve, reject) => {
      const stream = raw.Export({}, new grpc.Metadata(), { deadline: Date.now() + 5_000 });
      stream.on('data', () => undefined);
      stream.on('error', reject);
      stream.on('end', resolve);
    }),
  );
  t.is(grpcCode(streamed), grpc.status.UNAUTHENTICATED, 'a streaming call is refused at once, not left to time out');
});

test('when events are recorded, then the metrics count them by action and outcome', async (t) => {
  const action = `metric.probe_${randomUUID().slice(0, 8)}`;
  await h.client.call.RecordBatch(
    { events: [event('metrics', { action }), event('metrics', { action }), event('metrics', { action, outcome: 'denied' })] },
    asService(),
  );
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  const body = await res.text();
  t.regex(body, new RegExp(`audit_events_recorded_total\\{action="${action.replace('.', '\\.')}",outcome="success"[^}]*\\} 2`));
  t.regex(body, new RegExp(`audit_events_recorded_total\\{action="${action.replace('.', '\\.')}",outcome="denied"[^}]*\\} 1`));
});
