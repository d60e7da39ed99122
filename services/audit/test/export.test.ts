import test from 'ava';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { AuditClient } from '@tollgate/proto/gen/tollgate/audit/v1/Audit';
import type { ExportChunk__Output } from '@tollgate/proto/gen/tollgate/audit/v1/ExportChunk';
import { asAdmin, asMember, asService, event, exportEvents, grpcCode, sleep, startAudit, type AuditHarness } from './helpers.js';

let h: AuditHarness;

test.before(async () => {
  h = await startAudit({ AUDIT_EXPORT_CHUNK_BYTES: '4096' });
});
test.after.always(async () => {
  await h?.close();
});

const awkward = 'Mozilla/5.0 (X11; "quoted", comma)\r\nsecond line';

test('when events are exported, then they come oldest first as the same messages Get answers with', async (t) => {
  const tag = randomUUID().slice(0, 8);
  const events = [
    event(tag, { user_agent: awkward, details_json: JSON.stringify({ reason: 'unknown_user', note: 'line\nbreak' }) }),
    event(tag, { outcome: 'failure', ip: '' }),
    event(tag, { action: 'auth.logout' }),
  ];
  await h.client.call.RecordBatch({ events }, asService());

  const { events: exported } = await exportEvents(h.client, { filter: { actor_id: `user-${tag}` } }, asAdmin);

  t.deepEqual(
    exported.map((e) => e.id),
    events.map((e) => e.id),
  );
  for (const e of exported) t.deepEqual(e, await h.client.call.Get({ id: e.id }, asAdmin), e.id);
  t.like(exported[0], {
    at: events[0].at,
    actor: { type: 'user', id: `user-${tag}` },
    user_agent: awkward,
    source: 'identity',
  });
  t.deepEqual(JSON.parse(exported[0].details_json), { reason: 'unknown_user', note: 'line\nbreak' });
  t.is(exported[1].prev_hash, exported[0].hash, 'consecutive events of one batch are linked');
  t.is(exported[1].ip, '');
});

test('when a large export is read slowly, then it arrives whole in many batches of about the configured size', async (t) => {
  const actor = { type: 'service', id: `bulk-${randomUUID().slice(0, 8)}` };
  const total = 1_500;
  for (let i = 0; i < total; i += 500) {
    await h.client.call.RecordBatch({ events: Array.from({ length: 500 }, () => event('bulk', { actor })) }, asService());
  }

  const stream = (h.client.raw as AuditClient).Export({ filter: { actor_id: actor.id } }, h.client.metadata(asAdmin), {
    deadline: Date.now() + 60_000,
  });
  const chunks: ExportChunk__Output[] = [];
  const done = new Promise<void>((resolve, reject) => {
    stream.on('data', (c: ExportChunk__Output) => {
      chunks.push(c);
      // A slow reader: pause after every few batches, so the server must wait for drain.
      if (chunks.length % 5 === 0) {
        stream.pause();
        setTimeout(() => stream.resume(), 20);
      }
    });
    stream.on('error', reject);
    stream.on('end', resolve);
  });
  await done;

  const seqs = chunks.flatMap((c) => c.events.map((e) => e.seq));
  t.is(seqs.length, total);
  t.deepEqual(
    seqs,
    [...seqs].sort((a, b) => a - b),
  );
  t.true(chunks.length > 10, `${chunks.length} batches`);
  // A batch is sent once it reaches the size: without its last event it was still below it.
  const sizeOf = (events: object[]) => events.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0);
  t.true(chunks.every((c) => c.events.length > 0 && sizeOf(c.events.slice(0, -1)) < 4096));
});

test('when a client abandons an export, then the service carries on serving', async (t) => {
  const stream = (h.client.raw as AuditClient).Export({}, h.client.metadata(asAdmin), { deadline: Date.now() + 10_000 });
  const ended = new Promise<unknown>((resolve) => stream.on('error', resolve));
  await new Promise((resolve) => stream.once('data', resolve));
  stream.cancel();
  t.is(grpcCode(await ended), grpc.status.CANCELLED);
  await sleep(50);
  await t.notThrowsAsync(h.client.call.Query({ page: { limit: 1 } }, asAdmin));
});

test('when an export is taken, then it is recorded in the log with who took it and the format it is for', async (t) => {
  // Other tests of this file export at the same time: this one's event is told by its request id.
  const requestId = randomUUID();
  await exportEvents(h.client, { filter: { outcome: 'denied' }, requested_format: 'csv' }, { ...asAdmin, requestId });
  const { items } = await h.client.call.Query({ filter: { action: 'audit.exported', actor_id: 'u-admin' } }, asAdmin);
  const ours = items.filter((e) => e.request_id === requestId);
  t.is(ours.length, 1);
  t.deepEqual(JSON.parse(ours[0].details_json), { format: 'csv', filter: { outcome: 'denied' } });
  t.is(ours[0].source, 'audit');
});

test('when the format label is malformed or the caller is not an admin, then the export is refused', async (t) => {
  for (const label of ['XML', 'csv;drop', 'x'.repeat(17)]) {
    const badFormat = await t.throwsAsync(exportEvents(h.client, { requested_format: label }, asAdmin));
    t.is(grpcCode(badFormat), grpc.status.INVALID_ARGUMENT, label);
  }
  const denied = await t.throwsAsync(exportEvents(h.client, { requested_format: 'ndjson' }, asMember));
  t.is(grpcCode(denied), grpc.status.PERMISSION_DENIED);
});
