import test from 'ava';
import nock from 'nock';
import { startStack, type Stack } from '../support/stack.js';
import { loginAsAdmin, type Session } from '../support/session.js';
import { eventually } from '../support/eventually.js';

// The LLM provider proxy end to end: agent token → gateway → budget lease → provider-key →
// the provider (nock: a third party) → usage charged. Our own services are all real.
const PROVIDER_KEY = 'sk-live-proxytest-9f8e7d6c5b4a';
const BASE = 'https://api.openai.test';

let stack: Stack;
let admin: Session;

test.before(async () => {
  stack = await startStack();
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  admin = await loginAsAdmin(stack);
  const key = await stack.http.post('/v1/provider-keys', {
    token: admin.access_token,
    json: { provider: 'openai', name: 'main', api_key: PROVIDER_KEY, base_url: `${BASE}/v1` },
  });
  if (key.status !== 201) throw new Error(`provider key: ${key.status} ${key.text}`);
});
test.after.always(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await stack?.close();
});

async function newAgent(budgetUsd: number) {
  const res = await stack.http.post('/v1/agents', {
    token: admin.access_token,
    json: { name: `agent-${Math.random().toString(36).slice(2, 8)}`, budget_usd: budgetUsd },
  });
  if (res.status !== 201) throw new Error(`agent: ${res.status} ${res.text}`);
  return { id: res.body.agent.id as string, token: res.body.token as string };
}

async function budgetOf(agentId: string) {
  return (await stack.http.get(`/v1/agents/${agentId}/budget`, { token: admin.access_token })).body as {
    limit_usd: number;
    spent_usd: number;
    reserved_usd: number;
    remaining_usd: number;
  };
}

test.serial('when an agent calls the provider through the proxy, then the stored key is injected, the answer passes through and the usage is charged', async (t) => {
  const agent = await newAgent(5);
  const upstream = nock(BASE, { reqheaders: { authorization: `Bearer ${PROVIDER_KEY}` } })
    .post('/v1/chat/completions', (body: { model: string }) => body.model === 'gpt-4o-mini')
    .reply(200, { id: 'cmpl-1', model: 'gpt-4o-mini', choices: [{ message: { content: 'hi' } }], usage: { prompt_tokens: 100_000, completion_tokens: 50_000 } });

  const res = await stack.http.post('/v1/proxy/openai/chat/completions', {
    token: agent.token,
    json: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] },
  });
  t.is(res.status, 200);
  t.is(res.body.choices[0].message.content, 'hi');
  t.true(upstream.isDone(), 'the provider got the stored key, not the agent token');
  t.false(res.text.includes(PROVIDER_KEY));

  // 100k input at $0.15/M + 50k output at $0.60/M = $0.045
  const budget = await eventually(() => budgetOf(agent.id), (b) => b.spent_usd > 0 && b.reserved_usd === 0);
  t.deepEqual(budget, { limit_usd: 5, spent_usd: 0.045, reserved_usd: 0, remaining_usd: 4.955 });
});

test.serial('when the provider streams Server-Sent Events, then they stream through and the usage in the stream is charged', async (t) => {
  const agent = await newAgent(5);
  const sse = [
    'data: {"id":"c","model":"gpt-4o-mini","choices":[{"delta":{"content":"Hel"}}]}',
    'data: {"id":"c","model":"gpt-4o-mini","choices":[{"delta":{"content":"lo"}}]}',
    'data: {"id":"c","model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":200000,"completion_tokens":100000}}',
    'data: [DONE]',
    '',
  ].join('\n\n');
  nock(BASE).post('/v1/chat/completions').reply(200, sse, { 'content-type': 'text/event-stream' });

  const res = await stack.http.post('/v1/proxy/openai/chat/completions', {
    token: agent.token,
    json: { model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [] },
  });
  t.is(res.status, 200);
  t.regex(String(res.headers['content-type']), /text\/event-stream/);
  t.is(res.text, sse);
  const budget = await eventually(() => budgetOf(agent.id), (b) => b.spent_usd > 0 && b.reserved_usd === 0);
  t.is(budget.spent_usd, 0.09);
});

test.serial('when the budget is exhausted, then 402 and nothing is sent upstream', async (t) => {
  const agent = await newAgent(0);
  const upstream = nock(BASE).post('/v1/chat/completions').reply(200, {});
  const res = await stack.http.post('/v1/proxy/openai/chat/completions', { token: agent.token, json: { model: 'gpt-4o-mini' } });
  t.is(res.status, 402);
  t.is(res.body.error.code, 'budget_exhausted');
  t.false(upstream.isDone());
  nock.cleanAll();
});

test.serial('when the provider is unreachable, then 503 and the lease goes back untouched', async (t) => {
  const agent = await newAgent(2);
  // A real refused connection (a closed port on this machine): nock's simulated errors do not
  // travel through the proxy library the way socket errors do.
  const key = await stack.http.post('/v1/provider-keys', {
    token: admin.access_token,
    json: { provider: 'deadprov', name: 'down', api_key: 'sk-dead-0123456789', base_url: 'https://127.0.0.1:1/v1' },
  });
  t.is(key.status, 201, key.text);
  const res = await stack.http.post('/v1/proxy/deadprov/chat/completions', { token: agent.token, json: { model: 'gpt-4o-mini' } });
  t.is(res.status, 503);
  t.is(res.body.error.code, 'service_unavailable');
  const budget = await eventually(() => budgetOf(agent.id), (b) => b.reserved_usd === 0);
  t.deepEqual(budget, { limit_usd: 2, spent_usd: 0, reserved_usd: 0, remaining_usd: 2 });
});

test.serial('when a person or a token without proxy:invoke calls the proxy, then 403 and nothing is sent', async (t) => {
  const upstream = nock(BASE).post('/v1/chat/completions').reply(200, {});
  const asUser = await stack.http.post('/v1/proxy/openai/chat/completions', { token: admin.access_token, json: {} });
  t.is(asUser.status, 403);
  const pat = await stack.http.post('/v1/tokens', { token: admin.access_token, json: { name: 'no-proxy', scopes: ['tokens:read'] } });
  const asPat = await stack.http.post('/v1/proxy/openai/chat/completions', { token: pat.body.token, json: {} });
  t.is(asPat.status, 403);
  t.false(upstream.isDone());
  nock.cleanAll();
});

test.serial('when no key is stored for the provider, then 404 and the lease is released', async (t) => {
  const agent = await newAgent(1);
  const res = await stack.http.post('/v1/proxy/mistral/v1/chat/completions', { token: agent.token, json: { model: 'x' } });
  t.is(res.status, 404);
  const budget = await eventually(() => budgetOf(agent.id), (b) => b.reserved_usd === 0);
  t.is(budget.remaining_usd, 1);
});
