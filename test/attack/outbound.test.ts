import test from 'ava';
import { startStack, type Stack } from '../support/stack.js';
import { loginAsAdmin, type Session } from '../support/session.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { eventually } from '../support/eventually.js';

// Where a stored provider key may be sent, as in production (OUTBOUND_ALLOW_PRIVATE unset):
// https to public addresses only, checked when a base URL is saved and again when the proxy
// connects; a key moves to a new base URL only with the key entered again.
let stack: Stack;
let admin: Session;
let provider: FakeProvider;
const API_KEY = 'sk-live-outbound-0123456789abcd';

test.before(async () => {
  provider = await startFakeProvider(() => ({ input: 150_000, output: 600_000 }));
  // Escrows go back soon after their last call, so that what a refused call left held shows at once.
  stack = await startStack({
    env: {
      gateway: { OUTBOUND_ALLOW_PRIVATE: 'false', ESCROW_IDLE_MS: '300' },
      'provider-key': { OUTBOUND_ALLOW_PRIVATE: 'false' },
      audit: { OUTBOUND_ALLOW_PRIVATE: 'false' },
    },
  });
  admin = await loginAsAdmin(stack);
});
test.after.always(async () => {
  await stack?.close();
  await provider?.close();
});

const createKey = (base_url: string, name = `k-${Math.random().toString(36).slice(2, 8)}`) =>
  stack.http.post('/v1/provider-keys', { token: admin.access_token, json: { provider: 'openai', name, api_key: API_KEY, base_url } });

test.serial('when a base URL is plain http or points at this machine or a private network, then 400 and nothing is stored', async (t) => {
  for (const url of [
    'http://api.example.com/v1',
    `${provider.url}/v1`,
    'https://localhost/v1',
    'https://api.localhost/v1',
    'https://127.0.0.1/v1',
    'https://[::1]/v1',
    'https://[::ffff:127.0.0.1]/v1',
    'https://10.1.2.3/v1',
    'https://192.168.0.10/v1',
    'https://169.254.169.254/latest',
    'https://100.64.0.1/v1',
    'https://[fd00::1]/v1',
    'https://0.0.0.0/v1',
  ]) {
    const res = await createKey(url);
    t.is(res.status, 400, url);
    t.truthy(res.body.error?.details?.base_url, url);
  }
  const list = await stack.http.get('/v1/provider-keys', { token: admin.access_token });
  t.is(list.body.items.length, 0);
  t.is((await createKey('https://api.example.com/v1')).status, 201, 'https to a public name is fine');
});

test.serial(
  'when a proxied call would connect to an internal address, then 503, the provider never sees it and nothing is charged',
  async (t) => {
    // A key pointing at this machine, as one saved before the rule (or a public name re-pointed inside) would be.
    const allowPrivate = async (allow: boolean) => {
      for (const name of ['gateway', 'provider-key'] as const) {
        await stack.stop(name);
        stack.env[name].OUTBOUND_ALLOW_PRIVATE = String(allow);
        await stack.start(name);
      }
    };
    await allowPrivate(true);
    t.is((await createKey(`${provider.url}/v1`)).status, 201);
    await allowPrivate(false);
    const agent = await stack.http.post('/v1/agents', { token: admin.access_token, json: { name: 'outbound', budget_usd: 1 } });
    t.is(agent.status, 201);
    const res = await stack.http.post('/v1/proxy/openai/chat/completions', {
      token: agent.body.token,
      json: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }], max_tokens: 10 },
    });
    t.is(res.status, 503);
    t.is(res.body.error.code, 'service_unavailable');
    t.is(provider.calls.length, 0);
    // The agent's escrow in the gateway goes back once idle: nothing was charged.
    const budget = await eventually(
      async () => (await stack.http.get(`/v1/agents/${agent.body.agent.id}/budget`, { token: admin.access_token })).body,
      (b) => b.reserved_usd === 0,
    );
    t.like(budget, { spent_usd: 0, reserved_usd: 0 });
  },
);

test.serial(
  'when a key is given a base URL, then the key must be entered again with it; one without the other changes nothing',
  async (t) => {
    const created = await createKey('https://api.example.com/v1');
    t.is(created.status, 201);
    const id = created.body.id as string;
    const patch = (json: Record<string, unknown>) => stack.http.patch(`/v1/provider-keys/${id}`, { token: admin.access_token, json });

    const moved = await patch({ base_url: 'https://collector.example.net/v1' });
    t.is(moved.status, 400);
    t.truthy(moved.body.error.details.api_key);
    t.is((await stack.http.get(`/v1/provider-keys/${id}`, { token: admin.access_token })).body.base_url, 'https://api.example.com/v1');

    const alone = await patch({ api_key: 'sk-live-another-0123456789abcd' });
    t.is(alone.status, 400);
    t.truthy(alone.body.error.details.api_key);

    const same = await patch({ base_url: 'https://api.example.com/v1/', name: 'renamed' });
    t.is(same.status, 400, 'even the same base URL needs the key');
    const renamed = await patch({ name: 'renamed' });
    t.is(renamed.status, 200);
    t.like(renamed.body, { name: 'renamed', base_url: 'https://api.example.com/v1' });

    const rekeyed = await patch({ base_url: 'https://collector.example.net/v1', api_key: 'sk-live-another-0123456789wxyz' });
    t.is(rekeyed.status, 200);
    t.like(rekeyed.body, { base_url: 'https://collector.example.net/v1', masked: 'sk-…wxyz' });
    t.truthy(rekeyed.body.rotated_at);
    t.false(rekeyed.text.includes('0123456789wxyz'));
  },
);

test.serial(
  'when a webhook URL is plain http or points at this machine or a private network, then 400 and nothing is stored',
  async (t) => {
    for (const url of [
      'http://hooks.example.com/tollgate',
      `${provider.url}/hooks`,
      'https://localhost/hooks',
      'https://127.0.0.1/hooks',
      'https://[::1]/hooks',
      'https://10.1.2.3/hooks',
      'https://169.254.169.254/latest',
    ]) {
      const res = await stack.http.post('/v1/webhooks', { token: admin.access_token, json: { url, events: ['budget.threshold'] } });
      t.is(res.status, 400, url);
      t.is(res.body.error.code, 'validation_failed');
    }
    t.deepEqual((await stack.http.get('/v1/webhooks', { token: admin.access_token })).body.items, []);
    const ok = await stack.http.post('/v1/webhooks', {
      token: admin.access_token,
      json: { url: 'https://hooks.example.com/tollgate', events: ['budget.threshold'] },
    });
    t.is(ok.status, 201);
  },
);
