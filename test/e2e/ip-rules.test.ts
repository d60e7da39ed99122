import test from 'ava';
import { createLogger } from '@tollgate/platform';
import { loadConfig as loadGatewayConfig, start as startGateway } from '@tollgate/gateway';
import { startStack, type Stack } from '../support/stack.js';
import { httpClient, type HttpClient, type HttpResponse, type RequestOptions } from '../support/http.js';
import { loginAsAdmin, type Session } from '../support/session.js';
import { eventually } from '../support/eventually.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { testEnv } from '../support/env.js';
import { auditEvents } from '../support/identity-edge.js';
import { chatRequest, createAgent, PROXY_TEST_ENV } from '../support/factories.js';

// IP allow and deny rules through the real gateway: each client sets its address with
// X-Forwarded-For (TRUST_PROXY=loopback); the admin's own requests come from loopback.
let stack: Stack;
let admin: Session;
let provider: FakeProvider;

test.before(async () => {
  provider = await startFakeProvider(() => ({ input: 150_000, output: 600_000 }));
  stack = await startStack({ env: { ...PROXY_TEST_ENV, gateway: { ...PROXY_TEST_ENV.gateway, TRUST_PROXY: 'loopback' } } });
  admin = await loginAsAdmin(stack);
  const key = await stack.http.post('/v1/provider-keys', {
    token: admin.access_token,
    json: { provider: 'openai', name: 'openai', api_key: 'sk-live-iprules-0a1b2c3d4e5f', base_url: `${provider.url}/v1` },
  });
  if (key.status !== 201) throw new Error(`provider key: ${key.status} ${key.text}`);
});
test.after.always(async () => {
  await stack?.close();
  await provider?.close();
});

/** A client of `gateway` (this stack's unless given) at address `ip`. */
const at = (ip: string, gateway: HttpClient = stack.http) => ({
  get: (path: string, opts: RequestOptions = {}) => gateway.get(path, { ...opts, headers: { 'x-forwarded-for': ip } }),
  post: (path: string, opts: RequestOptions = {}) => gateway.post(path, { ...opts, headers: { 'x-forwarded-for': ip } }),
});
const addRule = (json: Record<string, unknown>, from?: string) =>
  (from ? at(from) : stack.http).post('/v1/ip-rules', { token: admin.access_token, json });
const removeRule = (id: string) => stack.http.delete(`/v1/ip-rules/${id}`, { token: admin.access_token });
const isRefused = (r: HttpResponse) => r.status === 403 && r.body?.error?.code === 'ip_denied';
/** What `send` answers once the gateways have followed a change: refused, or no longer. */
const once = (send: () => Promise<HttpResponse>, refused: boolean) => eventually(send, (r) => isRefused(r) === refused, 5_000, 50);
const me = (ip: string) => () => at(ip).get('/v1/auth/me', { token: admin.access_token });

test.serial('when an IPv4 CIDR is denied, then its clients are refused on every route but health, and others are let in', async (t) => {
  const rule = await addRule({ cidr: '203.0.113.77/24', action: 'deny', scope: 'all', description: 'e2e' });
  t.is(rule.status, 201, rule.text);
  t.like(rule.body, { cidr: '203.0.113.0/24', action: 'deny', scope: 'all', description: 'e2e', created_by: `user:${admin.user.id}` });

  t.true(isRefused(await once(me('203.0.113.9'), true)), 'credentials do not help');
  t.true(isRefused(await at('203.0.113.200').post('/v1/auth/login', { json: { email: 'x@example.com', password: 'not-the-password' } })));
  t.is((await at('203.0.113.9').get('/health/live')).status, 200, 'health probes are never filtered');
  t.is((await me('198.51.100.9')()).status, 200);

  const listed = await stack.http.get('/v1/ip-rules', { token: admin.access_token });
  t.true(listed.body.items.some((r: { id: string }) => r.id === rule.body.id));
  t.is((await removeRule(rule.body.id)).status, 204);
  t.is((await removeRule(rule.body.id)).status, 404);
  t.is((await once(me('203.0.113.9'), false)).status, 200);

  for (const action of ['ip_rule.created', 'ip_rule.deleted']) {
    const events = await auditEvents(stack, admin.access_token, action, (e) => e.some((x) => x.resource.id === rule.body.id));
    t.like(events.find((x) => x.resource.id === rule.body.id)?.details, { cidr: '203.0.113.0/24', action: 'deny', scope: 'all' });
  }
  // Denials are audited once per address a minute, however many there were.
  const denials = await auditEvents(stack, admin.access_token, 'ip.denied', (e) => e.some((x) => x.ip === '203.0.113.9'));
  t.is(denials.filter((x) => x.ip === '203.0.113.9').length, 1);
});

test.serial(
  'when the proxy has an allow list, then only its IPs reach the provider, and other routes still work for everyone',
  async (t) => {
    const agent = await createAgent(stack, admin, 5);
    const rule = await addRule({ cidr: '192.0.2.10', action: 'allow', scope: 'proxy' });
    t.is(rule.status, 201, rule.text);
    t.is(rule.body.cidr, '192.0.2.10/32');
    const call = (ip: string) => () => at(ip).post('/v1/proxy/openai/chat/completions', { token: agent.token, json: chatRequest() });
    await once(call('198.51.100.20'), true);
    provider.reset();
    t.true(isRefused(await call('198.51.100.20')()));
    // Express routes paths in any letter case; the filter judges them the same way.
    const shouted = await at('198.51.100.20').post('/V1/PROXY/openai/chat/completions', { token: agent.token, json: chatRequest() });
    t.true(isRefused(shouted), `${shouted.status}`);
    t.is(provider.calls.length, 0, 'the refused call was not sent');
    t.is((await call('192.0.2.10')()).status, 200);
    t.is((await at('198.51.100.20').get(`/v1/agents/${agent.id}`, { token: agent.token })).status, 200, 'not a proxy route');
    t.is((await removeRule(rule.body.id)).status, 204);
    t.is((await once(call('198.51.100.20'), false)).status, 200);
  },
);

test.serial('when an IPv6 CIDR is denied, then a client with an address in it is refused', async (t) => {
  const rule = await addRule({ cidr: '2001:db8:7::/48', action: 'deny', scope: 'all' });
  t.is(rule.status, 201, rule.text);
  t.true(isRefused(await once(me('2001:db8:7::1'), true)));
  t.is((await me('2001:db8:8::1')()).status, 200);
  t.is((await me('203.0.113.9')()).status, 200, 'an IPv4 client is not in an IPv6 range');
  t.is((await removeRule(rule.body.id)).status, 204);
  t.is((await addRule({ cidr: '2001:db8::/129', action: 'deny', scope: 'all' })).status, 400);
});

test.serial('when a rule would lock the admin making it out of the admin routes, then it is 409 unless forced', async (t) => {
  const mine = '198.51.100.50';
  const deny = await addRule({ cidr: `${mine}/32`, action: 'deny', scope: 'admin' }, mine);
  t.is(deny.status, 409, deny.text);
  t.is(deny.body.error.code, 'conflict');
  const allowElsewhere = await addRule({ cidr: '10.0.0.0/8', action: 'allow', scope: 'all' }, mine);
  t.is(allowElsewhere.status, 409, 'an allow list without the caller');
  t.is((await addRule({ cidr: `${mine}/32`, action: 'deny', scope: 'proxy' }, mine)).status, 201, 'the proxy is no admin route');

  const forced = await addRule({ cidr: `${mine}/32`, action: 'deny', scope: 'admin', force: true }, mine);
  t.is(forced.status, 201, forced.text);
  t.true(isRefused(await once(() => at(mine).get('/v1/ip-rules', { token: admin.access_token }), true)));
  t.is((await me(mine)()).status, 200, 'only admin routes are refused');
  for (const r of (await stack.http.get('/v1/ip-rules', { token: admin.access_token })).body.items) await removeRule(r.id);
});

test.serial('when a rule is added through one gateway, then another gateway enforces it within a second', async (t) => {
  const other = await startGateway(
    loadGatewayConfig({ ...stack.env.gateway, GATEWAY_PORT: '0' }),
    createLogger('gateway-other', testEnv.logLevel),
  );
  const otherHttp = httpClient(other.url, other.ca);
  try {
    const client = at('203.0.113.140', otherHttp);
    t.is((await client.get('/v1/auth/me', { token: admin.access_token })).status, 200);
    const rule = await addRule({ cidr: '203.0.113.128/25', action: 'deny', scope: 'all' });
    t.is(rule.status, 201, rule.text);
    const added = Date.now();
    await once(() => client.get('/v1/auth/me', { token: admin.access_token }), true);
    t.true(Date.now() - added < 1_000, `took ${Date.now() - added} ms`);
    t.is((await removeRule(rule.body.id)).status, 204);
  } finally {
    otherHttp.close();
    await other.stop();
  }
});
