import test from 'ava';
import {
  admin,
  budgetService,
  codeOf,
  createAgent,
  errorOf,
  manager,
  manager2,
  member,
  member2,
  outboxEvents,
  startBudgetStack,
  tokenOf,
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

const ask = (agentId: string, requested: number, by = member, justification = 'more experiments') =>
  s.budget.CreateBudgetRequest({ agent_id: agentId, requested_micros: requested, justification }, { principal: by });

test('when a request is exactly $10,000 it is accepted; a micro-dollar more, or $1,000,000, is rejected with the exact message', async (t) => {
  const { agent } = await createAgent(s, usd(1));
  const ok = await ask(agent.id, 10_000_000_000);
  t.is(ok.status, 'pending');
  t.is(ok.requested_micros, 10_000_000_000);
  for (const requested of [10_000_000_001, 1_000_000_000_000]) {
    const err = await errorOf(ask(agent.id, requested));
    t.is(err.code, 'validation_failed');
    t.is(err.message, 'Requested budget exceeds maximum allowed ($10,000)');
  }
  t.is(await codeOf(ask(agent.id, 0)), 'validation_failed');
  t.is(await codeOf(ask(agent.id, -5)), 'validation_failed');
});

test('when a request is created, then it records the requester from the caller and is audited', async (t) => {
  const { agent } = await createAgent(s, usd(1), member2);
  const r = await ask(agent.id, usd(25.5), member2, 'a new dataset');
  t.regex(r.id, /^brq_/);
  t.like(r, {
    agent_id: agent.id,
    requester_id: member2.id,
    requested_micros: 25_500_000,
    justification: 'a new dataset',
    status: 'pending',
    decided_by: '',
    decided_at: '',
  });
  t.truthy(Date.parse(r.created_at));
  t.deepEqual(await s.budget.GetBudgetRequest({ id: r.id }, { principal: viewer }), r);
  const events = (await outboxEvents(s.db)).filter((e) => e.resource.id === r.id);
  t.deepEqual(
    events.map((e) => [e.action, e.actor.id, e.details]),
    [['budget.request.created', member2.id, { agent_id: agent.id, requested_micros: 25_500_000 }]],
  );
});

test('when a request is malformed or comes from someone who may not ask, then it is refused', async (t) => {
  const { agent } = await createAgent(s, usd(1));
  t.is(await codeOf(ask(agent.id, usd(1), member, '')), 'validation_failed');
  t.is(await codeOf(ask('agt_0mwrpp9q30fdaaaec898dcee', usd(1))), 'not_found');
  t.is(await codeOf(ask(agent.id, usd(1), viewer)), 'forbidden');
  t.is(await codeOf(ask(agent.id, usd(1), member2)), 'forbidden', "only the agent's owner (or an admin) asks for it");
  t.is(await codeOf(ask(agent.id, usd(1), manager)), 'forbidden');
  t.is((await ask(agent.id, usd(1), admin)).status, 'pending');
  t.is(await codeOf(ask(agent.id, usd(1), tokenOf(member, ['budgets:read']))), 'insufficient_scope');
  t.is(
    await codeOf(
      s.budget.CreateBudgetRequest(
        { agent_id: agent.id, requested_micros: 1, justification: 'x' },
        { principal: { type: 'agent', id: agent.id, scopes: ['budgets:read'] } },
      ),
    ),
    'forbidden',
  );
});

test('when a manager approves, then the limit rises, the history records the caller as approver, and both are audited', async (t) => {
  const { agent } = await createAgent(s, usd(100));
  const r = await ask(agent.id, usd(50), member, 'quarter end');
  const approved = await s.budget.ApproveBudgetRequest({ id: r.id, note: 'fine' }, { principal: manager });
  t.like(approved, { status: 'approved', decided_by: manager.id, decision_note: 'fine' });
  t.truthy(Date.parse(approved.decided_at));
  t.deepEqual(moneyOf(await s.budget.GetBudget({ id: agent.id }, { principal: viewer })), {
    limit_micros: 150_000_000,
    spent_micros: 0,
    reserved_micros: 0,
    remaining_micros: 150_000_000,
  });
  const history = await s.budget.GetBudgetHistory({ id: agent.id }, { principal: viewer });
  t.is(history.items.length, 1);
  t.like(history.items[0], {
    old_limit_micros: 100_000_000,
    new_limit_micros: 150_000_000,
    approver_id: manager.id,
    request_id: r.id,
    reason: 'fine',
  });
  t.truthy(Date.parse(history.items[0].at));

  const events = await outboxEvents(s.db);
  const approvedEvent = events.find((e) => e.action === 'budget.request.approved' && e.resource.id === r.id);
  t.deepEqual(approvedEvent?.actor, { type: 'user', id: manager.id });
  const limitEvent = events.find((e) => e.action === 'budget.limit.changed' && e.resource.id === agent.id);
  t.deepEqual(limitEvent?.details, {
    old_limit_micros: 100_000_000,
    new_limit_micros: 150_000_000,
    approver_id: manager.id,
    request_id: r.id,
  });
  t.true((await s.budget.Reconcile({ id: agent.id }, { principal: budgetService })).ok);
});

test("when the agent's owner approves a raise of it that someone else asked for, then it is forbidden", async (t) => {
  const { agent } = await createAgent(s, usd(1), manager);
  const r = await ask(agent.id, usd(5), admin);
  t.is(await codeOf(s.budget.ApproveBudgetRequest({ id: r.id, note: '' }, { principal: manager })), 'forbidden');
  t.is((await s.budget.GetBudgetRequest({ id: r.id }, { principal: viewer })).status, 'pending');
  t.is((await s.budget.ApproveBudgetRequest({ id: r.id, note: '' }, { principal: manager2 })).decided_by, manager2.id);
});

test('when the requester tries to approve their own request, then it is forbidden, whatever their role', async (t) => {
  const { agent } = await createAgent(s, usd(1), manager);
  const r = await ask(agent.id, usd(1), manager);
  t.is(await codeOf(s.budget.ApproveBudgetRequest({ id: r.id, note: '' }, { principal: manager })), 'forbidden');
  t.is(
    await codeOf(s.budget.ApproveBudgetRequest({ id: r.id, note: '' }, { principal: tokenOf(manager, ['budget_requests:approve']) })),
    'forbidden',
  );
  t.is((await s.budget.GetBudgetRequest({ id: r.id }, { principal: viewer })).status, 'pending');
  t.is((await s.budget.ApproveBudgetRequest({ id: r.id, note: '' }, { principal: admin })).decided_by, admin.id);
});

test('when someone below manager, or a token without budget_requests:approve, approves, then it is refused', async (t) => {
  const { agent } = await createAgent(s, usd(1));
  const r = await ask(agent.id, usd(1));
  t.is(await codeOf(s.budget.ApproveBudgetRequest({ id: r.id, note: '' }, { principal: member2 })), 'forbidden');
  t.is(
    await codeOf(s.budget.ApproveBudgetRequest({ id: r.id, note: '' }, { principal: tokenOf(manager, ['budgets:write']) })),
    'insufficient_scope',
  );
  t.is(await codeOf(s.budget.ApproveBudgetRequest({ id: r.id, note: '' }, { principal: budgetService })), 'forbidden');
  const byToken = await s.budget.ApproveBudgetRequest({ id: r.id, note: '' }, { principal: tokenOf(manager, ['budget_requests:approve']) });
  t.is(byToken.decided_by, manager.id);
});

test('when ten managers approve the same request at once, then exactly one wins and the limit rises once', async (t) => {
  const { agent } = await createAgent(s, usd(10));
  const r = await ask(agent.id, usd(7));
  const approvers = Array.from({ length: 10 }, (_, i) => ({ type: 'user' as const, id: `usr_mgr_${i}`, role: 'manager' as const }));
  const results = await Promise.allSettled(
    approvers.map((principal) => s.budget.ApproveBudgetRequest({ id: r.id, note: '' }, { principal })),
  );
  const won = results.filter((x) => x.status === 'fulfilled');
  t.is(won.length, 1);
  for (const x of results) if (x.status === 'rejected') t.is((x.reason as { code: string }).code, 'conflict');
  t.is((await s.budget.GetBudget({ id: agent.id }, { principal: viewer })).limit_micros, 17_000_000);
  t.is((await s.budget.GetBudgetHistory({ id: agent.id }, { principal: viewer })).items.length, 1);
  const approvals = (await outboxEvents(s.db)).filter((e) => e.action === 'budget.request.approved' && e.resource.id === r.id);
  t.is(approvals.length, 1);
});

test('when a request is no longer pending, then approving, rejecting or cancelling it is a conflict', async (t) => {
  const { agent } = await createAgent(s, usd(1));
  const rejected = await ask(agent.id, usd(1));
  const after = await s.budget.RejectBudgetRequest({ id: rejected.id, note: 'not now' }, { principal: manager });
  t.like(after, { status: 'rejected', decided_by: manager.id, decision_note: 'not now' });
  t.is(await codeOf(s.budget.ApproveBudgetRequest({ id: rejected.id, note: '' }, { principal: manager2 })), 'conflict');
  t.is(await codeOf(s.budget.RejectBudgetRequest({ id: rejected.id, note: 'again' }, { principal: manager2 })), 'conflict');
  t.is(await codeOf(s.budget.CancelBudgetRequest({ id: rejected.id }, { principal: member })), 'conflict');
  t.is((await s.budget.GetBudget({ id: agent.id }, { principal: viewer })).limit_micros, 1_000_000);
  const events = (await outboxEvents(s.db)).filter((e) => e.resource.id === rejected.id).map((e) => e.action);
  t.deepEqual(events, ['budget.request.created', 'budget.request.rejected']);
});

test('when a request is rejected, then a reason is required', async (t) => {
  const { agent } = await createAgent(s, usd(1));
  const r = await ask(agent.id, usd(1));
  t.is(await codeOf(s.budget.RejectBudgetRequest({ id: r.id, note: '  ' }, { principal: manager })), 'validation_failed');
  t.is(await codeOf(s.budget.RejectBudgetRequest({ id: r.id, note: 'no' }, { principal: member2 })), 'forbidden');
});

test('when the requester cancels, then the request is cancelled; nobody else may cancel it', async (t) => {
  const { agent } = await createAgent(s, usd(1));
  const r = await ask(agent.id, usd(1), member);
  t.is(await codeOf(s.budget.CancelBudgetRequest({ id: r.id }, { principal: member2 })), 'forbidden');
  t.is(await codeOf(s.budget.CancelBudgetRequest({ id: r.id }, { principal: admin })), 'forbidden');
  const cancelled = await s.budget.CancelBudgetRequest({ id: r.id }, { principal: member });
  t.is(cancelled.status, 'cancelled');
  t.is(await codeOf(s.budget.ApproveBudgetRequest({ id: r.id, note: '' }, { principal: manager })), 'conflict');
  t.true(
    (await outboxEvents(s.db)).some((e) => e.action === 'budget.request.cancelled' && e.resource.id === r.id && e.actor.id === member.id),
  );
});

test('when requests are listed, then they filter by status and agent and page newest first', async (t) => {
  const { agent } = await createAgent(s, usd(1));
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push((await ask(agent.id, usd(i + 1))).id);
  await s.budget.RejectBudgetRequest({ id: ids[0], note: 'no' }, { principal: manager });
  const seen: string[] = [];
  let cursor = '';
  do {
    const page = await s.budget.ListBudgetRequests({ agent_id: agent.id, page: { limit: 2, cursor } }, { principal: viewer });
    seen.push(...page.items.map((r) => r.id));
    cursor = page.next_cursor;
  } while (cursor);
  t.deepEqual(seen, [...ids].reverse());
  const pending = await s.budget.ListBudgetRequests({ agent_id: agent.id, status: 'pending' }, { principal: viewer });
  t.deepEqual(
    pending.items.map((r) => r.id),
    ids.slice(1).reverse(),
  );
  const rejected = await s.budget.ListBudgetRequests({ agent_id: agent.id, status: 'rejected' }, { principal: viewer });
  t.deepEqual(
    rejected.items.map((r) => r.id),
    [ids[0]],
  );
  t.is(await codeOf(s.budget.ListBudgetRequests({ status: 'maybe' }, { principal: viewer })), 'validation_failed');
  t.is(await codeOf(s.budget.GetBudgetRequest({ id: 'brq_nope' }, { principal: viewer })), 'not_found');
});

test('when hundreds of requests exist, then the lists of all, of one status and of one agent page through them newest first, each once', async (t) => {
  const a = await createAgent(s, usd(1));
  const b = await createAgent(s, usd(1));
  const asked: string[] = [];
  for (let i = 0; i < 230; i += 10) {
    // Ten at a time: the order among them is the order their creation seqs were taken in.
    const batch = await Promise.all(Array.from({ length: 10 }, (_, j) => ask((i + j) % 3 ? a.agent.id : b.agent.id, usd(1))));
    asked.push(...batch.map((r) => r.id));
  }
  const rejected = asked.filter((_, i) => i % 7 === 0);
  for (const id of rejected) await s.budget.RejectBudgetRequest({ id, note: 'no' }, { principal: manager });

  const all = async (filter: { status?: string; agent_id?: string }) => {
    const seen: string[] = [];
    let cursor = '';
    do {
      const page = await s.budget.ListBudgetRequests({ ...filter, page: { limit: 100, cursor } }, { principal: viewer });
      seen.push(...page.items.map((r) => r.id));
      cursor = page.next_cursor;
    } while (cursor);
    return seen;
  };
  const everything = await all({});
  t.is(new Set(everything).size, everything.length, 'nobody twice');
  const ours = everything.filter((id) => asked.includes(id));
  t.is(ours.length, 230);
  // Newest first: batches come in reverse order.
  const sorted = (ids: string[]) => [...ids].sort();
  for (let batch = 0; batch < 23; batch++) {
    t.deepEqual(
      sorted(ours.slice(batch * 10, batch * 10 + 10)),
      sorted(asked.slice(220 - batch * 10, 230 - batch * 10)),
      `batch ${22 - batch}`,
    );
  }
  t.deepEqual(sorted((await all({ status: 'rejected' })).filter((id) => asked.includes(id))), sorted(rejected));
  t.deepEqual(sorted(await all({ agent_id: b.agent.id })), sorted(asked.filter((_, i) => i % 3 === 0)));
  t.deepEqual(
    sorted(await all({ agent_id: a.agent.id, status: 'pending' })),
    sorted(asked.filter((id, i) => i % 3 !== 0 && !rejected.includes(id))),
  );
});
