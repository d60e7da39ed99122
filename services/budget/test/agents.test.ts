import { randomBytes } from 'node:crypto';
import test from 'ava';
import { newHoldId, type Principal } from '@tollgate/platform';
import { MAX_ENTRIES_PER_PAGE } from '../src/domain/ledger.js';
import { AgentStore } from '../src/store/agent-store.js';
import {
  admin,
  agentPrincipal,
  budgetClient,
  budgetService,
  codeOf,
  createAgent,
  errorOf,
  journalOf,
  manager,
  member,
  member2,
  outboxEvents,
  startBudgetStack,
  tokenOf,
  usageReport,
  usd,
  viewer,
  type BudgetStack,
  moneyOf,
} from './helpers.js';

let s: BudgetStack;
test.before(async () => {
  s = await startBudgetStack();
});
test.after.always(() => s?.close());

test('when a member creates an agent, then it comes with its budget and a tg_agt_ credential minted by the token service', async (t) => {
  const res = await s.budget.CreateAgent(
    { name: ' Research bot ', description: 'reads papers', budget_micros: usd(250.5), providers: ['openai', 'Anthropic', 'openai'] },
    { principal: member },
  );
  const agent = res.agent!;
  t.regex(agent.id, /^agt_/);
  t.is(agent.owner_id, member.id);
  t.is(agent.name, 'Research bot');
  t.is(agent.description, 'reads papers');
  t.deepEqual(agent.providers, ['openai', 'anthropic']);
  t.false(agent.disabled);
  t.truthy(Date.parse(agent.created_at));
  t.deepEqual(moneyOf(agent.budget!), { limit_micros: 250_500_000, spent_micros: 0, reserved_micros: 0, remaining_micros: 250_500_000 });
  t.regex(res.token, /^tg_agt_/);

  const credential = await s.token.GetToken({ id: agent.token_id }, { principal: budgetService });
  t.is(credential.kind, 'agent');
  t.is(credential.agent_id, agent.id);
  t.is(credential.owner_id, member.id);
  t.is(credential.status, 'active');
  t.deepEqual([...credential.scopes].sort(), ['budgets:read', 'proxy:invoke', 'usage:write']);

  t.deepEqual(await s.budget.GetAgent({ id: agent.id }, { principal: viewer }), agent);
  const created = (await outboxEvents(s.db)).filter((e) => e.action === 'agent.created' && e.resource.id === agent.id);
  t.is(created.length, 1);
  t.deepEqual(created[0].actor, { type: 'user', id: member.id });
  t.like(created[0].details, { owner_id: member.id, budget_micros: 250_500_000, token_id: agent.token_id });
  t.false(JSON.stringify(created[0]).includes(res.token));
});

test('when the budget is at the maximum it is accepted, and above it is rejected', async (t) => {
  const ok = await s.budget.CreateAgent({ name: 'max', description: '', budget_micros: usd(10_000), providers: [] }, { principal: member });
  t.is(ok.agent!.budget!.limit_micros, 10_000_000_000);
  const zero = await s.budget.CreateAgent({ name: 'zero', description: '', budget_micros: 0, providers: [] }, { principal: member });
  t.is(zero.agent!.budget!.remaining_micros, 0);
  const over = await errorOf(
    s.budget.CreateAgent({ name: 'over', description: '', budget_micros: 10_000_000_001, providers: [] }, { principal: member }),
  );
  t.is(over.code, 'validation_failed');
  t.is(over.message, 'Budget exceeds maximum allowed ($10,000)');
  t.is(
    await codeOf(s.budget.CreateAgent({ name: 'neg', description: '', budget_micros: -1, providers: [] }, { principal: member })),
    'validation_failed',
  );
});

test('when the input is invalid, then the agent is not created', async (t) => {
  for (const req of [
    { name: '', description: '', budget_micros: 1, providers: [] },
    { name: 'x'.repeat(101), description: '', budget_micros: 1, providers: [] },
    { name: 'ok', description: 'd'.repeat(1001), budget_micros: 1, providers: [] },
    { name: 'ok', description: '', budget_micros: 1, providers: ['not a provider'] },
  ]) {
    t.is(await codeOf(s.budget.CreateAgent(req, { principal: member })), 'validation_failed');
    t.is(await s.db.collection('agents').countDocuments({ name: req.name }), 0);
  }
});

test('when someone who may not create agents tries, then it is forbidden', async (t) => {
  const req = { name: 'nope', description: '', budget_micros: 1, providers: [] };
  t.is(await codeOf(s.budget.CreateAgent(req, { principal: viewer })), 'forbidden');
  t.is(await codeOf(s.budget.CreateAgent(req, { principal: agentPrincipal('agt_0mwrpp9q30fdaaaec898dcee') })), 'forbidden');
  t.is(await codeOf(s.budget.CreateAgent(req, { principal: budgetService })), 'forbidden');
  t.is(await codeOf(s.budget.CreateAgent(req, { principal: tokenOf(member, ['agents:read']) })), 'insufficient_scope');
  t.is(await codeOf(s.budget.CreateAgent(req, { principal: tokenOf(member, ['agents:write']) })), 'ok');
});

test('when agents are listed, then each carries its budget and the list pages by cursor', async (t) => {
  const mine: string[] = [];
  for (let i = 0; i < 3; i++) mine.push((await createAgent(s, usd(i + 1), member2)).agent.id);
  const seen: string[] = [];
  let cursor = '';
  do {
    const page = await s.budget.ListAgents({ page: { limit: 2, cursor } }, { principal: viewer });
    t.true(page.items.length <= 2);
    for (const a of page.items) {
      t.truthy(a.budget);
      seen.push(a.id);
    }
    cursor = page.next_cursor;
  } while (cursor);
  const order = seen.filter((id) => mine.includes(id));
  t.deepEqual(order, mine, 'in creation order');
  t.is(await codeOf(s.budget.ListAgents({}, { principal: tokenOf(viewer, ['budgets:read']) })), 'insufficient_scope');
});

test('when an agent reads agents, then it sees only itself', async (t) => {
  const { agent, as } = await createAgent(s, usd(1));
  const other = await createAgent(s, usd(1));
  const page = await s.budget.ListAgents({}, { principal: as });
  t.deepEqual(
    page.items.map((a) => a.id),
    [agent.id],
  );
  t.is((await s.budget.GetAgent({ id: agent.id }, { principal: as })).id, agent.id);
  t.is(await codeOf(s.budget.GetAgent({ id: other.agent.id }, { principal: as })), 'not_found');
  t.is(await codeOf(s.budget.GetBudget({ id: other.agent.id }, { principal: as })), 'not_found');
});

test('when the owner or an admin updates an agent, then it changes and is audited; anyone else is refused', async (t) => {
  const { agent } = await createAgent(s, usd(1), member);
  const renamed = await s.budget.UpdateAgent({ id: agent.id, name: 'renamed', description: 'new words' }, { principal: member });
  t.is(renamed.name, 'renamed');
  t.is(renamed.description, 'new words');
  t.false(renamed.disabled);
  const disabled = await s.budget.UpdateAgent({ id: agent.id, disabled: true }, { principal: admin });
  t.true(disabled.disabled);
  t.is(disabled.name, 'renamed');
  t.is(await codeOf(s.budget.UpdateAgent({ id: agent.id, name: 'mine now' }, { principal: member2 })), 'forbidden');
  t.is(await codeOf(s.budget.UpdateAgent({ id: agent.id, name: 'x' }, { principal: viewer })), 'forbidden');
  t.is(
    await codeOf(s.budget.UpdateAgent({ id: agent.id, name: 'x' }, { principal: tokenOf(member, ['agents:read']) })),
    'insufficient_scope',
  );
  t.is(await codeOf(s.budget.UpdateAgent({ id: 'agt_nope', name: 'x' }, { principal: admin })), 'not_found');
  const updates = (await outboxEvents(s.db)).filter((e) => e.action === 'agent.updated' && e.resource.id === agent.id);
  t.deepEqual(
    updates.map((e) => [e.actor.id, e.details]),
    [
      [member.id, { name: 'renamed', description: 'new words' }],
      [admin.id, { disabled: true }],
    ],
  );
});

test('when a budget and its history are read, then they show the limit and every change', async (t) => {
  const { agent } = await createAgent(s, usd(3));
  t.deepEqual(moneyOf(await s.budget.GetBudget({ id: agent.id }, { principal: viewer })), {
    limit_micros: 3_000_000,
    spent_micros: 0,
    reserved_micros: 0,
    remaining_micros: 3_000_000,
  });
  t.deepEqual(await s.budget.GetBudgetHistory({ id: agent.id }, { principal: viewer }), { items: [] });
  t.is(await codeOf(s.budget.GetBudget({ id: agent.id }, { principal: tokenOf(viewer, ['agents:read']) })), 'insufficient_scope');
  t.is(await codeOf(s.budget.GetBudget({ id: 'agt_0000000000000000000000000' }, { principal: viewer })), 'not_found');
});

test('when a ledger is read, then a page reads a bounded part of the journal: entries that list nothing give a short page with a cursor', async (t) => {
  const { agent, as } = await createAgent(s, usd(1));
  const ledgerPage = (cursor: string) =>
    s.budget.ListLedgerEntries({ agent_id: agent.id, page: { limit: 20, cursor } }, { principal: viewer });
  await s.budget.ReportUsage(usageReport('', 'deep', { cost_micros: 1_000 }), { principal: as });
  // Profile changes are entries of the journal that the ledger does not list: more of them than a page reads.
  for (let i = 0; i < MAX_ENTRIES_PER_PAGE + 44; i++)
    await s.budget.UpdateAgent({ id: agent.id, description: `take ${i}` }, { principal: member });
  await s.budget.ReportUsage(usageReport('', 'top', { cost_micros: 2_000 }), { principal: as });

  const first = await ledgerPage('');
  t.deepEqual(
    first.items.map((e) => [e.charge?.request_id, e.charge?.cost_micros]),
    [['top', 2_000]],
  );
  t.not(first.next_cursor, '', 'the page stopped after reading its share of the journal: more may follow');
  const second = await ledgerPage(first.next_cursor);
  t.deepEqual(
    second.items.map((e) => [e.charge?.request_id, e.charge?.cost_micros]),
    [['deep', 1_000]],
  );
  t.is(second.next_cursor, '');
  t.is(await codeOf(ledgerPage('bm90IGEgY3Vyc29y')), 'validation_failed');
  t.is(
    await codeOf(s.budget.ListLedgerEntries({ agent_id: agent.id }, { principal: tokenOf(viewer, ['agents:read']) })),
    'insufficient_scope',
  );
});

test('when hundreds of agents exist and two replicas create more at once, then every agent is listed exactly once, in creation order, page after page', async (t) => {
  // Stored by the real store (creating hundreds through the API would mostly measure the token service).
  const store = new AgentStore(s.db);
  const now = new Date();
  const record = (i: number) => ({
    id: `agt_${now.getTime().toString(36).padStart(9, '0')}${i.toString(16).padStart(16, '0')}`,
    owner_id: member.id,
    name: `bulk-${i}`,
    description: '',
    providers: [],
    disabled: false,
    token_id: '',
    project_id: '',
    status: 'active' as const,
    created_at: now,
    updated_at: now,
  });
  const replica = await s.stack.startReplica('budget');
  const other = budgetClient(s.stack, replica.addr);
  try {
    // One after the other here, while both replicas create agents too.
    const [, viaApi] = await Promise.all([
      (async () => {
        for (let i = 0; i < 230; i++) await store.insert(record(i));
      })(),
      Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? other.call : s.budget).CreateAgent(
            { name: `raced-${i}`, description: '', budget_micros: 1, providers: [] },
            { principal: member },
          ),
        ),
      ),
    ]);
    const seqs = (await s.db.collection('agents').find({}).toArray()).map((d) => Number(d.seq));
    t.is(new Set(seqs).size, seqs.length, 'no two agents share a creation seq');

    const seen: string[] = [];
    let cursor = '';
    let pages = 0;
    do {
      const page = await other.call.ListAgents({ page: { limit: 100, cursor } }, { principal: viewer });
      seen.push(...page.items.map((a) => a.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 20);
    t.is(new Set(seen).size, seen.length, 'nobody twice');
    for (let i = 0; i < 230; i++) t.true(seen.includes(record(i).id), `bulk-${i} listed`);
    for (const created of viaApi) t.true(seen.includes(created.agent!.id));
    const bulk = Array.from({ length: 230 }, (_, i) => record(i).id);
    t.deepEqual(
      seen.filter((id) => bulk.includes(id)),
      bulk,
      'in creation order',
    );
  } finally {
    other.close();
    await replica.stop();
  }
});

// Serial: it restarts the service.
test.serial(
  'when agents were stored by a version without creation seqs, then the next start gives them one and they are listed',
  async (t) => {
    const legacyId = `agt_${Date.now().toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
    const now = new Date();
    await s.db.collection('agents').insertOne({
      _id: legacyId as never,
      owner_id: member.id,
      name: 'legacy',
      description: '',
      providers: [],
      disabled: false,
      token_id: '',
      project_id: '',
      status: 'active',
      created_at: now,
      updated_at: now,
    });
    await s.db.collection('upgrades').deleteMany({});
    await s.stack.stop('budget');
    await s.stack.start('budget');
    const stored = await s.db.collection('agents').findOne({ _id: legacyId as never });
    t.true(Number.isInteger(stored?.seq));
    const seen: string[] = [];
    let cursor = '';
    do {
      const page = await s.budget.ListAgents({ page: { limit: 100, cursor } }, { principal: viewer });
      seen.push(...page.items.map((a) => a.id));
      cursor = page.next_cursor;
    } while (cursor);
    t.true(seen.includes(legacyId));
  },
);

const gateway: Principal = { type: 'service', id: 'gateway' };
/** A gateway's sync of one escrow of the agent, with at most one call's charge. */
const syncEscrow = (agentId: string, escrowId: string, seq: number, wantMicros: number, costMicros = 0) =>
  s.budget.SyncEscrows(
    {
      escrows: [
        {
          agent_id: agentId,
          escrow_id: escrowId,
          seq,
          want_micros: wantMicros,
          charges: costMicros
            ? [{ hold_id: newHoldId(), request_id: `call-${seq}`, provider: 'openai', model: 'gpt-4o', cost_micros: costMicros }]
            : [],
        },
      ],
    },
    { principal: gateway },
  );

test('when the owner deletes an agent, then its credential is revoked, its leases are released, its ledger and escrows are kept, and every read of it is 404', async (t) => {
  const { agent, as } = await createAgent(s, usd(10), member);
  const id = agent.id;
  const lease1 = await s.budget.Handshake(
    { agent_id: id, provider: 'openai', requested_micros: usd(2), for_proxy: true },
    { principal: as },
  );
  await s.budget.ReportUsage({ ...usageReport(lease1.lease_id, 'r1'), cost_micros: usd(0.5) }, { principal: as });
  const lease2 = await s.budget.Handshake(
    { agent_id: id, provider: 'openai', requested_micros: usd(1), for_proxy: true },
    { principal: as },
  );
  // A gateway's escrow with calls in flight: the deletion leaves it to its gateway.
  const escrowId = newHoldId();
  t.like((await syncEscrow(id, escrowId, 1, usd(3))).escrows[0], { status: 'open', escrow_micros: usd(3) });
  const request = await s.budget.CreateBudgetRequest(
    { agent_id: id, requested_micros: usd(5), justification: 'more' },
    { principal: member },
  );

  t.is(await codeOf(s.budget.DeleteAgent({ id }, { principal: member2 })), 'forbidden', 'another member');
  t.is(await codeOf(s.budget.DeleteAgent({ id }, { principal: viewer })), 'forbidden');
  t.is(await codeOf(s.budget.DeleteAgent({ id }, { principal: manager })), 'forbidden', 'a manager who does not own it');
  t.is(await codeOf(s.budget.DeleteAgent({ id }, { principal: as })), 'forbidden', 'the agent itself');
  t.is(await codeOf(s.budget.DeleteAgent({ id }, { principal: tokenOf(member, ['agents:read']) })), 'insufficient_scope');
  t.is((await s.budget.GetAgent({ id }, { principal: viewer })).id, id, 'refusals change nothing');

  t.deepEqual(await s.budget.DeleteAgent({ id }, { principal: member }), { token_id: agent.token_id });

  t.is((await s.token.GetToken({ id: agent.token_id }, { principal: budgetService })).status, 'revoked');
  for (const who of [member, admin, viewer, as]) {
    t.is(await codeOf(s.budget.GetAgent({ id }, { principal: who })), 'not_found');
    t.is(await codeOf(s.budget.GetBudget({ id }, { principal: who })), 'not_found');
    t.is(await codeOf(s.budget.GetBudgetHistory({ id }, { principal: who })), 'not_found');
  }
  t.false((await s.budget.ListAgents({ page: { limit: 100 } }, { principal: viewer })).items.some((a) => a.id === id));
  t.deepEqual((await s.budget.ListAgents({}, { principal: as })).items, []);
  t.is(await codeOf(s.budget.UpdateAgent({ id, disabled: false }, { principal: member })), 'not_found');
  t.is(
    await codeOf(s.budget.CreateBudgetRequest({ agent_id: id, requested_micros: 1, justification: 'x' }, { principal: member })),
    'not_found',
  );
  t.is(await codeOf(s.budget.Handshake({ agent_id: id, provider: 'openai', for_proxy: true }, { principal: as })), 'not_found');
  t.is((await syncEscrow(id, newHoldId(), 1, usd(1))).escrows[0].status, 'not_found', 'no escrow opens for it');
  t.is(await codeOf(s.budget.DeleteAgent({ id }, { principal: member })), 'not_found', 'deleting twice');
  t.is(await codeOf(s.budget.DeleteAgent({ id }, { principal: admin })), 'not_found');

  // Its pending budget request is cancelled: nobody approves it any more.
  t.like(await s.budget.GetBudgetRequest({ id: request.id }, { principal: member }), { status: 'cancelled', decided_by: member.id });
  t.is(await codeOf(s.budget.ApproveBudgetRequest({ id: request.id, note: '' }, { principal: manager })), 'conflict');

  // The journal is kept: the leases went back, the escrow did not — its gateway still charges its calls from it, then hands it back.
  const ops = (await journalOf(s.db, id)).flatMap((e) => e.ops);
  t.deepEqual(
    ops.slice(-3).map((op) => op.type),
    ['profile', 'release', 'release'],
  );
  t.like(ops.at(-3), { patch: { disabled: true } });
  t.deepEqual(
    ops.filter((op) => op.type === 'release'),
    [
      { type: 'release', id: lease1.lease_id, released: usd(1.5), reason: 'released' },
      { type: 'release', id: lease2.lease_id, released: usd(1), reason: 'released' },
    ],
  );
  t.like(await s.db.collection('leases').findOne({ _id: lease2.lease_id as never }), { status: 'released', released_micros: usd(1) });
  t.like((await syncEscrow(id, escrowId, 2, usd(3), usd(0.25))).escrows[0], { status: 'disabled', escrow_micros: usd(2.75) });
  t.like((await syncEscrow(id, escrowId, 3, 0)).escrows[0], { status: 'closed', escrow_micros: 0 });
  t.like(await s.budget.Reconcile({ id }, { principal: budgetService }), { ok: true, ledger_spent_micros: usd(0.75) });

  const deleted = (await outboxEvents(s.db)).filter((e) => e.action === 'agent.deleted' && e.resource.id === id);
  t.is(deleted.length, 1);
  t.deepEqual(deleted[0].actor, { type: 'user', id: member.id });
  t.deepEqual(deleted[0].resource, { type: 'agent', id });
  t.like(deleted[0].details, {
    token_id: agent.token_id,
    released_micros: usd(2.5),
    released_leases: [
      { lease_id: lease1.lease_id, released_micros: usd(1.5) },
      { lease_id: lease2.lease_id, released_micros: usd(1) },
    ],
    cancelled_requests: [request.id],
    spent_micros: usd(0.5),
    held_micros: usd(3),
  });
});

test("when an admin deletes a member's agent, then it is deleted and audited as the admin", async (t) => {
  const { agent } = await createAgent(s, usd(1), member2);
  t.deepEqual(await s.budget.DeleteAgent({ id: agent.id }, { principal: admin }), { token_id: agent.token_id });
  t.is(await codeOf(s.budget.GetAgent({ id: agent.id }, { principal: member2 })), 'not_found');
  t.like(await s.db.collection('agents').findOne({ _id: agent.id as never }), { status: 'deleted', disabled: true });
  const deleted = (await outboxEvents(s.db)).filter((e) => e.action === 'agent.deleted' && e.resource.id === agent.id);
  t.deepEqual(
    deleted.map((e) => [e.actor.id, e.details.released_leases, e.details.cancelled_requests]),
    [[admin.id, [], []]],
  );
  t.is(await codeOf(s.budget.DeleteAgent({ id: 'agt_nope' }, { principal: admin })), 'not_found');
});

test('when two replicas delete the same agent at once, then exactly one deletion succeeds and is audited', async (t) => {
  const { agent } = await createAgent(s, usd(1), member);
  const replica = await s.stack.startReplica('budget');
  const other = budgetClient(s.stack, replica.addr);
  try {
    const codes = await Promise.all([
      codeOf(s.budget.DeleteAgent({ id: agent.id }, { principal: member })),
      codeOf(other.call.DeleteAgent({ id: agent.id }, { principal: admin })),
    ]);
    t.is(codes.filter((c) => c === 'ok').length, 1, codes.join());
    t.true(
      codes.every((c) => c === 'ok' || c === 'not_found'),
      codes.join(),
    );
    t.is((await outboxEvents(s.db)).filter((e) => e.action === 'agent.deleted' && e.resource.id === agent.id).length, 1);
  } finally {
    other.close();
    await replica.stop();
  }
});
