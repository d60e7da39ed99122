import test from 'ava';
import { createHash } from 'node:crypto';
import { asAdmin, asService, event, startAudit } from './helpers.js';

// Each test tampers with its own log, so each gets its own service and database.
async function logOf(t: { teardown(fn: () => Promise<void>): void }, count: number, at?: (i: number) => string) {
  const h = await startAudit();
  t.teardown(() => h.close());
  const events = Array.from({ length: count }, (_, i) => event('chain', at ? { at: at(i) } : {}));
  await h.client.call.RecordBatch({ events }, asService());
  const collection = (await h.db()).collection<{ _id: string; seq: number }>('audit_events');
  return { h, events, collection };
}

test('when nothing was tampered with, then verify reports ok and how many events it checked', async (t) => {
  const { h } = await logOf(t, 12);
  t.deepEqual(await h.client.call.Verify({}, asAdmin), { ok: true, checked: 12, first_bad_id: '' });
});

test('when a stored event is modified in the database, then verify names it', async (t) => {
  const { h, events, collection } = await logOf(t, 10);
  await collection.updateOne({ _id: events[4].id }, { $set: { outcome: 'failure' } });

  const verdict = await h.client.call.Verify({}, asAdmin);
  t.deepEqual(verdict, { ok: false, checked: 5, first_bad_id: events[4].id });
});

test('when an event is modified and its hash recomputed, then the broken link to its successor is caught', async (t) => {
  const { h, events, collection } = await logOf(t, 6);
  await collection.updateOne({ _id: events[2].id }, { $set: { hash: createHash('sha256').update('forged').digest('hex') } });

  const verdict = await h.client.call.Verify({}, asAdmin);
  t.false(verdict.ok);
  t.true([events[2].id, events[3].id].includes(verdict.first_bad_id));
});

test('when an event is deleted from the database, then verify reports the event after the gap', async (t) => {
  const { h, events, collection } = await logOf(t, 8);
  await collection.deleteOne({ _id: events[3].id });

  const verdict = await h.client.call.Verify({}, asAdmin);
  t.deepEqual(verdict, { ok: false, checked: 4, first_bad_id: events[4].id });
});

test('when the first event is deleted, then verify reports the one that is now first', async (t) => {
  const { h, events, collection } = await logOf(t, 3);
  await collection.deleteOne({ _id: events[0].id });
  t.deepEqual(await h.client.call.Verify({}, asAdmin), { ok: false, checked: 1, first_bad_id: events[1].id });
});

test('when two events swap places in the chain, then verify catches the re-ordering', async (t) => {
  const { h, events, collection } = await logOf(t, 6);
  // Swap the seq of events 2 and 3 (through a free seq, the index is unique).
  await collection.updateOne({ _id: events[2].id }, { $set: { seq: 1_000_000 } });
  await collection.updateOne({ _id: events[3].id }, { $set: { seq: 3 } });
  await collection.updateOne({ _id: events[2].id }, { $set: { seq: 4 } });

  const verdict = await h.client.call.Verify({}, asAdmin);
  t.false(verdict.ok);
  t.is(verdict.first_bad_id, events[3].id);
});

test('when verify is given a time window, then it checks the events of that window linked to the one before', async (t) => {
  const base = Date.parse('2025-03-01T00:00:00Z');
  const { h, events, collection } = await logOf(t, 10, (i) => new Date(base + i * 60_000).toISOString());
  const window = { from: new Date(base + 3 * 60_000).toISOString(), to: new Date(base + 6 * 60_000).toISOString() };

  t.deepEqual(await h.client.call.Verify(window, asAdmin), { ok: true, checked: 4, first_bad_id: '' });

  // Tampering outside the window does not show in it; inside it does.
  await collection.updateOne({ _id: events[8].id }, { $set: { action: 'auth.logout' } });
  t.true((await h.client.call.Verify(window, asAdmin)).ok);
  await collection.deleteOne({ _id: events[2].id });
  t.deepEqual(await h.client.call.Verify(window, asAdmin), { ok: false, checked: 1, first_bad_id: events[3].id });
  t.false((await h.client.call.Verify({}, asAdmin)).ok);
  t.deepEqual(await h.client.call.Verify({ from: '2030-01-01T00:00:00Z' }, asAdmin), { ok: true, checked: 0, first_bad_id: '' });
});

test('when verification fails, then the failure is itself recorded in the log', async (t) => {
  const { h, events, collection } = await logOf(t, 4);
  await collection.updateOne({ _id: events[1].id }, { $set: { details_json: '{"n":0}' } });
  await h.client.call.Verify({}, asAdmin);

  const { items } = await h.client.call.Query({ filter: { action: 'audit.chain.broken' } }, asAdmin);
  t.is(items.length, 1);
  t.like(items[0], {
    outcome: 'failure',
    source: 'audit',
    resource: { type: 'audit_event', id: events[1].id },
    actor: { type: 'user', id: 'u-admin' },
  });
});
