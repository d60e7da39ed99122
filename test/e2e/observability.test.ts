import { Writable } from 'node:stream';
import test from 'ava';
import { freePort } from '@tollgate/devkit';
import { createLogger, SERVICE_NAMES, type ServiceName } from '@tollgate/platform';
import { startStack, type Stack } from '../support/stack.js';
import { loginAsAdmin, type Session } from '../support/session.js';
import { eventually } from '../support/eventually.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { chatRequest, createAgent, PROXY_TEST_ENV } from '../support/factories.js';

// What SREs read: every process's metrics after the requests that move them, and the access log
// lines of the gateway and a service, with no secret in them. Serial: the limits and the
// restarts of the last tests are felt by everything after them.
const PROVIDER_KEY = 'sk-live-observability-9f8e7d6c5b4a';

type Deployable = ServiceName | 'gateway';
const logLines: Record<'gateway' | 'identity', string[]> = { gateway: [], identity: [] };
const metricsPorts = {} as Record<Deployable, number>;
let stack: Stack;
let admin: Session;
let provider: FakeProvider;

/** A logger at info writing into `lines`, one JSON line each. */
function capturing(name: string, lines: string[]) {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return createLogger(name, 'info', sink);
}

test.before(async () => {
  provider = await startFakeProvider(() => ({ input: 150_000, output: 600_000 }));
  for (const name of [...SERVICE_NAMES, 'gateway'] as Deployable[]) metricsPorts[name] = await freePort();
  const env: Partial<Record<Deployable, Record<string, string>>> = {
    ...PROXY_TEST_ENV,
    // Two failed logins per IP: the third attempt is refused by the login limit.
    gateway: { ...PROXY_TEST_ENV.gateway, LOGIN_FAILURES_PER_WINDOW: '2' },
    // The sweep counts active sessions: every second here, not every hour.
    identity: { ARGON2_MEMORY_KIB: '1024', SESSION_SWEEP_INTERVAL_MS: '1000' },
  };
  for (const name of Object.keys(metricsPorts) as Deployable[]) env[name] = { ...env[name], METRICS_PORT: String(metricsPorts[name]) };
  stack = await startStack({
    env,
    loggers: { gateway: capturing('gateway', logLines.gateway), identity: capturing('identity', logLines.identity) },
  });
  admin = await loginAsAdmin(stack);
});
test.after.always(async () => {
  await stack?.close();
  await provider?.close();
});

const scrape = async (name: Deployable) => (await fetch(`http://127.0.0.1:${metricsPorts[name]}/metrics`)).text();

/** A sample of `metric` whose labels include `labels` (any value when there is none), e.g. `rate_limit_hits_total{limiter="login",…} 1`. */
function sampled(text: string, metric: string, labels: Record<string, string> = {}): boolean {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `))
    .some((line) => Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)));
}

const parsed = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

test.serial('when requests carry secrets, then the access log has a line per request and per RPC, and no secret anywhere', async (t) => {
  const password = stack.secrets.BOOTSTRAP_ADMIN_PASSWORD;
  const session = await loginAsAdmin(stack);
  const refreshed = await stack.http.post('/v1/auth/refresh', {
    headers: { cookie: `tg_refresh=${session.refresh_token}`, 'x-csrf-token': session.csrf_token },
  });
  t.is(refreshed.status, 200, refreshed.text);
  const key = await stack.http.post('/v1/provider-keys', {
    token: session.access_token,
    json: { provider: 'openai', name: 'openai', api_key: PROVIDER_KEY, base_url: `${provider.url}/v1` },
    headers: { 'x-request-id': 'req-observability-key' },
  });
  t.is(key.status, 201, key.text);
  // A client that puts its token in the query string: refused (400), and logged without it.
  const leaky = await stack.http.get(`/v1/auth/me?access_token=${session.access_token}`, { token: session.access_token });
  t.is(leaky.status, 400, leaky.text);

  const request = await eventually(
    async () => parsed(logLines.gateway).find((l) => l.msg === 'request' && l.request_id === 'req-observability-key'),
    (line) => line !== undefined,
  );
  t.like(request, { method: 'POST', route: '/v1/provider-keys', status: 201, principal_type: 'user', principal_id: session.user.id });
  t.is(typeof request!.duration_ms, 'number');
  t.is(typeof request!.bytes, 'number');
  t.is(typeof request!.ip, 'string');
  const rpc = parsed(logLines.identity).find((l) => l.msg === 'rpc' && l.method === 'Login');
  t.like(rpc, { service: 'identity', code: 'OK', caller_type: 'service', caller_id: 'gateway' });
  // The gateway polls the IP rules twice a second: routine, so not at info.
  t.false(parsed(logLines.identity).some((l) => l.msg === 'rpc' && l.method === 'GetIpRulesVersion'));
  t.is(typeof rpc!.request_id, 'string');
  t.is(typeof rpc!.duration_ms, 'number');

  const everything = [...logLines.gateway, ...logLines.identity].join('\n');
  for (const secret of [
    password,
    session.access_token,
    session.refresh_token,
    session.csrf_token,
    refreshed.body.refresh_token,
    PROVIDER_KEY,
  ])
    t.false(everything.includes(secret as string), 'a secret is in the logs');
  t.false(everything.includes('access_token='), 'no query string is logged');
  t.true(parsed(logLines.gateway).some((l) => l.msg === 'request' && l.route === '/v1/auth/me' && l.status === 400));
});

test.serial(
  'when logins, refreshes, proxied calls, a 402 and a rate limit have happened, then every process shows their metrics',
  async (t) => {
    const bad = () =>
      stack.http.post('/v1/auth/login', { json: { email: stack.secrets.BOOTSTRAP_ADMIN_EMAIL, password: 'not-the-password' } });
    const refreshed = await stack.http.post('/v1/auth/refresh', { json: { refresh_token: admin.refresh_token } });
    t.is(refreshed.status, 200, refreshed.text);
    t.is((await stack.http.post('/v1/auth/logout', { token: refreshed.body.access_token })).status, 204);
    admin = await loginAsAdmin(stack);

    const agent = await createAgent(stack, admin, 5);
    const call = await stack.http.post('/v1/proxy/openai/chat/completions', { token: agent.token, json: chatRequest() });
    t.is(call.status, 200, call.text);
    const poor = await createAgent(stack, admin, 0.05);
    const refused = await stack.http.post('/v1/proxy/openai/chat/completions', {
      token: poor.token,
      json: chatRequest({ model: 'gpt-4-turbo', max_tokens: 100_000 }),
    });
    t.is(refused.status, 402, refused.text);
    provider.behaviour.fail = { status: 429, headers: { 'retry-after': '3' }, body: { error: { message: 'slow down' } } };
    const providerLimited = await stack.http.post('/v1/proxy/openai/chat/completions', { token: agent.token, json: chatRequest() });
    provider.behaviour.fail = undefined;
    t.is(providerLimited.status, 429, providerLimited.text);

    t.is((await bad()).status, 401);
    t.is((await bad()).status, 401);
    t.is((await bad()).status, 429);

    const gateway = await scrape('gateway');
    t.true(sampled(gateway, 'rate_limit_hits_total', { limiter: 'login', route: '/v1/auth/login' }));
    t.true(sampled(gateway, 'rate_limit_hits_total', { limiter: 'provider', route: '/v1/proxy/:provider/*path' }));
    t.true(sampled(gateway, 'proxy_budget_refusals_total'));
    t.true(sampled(gateway, 'grpc_client_duration_seconds_count', { target: 'identity', method: 'Login', code: 'OK' }));
    t.true(sampled(gateway, 'grpc_client_duration_seconds_count', { target: 'budget', method: 'SyncEscrows', code: 'OK' }));

    const identity = await eventually(
      () => scrape('identity'),
      (text) => sampled(text, 'active_sessions') && sampled(text, 'outbox_depth', { outbox: 'mail_outbox' }),
    );
    t.true(sampled(identity, 'auth_attempts_total', { method: 'password', outcome: 'success' }));
    t.true(sampled(identity, 'auth_attempts_total', { method: 'password', outcome: 'failure' }));
    t.true(sampled(identity, 'token_refreshes_total', { outcome: 'success' }));
    t.true(sampled(identity, 'sessions_created_total'));
    t.true(sampled(identity, 'sessions_revoked_total', { reason: 'logout' }));
    t.true(sampled(identity, 'db_query_duration_seconds_count', { service: 'identity', collection: 'users', op: 'find' }));
    t.true(sampled(identity, 'outbox_oldest_age_seconds', { outbox: 'audit_outbox' }));

    t.true(sampled(await scrape('token'), 'token_validations_total', { outcome: 'active' }));

    // Charges reach the budget service with the gateway's next escrow sync.
    const budget = await eventually(
      () => scrape('budget'),
      (text) => sampled(text, 'budget_settles_total') && sampled(text, 'spend_usd_total', { provider: 'openai', model: 'gpt-4o-mini' }),
    );
    t.true(sampled(budget, 'budget_holds_total', { outcome: 'granted' }));
    t.true(sampled(budget, 'db_query_duration_seconds_count', { service: 'budget' }));
    for (const name of ['audit', 'provider-key'] as const) t.true(sampled(await scrape(name), 'db_query_duration_seconds_count'), name);
  },
);

test.serial('when ACCESS_LOG_SAMPLE_RATE is 0, then failures are logged and successes are not', async (t) => {
  for (const name of ['gateway', 'identity'] as const) {
    await stack.stop(name);
    stack.env[name].ACCESS_LOG_SAMPLE_RATE = '0';
    await stack.start(name);
    logLines[name].length = 0;
  }
  const ok = await stack.http.get('/v1/auth/me', { token: admin.access_token, headers: { 'x-request-id': 'req-sampled-ok' } });
  t.is(ok.status, 200, ok.text);
  const missing = await stack.http.get('/v1/users/usr_nobody', {
    token: admin.access_token,
    headers: { 'x-request-id': 'req-sampled-404' },
  });
  t.is(missing.status, 404, missing.text);

  const lines = await eventually(
    async () => [...parsed(logLines.gateway), ...parsed(logLines.identity)],
    (all) => all.some((l) => l.msg === 'rpc' && l.request_id === 'req-sampled-404'),
  );
  t.like(
    lines.find((l) => l.msg === 'request' && l.request_id === 'req-sampled-404'),
    { status: 404 },
  );
  t.like(
    lines.find((l) => l.msg === 'rpc' && l.request_id === 'req-sampled-404'),
    { code: 'NOT_FOUND' },
  );
  t.false(
    lines.some((l) => l.request_id === 'req-sampled-ok' && (l.msg === 'request' || l.msg === 'rpc')),
    'a success is sampled out',
  );
});
