import test from 'ava';
import { eventually } from '../support/eventually.js';
import type { Stack } from '../support/stack.js';
import { createAgent, moneyOf, patOf, people, startMoneyStack, type People } from '../support/factories.js';

// The agent and budget rows of "Agents, budgets, requests" (the REST API, /openapi.json) through the gateway.
let stack: Stack;
let p: People;

test.before(async () => {
  stack = await startMoneyStack();
  p = await people(stack);
});
test.after.always(() => stack?.close());

test('when a member creates an agent, then 201 answers the agent with its budget in USD and its tg_agt_ token once', async (t) => {
  const res = await stack.http.post('/v1/agents', {
    token: p.member.access_token,
    json: { name: 'Researcher', description: 'reads papers', budget_usd: 7.75, providers: ['openai'] },
  });
  t.is(res.status, 201);
  t.regex(res.body.token, /^tg_agt_[0-9A-Za-z]{54}$/);
  t.like(res.body.agent, {
    owner_id: p.member.user.id,
    name: 'Researcher',
    description: 'reads papers',
    providers: ['openai'],
    disabled: false,
    budget: { limit_usd: 7.75, spent_usd: 0, reserved_usd: 0, remaining_usd: 7.75 },
  });
  t.regex(res.body.agent.id, /^agt_/);
  t.truthy(res.body.agent.token_id);

  const got = await stack.http.get(`/v1/agents/${res.body.agent.id}`, { token: p.viewer.access_token });
  t.is(got.status, 200);
  t.deepEqual(got.body, res.body.agent);
  t.false(got.text.includes(res.body.token), 'the credential is shown once');

  // The credential works at the edge: the agent reads its own budget.
  const own = await stack.http.get(`/v1/agents/${res.body.agent.id}/budget`, { token: res.body.token });
  t.is(own.status, 200);
});

test('when a member asks for more than the self-service allowance, then 403 approval_required and nothing is created; a manager may', async (t) => {
  const name = `big-${Math.random().toString(36).slice(2, 8)}`;
  const over = await stack.http.post('/v1/agents', { token: p.member.access_token, json: { name, budget_usd: 10.000001 } });
  t.is(over.status, 403);
  t.is(over.body.error.code, 'approval_required');
  t.deepEqual(over.body.error.details, { self_service_budget_usd: 10 });
  const names: string[] = [];
  for (let cursor = ''; ;) {
    const page = await stack.http.get(`/v1/agents?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { token: p.admin.access_token });
    names.push(...page.body.items.map((a: { name: string }) => a.name));
    if (!page.body.next_cursor) break;
    cursor = page.body.next_cursor;
  }
  t.false(names.includes(name), 'nothing was created');
  t.is((await stack.http.post('/v1/agents', { token: p.member.access_token, json: { name: 'allowance', budget_usd: 10 } })).status, 201);
  t.is((await stack.http.post('/v1/agents', { token: p.manager.access_token, json: { name: 'big', budget_usd: 5000 } })).status, 201);
});

test('when the budget is at or beyond the limits, then $10,000 is accepted and more, negatives or junk are 400', async (t) => {
  t.is((await stack.http.post('/v1/agents', { token: p.manager.access_token, json: { name: 'max', budget_usd: 10000 } })).status, 201);
  t.is((await stack.http.post('/v1/agents', { token: p.member.access_token, json: { name: 'micro', budget_usd: 0.000001 } })).status, 201);
  for (const budget_usd of [10000.000001, 1000000, -1, 1.0000001, 'ten', '10', { $ne: null }]) {
    const res = await stack.http.post('/v1/agents', { token: p.member.access_token, json: { name: 'bad', budget_usd } });
    t.is(res.status, 400, JSON.stringify(budget_usd));
    t.is(res.body.error.code, 'validation_failed');
  }
  const unknown = await stack.http.post('/v1/agents', {
    token: p.member.access_token,
    json: { name: 'x', budget_usd: 1, owner_id: p.admin.user.id },
  });
  t.is(unknown.status, 400);
  t.truthy(unknown.body.error.details.owner_id);
});

test('when a viewer, or a token without agents:write, creates an agent, then 403', async (t) => {
  t.is((await stack.http.post('/v1/agents', { token: p.viewer.access_token, json: { name: 'v', budget_usd: 1 } })).status, 403);
  const readOnly = await patOf(stack, p.member, ['agents:read']);
  const res = await stack.http.post('/v1/agents', { token: readOnly, json: { name: 'v', budget_usd: 1 } });
  t.is(res.status, 403);
  t.is(res.body.error.code, 'insufficient_scope');
  const writer = await patOf(stack, p.member, ['agents:write']);
  t.is((await stack.http.post('/v1/agents', { token: writer, json: { name: 'ok', budget_usd: 1 } })).status, 201);
});

test('when agents are listed, then every item carries its budget and the list pages to a null cursor', async (t) => {
  for (let i = 0; i < 3; i++) await createAgent(stack, p.member2, 1 + i);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await stack.http.get(`/v1/agents?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      token: p.viewer.access_token,
    });
    t.is(res.status, 200);
    t.true(res.body.items.length <= 2);
    for (const a of res.body.items) {
      t.truthy(a.budget);
      seen.push(a.id);
    }
    cursor = res.body.next_cursor;
  } while (cursor);
  t.true(seen.length >= 3);
  t.is((await stack.http.get('/v1/agents?limit=0', { token: p.viewer.access_token })).status, 400);
  const noScope = await patOf(stack, p.viewer, ['budgets:read']);
  t.is((await stack.http.get('/v1/agents', { token: noScope })).status, 403);
});

test('when the owner or an admin patches an agent, then it changes; another member gets 403', async (t) => {
  const agent = await createAgent(stack, p.member, 5);
  const renamed = await stack.http.patch(`/v1/agents/${agent.id}`, {
    token: p.member.access_token,
    json: { name: 'renamed', description: 'new' },
  });
  t.is(renamed.status, 200);
  t.like(renamed.body, { name: 'renamed', description: 'new', disabled: false });
  const disabled = await stack.http.patch(`/v1/agents/${agent.id}`, { token: p.admin.access_token, json: { disabled: true } });
  t.is(disabled.status, 200);
  t.true(disabled.body.disabled);
  t.is((await stack.http.patch(`/v1/agents/${agent.id}`, { token: p.member2.access_token, json: { name: 'mine' } })).status, 403);
  t.is((await stack.http.patch(`/v1/agents/${agent.id}`, { token: p.viewer.access_token, json: { name: 'mine' } })).status, 403);
  t.is((await stack.http.patch('/v1/agents/agt_nope', { token: p.admin.access_token, json: { name: 'x' } })).status, 404);
  t.is((await stack.http.patch(`/v1/agents/${agent.id}`, { token: p.admin.access_token, json: { budget_usd: 99 } })).status, 400);
});

test('when a budget and its history are read, then they answer in USD; an agent reads only its own, and sees only itself among agents', async (t) => {
  const agent = await createAgent(stack, p.member, 2.5);
  const other = await createAgent(stack, p.member, 1);
  const budget = await stack.http.get(`/v1/agents/${agent.id}/budget`, { token: p.viewer.access_token });
  t.is(budget.status, 200);
  t.deepEqual(moneyOf(budget.body), { limit_usd: 2.5, spent_usd: 0, reserved_usd: 0, remaining_usd: 2.5 });
  t.like(budget.body, { period: 'none', resets_at: null }, 'a budget without a period never resets');
  t.regex(budget.body.period_started_at, /^\d{4}-\d{2}-\d{2}T/, 'its period began when the agent was created');
  const history = await stack.http.get(`/v1/agents/${agent.id}/budget/history`, { token: p.viewer.access_token });
  t.is(history.status, 200);
  t.deepEqual(history.body, { items: [] });
  t.is((await stack.http.get(`/v1/agents/${agent.id}/budget`, { token: agent.token })).status, 200);
  t.is((await stack.http.get(`/v1/agents/${other.id}/budget`, { token: agent.token })).status, 404);
  // An agent credential sees itself, and no other agent.
  t.is((await stack.http.get(`/v1/agents/${agent.id}`, { token: agent.token })).body.id, agent.id);
  t.is((await stack.http.get(`/v1/agents/${other.id}`, { token: agent.token })).status, 404);
  t.deepEqual(
    (await stack.http.get('/v1/agents', { token: agent.token })).body.items.map((a: { id: string }) => a.id),
    [agent.id],
  );
  const noScope = await patOf(stack, p.viewer, ['agents:read']);
  t.is((await stack.http.get(`/v1/agents/${agent.id}/budget`, { token: noScope })).status, 403);
  t.is((await stack.http.get('/v1/agents/agt_0000000000000000000000000/budget', { token: p.viewer.access_token })).status, 404);
});

test('when the owner deletes an agent, then 204, its token is refused on its very next request, it is 404 everywhere, and agent.deleted is audited', async (t) => {
  const agent = await createAgent(stack, p.member, 3);
  const { token_id: tokenId } = agent.body.agent as { token_id: string };
  const path = `/v1/agents/${agent.id}`;
  // The agent's credential is in use: this gateway holds its introspection.
  t.is((await stack.http.get(path, { token: agent.token })).status, 200);
  const request = await stack.http.post('/v1/budget-requests', {
    token: p.member.access_token,
    json: { agent_id: agent.id, requested_budget_usd: 2, justification: 'more papers' },
  });
  t.is(request.status, 201);

  t.is((await stack.http.delete(path, { token: p.member2.access_token })).status, 403, 'another member');
  t.is((await stack.http.delete(path, { token: p.viewer.access_token })).status, 403);
  t.is((await stack.http.delete(path, { token: agent.token })).status, 403, 'the agent itself');
  const readOnly = await stack.http.delete(path, { token: await patOf(stack, p.member, ['agents:read']) });
  t.is(readOnly.status, 403);
  t.is(readOnly.body.error.code, 'insufficient_scope');

  const deleted = await stack.http.delete(path, { token: p.member.access_token });
  t.is(deleted.status, 204);
  t.is(deleted.text, '');

  // Its very next request, well within AUTH_CACHE_MS: refused.
  t.is((await stack.http.get(path, { token: agent.token })).status, 401);
  const proxied = await stack.http.post('/v1/proxy/openai/chat/completions', {
    token: agent.token,
    json: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 },
  });
  t.is(proxied.status, 401);

  for (const who of [p.member, p.admin, p.viewer]) {
    for (const read of [path, `${path}/budget`, `${path}/budget/history`]) {
      const res = await stack.http.get(read, { token: who.access_token });
      t.is(res.status, 404, read);
      t.is(res.body.error.code, 'not_found');
    }
  }
  const listed = await stack.http.get('/v1/agents?limit=100', { token: p.admin.access_token });
  t.false(listed.body.items.some((a: { id: string }) => a.id === agent.id));
  t.is((await stack.http.patch(path, { token: p.member.access_token, json: { name: 'back' } })).status, 404);
  const asking = await stack.http.post('/v1/budget-requests', {
    token: p.member.access_token,
    json: { agent_id: agent.id, requested_budget_usd: 1, justification: 'again' },
  });
  t.is(asking.status, 404);
  t.is((await stack.http.delete(path, { token: p.member.access_token })).status, 404, 'deleting twice');
  t.is((await stack.http.delete(path, { token: p.admin.access_token })).status, 404);

  // Its pending budget request was cancelled.
  const cancelled = await stack.http.get(`/v1/budget-requests/${request.body.id}`, { token: p.member.access_token });
  t.is(cancelled.body.status, 'cancelled');
  t.is((await stack.http.post(`/v1/budget-requests/${request.body.id}/approve`, { token: p.manager.access_token, json: {} })).status, 409);

  const audited = await eventually(
    async () =>
      (await stack.http.get(`/v1/audit/events?action=agent.deleted&resource_id=${agent.id}`, { token: p.admin.access_token })).body
        .items as { actor: { type: string; id: string }; resource: { type: string; id: string }; details: Record<string, unknown> }[],
    (items) => items.length > 0,
  );
  t.is(audited.length, 1);
  t.like(audited[0], {
    actor: { type: 'user', id: p.member.user.id },
    resource: { type: 'agent', id: agent.id },
    details: { token_id: tokenId, released_micros: 0, cancelled_requests: [request.body.id] },
  });
});

test("when an admin deletes a member's agent, then 204 and the agent is gone for its owner", async (t) => {
  const agent = await createAgent(stack, p.member2, 1);
  t.is((await stack.http.delete(`/v1/agents/${agent.id}`, { token: p.admin.access_token })).status, 204);
  t.is((await stack.http.get(`/v1/agents/${agent.id}`, { token: p.member2.access_token })).status, 404);
  t.is((await stack.http.get(`/v1/agents/${agent.id}/budget`, { token: agent.token })).status, 401);
  t.is((await stack.http.delete('/v1/agents/agt_0000000000000000000000000', { token: p.admin.access_token })).status, 404);
});

test('when the OpenAPI document is fetched, then it describes every agent, budget, request, usage, analytics and provider-key route', async (t) => {
  const res = await stack.http.get('/openapi.json');
  t.is(res.status, 200);
  const expected: [string, string][] = [
    ['/v1/agents', 'post'],
    ['/v1/agents', 'get'],
    ['/v1/agents/{id}', 'get'],
    ['/v1/agents/{id}', 'patch'],
    ['/v1/agents/{id}', 'delete'],
    ['/v1/agents/{id}/budget', 'get'],
    ['/v1/agents/{id}/budget/history', 'get'],
    ['/v1/budget-requests', 'post'],
    ['/v1/budget-requests', 'get'],
    ['/v1/budget-requests/{id}', 'get'],
    ['/v1/budget-requests/{id}/approve', 'post'],
    ['/v1/budget-requests/{id}/reject', 'post'],
    ['/v1/budget-requests/{id}/cancel', 'post'],
    ['/v1/agents/{id}/handshake', 'post'],
    ['/v1/usage', 'post'],
    ['/v1/leases/{id}/release', 'post'],
    ['/v1/analytics/spend', 'get'],
    ['/v1/provider-keys', 'post'],
    ['/v1/provider-keys', 'get'],
    ['/v1/provider-keys/{id}', 'get'],
    ['/v1/provider-keys/{id}', 'patch'],
    ['/v1/provider-keys/{id}/rotate', 'post'],
    ['/v1/provider-keys/{id}', 'delete'],
  ];
  for (const [path, method] of expected) t.truthy(res.body.paths[path]?.[method], `${method.toUpperCase()} ${path}`);
  t.truthy(res.body.paths['/v1/usage'].post.responses['200']);
  t.truthy(res.body.paths['/v1/agents/{id}/handshake'].post.responses['402']);
});
