import test from 'ava';
import { AGENT_SCOPES, createLogger } from '@tollgate/platform';
import { BudgetBook } from '../src/domain/budget-book.js';
import { usageOpId } from '../src/domain/ids.js';
import { AgentStore } from '../src/store/agent-store.js';
import { ClaimStore } from '../src/store/claim-store.js';
import mongoose from 'mongoose';
import { JournalStore } from '../src/store/journal-store.js';
import { BudgetRequestStore } from '../src/store/request-store.js';
import { RollupStore } from '../src/store/rollup-store.js';
import {
  addProviderKey,
  budgetService,
  chargedOf,
  createAgent,
  ledgerOf,
  manager,
  member,
  outboxEvents,
  startBudgetStack,
  stateOf,
  usd,
  viewer,
  type BudgetStack,
} from './helpers.js';
import { eventually } from '../../../test/support/eventually.js';

// A fast sweeper; work older than three seconds counts as abandoned by a crashed replica.
let s: BudgetStack;
test.before(async () => {
  s = await startBudgetStack({ SWEEP_INTERVAL_MS: '100', RECOVERY_AFTER_SECONDS: '3', LEASE_TTL_SECONDS: '1' });
  await addProviderKey(s, 'openai');
});
test.after.always(() => s?.close());

const aWhileAgo = () => new Date(Date.now() - 5_000);

/** Another replica's book on the same database: what it writes is real, and it can "die" at any step. */
const otherReplica = () =>
  new BudgetBook({
    journal: new JournalStore(s.db),
    rollups: new RollupStore(s.db),
    log: createLogger('dead-replica', 'silent'),
    hotPeriodMs: 90 * 86_400_000,
  });

/** Step 1 of a report exactly as the service does it (the real claim store), as if the process then died. */
async function claimThenCrash(agentId: string, requestId: string, cost: number, at = aWhileAgo()) {
  const afterSeq = (await otherReplica().headSeq(agentId))!;
  const claim = {
    op_id: usageOpId(agentId, requestId),
    agent_id: agentId,
    request_id: requestId,
    after_seq: afterSeq,
    claimed_at: at,
    charge: { hold_id: '', provider: 'openai', model: 'gpt-4o', input_tokens: 1, output_tokens: 1, cost_micros: cost },
    applied: false,
    seq: 0,
    charged: 0,
  };
  if (!(await new ClaimStore(s.db).claim(claim))) throw new Error('the simulated claim was refused');
  return claim;
}

/** Steps 1 and 2 (the charge is in the journal), then the process died before marking the claim. */
async function chargeThenCrash(agentId: string, requestId: string, cost: number) {
  const claim = await claimThenCrash(agentId, requestId, cost);
  const [decided] = await otherReplica().submit(agentId, [
    { intent: { type: 'charge', op_id: claim.op_id, request_id: requestId, ...claim.charge }, afterSeq: claim.after_seq },
  ]);
  if (decided.outcome.type !== 'charge' || decided.outcome.charged !== cost) throw new Error('the simulated charge did not apply');
  return claim;
}

test('when the journal holds entries written before entries had a body, then a replica reads them as before', async (t) => {
  const { agent } = await createAgent(s, usd(10));
  await s.budget.UpdateAgent({ id: agent.id, description: 'second entry' }, { principal: member });
  const journal = s.db.collection('budget_journal');
  // The older layout: every part of an entry a field of its document.
  const { BSON, Binary } = mongoose.mongo;
  for (const doc of await journal.find({ agent_id: agent.id }).toArray()) {
    const { _id, body, ...fields } = doc;
    t.true(body instanceof Binary);
    await journal.replaceOne({ _id }, { ...fields, ...BSON.deserialize((body as InstanceType<typeof Binary>).buffer) });
  }
  t.is(await journal.countDocuments({ agent_id: agent.id, ops: { $exists: true } }), 2);
  const head = await otherReplica().current(agent.id);
  t.like(head, { seq: 2, limit: usd(10), spent: 0, held: 0, profile: { description: 'second entry' } });
});

test('when a lease expires, then the sweeper returns its unspent part to the budget', async (t) => {
  const { agent, as } = await createAgent(s, usd(1));
  const hs = await s.budget.Handshake({ agent_id: agent.id, provider: 'openai', requested_micros: 400_000 }, { principal: as });
  await s.budget.ReportUsage(
    {
      lease_id: hs.lease_id,
      request_id: 'before-expiry',
      provider: 'openai',
      model: 'gpt-4o',
      input_tokens: 0,
      output_tokens: 0,
      cost_micros: 100_000,
    },
    { principal: as },
  );
  const after = await eventually(
    () => stateOf(s, agent.id),
    (b) => b.reserved_micros === 0,
  );
  t.deepEqual(after, { limit_micros: 1_000_000, spent_micros: 100_000, reserved_micros: 0, remaining_micros: 900_000 });
  // The lease record follows the journal (a follow-up write): it catches up.
  const lease = await eventually(
    () => s.db.collection('leases').findOne({ _id: hs.lease_id as never }),
    (l) => l?.status === 'expired',
  );
  t.like(lease, { status: 'expired', released_micros: 300_000 });
  t.true((await s.budget.Reconcile({ id: agent.id }, { principal: budgetService })).ok);
});

test('when a replica dies after claiming a report but before charging it, then the sweeper charges it, once', async (t) => {
  const { agent } = await createAgent(s, usd(1));
  const claim = await claimThenCrash(agent.id, 'claimed-only', 12_345);
  const applied = await eventually(
    () => new ClaimStore(s.db).find(claim.op_id),
    (c) => c?.applied === true,
  );
  t.like(applied, { applied: true, charged: 12_345 });
  const charges = await ledgerOf(s.db, agent.id);
  t.deepEqual(
    charges.map((c) => [c.request_id, chargedOf(c)]),
    [['claimed-only', 12_345]],
  );
  t.deepEqual(await s.budget.Reconcile({ id: agent.id }, { principal: budgetService }), {
    ok: true,
    ledger_spent_micros: 12_345,
    budget_spent_micros: 12_345,
  });
});

test('when a replica dies after charging but before marking its claim, then the sweeper marks it and charges nothing more', async (t) => {
  const { agent } = await createAgent(s, usd(1));
  const claim = await chargeThenCrash(agent.id, 'charged-unmarked', 4_000);
  const applied = await eventually(
    () => new ClaimStore(s.db).find(claim.op_id),
    (c) => c?.applied === true,
  );
  t.like(applied, { applied: true, charged: 4_000 });
  await new Promise((r) => setTimeout(r, 300));
  t.is((await ledgerOf(s.db, agent.id)).length, 1, 'charged exactly once');
  t.is((await stateOf(s, agent.id)).spent_micros, 4_000);
  t.true((await s.budget.Reconcile({ id: agent.id }, { principal: budgetService })).ok);
});

test('when the agent retries a report whose claimer died, then it gets the original charge as a duplicate', async (t) => {
  const { agent, as } = await createAgent(s, usd(1));
  await chargeThenCrash(agent.id, 'retry-me', 2_000);
  const retry = await s.budget.ReportUsage(
    { lease_id: '', request_id: 'retry-me', provider: 'openai', model: 'gpt-4o', input_tokens: 1, output_tokens: 1, cost_micros: 2_000 },
    { principal: as },
  );
  t.deepEqual(retry, { charged_micros: 2_000, remaining_micros: 998_000, duplicate: true });
  t.is((await stateOf(s, agent.id)).spent_micros, 2_000);
  t.is((await ledgerOf(s.db, agent.id)).length, 1);
});

test('when an approval was recorded but its raise never applied, then the sweeper applies it exactly once', async (t) => {
  const { agent } = await createAgent(s, usd(10));
  const r = await s.budget.CreateBudgetRequest(
    { agent_id: agent.id, requested_micros: usd(5), justification: 'crash test' },
    { principal: member },
  );
  // The approver's replica recorded the decision and died before raising the limit.
  t.truthy(await new BudgetRequestStore(s.db).decide(r.id, 'approved', manager.id, 'ok', aWhileAgo()));
  t.is((await s.budget.GetBudgetRequest({ id: r.id }, { principal: viewer })).status, 'approved');
  const raised = await eventually(
    () => stateOf(s, agent.id),
    (b) => b.limit_micros === 15_000_000,
  );
  t.is(raised.limit_micros, 15_000_000);
  t.is(raised.remaining_micros, 15_000_000);
  const applied = await eventually(
    () => s.db.collection('budget_requests').findOne({ _id: r.id as never }),
    (d) => d?.applied === true,
  );
  t.true(applied?.applied);
  await new Promise((res) => setTimeout(res, 300));
  t.is((await stateOf(s, agent.id)).limit_micros, 15_000_000, 'still applied only once');
  const history = await s.budget.GetBudgetHistory({ id: agent.id }, { principal: viewer });
  t.deepEqual(
    history.items.map((h) => [h.old_limit_micros, h.new_limit_micros, h.approver_id, h.request_id]),
    [[10_000_000, 15_000_000, manager.id, r.id]],
  );
  const event = (await outboxEvents(s.db)).find((e) => e.action === 'budget.limit.changed' && e.resource.id === agent.id);
  t.deepEqual(event?.actor, { type: 'user', id: manager.id });
});

test('when an agent creation was abandoned half-way, then the sweeper revokes its credential and removes it', async (t) => {
  const agentId = `agt_${Date.now().toString(36).padStart(9, '0')}0123456789abcdef`;
  const minted = await s.token.CreateAgentToken(
    { agent_id: agentId, owner_id: member.id, name: 'abandoned', scopes: [...AGENT_SCOPES] },
    { principal: budgetService },
  );
  const then = aWhileAgo();
  await new AgentStore(s.db).insert({
    id: agentId,
    owner_id: member.id,
    name: 'abandoned',
    description: '',
    providers: [],
    disabled: false,
    token_id: minted.token!.id,
    project_id: '',
    status: 'provisioning',
    created_at: then,
    updated_at: then,
  });
  await otherReplica().create(agentId, usd(1), { name: 'abandoned', description: '', disabled: false }, then);
  const gone = await eventually(
    () => s.db.collection('agents').findOne({ _id: agentId as never }),
    (d) => d === null,
  );
  t.is(gone, null);
  t.is(await s.db.collection('budgets').countDocuments({ _id: agentId as never }), 0);
  t.is(await s.db.collection('budget_journal').countDocuments({ agent_id: agentId }), 0);
  t.is((await s.token.GetToken({ id: minted.token!.id }, { principal: budgetService })).status, 'revoked');
});

test('when an agent is still being created, then it is invisible', async (t) => {
  const agentId = `agt_${Date.now().toString(36).padStart(9, '0')}fedcba9876543210`;
  const now = new Date();
  await new AgentStore(s.db).insert({
    id: agentId,
    owner_id: member.id,
    name: 'in flight',
    description: '',
    providers: [],
    disabled: false,
    token_id: '',
    project_id: '',
    status: 'provisioning',
    created_at: now,
    updated_at: now,
  });
  const err = await s.budget.GetAgent({ id: agentId }, { principal: viewer }).catch((e: unknown) => (e as { code: string }).code);
  t.is(err, 'not_found');
  const page = await s.budget.ListAgents({ page: { limit: 100 } }, { principal: viewer });
  t.false(page.items.some((a) => a.id === agentId));
});
