import { spawn } from 'node:child_process';
import https from 'node:https';
import path from 'node:path';
import test from 'ava';
import { DEPLOYABLE_NODE_ARGS, freePort, waitForTcp } from '@tollgate/devkit';
import { createLogger } from '@tollgate/platform';
import { loadConfig as loadGatewayConfig, start as startGateway } from '@tollgate/gateway';
import { startStack, type Stack } from '../support/stack.js';
import { httpClient } from '../support/http.js';
import { loginAsAdmin, type Session } from '../support/session.js';
import { eventually, sleep } from '../support/eventually.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { testEnv } from '../support/env.js';
import { budgetOf, chatRequest, createAgent, PROXY_TEST_ENV } from '../support/factories.js';

// The LLM provider proxy end to end: agent token → gateway → a hold on the agent's budget →
// provider-key → the provider (a stand-in on loopback that knows what each call costs) →
// the call settled. Our own services are all real.
const ROOT = path.resolve(import.meta.dirname, '../..');
const PROVIDER_KEY = 'sk-live-proxytest-9f8e7d6c5b4a';
const ANTHROPIC_KEY = 'sk-ant-proxytest-0a1b2c3d4e5f';
// µ$ per million tokens, as in the shipped price table.
const PRICES: Record<string, { input: number; output: number }> = {
  'gpt-4o-mini': { input: 150_000, output: 600_000 },
  'gpt-4-turbo': { input: 10_000_000, output: 30_000_000 },
  'claude-3-5-haiku-20241022': { input: 800_000, output: 4_000_000 },
  'text-embedding-3-small': { input: 20_000, output: 0 },
};

let stack: Stack;
let admin: Session;
let provider: FakeProvider;

test.before(async () => {
  provider = await startFakeProvider((model) => PRICES[model] ?? { input: 0, output: 0 });
  stack = await startStack({
    env: { ...PROXY_TEST_ENV, gateway: { ...PROXY_TEST_ENV.gateway, PROXY_TIMEOUT_MS: '2000' } },
  });
  admin = await loginAsAdmin(stack);
  for (const [name, api_key, base_url] of [
    ['openai', PROVIDER_KEY, `${provider.url}/v1`],
    ['anthropic', ANTHROPIC_KEY, provider.url],
  ]) {
    const key = await stack.http.post('/v1/provider-keys', {
      token: admin.access_token,
      json: { provider: name, name, api_key, base_url },
    });
    if (key.status !== 201) throw new Error(`provider key: ${key.status} ${key.text}`);
  }
});
test.after.always(async () => {
  await stack?.close();
  await provider?.close();
});
test.beforeEach(() => provider.reset());

const settled = (agentId: string) =>
  eventually(
    () => budgetOf(stack, admin, agentId),
    (b) => b.reserved_usd === 0,
  );
const micros = (usd: number) => Math.round(usd * 1_000_000);
const chat = (token: string, json: Record<string, unknown>) => stack.http.post('/v1/proxy/openai/chat/completions', { token, json });

test.serial(
  'when an agent calls the provider, then the stored key is injected, the answer passes through with what it cost, and the priced usage is charged',
  async (t) => {
    const agent = await createAgent(stack, admin, 5);
    const res = await stack.http.post('/v1/proxy/openai/chat/completions', {
      token: agent.token,
      json: chatRequest(),
      headers: {
        'openai-organization': 'org-passed-on',
        cookie: 'session=not-for-the-provider',
        'proxy-authorization': 'Basic bm90LWZvci10aGUtcHJvdmlkZXI=',
        'x-forwarded-for': '203.0.113.9',
        'accept-encoding': 'gzip',
      },
    });
    t.is(res.status, 200, res.text);
    t.is(res.body.choices[0].message.content.split(' ').length, 20);
    const [call] = provider.calls;
    t.is(call.authorization, `Bearer ${PROVIDER_KEY}`, 'the provider got the stored key, not the agent token');
    t.is(call.headers['openai-organization'], 'org-passed-on', "the client's own headers are passed on");
    for (const h of ['cookie', 'proxy-authorization', 'x-forwarded-for']) t.is(call.headers[h], undefined, `${h} is not passed on`);
    t.is(call.headers['accept-encoding'], 'identity', 'the answer is asked for uncompressed, so that its usage can be read');
    t.is(call.headers.host, new URL(provider.url).host);
    t.false(res.text.includes(PROVIDER_KEY));
    t.is(call.body.max_completion_tokens, 1000, 'no bound in the request: the proxy set the largest that fits, at most the default');
    t.is(res.headers['x-tollgate-cost-usd'], (call.costMicros / 1e6).toFixed(6));
    t.is(micros(Number(res.headers['x-tollgate-remaining-usd'])), 5_000_000 - call.costMicros);
    const budget = await settled(agent.id);
    t.is(micros(budget.spent_usd), call.costMicros, 'charged exactly what the provider bills');
  },
);

test.serial('when an agent makes calls one after another, then they reuse one connection to the provider', async (t) => {
  const agent = await createAgent(stack, admin, 5);
  for (let i = 0; i < 5; i++) t.is((await chat(agent.token, chatRequest())).status, 200);
  t.is(provider.calls.length, 5);
  t.is(new Set(provider.calls.map((c) => c.connection)).size, 1, 'no new TCP (and TLS) handshake per call');
});

test.serial(
  'when a stream did not ask for its usage, then the client gets the stream it would get without Tollgate, and its real usage is charged',
  async (t) => {
    const agent = await createAgent(stack, admin, 5);
    const res = await chat(agent.token, chatRequest({ stream: true }));
    t.is(res.status, 200);
    t.regex(String(res.headers['content-type']), /text\/event-stream/);
    const [call] = provider.calls;
    t.deepEqual(call.body.stream_options, { include_usage: true }, 'the proxy asked the provider for the usage');
    const events = res.text.split('\n\n').filter(Boolean);
    t.false(
      events.some((e) => e.includes('"usage"')),
      'the usage chunk the client did not ask for is not passed on',
    );
    t.is(events.filter((e) => e.startsWith('data: {')).length, 20);
    t.is(events.at(-2), 'data: [DONE]');
    t.is(
      events.at(-1),
      `: tollgate cost_usd=${(call.costMicros / 1e6).toFixed(6)} remaining_usd=${((5_000_000 - call.costMicros) / 1e6).toFixed(6)}`,
    );
    t.is(micros((await settled(agent.id)).spent_usd), call.costMicros);
  },
);

test.serial('when a stream asked for its usage, then it gets the usage chunk as the provider sent it', async (t) => {
  const agent = await createAgent(stack, admin, 5);
  const res = await chat(agent.token, chatRequest({ stream: true, stream_options: { include_usage: true } }));
  t.true(res.text.split('\n\n').some((e) => e.includes('"usage":{"prompt_tokens"')));
  t.is(micros((await settled(agent.id)).spent_usd), provider.calls[0].costMicros);
});

test.serial('when Anthropic streams a message, then the usage of message_start and the last message_delta is charged', async (t) => {
  const agent = await createAgent(stack, admin, 5);
  const res = await stack.http.post('/v1/proxy/anthropic/v1/messages', {
    token: agent.token,
    json: { model: 'claude-3-5-haiku-20241022', max_tokens: 300, stream: true, messages: [{ role: 'user', content: 'a haiku please' }] },
  });
  t.is(res.status, 200, res.text);
  const [call] = provider.calls;
  t.is(call.apiKey, ANTHROPIC_KEY);
  t.is(call.body.max_tokens, 300, "the request's own bound is kept");
  t.is(micros((await settled(agent.id)).spent_usd), call.costMicros);
});

test.serial('when a model has no price, or a path is not a priced endpoint, then 400 and nothing reaches the provider', async (t) => {
  const agent = await createAgent(stack, admin, 5);
  const unpriced = await chat(agent.token, chatRequest({ model: 'o3-pro' }));
  t.is(unpriced.status, 400);
  t.is(unpriced.body.error.code, 'model_not_priced');
  const other = await stack.http.post('/v1/proxy/openai/fine_tuning/jobs', { token: agent.token, json: { model: 'gpt-4o-mini' } });
  t.is(other.status, 400);
  t.is(other.body.error.code, 'endpoint_not_priced');
  t.is(provider.calls.length, 0);
  t.deepEqual(await budgetOf(stack, admin, agent.id), { limit_usd: 5, spent_usd: 0, reserved_usd: 0, remaining_usd: 5 });
});

test.serial(
  'when max_tokens cannot fit the budget, then 402 before anything is sent; without max_tokens the call is bounded to what remains',
  async (t) => {
    const agent = await createAgent(stack, admin, 0.05);
    const big = await chat(agent.token, chatRequest({ model: 'gpt-4-turbo', max_tokens: 100_000 }));
    t.is(big.status, 402);
    t.is(big.body.error.code, 'budget_exhausted');
    t.like(big.body.error.details, { provider: 'openai', model: 'gpt-4-turbo' });
    t.is(provider.calls.length, 0);
    // The refusal is audited, once.
    const audited = await eventually(
      async () =>
        (await stack.http.get(`/v1/audit/events?action=budget.exhausted&resource_id=${agent.id}`, { token: admin.access_token })).body
          .items as { outcome: string; details: Record<string, unknown> }[],
      (items) => items.length > 0,
    );
    t.is(audited.length, 1);
    t.like(audited[0], { outcome: 'denied', details: { provider: 'openai', model: 'gpt-4-turbo' } });
    provider.behaviour.answerWords = 100_000;
    const bounded = await chat(agent.token, chatRequest({ model: 'gpt-4-turbo' }));
    t.is(bounded.status, 200, bounded.text);
    const [call] = provider.calls;
    // $0.05 less the input bound, at 30 µ$ a token.
    t.true((call.body.max_completion_tokens as number) < 1_700);
    t.true(call.costMicros <= 50_000, `the provider was paid ${call.costMicros} µ$ of a 50,000 µ$ budget`);
    const budget = await settled(agent.id);
    t.is(micros(budget.spent_usd), call.costMicros);
    t.true(budget.remaining_usd >= 0);
  },
);

test.serial(
  'when 150 calls hit a $0.50 budget at once, then at least 95% of it is used and the provider is never paid more than the budget',
  async (t) => {
    const agent = await createAgent(stack, admin, 0.5);
    provider.behaviour.answerWords = 1_000;
    const answers = await Promise.all(
      Array.from({ length: 150 }, () => chat(agent.token, chatRequest({ model: 'gpt-4-turbo', max_tokens: 1_000 }))),
    );
    const served = answers.filter((r) => r.status === 200).length;
    t.true(
      answers.every((r) => r.status === 200 || r.status === 402),
      answers.map((r) => r.status).join(','),
    );
    const budget = await settled(agent.id);
    const billed = provider.billedMicros();
    t.log(`${served} served; provider billed ${billed} µ$; spent ${budget.spent_usd}`);
    t.true(billed <= 500_000, 'never beyond the budget');
    t.is(micros(budget.spent_usd), billed, 'spent is what the provider was paid');
    t.true(billed >= 475_000, `at least 95% used: ${billed}`);
  },
);

test.serial('when the client goes away mid-stream, then the whole hold is charged', async (t) => {
  const agent = await createAgent(stack, admin, 5);
  provider.behaviour.answerWords = 50;
  provider.behaviour.chunkDelayMs = 20;
  await new Promise<void>((resolve) => {
    const url = new URL(`${stack.url}/v1/proxy/openai/chat/completions`);
    const req = https.request(
      url,
      { method: 'POST', ca: stack.ca, headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' } },
      (res) => {
        let seen = 0;
        res.on('data', () => {
          if (++seen === 3) {
            req.destroy();
            resolve();
          }
        });
      },
    );
    req.end(JSON.stringify(chatRequest({ stream: true, max_tokens: 100 })));
  });
  const budget = await settled(agent.id);
  // The hold: the body's bytes at the input price plus 100 output tokens.
  t.true(micros(budget.spent_usd) > provider.calls[0].costMicros, 'more than the usage so far: the whole hold');
  t.is(
    micros(budget.spent_usd),
    Math.ceil((JSON.stringify(chatRequest({ stream: true, max_tokens: 100 })).length * 150_000) / 1e6) + Math.ceil((100 * 600_000) / 1e6),
  );
});

test.serial('when the provider cuts the answer off or gives no usage, then the whole hold is charged', async (t) => {
  const agent = await createAgent(stack, admin, 5);
  const hold = Math.ceil((JSON.stringify(chatRequest({ max_tokens: 100 })).length * 150_000) / 1e6) + 60;
  provider.behaviour.noUsage = true;
  t.is((await chat(agent.token, chatRequest({ max_tokens: 100 }))).status, 200);
  t.is(micros((await settled(agent.id)).spent_usd), hold);
  provider.behaviour.noUsage = false;
  provider.behaviour.cutAfterChunks = 3;
  await chat(agent.token, chatRequest({ max_tokens: 100, stream: true })).catch(() => undefined);
  const streamHold = Math.ceil((JSON.stringify(chatRequest({ max_tokens: 100, stream: true })).length * 150_000) / 1e6) + 60;
  t.is(micros((await settled(agent.id)).spent_usd), hold + streamHold);
});

test.serial('when the provider answers 429 or an error, then it passes through and the hold is released', async (t) => {
  const agent = await createAgent(stack, admin, 5);
  provider.behaviour.fail = { status: 429, headers: { 'retry-after': '7' }, body: { error: { message: 'slow down' } } };
  const res = await chat(agent.token, chatRequest());
  t.is(res.status, 429);
  t.is(res.headers['retry-after'], '7');
  t.deepEqual(res.body, { error: { message: 'slow down' } });
  t.deepEqual(await settled(agent.id), { limit_usd: 5, spent_usd: 0, reserved_usd: 0, remaining_usd: 5 });
});

test.serial(
  'when the provider is unreachable, then 503 and nothing is charged; when it stops answering, 504 and the hold is charged',
  async (t) => {
    const agent = await createAgent(stack, admin, 2);
    const keys = await stack.http.get('/v1/provider-keys', { token: admin.access_token });
    const anthropic = keys.body.items.find((k: { provider: string }) => k.provider === 'anthropic');
    const message = { model: 'claude-3-5-haiku-20241022', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
    const moved = await stack.http.patch(`/v1/provider-keys/${anthropic.id}`, {
      token: admin.access_token,
      json: { base_url: 'http://127.0.0.1:1', api_key: ANTHROPIC_KEY },
    });
    t.is(moved.status, 200, moved.text);
    try {
      // The gateway reuses a resolved key for up to a second.
      await new Promise((r) => setTimeout(r, 1_100));
      const down = await stack.http.post('/v1/proxy/anthropic/v1/messages', { token: agent.token, json: message });
      t.is(down.status, 503, down.text);
      t.is(down.body.error.code, 'service_unavailable');
      t.deepEqual(await settled(agent.id), { limit_usd: 2, spent_usd: 0, reserved_usd: 0, remaining_usd: 2 });
    } finally {
      await stack.http.patch(`/v1/provider-keys/${anthropic.id}`, {
        token: admin.access_token,
        json: { base_url: provider.url, api_key: ANTHROPIC_KEY },
      });
    }
    provider.behaviour.hang = true;
    const hung = await chat(agent.token, chatRequest({ max_tokens: 10 }));
    t.is(hung.status, 504);
    t.is(hung.body.error.code, 'gateway_timeout');
    const budget = await settled(agent.id);
    t.is(micros(budget.spent_usd), Math.ceil((JSON.stringify(chatRequest({ max_tokens: 10 })).length * 150_000) / 1e6) + 6);
  },
);

test.serial('when the request body is chunked, then it is proxied like any other', async (t) => {
  const agent = await createAgent(stack, admin, 5);
  const status = await new Promise<number>((resolve, reject) => {
    const req = https.request(
      `${stack.url}/v1/proxy/openai/chat/completions`,
      {
        method: 'POST',
        ca: stack.ca,
        headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    // Written in two chunks, without a Content-Length, as streaming HTTP clients send bodies.
    const body = JSON.stringify(chatRequest());
    req.write(body.slice(0, 10));
    req.end(body.slice(10));
  });
  t.is(status, 200);
  t.is(provider.calls.length, 1);
  t.deepEqual(provider.calls[0].body.messages, chatRequest().messages);
});

test.serial('when an agent limited to some providers calls another, then 403 and nothing is sent', async (t) => {
  const res = await stack.http.post('/v1/agents', {
    token: admin.access_token,
    json: { name: 'anthropic-only', budget_usd: 5, providers: ['anthropic'] },
  });
  t.is(res.status, 201, res.text);
  const call = await chat(res.body.token, chatRequest());
  t.is(call.status, 403);
  t.regex(call.body.error.message, /may not use provider openai/);
  t.is(provider.calls.length, 0);
});

test.serial('when a person or a token without proxy:invoke calls the proxy, then 403 and nothing is sent', async (t) => {
  const asUser = await chat(admin.access_token, chatRequest());
  t.is(asUser.status, 403);
  const pat = await stack.http.post('/v1/tokens', { token: admin.access_token, json: { name: 'no-proxy', scopes: ['tokens:read'] } });
  t.is((await chat(pat.body.token, chatRequest())).status, 403);
  t.is(provider.calls.length, 0);
});

test.serial('when a gateway dies with a call in flight, then its escrow is charged whole when it expires, and audited', async (t) => {
  const agent = await createAgent(stack, admin, 1);
  const port = await freePort();
  const gateway = spawn(process.execPath, [...DEPLOYABLE_NODE_ARGS, path.join(ROOT, 'gateway/src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...stack.env.gateway, GATEWAY_PORT: String(port), LOG_LEVEL: 'silent' },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => gateway.once('exit', resolve));
  const http = httpClient(`https://127.0.0.1:${port}`, stack.ca);
  try {
    await waitForTcp(port, '127.0.0.1', 60_000);
    provider.behaviour.delayMs = 1_500;
    const call = http
      .post('/v1/proxy/openai/chat/completions', { token: agent.token, json: chatRequest({ max_tokens: 100 }) })
      .catch(() => null);
    await eventually(
      async () => provider.calls.length,
      (n) => n === 1,
    );
    gateway.kill('SIGKILL');
    await exited;
    const held = await budgetOf(stack, admin, agent.id);
    t.true(held.reserved_usd > 0, 'the escrow stays after its gateway died');
    await call;
    // Nobody syncs the escrow any more: at its expiry (3 s here) it is charged whole — the call's hold and the escrow's headroom.
    const after = await eventually(
      () => budgetOf(stack, admin, agent.id),
      (b) => b.reserved_usd === 0,
      15_000,
    );
    t.is(after.spent_usd, held.reserved_usd);
    t.true(micros(after.spent_usd) >= provider.calls[0].costMicros, 'never less than the provider was paid');
    const audit = await eventually(
      async () =>
        (await stack.http.get(`/v1/audit/events?action=budget.call.charged_whole&resource_id=${agent.id}`, { token: admin.access_token }))
          .body.items,
      (items: unknown[]) => items.length > 0,
    );
    t.like(audit[0], { actor: { type: 'agent', id: agent.id }, details: { charged_micros: micros(held.reserved_usd) } });
  } finally {
    provider.behaviour.delayMs = 0;
    http.close();
    if (gateway.exitCode === null) gateway.kill('SIGKILL');
  }
});

test.serial(
  'when an agent is at its limit on calls in flight or tokens this minute, then 429 with Retry-After and nothing is sent',
  async (t) => {
    const agent = await createAgent(stack, admin, 5);
    const patched = await stack.http.patch(`/v1/agents/${agent.id}`, { token: admin.access_token, json: { max_parallel_calls: 2 } });
    t.is(patched.status, 200, patched.text);
    t.like(patched.body, { max_parallel_calls: 2, tokens_per_minute: 0 });
    provider.behaviour.delayMs = 600;
    const answers = await Promise.all([0, 1, 2].map(() => chat(agent.token, chatRequest())));
    t.deepEqual(answers.map((r) => r.status).sort(), [200, 200, 429]);
    const refused = answers.find((r) => r.status === 429)!;
    t.is(refused.body.error.code, 'rate_limited');
    t.truthy(refused.headers['retry-after']);
    t.is(provider.calls.length, 2);

    provider.behaviour.delayMs = 0;
    const frugal = await createAgent(stack, admin, 5);
    await stack.http.patch(`/v1/agents/${frugal.id}`, { token: admin.access_token, json: { tokens_per_minute: 10 } });
    t.is((await chat(frugal.token, chatRequest())).status, 200, 'the first call of the minute goes through');
    await settled(frugal.id);
    const over = await chat(frugal.token, chatRequest());
    // (unless the minute just turned)
    t.true(over.status === 429 || over.status === 200);
    if (over.status === 429) t.true(Number(over.headers['retry-after']) <= 60);
    t.is((await stack.http.patch(`/v1/agents/${agent.id}`, { token: admin.access_token, json: { max_parallel_calls: -1 } })).status, 400);
  },
);

test.serial(
  "when the caller's rate limit refuses a proxied call, then 429, nothing is sent, and the call's hold and place are given back",
  async (t) => {
    const agent = await createAgent(stack, admin, 5);
    t.is((await stack.http.patch(`/v1/agents/${agent.id}`, { token: admin.access_token, json: { max_parallel_calls: 1 } })).status, 200);
    // A gateway that lets a token make one request a minute (the call's hold and place are taken alongside that limit).
    const strict = await startGateway(
      loadGatewayConfig({ ...stack.env.gateway, GATEWAY_PORT: '0', RATE_LIMIT_TOKEN_PER_MIN: '1' }),
      createLogger('gateway-strict', testEnv.logLevel),
    );
    const strictHttp = httpClient(strict.url, strict.ca);
    try {
      const call = () => strictHttp.post('/v1/proxy/openai/chat/completions', { token: agent.token, json: chatRequest() });
      t.is((await call()).status, 200);
      const refused = await call();
      t.is(refused.status, 429, refused.text);
      t.is(refused.body.error.code, 'rate_limited');
      t.is(provider.calls.length, 1, 'the refused call was not sent');
      // Its place among the agent's one call in flight was given back: the next call (on the other gateway) gets it.
      t.is((await chat(agent.token, chatRequest())).status, 200);
      // And its hold: the strict gateway's escrow goes back whole once idle, and only the two calls sent are spent.
      const budget = await settled(agent.id);
      t.is(
        micros(budget.spent_usd),
        provider.calls.reduce((sum, c) => sum + c.costMicros, 0),
      );
    } finally {
      strictHttp.close();
      await strict.stop();
    }
  },
);

test.serial(
  'when a key is rotated or disabled, then the proxy follows within a second, and the audit log records each key handed out, not each check',
  async (t) => {
    const token = admin.access_token;
    const [first, second] = ['sk-live-rotating-aaaa1111', 'sk-live-rotating-bbbb2222'];
    const created = await stack.http.post('/v1/provider-keys', {
      token,
      json: { provider: 'rotating', name: 'rotating', api_key: first, base_url: `${provider.url}/v1` },
    });
    t.is(created.status, 201, created.text);
    const keyId = created.body.id as string;
    const price = { input_usd_per_million: 0.15, output_usd_per_million: 0.6 };
    t.is((await stack.http.put('/v1/prices/rotating/gpt-4o-mini', { token, json: price })).status, 200);
    const agent = await createAgent(stack, admin, 5);
    const sent: { at: number; status: number; calls: number }[] = [];
    /** Calls every 50 ms for `ms`, noting when each call started, its status and how many calls the provider had got by then. */
    const callFor = async (ms: number) => {
      sent.length = 0;
      for (const until = Date.now() + ms; Date.now() < until; await sleep(50)) {
        const at = Date.now();
        const res = await stack.http.post('/v1/proxy/rotating/chat/completions', { token: agent.token, json: chatRequest() });
        sent.push({ at, status: res.status, calls: provider.calls.length });
      }
    };
    const handedOut = async (count: number) => {
      const read = async () =>
        (await stack.http.get(`/v1/audit/events?action=provider_key.accessed&resource_id=${keyId}&limit=100`, { token })).body.items as {
          details: { purpose: string };
        }[];
      // Delivered at once through the outbox: a count still growing is caught by the second read.
      await eventually(read, (items) => items.length >= count);
      await sleep(500);
      return read();
    };

    // The gateway holds the key and revalidates it every half second meanwhile.
    await callFor(2_500);
    t.true(sent.every((s) => s.status === 200));
    t.true(provider.calls.every((c) => c.authorization === `Bearer ${first}`));
    t.deepEqual(
      (await handedOut(1)).map((e) => e.details.purpose),
      ['proxy'],
      'handed out once: 2.5 s of revalidations are not audited',
    );

    provider.reset();
    t.is((await stack.http.post(`/v1/provider-keys/${keyId}/rotate`, { token, json: { api_key: second } })).status, 200);
    const rotated = Date.now();
    await callFor(1_500);
    const keysSent = provider.calls.map((c) => c.authorization);
    t.is(keysSent.length, sent.length);
    t.true(
      sent.every((s, i) => s.at - rotated < 1_000 || keysSent[i] === `Bearer ${second}`),
      'every call from a second after the rotation on sends the new key',
    );
    t.is(keysSent.at(-1), `Bearer ${second}`);
    t.is((await handedOut(2)).length, 2, 'the new key was handed out once');

    t.is((await stack.http.patch(`/v1/provider-keys/${keyId}`, { token, json: { disabled: true } })).status, 200);
    const disabled = Date.now();
    const before = provider.calls.length;
    await callFor(1_500);
    const late = sent.filter((s) => s.at - disabled >= 1_000);
    t.true(late.length > 0);
    t.true(
      late.every((s) => s.status === 404),
      'from a second after the disable on, calls are refused',
    );
    t.is(provider.calls.length, before + sent.filter((s) => s.status === 200).length, 'and nothing refused reached the provider');
  },
);
