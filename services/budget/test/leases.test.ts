import test from 'ava';
import { decryptIpToken } from '@tollgate/sdk';
import {
  addProviderKey,
  admin,
  agentPrincipal,
  budgetService,
  codeOf,
  moneyOf,
  createAgent,
  errorOf,
  member,
  outboxEvents,
  startBudgetStack,
  stateOf,
  usd,
  type BudgetStack,
} from './helpers.js';

let s: BudgetStack;
const openAiKey = 'sk-test-openai-handshake-0123456789';
test.before(async () => {
  s = await startBudgetStack({ DEFAULT_LEASE_USD: '2.5', LEASE_TTL_SECONDS: '600' });
  await addProviderKey(s, 'openai', openAiKey);
  await addProviderKey(s, 'anthropic');
});
test.after.always(() => s?.close());

test('when an agent shakes hands, then the default lease is reserved and the IP token opens with the SDK', async (t) => {
  const { agent, as } = await createAgent(s, usd(10));
  const before = Date.now();
  const hs = await s.budget.Handshake({ agent_id: agent.id, provider: 'openai' }, { principal: as });
  t.regex(hs.lease_id, /^lse_/);
  t.is(hs.granted_micros, 2_500_000);
  const expiresAt = Date.parse(hs.expires_at);
  t.true(expiresAt >= before + 600_000 - 1_000 && expiresAt <= Date.now() + 600_000);
  t.deepEqual(await stateOf(s, agent.id), {
    limit_micros: 10_000_000,
    spent_micros: 0,
    reserved_micros: 2_500_000,
    remaining_micros: 7_500_000,
  });

  const opened = decryptIpToken(hs.ip_token, s.stack.secrets.IP_TOKEN_KEY, { agentId: agent.id });
  t.is(opened.apiKey, openAiKey);
  t.is(opened.provider, 'openai');
  t.is(opened.baseUrl, 'https://api.openai.com/v1');
  t.is(opened.expiresAt.getTime(), expiresAt, 'the IP token ends with the lease');
  t.throws(() => decryptIpToken(hs.ip_token, s.stack.secrets.IP_TOKEN_KEY, { agentId: 'agt_someone_else' }));
});

test('when an agent asks for more than is left, then it gets what is left; with nothing left it gets budget_exhausted and the refusal is audited', async (t) => {
  const { agent, as } = await createAgent(s, usd(3));
  const first = await s.budget.Handshake({ agent_id: agent.id, provider: 'openai', requested_micros: usd(2) }, { principal: as });
  t.is(first.granted_micros, 2_000_000);
  const second = await s.budget.Handshake({ agent_id: agent.id, provider: 'openai', requested_micros: usd(5) }, { principal: as });
  t.is(second.granted_micros, 1_000_000);
  const err = await errorOf(s.budget.Handshake({ agent_id: agent.id, provider: 'openai', requested_micros: 1 }, { principal: as }));
  t.is(err.code, 'budget_exhausted');
  t.is(err.httpStatus, 402);
  t.deepEqual(await stateOf(s, agent.id), { limit_micros: 3_000_000, spent_micros: 0, reserved_micros: 3_000_000, remaining_micros: 0 });
  const events = (await outboxEvents(s.db)).filter((e) => e.action === 'budget.exhausted' && e.resource.id === agent.id);
  t.is(events.length, 1);
  t.is(events[0].outcome, 'denied');
  t.deepEqual(events[0].actor, { type: 'agent', id: agent.id });
});

test('when a budget of zero shakes hands, then it is exhausted at once', async (t) => {
  const { agent, as } = await createAgent(s, 0);
  t.is(await codeOf(s.budget.Handshake({ agent_id: agent.id, provider: 'openai' }, { principal: as })), 'budget_exhausted');
});

test('when anyone but the agent itself shakes hands, then it is forbidden', async (t) => {
  const { agent } = await createAgent(s, usd(1));
  const other = await createAgent(s, usd(1));
  t.is(await codeOf(s.budget.Handshake({ agent_id: agent.id, provider: 'openai' }, { principal: other.as })), 'forbidden');
  t.is(await codeOf(s.budget.Handshake({ agent_id: agent.id, provider: 'openai' }, { principal: member })), 'forbidden');
  t.is(await codeOf(s.budget.Handshake({ agent_id: agent.id, provider: 'openai' }, { principal: admin })), 'forbidden');
  t.is(await codeOf(s.budget.Handshake({ agent_id: agent.id, provider: 'openai' }, { principal: budgetService })), 'forbidden');
  t.deepEqual((await stateOf(s, agent.id)).reserved_micros, 0);
});

test('when a disabled agent or an unknown agent shakes hands, then it is refused and nothing is reserved', async (t) => {
  const { agent, as } = await createAgent(s, usd(1));
  await s.budget.UpdateAgent({ id: agent.id, disabled: true }, { principal: member });
  t.is(await codeOf(s.budget.Handshake({ agent_id: agent.id, provider: 'openai' }, { principal: as })), 'forbidden');
  t.is((await stateOf(s, agent.id)).reserved_micros, 0);
  const ghost = 'agt_0mwrpp9q30fdaaaec898dcee';
  t.is(await codeOf(s.budget.Handshake({ agent_id: ghost, provider: 'openai' }, { principal: agentPrincipal(ghost) })), 'not_found');
});

test('when an agent limited to some providers asks for another, then it is refused', async (t) => {
  const { agent, as } = await createAgent(s, usd(1), member, { providers: ['anthropic'] });
  t.is(await codeOf(s.budget.Handshake({ agent_id: agent.id, provider: 'openai' }, { principal: as })), 'forbidden');
  const ok = await s.budget.Handshake({ agent_id: agent.id, provider: 'anthropic', requested_micros: 10 }, { principal: as });
  t.is(ok.granted_micros, 10);
});

test('when no key exists for the provider, then the handshake fails and the reservation is returned', async (t) => {
  const { agent, as } = await createAgent(s, usd(1));
  t.is(await codeOf(s.budget.Handshake({ agent_id: agent.id, provider: 'mistral' }, { principal: as })), 'not_found');
  t.deepEqual(await stateOf(s, agent.id), { limit_micros: 1_000_000, spent_micros: 0, reserved_micros: 0, remaining_micros: 1_000_000 });
  const rec = await s.budget.Reconcile({ id: agent.id }, { principal: budgetService });
  t.true(rec.ok);
});

test('when a lease is released, then its unspent part returns to the budget, once', async (t) => {
  const { agent, as } = await createAgent(s, usd(10));
  const hs = await s.budget.Handshake({ agent_id: agent.id, provider: 'openai', requested_micros: usd(4) }, { principal: as });
  await s.budget.ReportUsage(
    {
      lease_id: hs.lease_id,
      request_id: 'r1',
      provider: 'openai',
      model: 'gpt-4o',
      input_tokens: 0,
      output_tokens: 0,
      cost_micros: 1_250_000,
    },
    { principal: as },
  );
  const released = await s.budget.ReleaseLease({ lease_id: hs.lease_id }, { principal: as });
  t.is(released.released_micros, 2_750_000);
  t.deepEqual(moneyOf(released.budget!), {
    limit_micros: 10_000_000,
    spent_micros: 1_250_000,
    reserved_micros: 0,
    remaining_micros: 8_750_000,
  });
  const again = await s.budget.ReleaseLease({ lease_id: hs.lease_id }, { principal: as });
  t.is(again.released_micros, 0);
  t.deepEqual(again.budget, released.budget);
});

test('when someone else releases a lease, then it is not found', async (t) => {
  const { agent, as } = await createAgent(s, usd(1));
  const other = await createAgent(s, usd(1));
  const hs = await s.budget.Handshake({ agent_id: agent.id, provider: 'openai', requested_micros: 100 }, { principal: as });
  t.is(await codeOf(s.budget.ReleaseLease({ lease_id: hs.lease_id }, { principal: other.as })), 'not_found');
  t.is(await codeOf(s.budget.ReleaseLease({ lease_id: hs.lease_id }, { principal: member })), 'forbidden');
  t.is(await codeOf(s.budget.ReleaseLease({ lease_id: 'lse_nope' }, { principal: as })), 'not_found');
  t.is((await stateOf(s, agent.id)).reserved_micros, 100);
});
