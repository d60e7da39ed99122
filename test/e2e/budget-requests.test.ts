import test from 'ava';
import type { Stack } from '../support/stack.js';
import { createUserAndLogin } from '../support/session.js';
import { createAgent, moneyOf, patOf, people, startMoneyStack, type People } from '../support/factories.js';

// The budget-request rows of "Agents, budgets, requests" (the REST API, /openapi.json) through the gateway.
let stack: Stack;
let p: People;

test.before(async () => {
  stack = await startMoneyStack();
  p = await people(stack);
});
test.after.always(() => stack?.close());

const ask = (token: string, agentId: string, usd: unknown, justification = 'more runs') =>
  stack.http.post('/v1/budget-requests', { token, json: { agent_id: agentId, requested_budget_usd: usd, justification } });

test('when $10,000 is requested it is accepted; $10,000.000001 and $1,000,000 get the exact 400 message', async (t) => {
  const agent = await createAgent(stack, p.member, 1);
  const ok = await ask(p.member.access_token, agent.id, 10000);
  t.is(ok.status, 201);
  t.like(ok.body, {
    agent_id: agent.id,
    requester_id: p.member.user.id,
    requested_budget_usd: 10000,
    status: 'pending',
    decided_by: null,
    decided_at: null,
  });
  for (const usd of [10000.000001, 1000000]) {
    const res = await ask(p.member.access_token, agent.id, usd);
    t.is(res.status, 400, String(usd));
    t.is(res.body.error.code, 'validation_failed');
    t.is(res.body.error.message, 'Requested budget exceeds maximum allowed ($10,000)');
  }
  for (const usd of [0, -1, 'lots', '10']) t.is((await ask(p.member.access_token, agent.id, usd)).status, 400, String(usd));
});

test('when a request is read and listed, then it filters by status and agent', async (t) => {
  const agent = await createAgent(stack, p.member, 1);
  const a = (await ask(p.member.access_token, agent.id, 5)).body;
  const b = (await ask(p.member.access_token, agent.id, 6)).body;
  await stack.http.post(`/v1/budget-requests/${a.id}/reject`, { token: p.manager.access_token, json: { reason: 'no' } });
  const one = await stack.http.get(`/v1/budget-requests/${b.id}`, { token: p.viewer.access_token });
  t.is(one.status, 200);
  t.deepEqual(one.body, b);
  const pending = await stack.http.get(`/v1/budget-requests?status=pending&agent_id=${agent.id}`, { token: p.viewer.access_token });
  t.deepEqual(
    pending.body.items.map((r: { id: string }) => r.id),
    [b.id],
  );
  t.is(pending.body.next_cursor, null);
  const all = await stack.http.get(`/v1/budget-requests?agent_id=${agent.id}`, { token: p.viewer.access_token });
  t.deepEqual(
    all.body.items.map((r: { id: string }) => r.id),
    [b.id, a.id],
  );
  t.is((await stack.http.get('/v1/budget-requests?status=maybe', { token: p.viewer.access_token })).status, 400);
  t.is((await stack.http.get('/v1/budget-requests/brq_nope', { token: p.viewer.access_token })).status, 404);
});

test('when a manager approves, then the limit rises, the history names the caller, and the body cannot name another approver', async (t) => {
  const agent = await createAgent(stack, p.member, 10);
  const r = (await ask(p.member.access_token, agent.id, 50.5, 'quarter end')).body;
  const forged = await stack.http.post(`/v1/budget-requests/${r.id}/approve`, {
    token: p.manager.access_token,
    json: { approver_id: p.admin.user.id },
  });
  t.is(forged.status, 400);
  const res = await stack.http.post(`/v1/budget-requests/${r.id}/approve`, { token: p.manager.access_token, json: { note: 'ok' } });
  t.is(res.status, 200);
  t.like(res.body, { status: 'approved', decided_by: p.manager.user.id, decision_note: 'ok' });
  const budget = await stack.http.get(`/v1/agents/${agent.id}/budget`, { token: p.viewer.access_token });
  t.deepEqual(moneyOf(budget.body), { limit_usd: 60.5, spent_usd: 0, reserved_usd: 0, remaining_usd: 60.5 });
  const history = await stack.http.get(`/v1/agents/${agent.id}/budget/history`, { token: p.viewer.access_token });
  t.is(history.body.items.length, 1);
  t.like(history.body.items[0], { old_limit_usd: 10, new_limit_usd: 60.5, approver_id: p.manager.user.id, request_id: r.id, reason: 'ok' });
  t.is((await stack.http.post(`/v1/budget-requests/${r.id}/approve`, { token: p.manager2.access_token, json: {} })).status, 409);
});

test('when someone asks to raise an agent they do not own, or its owner approves a raise, then 403 and the limit stays', async (t) => {
  const managers = await createAgent(stack, p.manager, 5);
  const foreign = await ask(p.member.access_token, managers.id, 9000, 'not mine');
  t.is(foreign.status, 403);
  const byAdmin = await ask(p.admin.access_token, managers.id, 20, 'needed for the audit run');
  t.is(byAdmin.status, 201);
  const own = await stack.http.post(`/v1/budget-requests/${byAdmin.body.id}/approve`, {
    token: p.manager.access_token,
    json: { note: 'mine anyway' },
  });
  t.is(own.status, 403);
  t.is((await stack.http.get(`/v1/agents/${managers.id}/budget`, { token: p.viewer.access_token })).body.limit_usd, 5);
  const other = await stack.http.post(`/v1/budget-requests/${byAdmin.body.id}/approve`, {
    token: p.manager2.access_token,
    json: { note: 'ok' },
  });
  t.is(other.status, 200);
  t.is((await stack.http.get(`/v1/agents/${managers.id}/budget`, { token: p.viewer.access_token })).body.limit_usd, 25);
});

test('when someone approves their own request, or lacks the role or scope, then 403', async (t) => {
  const agent = await createAgent(stack, p.manager, 1);
  const own = (await ask(p.manager.access_token, agent.id, 1)).body;
  const self = await stack.http.post(`/v1/budget-requests/${own.id}/approve`, { token: p.manager.access_token, json: {} });
  t.is(self.status, 403);
  t.is(self.body.error.code, 'forbidden');
  t.is((await stack.http.post(`/v1/budget-requests/${own.id}/approve`, { token: p.member.access_token, json: {} })).status, 403);
  const noScope = await patOf(stack, p.manager2, ['budgets:read']);
  const scoped = await stack.http.post(`/v1/budget-requests/${own.id}/approve`, { token: noScope, json: {} });
  t.is(scoped.status, 403);
  t.is(scoped.body.error.code, 'insufficient_scope');
  const approver = await patOf(stack, p.manager2, ['budget_requests:approve']);
  const byToken = await stack.http.post(`/v1/budget-requests/${own.id}/approve`, { token: approver, json: {} });
  t.is(byToken.status, 200);
  t.is(byToken.body.decided_by, p.manager2.user.id);
});

test('when several managers approve the same request at once, then exactly one gets 200 and the rest 409', async (t) => {
  const agent = await createAgent(stack, p.member, 10);
  const r = (await ask(p.member.access_token, agent.id, 7)).body;
  const managers = [
    p.manager,
    p.manager2,
    p.admin,
    ...(await Promise.all([1, 2].map(() => createUserAndLogin(stack, p.admin, 'manager')))),
  ];
  const results = await Promise.all(
    managers.map((m) => stack.http.post(`/v1/budget-requests/${r.id}/approve`, { token: m.access_token, json: {} })),
  );
  t.deepEqual(results.map((x) => x.status).sort(), [200, 409, 409, 409, 409]);
  const budget = await stack.http.get(`/v1/agents/${agent.id}/budget`, { token: p.viewer.access_token });
  t.is(budget.body.limit_usd, 17);
});

test('when a manager rejects with a reason, then it is rejected; without a reason it is 400', async (t) => {
  const agent = await createAgent(stack, p.member, 1);
  const r = (await ask(p.member.access_token, agent.id, 2)).body;
  t.is((await stack.http.post(`/v1/budget-requests/${r.id}/reject`, { token: p.manager.access_token, json: {} })).status, 400);
  t.is(
    (await stack.http.post(`/v1/budget-requests/${r.id}/reject`, { token: p.member2.access_token, json: { reason: 'no' } })).status,
    403,
  );
  const res = await stack.http.post(`/v1/budget-requests/${r.id}/reject`, {
    token: p.manager.access_token,
    json: { reason: 'not this quarter' },
  });
  t.is(res.status, 200);
  t.like(res.body, { status: 'rejected', decided_by: p.manager.user.id, decision_note: 'not this quarter' });
  t.is((await stack.http.post(`/v1/budget-requests/${r.id}/approve`, { token: p.manager2.access_token, json: {} })).status, 409);
});

test('when the requester cancels, then it is cancelled; anyone else gets 403', async (t) => {
  const agent = await createAgent(stack, p.member, 1);
  const r = (await ask(p.member.access_token, agent.id, 3)).body;
  t.is((await stack.http.post(`/v1/budget-requests/${r.id}/cancel`, { token: p.member2.access_token })).status, 403);
  t.is((await stack.http.post(`/v1/budget-requests/${r.id}/cancel`, { token: p.admin.access_token })).status, 403);
  const res = await stack.http.post(`/v1/budget-requests/${r.id}/cancel`, { token: p.member.access_token });
  t.is(res.status, 200);
  t.is(res.body.status, 'cancelled');
  t.is((await stack.http.post(`/v1/budget-requests/${r.id}/cancel`, { token: p.member.access_token })).status, 409);
});

test('when a viewer asks for budget, then 403', async (t) => {
  const agent = await createAgent(stack, p.member, 1);
  t.is((await ask(p.viewer.access_token, agent.id, 1)).status, 403);
  t.is((await ask(agent.token, agent.id, 1)).status, 403, 'agents cannot ask for their own raise');
});
