import test from 'ava';
import { createServiceClient } from '@tollgate/platform';
import { loadAudit } from '@tollgate/proto';
import { asAdmin, asService, event, eventually, exportEvents, startAudit } from './helpers.js';

// A hot period of two seconds, archiving every 200 ms: pages move to the archive during the test.
const HOT_DAYS = String(2 / 86_400);

test('when old pages move to the archive, then Get, Query, Verify, Export and idempotency work across the boundary, and a new replica appends after it', async (t) => {
  const h = await startAudit({ AUDIT_HOT_DAYS: HOT_DAYS, AUDIT_ARCHIVE_INTERVAL_MS: '200' });
  t.teardown(() => h.close());
  const base = Date.now() - 3_600_000;
  const events = Array.from({ length: 600 }, (_, i) => event('archive', { at: new Date(base + i * 1_000).toISOString() }));
  for (let i = 0; i < events.length; i += 200) await h.client.call.RecordBatch({ events: events.slice(i, i + 200) }, asService());

  // Seqs 1-511 (pages 0 and 1) can move once old; page 2 holds the head and stays.
  const db = await h.db();
  t.true(
    await eventually(async () => (await db.collection('audit_archived_pages').countDocuments({})) === 2, 15_000),
    'two pages archived',
  );
  // A page is removed from the hot log just after its marker is written: wait for that too.
  t.true(
    await eventually(async () => (await db.collection('audit_events').countDocuments({})) === 600 - 511, 15_000),
    'gone from the hot log',
  );
  t.is(await db.collection('audit_events_archive').countDocuments({}), 511);

  const archivedOne = events[10];
  t.is((await h.client.call.Get({ id: archivedOne.id }, asAdmin)).seq, 11);
  const seqs: number[] = [];
  let cursor = '';
  do {
    const page = await h.client.call.Query({ filter: { actor_id: 'user-archive' }, page: { limit: 100, cursor } }, asAdmin);
    seqs.push(...page.items.map((e) => e.seq));
    cursor = page.next_cursor;
  } while (cursor);
  t.deepEqual(
    seqs,
    Array.from({ length: 600 }, (_, i) => 600 - i),
    'newest first, every event once, across the boundary',
  );
  const window = { from: new Date(base + 450_000).toISOString(), to: new Date(base + 549_000).toISOString() };
  t.deepEqual(await h.client.call.Verify(window, asAdmin), { ok: true, checked: 100, first_bad_id: '' }, 'a window across the boundary');
  const windowed = await h.client.call.Query({ filter: window, page: { limit: 100 } }, asAdmin);
  t.deepEqual(
    windowed.items.map((e) => e.seq),
    Array.from({ length: 100 }, (_, i) => 550 - i),
  );
  t.deepEqual(await h.client.call.Verify({}, asAdmin), { ok: true, checked: 600, first_bad_id: '' });

  const resent = await h.client.call.RecordBatch({ events: [events[0], events[300], events[599]] }, asService());
  t.true(
    resent.results.every((r) => r.duplicate),
    'a re-sent archived or hot event is a duplicate',
  );

  // A replica that starts now finds the head past the archive and links to it.
  const replica = await h.stack.startReplica('audit');
  const replicaClient = createServiceClient(loadAudit().Audit, replica.addr, {
    issuer: 'test',
    secret: h.stack.secrets.SERVICE_TOKEN_SECRET,
  });
  t.teardown(async () => {
    replicaClient.close();
    await replica.stop();
  });
  const later = event('archive');
  await replicaClient.call.Record(later, asService());
  t.is((await replicaClient.call.Get({ id: later.id }, asAdmin)).seq, 601);

  const { events: exported } = await exportEvents(replicaClient, { filter: { actor_id: 'user-archive' } }, asAdmin);
  t.deepEqual(
    exported.map((e) => e.id),
    [...events, later].map((e) => e.id),
    'the export reads the archive, then the hot log, in chain order',
  );
  t.true((await replicaClient.call.Verify({}, asAdmin)).ok);
});
