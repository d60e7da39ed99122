import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import test from 'ava';
import mongoose from 'mongoose';
import type { Stack } from '../support/stack.js';
import { chatRequest, createAgent, patOf, people, startMoneyStack, type People } from '../support/factories.js';
import { eventually, sleep } from '../support/eventually.js';
import { testEnv } from '../support/env.js';
// The receiver docs/webhooks.md shows: its tests are these.
import { createReceiver, verifyTollgateSignature } from '../../docs/examples/webhook-receiver.mjs';

// Webhooks through the gateway: endpoints registered by admins, events of the audit log delivered
// to a real HTTP receiver (docs/examples/webhook-receiver.mjs), signed; retries, dead letters and
// redelivery with the delays of a test (RETRY_FOR_MS instead of a day).
const RETRY_FOR_MS = 1_500;
let stack: Stack;
let p: People;

interface Received {
  id: string;
  type: string;
  created_at: string;
  data: { actor: { type: string; id: string }; resource: { type: string; id: string }; details: Record<string, unknown> };
}

/** A receiver on loopback that answers `status()` (the docs' receiver when it is 204). */
async function receiver(secret: string, status: () => number = () => 204) {
  const events: Received[] = [];
  const headers: Record<string, string | string[] | undefined>[] = [];
  const verified = createReceiver(secret, (e: Received) => events.push(e));
  const server: Server = (await import('node:http')).createServer((req, res) => {
    headers.push(req.headers);
    if (status() === 204) {
      verified.emit('request', req, res);
      return;
    }
    req.resume();
    req.on('end', () => res.writeHead(status()).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, events, headers, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const rotateKey = async (name: string) => {
  const key = await stack.http.post('/v1/provider-keys', {
    token: p.admin.access_token,
    json: { provider: 'openai', name, api_key: 'sk-live-webhooks-0123456789abcdef' },
  });
  const res = await stack.http.post(`/v1/provider-keys/${key.body.id}/rotate`, {
    token: p.admin.access_token,
    json: { api_key: 'sk-live-webhooks-fedcba9876543210' },
  });
  if (res.status !== 200) throw new Error(`rotate answered ${res.status}`);
  return key.body.id as string;
};

const register = (json: Record<string, unknown>, token = p.admin.access_token) => stack.http.post('/v1/webhooks', { token, json });

test.before(async () => {
  stack = await startMoneyStack({
    audit: { WEBHOOK_POLL_MS: '100', WEBHOOK_BACKOFF_MS: '100', WEBHOOK_RETRY_FOR_MS: String(RETRY_FOR_MS) },
  });
  p = await people(stack);
});
test.after.always(() => stack?.close());

test.serial('when an admin registers an endpoint, then 201 shows its secret once, and only admins may', async (t) => {
  const res = await register({ url: 'https://hooks.example.com/tollgate', events: ['provider_key.rotated'], description: 'ops' });
  t.is(res.status, 201);
  t.regex(res.body.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
  t.like(res.body.webhook, {
    url: 'https://hooks.example.com/tollgate',
    events: ['provider_key.rotated'],
    enabled: true,
    description: 'ops',
  });
  t.regex(res.body.webhook.id, /^whk_/);
  const got = await stack.http.get(`/v1/webhooks/${res.body.webhook.id}`, { token: p.admin.access_token });
  t.is(got.status, 200);
  t.false(got.text.includes(res.body.secret), 'the secret is never shown again');
  t.like(got.body.delivery, { retrying_event_id: null, dead_letters: 0 });
  const listed = await stack.http.get('/v1/webhooks', { token: p.admin.access_token });
  t.true(listed.body.items.some((w: { id: string }) => w.id === res.body.webhook.id));
  t.false(listed.text.includes(res.body.secret));

  for (const token of [p.manager.access_token, p.member.access_token, await patOf(stack, p.admin, ['webhooks:read'])]) {
    t.is((await register({ url: 'https://hooks.example.com/x', events: ['budget.threshold'] }, token)).status, 403);
  }
  const audit = await eventually(
    async () =>
      (await stack.http.get(`/v1/audit/events?action=webhook.created&resource_id=${res.body.webhook.id}`, { token: p.admin.access_token }))
        .body,
    (b) => b.items.length === 1,
  );
  t.like(audit.items[0], { actor: { type: 'user', id: p.admin.user.id }, outcome: 'success' });
  t.is((await stack.http.delete(`/v1/webhooks/${res.body.webhook.id}`, { token: p.admin.access_token })).status, 204);
  t.is((await stack.http.get(`/v1/webhooks/${res.body.webhook.id}`, { token: p.admin.access_token })).status, 404);
});

test.serial('when an endpoint is asked for unknown events or a URL with a query, then 400 and nothing is stored', async (t) => {
  const before = (await stack.http.get('/v1/webhooks?limit=100', { token: p.admin.access_token })).body.items.length;
  for (const json of [
    { url: 'https://hooks.example.com/a', events: ['user.created'] },
    { url: 'https://hooks.example.com/a', events: [] },
    { url: 'https://hooks.example.com/a?token=x', events: ['budget.threshold'] },
    { url: 'ftp://hooks.example.com/a', events: ['budget.threshold'] },
    { url: 'https://hooks.example.com/a', events: ['budget.threshold'], enabled: 'yes' },
  ]) {
    const res = await register(json);
    t.is(res.status, 400, JSON.stringify(json));
    t.is(res.body.error.code, 'validation_failed');
  }
  t.is((await stack.http.get('/v1/webhooks?limit=100', { token: p.admin.access_token })).body.items.length, before);
  t.is(
    (await stack.http.patch('/v1/webhooks/whk_000000000aaaaaaaaaaaaaaaa', { token: p.admin.access_token, json: { enabled: false } }))
      .status,
    404,
  );
});

test.serial('when a chosen event happens, then the receiver gets it signed, once, and the delivery log shows it', async (t) => {
  const created = await register({ url: 'https://placeholder.example.com/x', events: ['provider_key.rotated'] });
  const r = await receiver(created.body.secret);
  t.teardown(r.close);
  const id = created.body.webhook.id as string;
  t.is((await stack.http.patch(`/v1/webhooks/${id}`, { token: p.admin.access_token, json: { url: r.url } })).status, 200);
  const keyId = await rotateKey('hooked');

  await eventually(
    async () => r.events,
    (e) => e.length === 1,
  );
  const [event] = r.events;
  t.like(event, {
    type: 'provider_key.rotated',
    data: { resource: { type: 'provider_key', id: keyId }, actor: { type: 'user', id: p.admin.user.id } },
  });
  t.like(r.headers[0], { 'tollgate-event-type': 'provider_key.rotated', 'tollgate-event-id': event.id, 'tollgate-webhook-id': id });
  t.regex(String(r.headers[0]['tollgate-signature']), /^t=\d{10},v1=[0-9a-f]{64}$/);
  // The snippet refuses what another secret signed, and a delivery replayed past its window.
  t.false(verifyTollgateSignature('whsec_other', r.headers[0]['tollgate-signature'], JSON.stringify(event)));

  const log = await stack.http.get(`/v1/webhooks/${id}/deliveries`, { token: p.admin.access_token });
  t.is(log.status, 200);
  t.like(log.body.items[0], {
    event_id: event.id,
    event_type: 'provider_key.rotated',
    status: 'delivered',
    http_status: 204,
    attempt: 1,
    redelivery: false,
  });
  t.true(log.body.items[0].latency_ms >= 0);
  await sleep(500);
  t.is(r.headers.length, 1, 'delivered once (the receiver was asked once, not only handled it once)');
  // A disabled endpoint is sent nothing, and enabling it again does not send what happened meanwhile.
  t.is((await stack.http.patch(`/v1/webhooks/${id}`, { token: p.admin.access_token, json: { enabled: false } })).status, 200);
  await rotateKey('while-disabled');
  await sleep(600);
  t.is((await stack.http.patch(`/v1/webhooks/${id}`, { token: p.admin.access_token, json: { enabled: true } })).status, 200);
  await sleep(600);
  t.is(r.events.length, 1);
  await rotateKey('after');
  await eventually(
    async () => r.events,
    (e) => e.length === 2,
  );
  t.is((await stack.http.delete(`/v1/webhooks/${id}`, { token: p.admin.access_token })).status, 204);
});

test.serial(
  'when the receiver keeps failing, then the event is retried with backoff, becomes a dead letter, the next events go on, and a redelivery succeeds',
  async (t) => {
    let status = 500;
    const created = await register({ url: 'https://placeholder.example.com/x', events: ['provider_key.rotated'] });
    const r = await receiver(created.body.secret, () => status);
    t.teardown(r.close);
    const id = created.body.webhook.id as string;
    await stack.http.patch(`/v1/webhooks/${id}`, { token: p.admin.access_token, json: { url: r.url } });
    await rotateKey('failing-1');
    const retrying = await eventually(
      async () => (await stack.http.get(`/v1/webhooks/${id}`, { token: p.admin.access_token })).body,
      (w) => w.delivery.retrying_attempts >= 2,
    );
    t.truthy(retrying.delivery.retrying_event_id);
    t.truthy(Date.parse(retrying.delivery.next_attempt_at));
    const deadEvent = retrying.delivery.retrying_event_id as string;

    const dead = await eventually(
      async () => (await stack.http.get(`/v1/webhooks/${id}`, { token: p.admin.access_token })).body,
      // The dead letter is written before the cursor moves on (a crash between retries it, never loses it).
      (w) => w.delivery.dead_letters === 1 && w.delivery.retrying_event_id === null,
      RETRY_FOR_MS + 10_000,
    );
    t.is(dead.delivery.next_attempt_at, null, 'nothing more is retried');
    const attempts = (await stack.http.get(`/v1/webhooks/${id}/deliveries?limit=100`, { token: p.admin.access_token })).body.items;
    t.true(attempts.length >= 3, `${attempts.length} attempts`);
    t.like(attempts[0], { event_id: deadEvent, status: 'dead', http_status: 500, error: 'answered 500' });
    t.true(attempts.slice(1).every((a: { status: string }) => a.status === 'failed'));
    // Backoff: the attempts spread over the retry window, not sent back to back. The window starts as the first
    // attempt is sent, and an attempt's time is when its answer came: the first one's latency is inside the window.
    const times = attempts.map((a: { at: string }) => Date.parse(a.at)).reverse();
    const first = attempts[attempts.length - 1] as { latency_ms: number };
    const SLACK_MS = 50;
    t.true(times[times.length - 1] - (times[0] - first.latency_ms) >= RETRY_FOR_MS - SLACK_MS, 'retried until the window ended');
    const letters = await stack.http.get(`/v1/webhooks/${id}/deliveries?status=dead`, { token: p.admin.access_token });
    t.deepEqual(
      letters.body.items.map((d: { event_id: string; status: string }) => [d.event_id, d.status]),
      [[deadEvent, 'dead']],
    );

    // The receiver is back: later events go on, and the dead letter is redelivered by hand.
    status = 204;
    await rotateKey('after-dead');
    await eventually(
      async () => r.events,
      (e) => e.length === 1,
    );
    t.not(r.events[0].id, deadEvent);
    const again = await stack.http.post(`/v1/webhooks/${id}/redeliver`, { token: p.admin.access_token, json: { event_id: deadEvent } });
    t.is(again.status, 200);
    t.like(again.body, { event_id: deadEvent, status: 'delivered', http_status: 204, redelivery: true });
    t.deepEqual(
      r.events.map((e) => e.id),
      [r.events[0].id, deadEvent],
    );
    t.is((await stack.http.get(`/v1/webhooks/${id}`, { token: p.admin.access_token })).body.delivery.dead_letters, 0);
    t.is((await stack.http.get(`/v1/webhooks/${id}/deliveries?status=dead`, { token: p.admin.access_token })).body.items.length, 0);
    const unknown = await stack.http.post(`/v1/webhooks/${id}/redeliver`, {
      token: p.admin.access_token,
      json: { event_id: 'no-such-event' },
    });
    t.is(unknown.status, 404);
    await eventually(
      async () =>
        (await stack.http.get(`/v1/audit/events?action=webhook.redelivered&resource_id=${id}`, { token: p.admin.access_token })).body,
      (b) => b.items.length === 1,
    );
  },
);

test.serial('when the audit service restarts while a delivery is being retried, then the event is still delivered after it', async (t) => {
  let status = 503;
  const created = await register({ url: 'https://placeholder.example.com/x', events: ['provider_key.rotated'] });
  const r = await receiver(created.body.secret, () => status);
  t.teardown(r.close);
  const id = created.body.webhook.id as string;
  await stack.http.patch(`/v1/webhooks/${id}`, { token: p.admin.access_token, json: { url: r.url } });
  await rotateKey('across-restart');
  const retrying = await eventually(
    async () => (await stack.http.get(`/v1/webhooks/${id}`, { token: p.admin.access_token })).body,
    (w) => w.delivery.retrying_attempts >= 1,
  );
  await stack.stop('audit');
  status = 204;
  await stack.start('audit');
  await eventually(
    async () => r.events,
    (e) => e.length === 1,
    15_000,
  );
  t.is(r.events[0].id, retrying.delivery.retrying_event_id);
  const log = (await stack.http.get(`/v1/webhooks/${id}/deliveries`, { token: p.admin.access_token })).body.items;
  t.like(log[0], { event_id: r.events[0].id, status: 'delivered', attempt: log.length });
});

test.serial(
  'when an agent is refused call after call, then an endpoint hears budget.exhausted once for it, not once per refusal',
  async (t) => {
    const created = await register({ url: 'https://placeholder.example.com/x', events: ['budget.exhausted'] });
    const r = await receiver(created.body.secret);
    t.teardown(r.close);
    const id = created.body.webhook.id as string;
    await stack.http.patch(`/v1/webhooks/${id}`, { token: p.admin.access_token, json: { url: r.url } });
    const [first, second] = [await createAgent(stack, p.admin, 0.01), await createAgent(stack, p.admin, 0.01)];
    for (const agent of [first, first, first, second, first, second]) {
      const refused = await stack.http.post('/v1/proxy/openai/chat/completions', {
        token: agent.token,
        json: chatRequest({ model: 'gpt-4-turbo', max_tokens: 100_000 }),
      });
      t.is(refused.status, 402);
    }
    await eventually(
      async () =>
        (await stack.http.get(`/v1/audit/events?action=budget.exhausted&resource_id=${first.id}`, { token: p.admin.access_token })).body,
      (b) => b.items.length === 4,
    );
    await eventually(
      async () => r.events,
      (e) => e.length === 2,
    );
    await sleep(600);
    t.is(r.headers.length, 2, 'two requests, not one per refusal');
    t.deepEqual(
      r.events.map((e) => [e.type, e.data.resource.id]).sort(),
      [
        ['budget.exhausted', first.id],
        ['budget.exhausted', second.id],
      ].sort(),
    );
    t.like(r.events[0].data.details, { model: 'gpt-4-turbo' });
  },
);

test.serial('when an endpoint stops taking the kind of event it is retrying, then that retry ends and nothing more is sent', async (t) => {
  const created = await register({ url: 'https://placeholder.example.com/x', events: ['provider_key.rotated'] });
  const r = await receiver(created.body.secret, () => 500);
  t.teardown(r.close);
  const id = created.body.webhook.id as string;
  await stack.http.patch(`/v1/webhooks/${id}`, { token: p.admin.access_token, json: { url: r.url } });
  await rotateKey('retried-then-unsubscribed');
  await eventually(
    async () => (await stack.http.get(`/v1/webhooks/${id}`, { token: p.admin.access_token })).body,
    (w) => w.delivery.retrying_attempts >= 1,
  );
  t.is((await stack.http.patch(`/v1/webhooks/${id}`, { token: p.admin.access_token, json: { events: ['budget.threshold'] } })).status, 200);
  const after = await eventually(
    async () => (await stack.http.get(`/v1/webhooks/${id}`, { token: p.admin.access_token })).body,
    (w) => w.delivery.retrying_event_id === null,
  );
  t.is(after.delivery.retrying_event_id, null);
  t.is(after.delivery.dead_letters, 0);
  const requests = r.headers.length;
  await sleep(600);
  t.is(r.headers.length, requests, 'no more attempts');
});

test.serial(
  'when endpoints are stored, then their signing secrets are sealed; a key put first reseals every endpoint at the next start, one stored as it was included, and deliveries still verify',
  async (t) => {
    const db = await mongoose.createConnection(testEnv.mongoUrl, { dbName: stack.env.audit.MONGO_DB }).asPromise();
    t.teardown(() => db.close());
    const stored = (id: string) => db.collection<{ _id: string }>('webhooks').findOne({ _id: id });
    const a = await register({ url: 'https://a.example.com/hooks', events: ['provider_key.rotated'] });
    const b = await register({ url: 'https://b.example.com/hooks', events: ['provider_key.rotated'] });
    for (const created of [a, b]) {
      const doc = await stored(created.body.webhook.id as string);
      t.false(JSON.stringify(doc).includes(created.body.secret as string), 'no secret in the database');
      t.like(doc, { secret_sealed: { kid: 'k1' } });
    }
    // As an earlier version stored it: the secret as it is.
    await db
      .collection<{ _id: string }>('webhooks')
      .updateOne({ _id: b.body.webhook.id as string }, { $set: { secret: b.body.secret as string }, $unset: { secret_sealed: '' } });

    const previous = stack.env.audit.WEBHOOK_SECRET_KEYS;
    await stack.stop('audit');
    stack.env.audit.WEBHOOK_SECRET_KEYS = `k2:${randomBytes(32).toString('base64')},${previous}`;
    await stack.start('audit');
    for (const created of [a, b]) {
      const doc = await stored(created.body.webhook.id as string);
      t.false(JSON.stringify(doc).includes(created.body.secret as string));
      t.like(doc, { secret_sealed: { kid: 'k2' } });
      t.false('secret' in doc!);
    }
    const r = await receiver(b.body.secret as string);
    t.teardown(r.close);
    await stack.http.patch(`/v1/webhooks/${b.body.webhook.id as string}`, { token: p.admin.access_token, json: { url: r.url } });
    await rotateKey('after-reseal');
    await eventually(
      async () => r.events,
      (e) => e.length === 1,
      15_000,
    );
    t.is(r.events[0].type, 'provider_key.rotated', 'signed with the secret shown at creation: the receiver verified it');
    for (const created of [a, b])
      await stack.http.delete(`/v1/webhooks/${created.body.webhook.id as string}`, { token: p.admin.access_token });
  },
);
