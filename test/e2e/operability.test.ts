import { readFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import test from 'ava';
import { startStack, type Stack } from '../support/stack.js';
import { createUserAndLogin, loginAsAdmin, type Session } from '../support/session.js';
import { eventually } from '../support/eventually.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { chatRequest, createAgent, patOf, PROXY_TEST_ENV } from '../support/factories.js';

// What operators and browsers see of the edge: the health views, compressed answers (never the
// proxy's), the Permissions-Policy header and the limits on reads that make a service scan much.
const EXPENSIVE_READS = 3;
const GATEWAY_VERSION = (JSON.parse(readFileSync(new URL('../../gateway/package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

let stack: Stack;
let admin: Session;
let member: Session;
let provider: FakeProvider;

test.before(async () => {
  provider = await startFakeProvider(() => ({ input: 150_000, output: 600_000 }));
  stack = await startStack({
    env: { ...PROXY_TEST_ENV, gateway: { ...PROXY_TEST_ENV.gateway, EXPENSIVE_READS_PER_MINUTE: String(EXPENSIVE_READS) } },
  });
  admin = await loginAsAdmin(stack);
  member = await createUserAndLogin(stack, admin, 'member');
  const key = await stack.http.post('/v1/provider-keys', {
    token: admin.access_token,
    json: { provider: 'openai', name: 'openai', api_key: 'sk-live-operability-0a1b2c3d', base_url: `${provider.url}/v1` },
  });
  if (key.status !== 201) throw new Error(`provider key: ${key.status} ${key.text}`);
});
test.after.always(async () => {
  await stack?.close();
  await provider?.close();
});

interface Dependency {
  name: string;
  status: 'ok' | 'down';
  latency_ms: number;
  version: string | null;
  uptime_seconds: number | null;
  outboxes: { name: string; depth: number; oldest_age_seconds: number }[] | null;
  error: string | null;
}
const detailed = (token?: string) => stack.http.get('/health/detailed', { token });
const dependency = (body: { dependencies: Dependency[] }, name: string) => body.dependencies.find((d) => d.name === name);

// Serial tests run before the others: the audit outage is over before anything else needs audit.
test.serial('when a service is stopped, then /health/detailed shows it down with its error, still 200, and degraded', async (t) => {
  await stack.stop('audit');
  try {
    // An event identity cannot deliver meanwhile: it waits in identity's audit outbox.
    t.is((await stack.http.post('/v1/auth/login', { json: { email: 'nobody@example.test', password: 'not-the-password' } })).status, 401);
    const res = await eventually(
      () => detailed(admin.access_token),
      (r) => (dependency(r.body, 'identity')?.outboxes?.find((o) => o.name === 'audit_outbox')?.depth ?? 0) > 0,
    );
    t.is(res.status, 200, res.text);
    t.is(res.body.status, 'degraded');
    const audit = dependency(res.body, 'audit')!;
    t.is(audit.status, 'down');
    t.is(audit.version, null);
    t.is(audit.outboxes, null);
    t.truthy(audit.error, 'says why');
    const waiting = dependency(res.body, 'identity')!.outboxes!.find((o) => o.name === 'audit_outbox')!;
    t.true(waiting.depth >= 1 && waiting.oldest_age_seconds >= 0, JSON.stringify(waiting));
    t.false(res.text.includes(stack.secrets.SERVICE_TOKEN_SECRET));
    for (const d of res.body.dependencies as Dependency[]) if (d.name !== 'audit') t.is(d.status, 'ok', `${d.name}: ${d.error}`);
  } finally {
    await stack.start('audit');
  }
  const back = await eventually(
    () => detailed(admin.access_token),
    (r) => r.body?.status === 'ok',
  );
  t.is(back.body.status, 'ok', back.text);
});

test('when an admin asks for /health/detailed, then every dependency is up with its latency and version, with the gateway version and uptime', async (t) => {
  for (const token of [admin.access_token, await patOf(stack, admin, ['users:read'])]) {
    const res = await detailed(token);
    t.is(res.status, 200, res.text);
    t.is(res.body.status, 'ok');
    t.is(res.body.gateway.version, GATEWAY_VERSION);
    t.true(Number.isInteger(res.body.gateway.uptime_seconds) && res.body.gateway.uptime_seconds >= 0);
    t.deepEqual((res.body.dependencies as Dependency[]).map((d) => d.name).sort(), [
      'audit',
      'budget',
      'identity',
      'provider-key',
      'redis',
      'token',
    ]);
    for (const d of res.body.dependencies as Dependency[]) {
      t.is(d.status, 'ok', d.name);
      t.is(d.error, null);
      t.true(d.latency_ms >= 0 && d.latency_ms < 1_000, `${d.name}: ${d.latency_ms} ms`);
      t.regex(String(d.version), /^\d+\.\d+\.\d+/, d.name);
    }
    t.is(dependency(res.body, 'identity')!.version, GATEWAY_VERSION, 'one release: the gateway and its services');
    t.is(dependency(res.body, 'redis')!.outboxes, null);
    for (const name of ['identity', 'token', 'budget', 'provider-key', 'audit']) {
      const service = dependency(res.body, name)!;
      t.true(Number.isInteger(service.uptime_seconds) && service.uptime_seconds! >= 0, name);
      for (const o of service.outboxes!) {
        t.regex(o.name, /_outbox$/, name);
        t.true(o.depth >= 0 && o.oldest_age_seconds >= 0, `${name} ${o.name}`);
      }
    }
    // Every service that emits audit events (all but audit itself) has its audit outbox.
    for (const name of ['identity', 'token', 'budget', 'provider-key']) {
      t.true(
        dependency(res.body, name)!.outboxes!.some((o) => o.name === 'audit_outbox'),
        name,
      );
    }
  }
});

test('when requests are answered, then /health/detailed counts them in requests_total, and the 5xx among them in errors_total', async (t) => {
  const before = await detailed(admin.access_token);
  t.is(before.status, 200, before.text);
  const counts = (body: { gateway: { requests_total: number; errors_total: number } }) => body.gateway;
  const { requests_total: requests, errors_total: errors } = counts(before.body);
  t.true(Number.isInteger(requests) && requests > 0, `requests_total: ${requests}`);
  t.true(Number.isInteger(errors) && errors >= 0 && errors <= requests, `errors_total: ${errors}`);
  for (let i = 0; i < 3; i++) t.is((await stack.http.get('/health/live')).status, 200);
  t.is((await stack.http.get('/v1/nope')).status, 404);
  const after = await detailed(admin.access_token);
  t.true(
    counts(after.body).requests_total >= requests + 4,
    `${requests} → ${counts(after.body).requests_total}: the three probes and the 404 are counted`,
  );
  t.true(counts(after.body).errors_total >= errors, 'a count never goes down');
  const described = (await stack.http.get('/openapi.json')).body.components.schemas.DetailedHealth.properties.gateway.properties;
  t.truthy(described.requests_total.description);
  t.truthy(described.errors_total.description);
});

test('when a member or nobody asks for /health/detailed, then 403 / 401; /health answers as /health/live does', async (t) => {
  t.is((await detailed(member.access_token)).status, 403);
  t.is((await detailed()).status, 401);
  const [alias, live] = await Promise.all([stack.http.get('/health'), stack.http.get('/health/live')]);
  t.is(alias.status, 200);
  t.deepEqual(alias.body, { status: 'ok' });
  t.deepEqual(alias.body, live.body);
});

test('when anything is answered, then Permissions-Policy turns devices and payments off and leaves passkeys to the origin', async (t) => {
  for (const res of [await stack.http.get('/health/live'), await stack.http.get('/v1/agents'), await stack.http.get('/v1/nope')]) {
    const policy = String(res.headers['permissions-policy']);
    for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb']) t.true(policy.includes(`${feature}=()`), feature);
    t.true(policy.includes('publickey-credentials-create=(self)'));
    t.true(policy.includes('publickey-credentials-get=(self)'));
  }
});

test('when a client accepts gzip or br, then a large JSON answer comes compressed and decodes to the same JSON; a small one does not', async (t) => {
  const plain = await stack.http.get('/v1/prices', { token: admin.access_token });
  t.is(plain.status, 200);
  t.is(plain.headers['content-encoding'], undefined, 'nothing compressed for a client that accepts nothing');
  t.true(plain.bytes.length > 1_024, 'over the threshold');
  for (const [encoding, decode] of [
    ['gzip', gunzipSync],
    ['br', brotliDecompressSync],
  ] as const) {
    const res = await stack.http.get('/v1/prices', { token: admin.access_token, headers: { 'accept-encoding': encoding } });
    t.is(res.status, 200);
    t.is(res.headers['content-encoding'], encoding);
    t.regex(String(res.headers.vary), /Accept-Encoding/i);
    t.true(res.bytes.length < plain.bytes.length);
    t.deepEqual(JSON.parse(decode(res.bytes).toString('utf8')), plain.body);
  }
  const small = await stack.http.get('/health/live', { headers: { 'accept-encoding': 'gzip, br' } });
  t.is(small.headers['content-encoding'], undefined);
  t.deepEqual(small.body, { status: 'ok' });
});

test('when an admin exports the audit log accepting gzip or br, then the NDJSON and CSV streams come compressed', async (t) => {
  const ndjson = await stack.http.get('/v1/audit/export?format=ndjson', {
    token: admin.access_token,
    headers: { 'accept-encoding': 'gzip' },
  });
  t.is(ndjson.status, 200);
  t.is(ndjson.headers['content-encoding'], 'gzip');
  const lines = gunzipSync(ndjson.bytes).toString('utf8').trimEnd().split('\n');
  t.true(lines.length > 0);
  t.true(lines.every((l) => typeof (JSON.parse(l) as { id: string }).id === 'string'));
  const csv = await stack.http.get('/v1/audit/export?format=csv', { token: admin.access_token, headers: { 'accept-encoding': 'br' } });
  t.is(csv.status, 200);
  t.is(csv.headers['content-encoding'], 'br');
  t.regex(brotliDecompressSync(csv.bytes).toString('utf8'), /^id,seq,at,/);
});

test('when an agent calls the provider through the proxy accepting gzip, then the answer is the provider’s bytes, never compressed', async (t) => {
  provider.behaviour.answerWords = 600;
  const agent = await createAgent(stack, admin, 5);
  const headers = { 'accept-encoding': 'gzip, br' };
  const res = await stack.http.post('/v1/proxy/openai/chat/completions', { token: agent.token, json: chatRequest(), headers });
  t.is(res.status, 200, res.text);
  t.is(res.headers['content-encoding'], undefined);
  t.true(res.bytes.length > 1_024, 'over the threshold');
  t.is(res.body.choices[0].message.content.split(' ').length, 600);

  const streamed = await stack.http.post('/v1/proxy/openai/chat/completions', {
    token: agent.token,
    json: chatRequest({ stream: true }),
    headers,
  });
  t.is(streamed.status, 200, streamed.text);
  t.regex(String(streamed.headers['content-type']), /text\/event-stream/);
  t.is(streamed.headers['content-encoding'], undefined);
  t.true(streamed.text.includes('data: [DONE]'));
});

test('when a caller reads spend more than EXPENSIVE_READS_PER_MINUTE times, then 429 with Retry-After; other callers and routes go on', async (t) => {
  const reader = await createUserAndLogin(stack, admin, 'viewer');
  const spend = (who: Session) => stack.http.get('/v1/analytics/spend?group_by=agent', { token: who.access_token });
  for (let i = 0; i < EXPENSIVE_READS; i++) t.is((await spend(reader)).status, 200);
  const refused = await spend(reader);
  t.is(refused.status, 429);
  t.is(refused.body.error.code, 'rate_limited');
  t.true(Number(refused.headers['retry-after']) > 0);
  t.is((await spend(await createUserAndLogin(stack, admin, 'viewer'))).status, 200, 'another caller');
  t.is((await stack.http.get(`/v1/users/${reader.user.id}/export`, { token: reader.access_token })).status, 200, 'another expensive read');
});
