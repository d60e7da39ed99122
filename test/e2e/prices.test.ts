import test from 'ava';
import type { Stack } from '../support/stack.js';
import { eventually } from '../support/eventually.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { createAgent, patOf, people, startMoneyStack, type People } from '../support/factories.js';

// Model prices through the real HTTPS gateway: admins set and remove them, and the proxy
// prices calls with them at once. The provider is a stand-in that bills at these prices.
const PRICES: Record<string, { input: number; output: number }> = { 'acme-proxy-1': { input: 4_000_000, output: 12_000_000 } };

let stack: Stack;
let p: People;
let provider: FakeProvider;
test.before(async () => {
  provider = await startFakeProvider((model) => PRICES[model] ?? { input: 0, output: 0 });
  stack = await startMoneyStack();
  p = await people(stack);
  const key = await stack.http.post('/v1/provider-keys', {
    token: p.admin.access_token,
    json: { provider: 'openai', name: 'openai', api_key: 'sk-live-pricetest-0123456789', base_url: `${provider.url}/v1` },
  });
  if (key.status !== 201) throw new Error(`provider key: ${key.status} ${key.text}`);
});
test.after.always(async () => {
  await stack?.close();
  await provider?.close();
});

const pathOf = (provider: string, model: string) => `/v1/prices/${encodeURIComponent(provider)}/${encodeURIComponent(model)}`;
const put = (token: string, provider: string, model: string, json: Record<string, unknown>) =>
  stack.http.put(pathOf(provider, model), { token, json });
const remove = (token: string, provider: string, model: string) => stack.http.delete(pathOf(provider, model), { token });
const list = async (token: string, provider = 'openai') => {
  const res = await stack.http.get(`/v1/prices?provider=${provider}`, { token });
  if (res.status !== 200) throw new Error(`list: ${res.status} ${res.text}`);
  return res.body.items as {
    provider: string;
    model: string;
    input_usd_per_million: number;
    output_usd_per_million: number;
    source: string;
  }[];
};

test('when an admin sets and removes a price, then every role sees it listed, in USD per million tokens', async (t) => {
  const shipped = (await list(p.viewer.access_token)).find((i) => i.model === 'gpt-4o');
  t.deepEqual(shipped, { provider: 'openai', model: 'gpt-4o', input_usd_per_million: 2.5, output_usd_per_million: 10, source: 'shipped' });

  // Dots, colons and (URL-encoded) slashes in model names.
  for (const [prov, model] of [
    ['openai', 'ft:gpt-4.1-mini:acme:v2'],
    ['groq', 'meta-llama/llama-4-scout'],
  ]) {
    const set = await put(p.admin.access_token, prov, model, { input_usd_per_million: 1.25, output_usd_per_million: 3.000001 });
    t.is(set.status, 200, set.text);
    t.deepEqual(set.body, { provider: prov, model, input_usd_per_million: 1.25, output_usd_per_million: 3.000001, source: 'admin' });
    for (const who of [p.admin, p.manager, p.member, p.viewer])
      t.like(
        (await list(who.access_token, prov)).find((i) => i.model === model),
        { input_usd_per_million: 1.25, source: 'admin' },
      );
    const removed = await remove(p.admin.access_token, prov, model);
    t.is(removed.status, 204, removed.text);
    t.is(
      (await list(p.admin.access_token, prov)).find((i) => i.model === model),
      undefined,
    );
    t.is((await remove(p.admin.access_token, prov, model)).status, 404, 'removed once');
  }

  const all = await stack.http.get('/v1/prices', { token: p.member.access_token });
  t.true(all.body.items.some((i: { provider: string }) => i.provider === 'anthropic'));
});

test('when someone other than an admin changes a price, then 403 and nothing changes', async (t) => {
  const body = { input_usd_per_million: 1, output_usd_per_million: 1 };
  for (const who of [p.manager, p.member, p.viewer]) {
    const set = await put(who.access_token, 'openai', 'gpt-4o', body);
    t.is(set.status, 403);
    t.is(set.body.error.code, 'forbidden');
    t.is((await remove(who.access_token, 'openai', 'gpt-4o')).status, 403);
  }
  const readOnly = await put(await patOf(stack, p.admin, ['budgets:read']), 'openai', 'gpt-4o', body);
  t.is(readOnly.status, 403);
  t.is(readOnly.body.error.code, 'insufficient_scope');
  t.like(
    (await list(p.admin.access_token)).find((i) => i.model === 'gpt-4o'),
    { input_usd_per_million: 2.5, source: 'shipped' },
  );
  const agent = await createAgent(stack, p.member, 1);
  t.is((await stack.http.get('/v1/prices', { token: agent.token })).status, 403);

  const scoped = await put(await patOf(stack, p.admin, ['budgets:write']), 'openai', 'acme-by-token', body);
  t.is(scoped.status, 200, "an admin's token with budgets:write");
});

test('when a price change is malformed, then 400 names what is wrong', async (t) => {
  const cases: [string, string, string, Record<string, unknown>, string][] = [
    ['not a number', 'openai', 'acme-bad', { input_usd_per_million: 'abc', output_usd_per_million: 1 }, 'input_usd_per_million'],
    ['7 decimals', 'openai', 'acme-bad', { input_usd_per_million: 1, output_usd_per_million: 0.0000001 }, 'output_usd_per_million'],
    ['negative', 'openai', 'acme-bad', { input_usd_per_million: -1, output_usd_per_million: 1 }, 'input_usd_per_million'],
    [
      'over $1,000,000',
      'openai',
      'acme-bad',
      { input_usd_per_million: 1_000_000.000001, output_usd_per_million: 1 },
      'input_usd_per_million',
    ],
    ['missing output', 'openai', 'acme-bad', { input_usd_per_million: 1 }, 'output_usd_per_million'],
    ['unknown field', 'openai', 'acme-bad', { input_usd_per_million: 1, output_usd_per_million: 1, currency: 'EUR' }, 'currency'],
    ['bad provider', 'Open AI', 'acme-bad', { input_usd_per_million: 1, output_usd_per_million: 1 }, 'provider'],
    ['space in the model', 'openai', 'acme bad', { input_usd_per_million: 1, output_usd_per_million: 1 }, 'model'],
  ];
  for (const [what, prov, model, body, field] of cases) {
    const res = await put(p.admin.access_token, prov, model, body);
    t.is(res.status, 400, what);
    t.is(res.body.error.code, 'validation_failed', what);
    t.truthy(res.body.error.details?.[field], `${what}: ${JSON.stringify(res.body.error.details)}`);
  }
  t.is(
    (await list(p.admin.access_token)).find((i) => i.model === 'acme-bad'),
    undefined,
  );
  t.is((await stack.http.get('/v1/prices?provider=Open%20AI', { token: p.admin.access_token })).status, 400);
});

test('when an admin prices a new model, then the proxy calls it at that price; removed, it is refused before the provider is reached', async (t) => {
  const agent = await createAgent(stack, p.member, 5);
  const chat = () =>
    stack.http.post('/v1/proxy/openai/chat/completions', {
      token: agent.token,
      json: { model: 'acme-proxy-1', messages: [{ role: 'user', content: 'hello there' }], max_tokens: 50 },
    });
  const unpriced = await chat();
  t.is(unpriced.status, 400);
  t.is(unpriced.body.error.code, 'model_not_priced');
  t.is(provider.calls.length, 0);

  t.is((await put(p.admin.access_token, 'openai', 'acme-proxy-1', { input_usd_per_million: 4, output_usd_per_million: 12 })).status, 200);
  const res = await chat();
  t.is(res.status, 200, res.text);
  const [call] = provider.calls;
  t.true(call.costMicros > 0);
  t.is(res.headers['x-tollgate-cost-usd'], (call.costMicros / 1e6).toFixed(6), 'priced at the new price');
  const budget = await eventually(
    async () =>
      (await stack.http.get(`/v1/agents/${agent.id}/budget`, { token: p.member.access_token })).body as {
        spent_usd: number;
        reserved_usd: number;
      },
    (b) => b.reserved_usd === 0,
  );
  t.is(Math.round(budget.spent_usd * 1e6), call.costMicros);

  t.is((await remove(p.admin.access_token, 'openai', 'acme-proxy-1')).status, 204);
  const removed = await chat();
  t.is(removed.status, 400);
  t.is(removed.body.error.code, 'model_not_priced');
  t.is(provider.calls.length, 1, 'nothing more reached the provider');
});

const callPrices = async (token: string, provider = 'openai') => {
  const res = await stack.http.get(`/v1/call-prices?provider=${provider}`, { token });
  if (res.status !== 200) throw new Error(`list: ${res.status} ${res.text}`);
  return res.body.items as { provider: string; path: string; usd_per_call: number }[];
};
const spentMicros = async (agentId: string) =>
  Math.round(
    (
      await eventually(
        async () =>
          (await stack.http.get(`/v1/agents/${agentId}/budget`, { token: p.admin.access_token })).body as {
            spent_usd: number;
            reserved_usd: number;
          },
        (b) => b.reserved_usd === 0,
      )
    ).spent_usd * 1e6,
  );

// Serial, so that no other test's calls reach the provider meanwhile (serial tests run before the others).
test.serial(
  'when an admin prices an endpoint per call, then the proxy sends its calls as they came and charges that price; removed, they are refused again',
  async (t) => {
    try {
      const agent = await createAgent(stack, p.member, 5);
      const upload = (raw: string) =>
        stack.http.post('/v1/proxy/openai/audio/transcriptions', {
          token: agent.token,
          raw,
          headers: { 'content-type': 'multipart/form-data; boundary=b0' },
        });
      const form = '--b0\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n--b0--\r\n';
      const unpriced = await upload(form);
      t.is(unpriced.status, 400);
      t.is(unpriced.body.error.code, 'endpoint_not_priced');
      t.is(provider.calls.length, 0);

      const set = await stack.http.put('/v1/call-prices/openai/audio/transcriptions', {
        token: p.admin.access_token,
        json: { usd_per_call: 0.006 },
      });
      t.is(set.status, 200, set.text);
      t.deepEqual(set.body, { provider: 'openai', path: 'audio/transcriptions', usd_per_call: 0.006 });
      for (const who of [p.admin, p.manager, p.member, p.viewer])
        t.deepEqual(await callPrices(who.access_token), [{ provider: 'openai', path: 'audio/transcriptions', usd_per_call: 0.006 }]);

      const res = await upload(form);
      t.is(res.status, 200, res.text);
      const [call] = provider.calls;
      t.is(call.path, '/v1/audio/transcriptions');
      t.is(call.raw.toString(), form, 'the body went as it came');
      t.is(call.contentType, 'multipart/form-data; boundary=b0');
      t.is(call.authorization, 'Bearer sk-live-pricetest-0123456789');
      t.is(res.headers['x-tollgate-cost-usd'], '0.006000', 'the price per call, whatever usage the answer reports');
      t.is(res.headers['x-tollgate-remaining-usd'], '4.994000');

      // A provider error releases the hold; an answer cut off is charged it, as every call.
      provider.behaviour.fail = { status: 500, body: { error: { message: 'boom' } } };
      t.is((await upload(form)).status, 500);
      provider.behaviour.fail = undefined;
      t.is(await spentMicros(agent.id), 6_000);

      t.is((await stack.http.delete('/v1/call-prices/openai/audio/transcriptions', { token: p.admin.access_token })).status, 204);
      t.deepEqual(await callPrices(p.admin.access_token), []);
      const removed = await upload(form);
      t.is(removed.status, 400);
      t.is(removed.body.error.code, 'endpoint_not_priced');
      t.is(provider.calls.length, 2, 'nothing more reached the provider');
      t.is((await stack.http.delete('/v1/call-prices/openai/audio/transcriptions', { token: p.admin.access_token })).status, 404);

      const audited = await eventually(
        async () =>
          (await stack.http.get('/v1/audit/events?resource_id=openai%2Faudio%2Ftranscriptions&limit=10', { token: p.admin.access_token }))
            .body.items as { action: string; details: Record<string, unknown> }[],
        (items) => items.length >= 2,
      );
      t.deepEqual(audited.map((e) => [e.action, e.details.old_micros, e.details.new_micros]).reverse(), [
        ['call_price.set', null, 6_000],
        ['call_price.removed', 6_000, null],
      ]);
    } finally {
      provider.reset();
    }
  },
);

test.serial('when a price per call does not fit what remains, then 402 and nothing is sent', async (t) => {
  try {
    t.is(
      (await stack.http.put('/v1/call-prices/openai/images/generations', { token: p.admin.access_token, json: { usd_per_call: 0.04 } }))
        .status,
      200,
    );
    const agent = await createAgent(stack, p.member, 0.05);
    const draw = () =>
      stack.http.post('/v1/proxy/openai/images/generations', { token: agent.token, json: { model: 'dall-e-3', prompt: 'a cat' } });
    t.is((await draw()).status, 200);
    const refused = await draw();
    t.is(refused.status, 402, refused.text);
    t.is(refused.body.error.code, 'budget_exhausted');
    t.is(provider.calls.length, 1);
    t.is(await spentMicros(agent.id), 40_000);
  } finally {
    await stack.http.delete('/v1/call-prices/openai/images/generations', { token: p.admin.access_token });
    provider.reset();
  }
});

test('when a price per call is malformed, for an endpoint priced by tokens, or set by someone other than an admin, then it is refused and nothing changes', async (t) => {
  const put = (token: string, path: string, json: Record<string, unknown>) =>
    stack.http.put(`/v1/call-prices/openai/${path}`, { token, json });
  for (const [what, path, body, field] of [
    ['priced by tokens', 'chat/completions', { usd_per_call: 1 }, 'path'],
    ['negative', 'moderations', { usd_per_call: -1 }, 'usd_per_call'],
    ['over $1,000', 'moderations', { usd_per_call: 1_000.01 }, 'usd_per_call'],
    ['7 decimals', 'moderations', { usd_per_call: 0.0000001 }, 'usd_per_call'],
    ['a colon', 'images:generations', { usd_per_call: 1 }, 'path'],
    ['a space', 'mod%20erations', { usd_per_call: 1 }, 'path'],
  ] as const) {
    const res = await put(p.admin.access_token, path, body);
    t.is(res.status, 400, `${what}: ${res.text}`);
    t.truthy(res.body.error.details?.[field], `${what}: ${JSON.stringify(res.body.error.details)}`);
  }
  for (const who of [p.manager, p.member, p.viewer]) t.is((await put(who.access_token, 'moderations', { usd_per_call: 1 })).status, 403);
  t.deepEqual(
    (await callPrices(p.admin.access_token)).filter((c) => c.path !== 'images/generations'),
    [],
  );
});

test('when the OpenAPI document is fetched, then it documents the price routes', async (t) => {
  const doc = (await stack.http.get('/openapi.json')).body;
  t.truthy(doc.paths['/v1/prices'].get);
  const one = doc.paths['/v1/prices/{provider}/{model}'];
  t.deepEqual(Object.keys(one).sort(), ['delete', 'put']);
  t.regex(one.put.description, /Callers: users and their API tokens of role admin \(API-token scope `budgets:write`\)\./);
  t.regex(one.delete.description, /model_not_priced/);
  t.truthy(doc.paths['/v1/call-prices'].get);
  const perCall = doc.paths['/v1/call-prices/{provider}/{path}'];
  t.deepEqual(Object.keys(perCall).sort(), ['delete', 'put']);
  t.regex(perCall.put.description, /call_price\.set/);
  t.regex(doc.paths['/v1/proxy/{provider}/{path}'].post.description, /price per call/);
});
