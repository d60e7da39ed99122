import test from 'ava';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { startStack, type Stack } from '../support/stack.js';
import { testEnv } from '../support/env.js';
import { createUserAndLogin, loginAsAdmin, type Session } from '../support/session.js';
import { parseCsv } from '../support/csv.js';

// The audit API through the real HTTPS gateway, identity emitting real login events.
// Serial: the last test tampers with the log.
let stack: Stack;
let admin: Session;
let member: Session;
let manager: Session;

test.before(async () => {
  stack = await startStack({ services: ['audit', 'identity', 'token'] });
  admin = await loginAsAdmin(stack);
  member = await createUserAndLogin(stack, admin, 'member');
  manager = await createUserAndLogin(stack, admin, 'manager');
});
test.after.always(() => stack?.close());

interface ApiEvent {
  id: string;
  seq: number;
  at: string;
  actor: { type: string; id: string | null };
  action: string;
  resource: { type: string; id: string | null };
  outcome: string;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  source: string;
  details: Record<string, unknown>;
  hash: string;
  prev_hash: string;
}

const get = (path: string, session: Session = admin) => stack.http.get(path, { token: session.access_token });

/** Polls a listing until `ready` holds: services deliver their events through an outbox. */
async function eventsWhen(path: string, ready: (items: ApiEvent[]) => boolean, timeoutMs = 15_000): Promise<ApiEvent[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await get(path);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`);
    const items = res.body.items as ApiEvent[];
    if (ready(items) || Date.now() > until) return items;
    await new Promise((r) => setTimeout(r, 250));
  }
}

test.serial('when someone other than an admin reads the audit log, then it is 403; without credentials 401', async (t) => {
  const paths = ['/v1/audit/events', `/v1/audit/events/${randomUUID()}`, '/v1/audit/verify', '/v1/audit/export?format=csv'];
  for (const path of paths) {
    for (const session of [member, manager]) {
      const res = await get(path, session);
      t.is(res.status, 403, `${session.user.role} ${path}`);
      t.is(res.body.error.code, 'forbidden');
    }
    const anonymous = await stack.http.get(path);
    t.is(anonymous.status, 401, path);
    t.is(anonymous.body.error.code, 'unauthenticated');
  }
  // The denial itself is audited.
  const denied = await eventsWhen(`/v1/audit/events?action=authz.denied&actor_id=${member.user.id}`, (items) => items.length >= 4);
  t.true(denied.length >= 4);
  t.is(denied[0].outcome, 'denied');
});

test.serial('when an API token reads the log, then it needs an admin owner and the audit:read scope', async (t) => {
  const mint = async (session: Session, scopes: string[]) => {
    const res = await stack.http.post('/v1/tokens', {
      token: session.access_token,
      json: { name: `audit-${randomUUID().slice(0, 6)}`, scopes },
    });
    if (res.status !== 201) throw new Error(`token: ${res.status} ${res.text}`);
    return res.body.token as string;
  };
  const reader = await mint(admin, ['audit:read']);
  const other = await mint(admin, ['tokens:read']);
  const memberToken = await mint(member, ['tokens:read']);

  const ok = await stack.http.get('/v1/audit/events?limit=1', { token: reader });
  t.is(ok.status, 200);
  t.is((await stack.http.get('/v1/audit/verify', { token: reader })).status, 200);
  const noScope = await stack.http.get('/v1/audit/events', { token: other });
  t.is(noScope.status, 403);
  t.is(noScope.body.error.code, 'insufficient_scope');
  t.is((await stack.http.get('/v1/audit/events', { token: memberToken })).status, 403);
});

test.serial('when an admin filters events, then only matching ones come back, newest first, page by page', async (t) => {
  const requestId = `e2e-${randomUUID()}`;
  const failed = await stack.http.post('/v1/auth/login', {
    json: { email: 'nobody@example.test', password: 'wrong-password-123' },
    headers: { 'x-request-id': requestId, 'user-agent': 'audit-e2e/1.0' },
  });
  t.is(failed.status, 401);

  const byFailure = await eventsWhen('/v1/audit/events?action=auth.login.failed&outcome=failure', (items) =>
    items.some((e) => e.request_id === requestId),
  );
  const event = byFailure.find((e) => e.request_id === requestId);
  t.truthy(event, 'the failed login arrives in the log');
  t.like(event, { action: 'auth.login.failed', outcome: 'failure', source: 'identity', user_agent: 'audit-e2e/1.0' });
  t.true(byFailure.every((e) => e.action === 'auth.login.failed' && e.outcome === 'failure'));
  t.false(JSON.stringify(event).includes('wrong-password-123'), 'never the password');
  t.regex(event!.hash, /^[0-9a-f]{64}$/);

  const mine = await eventsWhen(`/v1/audit/events?actor_id=${member.user.id}&action=auth.login.succeeded`, (items) => items.length >= 1);
  t.true(mine.length >= 1);
  t.true(mine.every((e) => e.actor.id === member.user.id && e.action === 'auth.login.succeeded'));

  const all = (await get('/v1/audit/events?limit=100')).body.items as ApiEvent[];
  t.deepEqual(
    all.map((e) => e.seq),
    [...all.map((e) => e.seq)].sort((a, b) => b - a),
    'newest first',
  );

  const first = await get('/v1/audit/events?limit=2');
  t.is(first.body.items.length, 2);
  t.is(typeof first.body.next_cursor, 'string');
  const second = await get(`/v1/audit/events?limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`);
  t.true(second.body.items[0].seq < first.body.items[1].seq);

  const future = await get(`/v1/audit/events?from=${encodeURIComponent('2100-01-01T00:00:00Z')}`);
  t.deepEqual(future.body, { items: [], next_cursor: null });

  const got = await get(`/v1/audit/events/${event!.id}`);
  t.is(got.status, 200);
  t.deepEqual(got.body, event);
  t.is((await get(`/v1/audit/events/${randomUUID()}`)).status, 404);
});

test.serial('when a filter is malformed, then it is 400 validation_failed naming the field', async (t) => {
  for (const [query, field] of [
    ['outcome=maybe', 'outcome'],
    ['from=yesterday', 'from'],
    ['limit=500', 'limit'],
    ['actor_id=a&actor_id=b', 'actor_id'],
  ]) {
    const res = await get(`/v1/audit/events?${query}`);
    t.is(res.status, 400, query);
    t.is(res.body.error.code, 'validation_failed');
    t.truthy(res.body.error.details[field], `${query}: ${res.text}`);
  }
  t.is((await get('/v1/audit/export?format=xml')).status, 400);
});

test.serial(
  'when an admin exports the log, then NDJSON lines are the events as the API lists them, CSV rows are neutralised, and the export is audited',
  async (t) => {
    const ndjson = await get(`/v1/audit/export?format=ndjson&actor_id=${admin.user.id}`);
    t.is(ndjson.status, 200);
    t.regex(String(ndjson.headers['content-type']), /^application\/x-ndjson/);
    t.regex(String(ndjson.headers['content-disposition']), /^attachment; filename="audit-.*\.ndjson"$/);
    t.is(ndjson.headers['cache-control'], 'no-store');
    const lines = ndjson.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as ApiEvent);
    t.true(lines.length >= 2, 'the admin logged in and created users');
    t.true(lines.every((e) => e.actor.id === admin.user.id));
    t.deepEqual(
      lines.map((e) => e.seq),
      [...lines.map((e) => e.seq)].sort((a, b) => a - b),
      'oldest first',
    );
    const listed = await eventsWhen(`/v1/audit/events?actor_id=${admin.user.id}&limit=100`, (items) =>
      lines.every((l) => items.some((e) => e.id === l.id)),
    );
    for (const line of lines)
      t.deepEqual(
        line,
        listed.find((e) => e.id === line.id),
        `an NDJSON line is the event as the API lists it: ${line.action}`,
      );

    // A client-controlled value that a spreadsheet would run as a formula.
    const formula = '=HYPERLINK("http://evil.example","click"),1';
    const requestId = `e2e-${randomUUID()}`;
    const failed = await stack.http.post('/v1/auth/login', {
      json: { email: 'nobody@example.test', password: 'wrong-password-123' },
      headers: { 'x-request-id': requestId, 'user-agent': formula },
    });
    t.is(failed.status, 401);
    await eventsWhen('/v1/audit/events?action=auth.login.failed', (items) => items.some((e) => e.request_id === requestId));

    const csv = await get('/v1/audit/export?format=csv&action=auth.login.failed');
    t.is(csv.status, 200);
    t.regex(String(csv.headers['content-type']), /^text\/csv/);
    t.regex(String(csv.headers['content-disposition']), /^attachment; filename="audit-.*\.csv"$/);
    const [header, ...rows] = parseCsv(csv.text);
    t.deepEqual(header, [
      'id',
      'seq',
      'at',
      'source',
      'actor_type',
      'actor_id',
      'action',
      'resource_type',
      'resource_id',
      'outcome',
      'ip',
      'user_agent',
      'request_id',
      'details_json',
      'prev_hash',
      'hash',
    ]);
    const records = rows.map((row) => Object.fromEntries(header.map((k, i) => [k, row[i]])));
    t.true(records.length >= 2, 'both failed logins');
    t.true(records.every((r) => r.action === 'auth.login.failed'));
    const ours = records.find((r) => r.request_id === requestId);
    t.is(ours?.user_agent, `'${formula}`, 'the formula is neutralised with a leading quote');
    const event = (await get(`/v1/audit/events/${ours?.id}`)).body as ApiEvent;
    t.like(ours, {
      seq: String(event.seq),
      at: event.at,
      outcome: 'failure',
      source: 'identity',
      hash: event.hash,
      prev_hash: event.prev_hash,
    });
    t.deepEqual(JSON.parse(ours!.details_json), event.details);

    // Both exports are on record, with the format asked for and the filter.
    const exported = await eventsWhen(`/v1/audit/events?action=audit.exported&actor_id=${admin.user.id}`, (items) => items.length >= 2);
    t.like(exported[0], {
      source: 'audit',
      resource: { type: 'audit_log', id: null },
      details: { format: 'csv', filter: { action: 'auth.login.failed' } },
    });
    t.like(exported[1], { details: { format: 'ndjson', filter: { actor_id: admin.user.id } } });
  },
);

test.serial('when the OpenAPI document is fetched, then it documents the audit routes', async (t) => {
  const { body } = await stack.http.get('/openapi.json');
  for (const path of ['/v1/audit/events', '/v1/audit/events/{id}', '/v1/audit/verify', '/v1/audit/export'])
    t.truthy(body.paths[path]?.get, path);
  t.truthy(body.components.schemas.AuditEvent);
});

test.serial('when the stored log is tampered with, then verify through the API reports the first bad event', async (t) => {
  const before = await get('/v1/audit/verify');
  t.is(before.status, 200);
  t.like(before.body, { ok: true, first_bad_id: null });
  t.true(before.body.checked >= 3);

  const items = (await get('/v1/audit/events?limit=100')).body.items as ApiEvent[];
  const victim = items[Math.floor(items.length / 2)];
  const conn = await mongoose.createConnection(testEnv.mongoUrl, { dbName: stack.env.audit.MONGO_DB }).asPromise();
  t.teardown(() => conn.close());
  await conn
    .collection<{ _id: string }>('audit_events')
    .updateOne({ _id: victim.id }, { $set: { outcome: 'success', action: 'auth.logout' } });

  const after = await get('/v1/audit/verify');
  t.is(after.status, 200);
  t.deepEqual(after.body, { ok: false, checked: victim.seq, first_bad_id: victim.id });

  const windowed = await get(`/v1/audit/verify?from=${encodeURIComponent('2100-01-01T00:00:00Z')}`);
  t.deepEqual(windowed.body, { ok: true, checked: 0, first_bad_id: null });
});
