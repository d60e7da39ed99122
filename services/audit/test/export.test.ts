import test from 'ava';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { AuditClient } from '@tollgate/proto/gen/tollgate/audit/v1/Audit';
import { asAdmin, asMember, asService, event, exportText, grpcCode, parseCsv, sleep, startAudit, type AuditHarness } from './helpers.js';

let h: AuditHarness;

test.before(async () => {
  h = await startAudit({ AUDIT_EXPORT_CHUNK_BYTES: '4096' });
});
test.after.always(async () => {
  await h?.close();
});

const awkward = 'Mozilla/5.0 (X11; "quoted", comma)\r\nsecond line';

test('when events are exported as NDJSON, then each line parses back to the event, oldest first', async (t) => {
  const tag = randomUUID().slice(0, 8);
  const events = [
    event(tag, { user_agent: awkward, details_json: JSON.stringify({ reason: 'unknown_user', note: 'line\nbreak' }) }),
    event(tag, { outcome: 'failure', ip: '' }),
    event(tag, { action: 'auth.logout' }),
  ];
  await h.client.call.RecordBatch({ events }, asService());

  const { text } = await exportText(h.client, { filter: { actor_id: `user-${tag}` }, format: 'ndjson' }, asAdmin);

  t.true(text.endsWith('\n'));
  const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l));
  t.deepEqual(lines.map((l) => l.id), events.map((e) => e.id));
  t.like(lines[0], {
    id: events[0].id,
    at: events[0].at,
    actor: { type: 'user', id: `user-${tag}` },
    action: 'auth.login.succeeded',
    resource: events[0].resource,
    outcome: 'success',
    ip: '203.0.113.7',
    user_agent: awkward,
    details: { reason: 'unknown_user', note: 'line\nbreak' },
    source: 'identity',
  });
  t.regex(lines[0].hash, /^[0-9a-f]{64}$/);
  t.is(lines[1].prev_hash, lines[0].hash, 'consecutive events of one batch are linked');
  t.is(lines[1].ip, null, 'unset optional fields are null, as in the REST API');
});

test('when events are exported as CSV, then a header comes first and every field survives quoting', async (t) => {
  const tag = randomUUID().slice(0, 8);
  const events = [
    event(tag, { user_agent: awkward, details_json: JSON.stringify({ q: 'say "hi", then leave' }) }),
    event(tag, { actor: { type: 'user', id: `user-${tag}` }, resource: { type: 'user', id: '=HYPERLINK("http://evil")' } }),
  ];
  await h.client.call.RecordBatch({ events }, asService());

  const { text } = await exportText(h.client, { filter: { actor_id: `user-${tag}` }, format: 'csv' }, asAdmin);
  const [header, ...rows] = parseCsv(text);

  t.deepEqual(header, [
    'id', 'seq', 'at', 'source', 'actor_type', 'actor_id', 'action', 'resource_type', 'resource_id',
    'outcome', 'ip', 'user_agent', 'request_id', 'details_json', 'prev_hash', 'hash',
  ]);
  t.is(rows.length, 2);
  const record = (row: string[]) => Object.fromEntries(header.map((k, i) => [k, row[i]]));
  const first = record(rows[0]);
  t.is(first.id, events[0].id);
  t.is(first.user_agent, awkward);
  t.deepEqual(JSON.parse(first.details_json), { q: 'say "hi", then leave' });
  t.is(first.at, events[0].at);
  // A cell a spreadsheet would evaluate is neutralised.
  t.is(record(rows[1]).resource_id, `'=HYPERLINK("http://evil")`);
});

test('when a large export is read slowly, then it arrives whole in many chunks', async (t) => {
  const actor = { type: 'service', id: `bulk-${randomUUID().slice(0, 8)}` };
  const total = 1_500;
  for (let i = 0; i < total; i += 500) {
    await h.client.call.RecordBatch({ events: Array.from({ length: 500 }, () => event('bulk', { actor })) }, asService());
  }

  const stream = (h.client.raw as AuditClient).Export(
    { filter: { actor_id: actor.id }, format: 'ndjson' },
    h.client.metadata(asAdmin),
    { deadline: Date.now() + 60_000 },
  );
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    stream.on('data', (c: { data: Buffer }) => {
      chunks.push(c.data);
      // A slow reader: pause after every few chunks, so the server must wait for drain.
      if (chunks.length % 5 === 0) {
        stream.pause();
        setTimeout(() => stream.resume(), 20);
      }
    });
    stream.on('error', reject);
    stream.on('end', resolve);
  });
  await done;

  const lines = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
  t.is(lines.length, total);
  t.true(chunks.length > 10, `${chunks.length} chunks`);
  const seqs = lines.map((l) => (JSON.parse(l) as { seq: number }).seq);
  t.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
});

test('when a client abandons an export, then the service carries on serving', async (t) => {
  const stream = (h.client.raw as AuditClient).Export({ format: 'csv' }, h.client.metadata(asAdmin), { deadline: Date.now() + 10_000 });
  const ended = new Promise<unknown>((resolve) => stream.on('error', resolve));
  await new Promise((resolve) => stream.once('data', resolve));
  stream.cancel();
  t.is(grpcCode(await ended), grpc.status.CANCELLED);
  await sleep(50);
  await t.notThrowsAsync(h.client.call.Query({ page: { limit: 1 } }, asAdmin));
});

test('when an export is taken, then it is recorded in the log with who took it', async (t) => {
  // Other tests of this file export at the same time: this one's event is told by its request id.
  const requestId = randomUUID();
  await exportText(h.client, { filter: { outcome: 'denied' }, format: 'csv' }, { ...asAdmin, requestId });
  const { items } = await h.client.call.Query({ filter: { action: 'audit.exported', actor_id: 'u-admin' } }, asAdmin);
  const ours = items.filter((e) => e.request_id === requestId);
  t.is(ours.length, 1);
  t.like(JSON.parse(ours[0].details_json), { format: 'csv', filter: { outcome: 'denied' } });
  t.is(ours[0].source, 'audit');
});

test('when the format is unknown or the caller is not an admin, then the export is refused', async (t) => {
  const badFormat = await t.throwsAsync(exportText(h.client, { format: 'xml' }, asAdmin));
  t.is(grpcCode(badFormat), grpc.status.INVALID_ARGUMENT);
  const denied = await t.throwsAsync(exportText(h.client, { format: 'ndjson' }, asMember));
  t.is(grpcCode(denied), grpc.status.PERMISSION_DENIED);
});
