import test from 'ava';
import { decryptIpToken } from '@tollgate/sdk';
import type { Stack } from '../support/stack.js';
import { addProviderKey, budgetRpc, createAgent, moneyOf, patOf, people, startMoneyStack, type People } from '../support/factories.js';

// Handshake, usage, lease release and spend analytics through the gateway, as agents use them.
let stack: Stack;
let p: People;
let rpc: ReturnType<typeof budgetRpc>;
const openAiKey = 'sk-live-e2e-usage-key-0123456789abcdef';

test.before(async () => {
  // 200 calls queue on one budget on purpose; give them time beyond the default 3 s deadline.
  stack = await startMoneyStack({ gateway: { GRPC_DEADLINE_MS: '60000' } });
  p = await people(stack);
  rpc = budgetRpc(stack);
  await addProviderKey(stack, p.admin, 'openai', openAiKey);
  await addProviderKey(stack, p.admin, 'anthropic', 'sk-ant-e2e-usage-key-0123456789abcdef');
});
test.after.always(async () => {
  rpc?.close();
  await stack?.close();
});

const handshake = (token: string, agentId: string, json: Record<string, unknown> = { provider: 'openai' }) =>
  stack.http.post(`/v1/agents/${agentId}/handshake`, { token, json });
const usage = (token: string, json: Record<string, unknown>) => stack.http.post('/v1/usage', { token, json });
const reconcile = (id: string) => rpc.call.Reconcile({ id }, { principal: { type: 'service', id: 'e2e' } });

test('when an agent shakes hands, then it gets a lease and an IP token its runtime opens with the SDK', async (t) => {
  const agent = await createAgent(stack, p.member, 10);
  const res = await handshake(agent.token, agent.id, { provider: 'openai', requested_usd: 2.5 });
  t.is(res.status, 200);
  t.like(res.body, { granted_usd: 2.5 });
  t.regex(res.body.lease_id, /^lse_/);
  t.truthy(Date.parse(res.body.expires_at));
  const opened = decryptIpToken(res.body.ip_token, stack.secrets.IP_TOKEN_KEY, { agentId: agent.id });
  t.is(opened.apiKey, openAiKey);
  t.is(opened.baseUrl, 'https://api.openai.com/v1');
  t.throws(() => decryptIpToken(res.body.ip_token, stack.secrets.IP_TOKEN_KEY, { agentId: 'agt_other' }));
  const budget = await stack.http.get(`/v1/agents/${agent.id}/budget`, { token: agent.token });
  t.deepEqual(moneyOf(budget.body), { limit_usd: 10, spent_usd: 0, reserved_usd: 2.5, remaining_usd: 7.5 });
});

test('when anyone but the agent itself shakes hands, then 403', async (t) => {
  const agent = await createAgent(stack, p.member, 1);
  const other = await createAgent(stack, p.member, 1);
  t.is((await handshake(other.token, agent.id)).status, 403);
  t.is((await handshake(p.member.access_token, agent.id)).status, 403);
  t.is((await handshake(await patOf(stack, p.member, ['usage:write', 'proxy:invoke']), agent.id)).status, 403);
  t.is((await handshake(agent.token, agent.id, { provider: 'openai', lease_usd: 1 })).status, 400);
});

test('when nothing is left, then the handshake is 402 budget_exhausted', async (t) => {
  const agent = await createAgent(stack, p.member, 1);
  t.is((await handshake(agent.token, agent.id, { provider: 'openai', requested_usd: 5 })).body.granted_usd, 1);
  const res = await handshake(agent.token, agent.id);
  t.is(res.status, 402);
  t.is(res.body.error.code, 'budget_exhausted');
  t.truthy(res.body.error.request_id);
});

test('when usage is reported, then it is charged once per request_id, and the lease release returns the rest', async (t) => {
  const agent = await createAgent(stack, p.member, 10);
  const lease = (await handshake(agent.token, agent.id, { provider: 'openai', requested_usd: 1 })).body;
  const report = {
    lease_id: lease.lease_id,
    request_id: 'req-1',
    provider: 'openai',
    model: 'gpt-4o',
    input_tokens: 1000,
    output_tokens: 500,
  };
  const first = await usage(agent.token, report);
  t.is(first.status, 200);
  t.deepEqual(first.body, { charged_usd: 0.0075, remaining_usd: 9, duplicate: false });
  const again = await usage(agent.token, report);
  t.deepEqual(again.body, { charged_usd: 0.0075, remaining_usd: 9, duplicate: true });
  const priced = await usage(agent.token, { ...report, request_id: 'req-2', cost_usd: 0.25 });
  t.is(priced.body.charged_usd, 0.25);

  const released = await stack.http.post(`/v1/leases/${lease.lease_id}/release`, { token: agent.token });
  t.is(released.status, 200);
  t.is(released.body.released_usd, 0.7425);
  t.deepEqual(moneyOf(released.body.budget), { limit_usd: 10, spent_usd: 0.2575, reserved_usd: 0, remaining_usd: 9.7425 });
  t.is((await stack.http.post(`/v1/leases/${lease.lease_id}/release`, { token: agent.token })).body.released_usd, 0);
  t.deepEqual(await reconcile(agent.id), { ok: true, ledger_spent_micros: 257_500, budget_spent_micros: 257_500 });
});

test('when usage is reported by someone else or malformed, then it is refused', async (t) => {
  const agent = await createAgent(stack, p.member, 1);
  const other = await createAgent(stack, p.member, 1);
  const lease = (await handshake(agent.token, agent.id, { provider: 'openai', requested_usd: 0.5 })).body;
  const report = { lease_id: lease.lease_id, request_id: 'x', provider: 'openai', model: 'gpt-4o', input_tokens: 1, output_tokens: 1 };
  t.is((await usage(other.token, report)).status, 404);
  t.is((await usage(p.member.access_token, report)).status, 403);
  t.is((await usage(await patOf(stack, p.member, ['usage:write']), report)).status, 403);
  t.is((await usage(agent.token, { ...report, input_tokens: -1 })).status, 400);
  t.is((await usage(agent.token, { ...report, model: 'mystery' })).status, 400);
  t.is((await usage(agent.token, { ...report, cost_usd: 0.0000001 })).status, 400);
  t.is((await usage(agent.token, { ...report, request_id: { $ne: null } })).status, 400);
  t.is((await usage(agent.token, { ...report, agent_id: other.id })).status, 400);
  t.is((await stack.http.post(`/v1/leases/${lease.lease_id}/release`, { token: other.token })).status, 404);
  t.is((await stack.http.post(`/v1/leases/${lease.lease_id}/release`, { token: p.member.access_token })).status, 403);
  const budget = await stack.http.get(`/v1/agents/${agent.id}/budget`, { token: agent.token });
  t.is(budget.body.spent_usd, 0);
});

test('when spend is asked for, then the ledger is grouped by agent, provider, model or day', async (t) => {
  const agent = await createAgent(stack, p.member, 10);
  const lease = (await handshake(agent.token, agent.id, { provider: 'anthropic', requested_usd: 5 })).body;
  const base = { lease_id: lease.lease_id, provider: 'anthropic', input_tokens: 1_000_000, output_tokens: 0 };
  await usage(agent.token, { ...base, request_id: 'a1', model: 'claude-3-haiku' });
  await usage(agent.token, { ...base, request_id: 'a2', model: 'claude-3-5-haiku' });
  await usage(agent.token, { ...base, request_id: 'a3', model: 'claude-3-5-haiku' });
  const byModel = await stack.http.get(`/v1/analytics/spend?group_by=model&agent_id=${agent.id}`, { token: p.viewer.access_token });
  t.is(byModel.status, 200);
  t.deepEqual(byModel.body.items, [
    { key: 'claude-3-5-haiku', spent_usd: 1.6, requests: 2, input_tokens: 2_000_000, output_tokens: 0 },
    { key: 'claude-3-haiku', spent_usd: 0.25, requests: 1, input_tokens: 1_000_000, output_tokens: 0 },
  ]);
  const today = new Date().toISOString().slice(0, 10);
  const byDay = await stack.http.get(`/v1/analytics/spend?group_by=day&from=${today}&to=${today}&agent_id=${agent.id}`, {
    token: p.viewer.access_token,
  });
  t.deepEqual(byDay.body.items, [{ key: today, spent_usd: 1.85, requests: 3, input_tokens: 3_000_000, output_tokens: 0 }]);
  const byAgent = await stack.http.get('/v1/analytics/spend?group_by=agent', { token: agent.token });
  t.deepEqual(
    byAgent.body.items.map((r: { key: string }) => r.key),
    [agent.id],
    'an agent sees only its own spend',
  );
  const byProvider = await stack.http.get('/v1/analytics/spend?group_by=provider', { token: p.viewer.access_token });
  t.true(byProvider.body.items.some((r: { key: string; spent_usd: number }) => r.key === 'anthropic' && r.spent_usd >= 1.85));
  t.is((await stack.http.get('/v1/analytics/spend?group_by=week', { token: p.viewer.access_token })).status, 400);
  t.is((await stack.http.get('/v1/analytics/spend', { token: p.viewer.access_token })).status, 400);
  t.is((await stack.http.get('/v1/analytics/spend?group_by=day', { token: await patOf(stack, p.viewer, ['agents:read']) })).status, 403);
});

test('when 200 usage reports and handshakes hit one budget through the gateway at once, then holds never pass what remains, every report is charged in full once, and the ledger matches', async (t) => {
  const limitUsd = 1;
  const agent = await createAgent(stack, p.member, limitUsd);
  // Ten leases of $0.05 hold half the budget.
  const leases: string[] = [];
  for (let i = 0; i < 10; i++)
    leases.push((await handshake(agent.token, agent.id, { provider: 'openai', requested_usd: 0.05 })).body.lease_id);

  const started = Date.now();
  const reports = Array.from({ length: 150 }, (_, i) =>
    usage(agent.token, {
      lease_id: leases[i % 10],
      request_id: `load-${i}`,
      provider: 'openai',
      model: 'gpt-4o',
      input_tokens: 0,
      output_tokens: 0,
      cost_usd: 0.004,
    }),
  );
  const handshakes = Array.from({ length: 50 }, () => handshake(agent.token, agent.id, { provider: 'openai', requested_usd: 0.02 }));
  const [reported, shaken] = await Promise.all([Promise.all(reports), Promise.all(handshakes)]);
  t.log(`200 calls through the gateway in ${Date.now() - started} ms`);

  for (const r of reported) t.is(r.status, 200, r.text);
  const granted = shaken.filter((r) => r.status === 200);
  for (const r of shaken) t.true(r.status === 200 || (r.status === 402 && r.body.error.code === 'budget_exhausted'), r.text);
  t.true(granted.length > 0 && granted.length < 50, `${granted.length} of 50 handshakes granted`);

  const chargedMicros = reported.reduce((sum, r) => sum + Math.round(r.body.charged_usd * 1e6), 0);
  t.is(chargedMicros, 600_000, 'every report is charged in full: what the provider was paid is what is spent');
  for (const r of granted) await stack.http.post(`/v1/leases/${r.body.lease_id}/release`, { token: agent.token });
  for (const id of leases) await stack.http.post(`/v1/leases/${id}/release`, { token: agent.token });

  const budget = (await stack.http.get(`/v1/agents/${agent.id}/budget`, { token: p.viewer.access_token })).body;
  t.deepEqual(moneyOf(budget), { limit_usd: 1, spent_usd: 0.6, reserved_usd: 0, remaining_usd: 0.4 });
  t.deepEqual(await reconcile(agent.id), { ok: true, ledger_spent_micros: chargedMicros, budget_spent_micros: chargedMicros });
  const spend = await stack.http.get(`/v1/analytics/spend?group_by=agent&agent_id=${agent.id}`, { token: p.viewer.access_token });
  t.deepEqual(spend.body.items, [{ key: agent.id, spent_usd: 0.6, requests: 150, input_tokens: 0, output_tokens: 0 }]);
});
