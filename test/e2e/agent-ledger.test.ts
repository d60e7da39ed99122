import test from 'ava';
import type { HttpResponse } from '../support/http.js';
import type { Stack } from '../support/stack.js';
import { errorOf } from '../support/errors.js';
import { eventually } from '../support/eventually.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import {
  budgetOf,
  chatRequest,
  createAgent,
  patOf,
  people,
  PROXY_TEST_ENV,
  startMoneyStack,
  type CreatedAgent,
  type People,
} from '../support/factories.js';

// An agent's ledger through the gateway: proxied calls to a stand-in provider on loopback, usage
// reports and managers' limit changes, read back newest first a page at a time.
let stack: Stack;
let p: People;
let provider: FakeProvider;

test.before(async () => {
  provider = await startFakeProvider(() => ({ input: 150_000, output: 600_000 }));
  stack = await startMoneyStack(PROXY_TEST_ENV);
  p = await people(stack);
  const key = await stack.http.post('/v1/provider-keys', {
    token: p.admin.access_token,
    json: { provider: 'openai', name: 'openai', api_key: 'sk-live-e2e-ledger-0123456789abcdef', base_url: `${provider.url}/v1` },
  });
  if (key.status !== 201) throw new Error(`provider key: ${key.status} ${key.text}`);
});
test.after.always(async () => {
  await stack?.close();
  await provider?.close();
});

/** A ledger row as the API answers it, read freely like any body: the assertions are the check. */
type LedgerEntry = HttpResponse['body'];

const ledger = (agentId: string, token = p.viewer.access_token, query = '') =>
  stack.http.get(`/v1/agents/${agentId}/ledger${query}`, { token });
const items = async (agentId: string) => (await ledger(agentId)).body.items as LedgerEntry[];
const charges = (entries: LedgerEntry[]) => entries.filter((e) => e.kind === 'charge');

/** Every page of the agent's ledger, `limit` rows at a time, following next_cursor to the end. */
async function allPages(agentId: string, limit: number) {
  const pages: LedgerEntry[][] = [];
  let cursor = '';
  do {
    const res = await ledger(agentId, p.viewer.access_token, `?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    if (res.status !== 200) throw new Error(`ledger page: ${res.status} ${res.text}`);
    pages.push(res.body.items);
    cursor = res.body.next_cursor ?? '';
  } while (cursor);
  return pages;
}

/** Usage reports of `requestIds`, one after another, charged to one lease of the agent's. */
async function report(agent: CreatedAgent, requestIds: string[]) {
  const lease = await stack.http.post(`/v1/agents/${agent.id}/handshake`, {
    token: agent.token,
    json: { provider: 'openai', requested_usd: 1 },
  });
  if (lease.status !== 200) throw new Error(`handshake: ${lease.status} ${lease.text}`);
  for (const [i, request_id] of requestIds.entries()) {
    const json = {
      lease_id: lease.body.lease_id,
      request_id,
      provider: 'openai',
      model: 'gpt-4o',
      input_tokens: i,
      output_tokens: 1,
      cost_usd: 0.01,
    };
    const res = await stack.http.post('/v1/usage', { token: agent.token, json });
    if (res.status !== 200) throw new Error(`usage: ${res.status} ${res.text}`);
  }
}

test.serial(
  'proxied calls and a limit change are listed newest first, each call with what it cost; reservations are not listed',
  async (t) => {
    const agent = await createAgent(stack, p.member, 5);
    const calls: { requestId: string; costUsd: string }[] = [];
    for (let i = 0; i < 4; i++) {
      // The last call's answer carries no usage: it is charged its whole hold.
      provider.behaviour.noUsage = i === 3;
      const res = await stack.http.post('/v1/proxy/openai/chat/completions', { token: agent.token, json: chatRequest() });
      t.is(res.status, 200, res.text);
      calls.push({ requestId: String(res.headers['x-request-id']), costUsd: String(res.headers['x-tollgate-cost-usd']) });
    }
    const billed = provider.calls.slice(0, 3);
    provider.reset();
    // Proxied calls are charged when their gateway syncs its escrow: after the answers.
    await eventually(
      () => items(agent.id),
      (entries) => charges(entries).length === calls.length,
    );
    const raised = await stack.http.put(`/v1/agents/${agent.id}/budget`, {
      token: p.manager.access_token,
      json: { limit_usd: 7.5, reason: 'a longer evaluation' },
    });
    t.is(raised.status, 200, raised.text);

    const entries = await items(agent.id);
    t.deepEqual(
      entries.map((e) => e.kind),
      ['limit_change', 'charge', 'charge', 'charge', 'charge'],
      'no hold, release or escrow resize among them',
    );
    const [change, ...charged] = entries;
    t.like(change, { charge: null, period: null });
    t.like(change.limit_change, {
      kind: 'set',
      old_limit_usd: 5,
      new_limit_usd: 7.5,
      approver_id: p.manager.user.id,
      reason: 'a longer evaluation',
    });
    t.deepEqual(
      charged.map((e) => [e.charge!.request_id, e.charge!.cost_usd]),
      calls.map((c) => [c.requestId, Number(c.costUsd)]).reverse(),
      'newest first, each at its X-Tollgate-Cost-Usd',
    );
    const [whole, ...priced] = charged.map((e) => e.charge!);
    t.like(whole, {
      provider: 'openai',
      model: 'gpt-4o-mini',
      input_tokens: 0,
      output_tokens: 0,
      whole_hold_reason: 'no usage could be read from the answer',
    });
    t.deepEqual(
      priced.map((c) => [c.provider, c.model, c.input_tokens, c.output_tokens, c.whole_hold_reason]),
      billed.map((b) => ['openai', 'gpt-4o-mini', b.inputTokens, b.outputTokens, null]).reverse(),
    );
    t.true(entries.every((e, i) => i === 0 || e.at <= entries[i - 1].at));
    const spent = (await budgetOf(stack, p.admin, agent.id)).spent_usd;
    t.is(
      Math.round(charged.reduce((sum, e) => sum + e.charge!.cost_usd, 0) * 1e6),
      Math.round(spent * 1e6),
      'the charges are what was spent',
    );
  },
);

test.serial('pages follow the cursor down the ledger without duplicates or gaps, also while new entries arrive', async (t) => {
  const agent = await createAgent(stack, p.member, 5);
  const ids = Array.from({ length: 12 }, (_, i) => `ledger-${i}`);
  await report(agent, ids);

  const first = await ledger(agent.id, p.viewer.access_token, '?limit=5');
  t.is(first.status, 200, first.text);
  t.deepEqual(
    first.body.items.map((e: LedgerEntry) => e.charge!.request_id),
    ids.slice(7).reverse(),
  );
  // A report after the first page: it is above the cursor, so the next pages neither repeat nor skip a row.
  await report(agent, ['ledger-late']);
  const rest: LedgerEntry[] = [];
  for (let cursor = first.body.next_cursor as string | null; cursor;) {
    const page = await ledger(agent.id, p.viewer.access_token, `?limit=5&cursor=${cursor}`);
    t.is(page.status, 200, page.text);
    rest.push(...page.body.items);
    cursor = page.body.next_cursor;
  }
  t.deepEqual(
    rest.map((e) => e.charge!.request_id),
    ids.slice(0, 7).reverse(),
  );

  const pages = await allPages(agent.id, 5);
  t.deepEqual(
    pages.map((page) => page.length),
    [5, 5, 3],
  );
  const paged = pages.flat();
  t.deepEqual(
    paged.map((e) => e.charge!.request_id),
    ['ledger-late', ...ids.slice().reverse()],
  );
  t.is(new Set(paged.map((e) => e.id)).size, paged.length, 'every row once');
  t.deepEqual(paged, await items(agent.id), 'the same rows as one page of the default size');
});

test.serial('who may read a ledger: as its budget history; unknown agents are 404', async (t) => {
  const agent = await createAgent(stack, p.member, 5);
  const other = await createAgent(stack, p.member2, 5);
  for (const token of [p.member.access_token, p.member2.access_token, p.viewer.access_token, agent.token]) {
    t.is((await ledger(agent.id, token)).status, 200);
  }
  t.is((await ledger(agent.id, other.token)).status, 404, "another agent's credential sees no other agent");

  const withoutScope = await ledger(agent.id, await patOf(stack, p.member, ['agents:read']));
  t.is(withoutScope.status, 403);
  t.like(errorOf(withoutScope), { code: 'insufficient_scope', details: { required_scope: 'budgets:read' } });
  t.is((await ledger(agent.id, await patOf(stack, p.member, ['budgets:read']))).status, 200);

  // An agent in a project is seen by its members only (and managers and admins): to anyone else it does not exist.
  const project = await stack.http.post('/v1/projects', { token: p.manager.access_token, json: { name: 'ledger-team' } });
  t.is(project.status, 201, project.text);
  const hidden = await createAgent(stack, p.manager, 1, { project_id: project.body.id });
  for (const path of ['ledger', 'budget/history']) {
    const res = await stack.http.get(`/v1/agents/${hidden.id}/${path}`, { token: p.member.access_token });
    t.is(res.status, 404, path);
    t.is(errorOf(res).code, 'not_found');
  }
  t.is((await ledger(hidden.id, p.admin.access_token)).status, 200);

  const unknown = await ledger('agt_nope');
  t.is(unknown.status, 404);
  t.like(errorOf(unknown), { code: 'not_found', message: 'Agent not found' });
  t.truthy(errorOf(unknown).request_id);
});

test.serial('a bad limit or cursor is 400 with the error envelope', async (t) => {
  const agent = await createAgent(stack, p.member, 5);
  const foreign = Buffer.from(JSON.stringify({ a: 'agt_1' })).toString('base64url');
  for (const [query, field] of [
    ['?limit=0', 'limit'],
    ['?limit=101', 'limit'],
    ['?limit=ten', 'limit'],
    ['?cursor=not*a*cursor', 'cursor'],
    ['?cursor=bm90IGpzb24', 'cursor'],
    [`?cursor=${foreign}`, 'cursor'],
  ]) {
    const res = await ledger(agent.id, p.viewer.access_token, query);
    t.is(res.status, 400, query);
    const error = errorOf(res);
    t.is(error.code, 'validation_failed', query);
    t.truthy(error.request_id);
    t.truthy(error.details?.[field], `${query}: ${JSON.stringify(error.details)}`);
  }
});
