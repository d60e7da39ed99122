import test from 'ava';
import { AGENT_SCOPES } from '@tollgate/platform';
import { randomNonce, usageOpId } from '../src/domain/ids.js';
import type { UsageCharge } from '../src/domain/records.js';
import { AgentStore } from '../src/store/agent-store.js';
import { BudgetStore } from '../src/store/budget-store.js';
import { BudgetRequestStore } from '../src/store/request-store.js';
import {
  addProviderKey,
  budgetService,
  createAgent,
  manager,
  member,
  outboxEvents,
  startBudgetStack,
  usd,
  viewer,
  type BudgetStack,
} from './helpers.js';

// A fast sweeper; work older than a second counts as abandoned by a crashed replica.
let s: BudgetStack;
test.before(async () => {
  s = await startBudgetStack({ SWEEP_INTERVAL_MS: '100', RECOVERY_AFTER_SECONDS: '1', LEASE_TTL_SECONDS: '1' });
  await addProviderKey(s, 'openai');
});
test.after.always(() => s?.close());

const state = (id: string) => s.budget.GetBudget({ id }, { principal: budgetService });
const aWhileAgo = () => new Date(Date.now() - 5_000);

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Step 1 of a charge exactly as the service does it (the real store), as if the process then died. */
async function chargeThenCrash(agentId: string, requestId: string, amount: number, at = aWhileAgo()): Promise<UsageCharge> {
  const nonce = randomNonce();
  const charge: UsageCharge = {
    op_id: usageOpId(agentId, requestId),
    nonce,
    agent_id: agentId,
    lease_id: '',
    request_id: requestId,
    provider: 'openai',
    model: 'gpt-4o',
    input_tokens: 1,
    output_tokens: 1,
    amount_micros: amount,
    lease_micros: 0,
    overage_micros: amount,
    cost_micros: amount,
    unbilled_micros: 0,
    day: at.toISOString().slice(0, 10),
    at,
  };
  const applied = await new BudgetStore(s.db).charge(agentId, [charge], at);
  if (!applied) throw new Error('the simulated charge did not apply');
  return charge;
}

test('when a lease expires, then the sweeper returns its unspent part to the budget', async (t) => {
  const { agent, as } = await createAgent(s, usd(1));
  const hs = await s.budget.Handshake({ agent_id: agent.id, provider: 'openai', requested_micros: 400_000 }, { principal: as });
  await s.budget.ReportUsage({ lease_id: hs.lease_id, request_id: 'before-expiry', provider: 'openai', model: 'gpt-4o', input_tokens: 0, output_tokens: 0, cost_micros: 100_000 }, { principal: as });
  const after = await until(() => state(agent.id), (b) => b.reserved_micros === 0);
  t.deepEqual(after, { limit_micros: 1_000_000, spent_micros: 100_000, reserved_micros: 0, remaining_micros: 900_000 });
  const lease = await s.db.collection('leases').findOne({ _id: hs.lease_id as never });
  t.like(lease, { status: 'expired', released_micros: 300_000 });
  t.true((await s.budget.Reconcile({ id: agent.id }, { principal: budgetService })).ok);
});

test('when a replica dies after charging but before writing the ledger, then the charge is finished from the budget document', async (t) => {
  const { agent } = await createAgent(s, usd(1));
  const charge = await chargeThenCrash(agent.id, 'interrupted', 12_345);
  const entry = await until(() => s.db.collection('usage_ledger').findOne({ _id: charge.op_id as never }), (e) => e !== null);
  t.like(entry, { agent_id: agent.id, request_id: 'interrupted', amount_micros: 12_345, nonce: charge.nonce });
  const budget = await until(() => s.db.collection('budgets').findOne({ _id: agent.id as never }), (b) => Object.keys(b?.pending ?? {}).length === 0);
  t.deepEqual(budget?.pending, {});
  t.deepEqual(await s.budget.Reconcile({ id: agent.id }, { principal: budgetService }), { ok: true, ledger_spent_micros: 12_345, budget_spent_micros: 12_345 });
});

test('when the agent retries a report whose charge was interrupted, then it gets the original charge as a duplicate', async (t) => {
  const { agent, as } = await createAgent(s, usd(1));
  await chargeThenCrash(agent.id, 'retry-me', 2_000);
  const retry = await s.budget.ReportUsage({ lease_id: '', request_id: 'retry-me', provider: 'openai', model: 'gpt-4o', input_tokens: 1, output_tokens: 1, cost_micros: 2_000 }, { principal: as });
  t.deepEqual(retry, { charged_micros: 2_000, remaining_micros: 998_000, duplicate: true });
  t.is((await state(agent.id)).spent_micros, 2_000);
  t.is(await s.db.collection('usage_ledger').countDocuments({ agent_id: agent.id }), 1);
});

test('when two replicas charged the same report, then the one not in the ledger is reversed', async (t) => {
  const { agent, as } = await createAgent(s, usd(1));
  const first = await s.budget.ReportUsage({ lease_id: '', request_id: 'raced', provider: 'openai', model: 'gpt-4o', input_tokens: 0, output_tokens: 0, cost_micros: 50_000 }, { principal: as });
  t.false(first.duplicate);
  // The losing replica's charge: same report, another attempt (recent, so the sweeper waits a second).
  await chargeThenCrash(agent.id, 'raced', 50_000, new Date());
  t.is((await state(agent.id)).spent_micros, 100_000);
  const settled = await until(() => state(agent.id), (b) => b.spent_micros === 50_000);
  t.deepEqual(settled, { limit_micros: 1_000_000, spent_micros: 50_000, reserved_micros: 0, remaining_micros: 950_000 });
  t.deepEqual(await s.budget.Reconcile({ id: agent.id }, { principal: budgetService }), { ok: true, ledger_spent_micros: 50_000, budget_spent_micros: 50_000 });
});

test('when an approval was recorded but its raise never applied, then the sweeper applies it exactly once', async (t) => {
  const { agent } = await createAgent(s, usd(10));
  const r = await s.budget.CreateBudgetRequest({ agent_id: agent.id, requested_micros: usd(5), justification: 'crash test' }, { principal: member });
  // The approver's replica recorded the decision and died before raising the limit.
  t.truthy(await new BudgetRequestStore(s.db).decide(r.id, 'approved', manager.id, 'ok', aWhileAgo()));
  const raised = await until(() => state(agent.id), (b) => b.limit_micros === 15_000_000);
  t.is(raised.limit_micros, 15_000_000);
  t.is(raised.remaining_micros, 15_000_000);
  const applied = await until(() => s.db.collection('budget_requests').findOne({ _id: r.id as never }), (d) => d?.applied === true);
  t.true(applied?.applied);
  await new Promise((res) => setTimeout(res, 300));
  t.is((await state(agent.id)).limit_micros, 15_000_000, 'still applied only once');
  const history = await s.budget.GetBudgetHistory({ id: agent.id }, { principal: viewer });
  t.deepEqual(history.items.map((h) => [h.old_limit_micros, h.new_limit_micros, h.approver_id, h.request_id]), [[10_000_000, 15_000_000, manager.id, r.id]]);
  const event = (await outboxEvents(s.db)).find((e) => e.action === 'budget.limit.changed' && e.resource.id === agent.id);
  t.deepEqual(event?.actor, { type: 'user', id: manager.id });
});

test('when an agent creation was abandoned half-way, then the sweeper revokes its credential and removes it', async (t) => {
  const agentId = `agt_${Date.now().toString(36).padStart(9, '0')}0123456789abcdef`;
  const minted = await s.token.CreateAgentToken({ agent_id: agentId, owner_id: member.id, name: 'abandoned', scopes: [...AGENT_SCOPES] }, { principal: budgetService });
  const then = aWhileAgo();
  await new AgentStore(s.db).insert({
    id: agentId,
    owner_id: member.id,
    name: 'abandoned',
    description: '',
    providers: [],
    disabled: false,
    token_id: minted.token!.id,
    status: 'provisioning',
    created_at: then,
    updated_at: then,
  });
  await new BudgetStore(s.db).insert(agentId, usd(1), then);
  const gone = await until(() => s.db.collection('agents').findOne({ _id: agentId as never }), (d) => d === null);
  t.is(gone, null);
  t.is(await s.db.collection('budgets').countDocuments({ _id: agentId as never }), 0);
  t.is((await s.token.GetToken({ id: minted.token!.id }, { principal: budgetService })).status, 'revoked');
});

test('when an agent is still being created, then it is invisible', async (t) => {
  const agentId = `agt_${Date.now().toString(36).padStart(9, '0')}fedcba9876543210`;
  const now = new Date();
  await new AgentStore(s.db).insert({
    id: agentId, owner_id: member.id, name: 'in flight', description: '', providers: [], disabled: false, token_id: '', status: 'provisioning', created_at: now, updated_at: now,
  });
  const err = await s.budget.GetAgent({ id: agentId }, { principal: viewer }).catch((e: { code: string }) => e.code);
  t.is(err, 'not_found');
  const page = await s.budget.ListAgents({ page: { limit: 100 } }, { principal: viewer });
  t.false(page.items.some((a) => a.id === agentId));
});
