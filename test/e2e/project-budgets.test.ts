import test from 'ava';
import { startStack, type Stack } from '../support/stack.js';
import { createUserAndLogin, loginAsAdmin, type Session } from '../support/session.js';
import { eventually } from '../support/eventually.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { auditEventsOf, budgetOf, chatRequest, createAgent, PROXY_TEST_ENV, type CreatedAgent } from '../support/factories.js';

// Projects' budgets through the gateway: an agent in a project with a budget holds from both
// its own budget and its project's — its proxied calls (escrows) and its leases — and neither
// level is ever exceeded, against a stand-in provider that knows what each call costs.
const PROVIDER_KEY = 'sk-live-projectbudgets-9f8e7d6c5b4a';
const PRICES: Record<string, { input: number; output: number }> = {
  'gpt-4o-mini': { input: 150_000, output: 600_000 },
  'gpt-4-turbo': { input: 10_000_000, output: 30_000_000 },
};

let stack: Stack;
let admin: Session;
let manager: Session;
let provider: FakeProvider;

test.before(async () => {
  provider = await startFakeProvider((model) => PRICES[model] ?? { input: 0, output: 0 });
  stack = await startStack({
    env: { ...PROXY_TEST_ENV, identity: { ARGON2_MEMORY_KIB: '1024' } },
  });
  admin = await loginAsAdmin(stack);
  manager = await createUserAndLogin(stack, admin, 'manager');
  const key = await stack.http.post('/v1/provider-keys', {
    token: admin.access_token,
    json: { provider: 'openai', name: 'openai', api_key: PROVIDER_KEY, base_url: `${provider.url}/v1` },
  });
  if (key.status !== 201) throw new Error(`provider key: ${key.status} ${key.text}`);
});
test.after.always(async () => {
  await stack?.close();
  await provider?.close();
});
test.beforeEach(() => provider.reset());

const micros = (usd: number) => Math.round(usd * 1_000_000);
const chat = (token: string, json: Record<string, unknown>) => stack.http.post('/v1/proxy/openai/chat/completions', { token, json });

interface ProjectBudget {
  limit_usd: number;
  spent_usd: number;
  reserved_usd: number;
  remaining_usd: number;
}

async function newProject(budgetUsd?: number): Promise<string> {
  const res = await stack.http.post('/v1/projects', {
    token: manager.access_token,
    json: { name: `p-${Math.random().toString(36).slice(2, 8)}`, ...(budgetUsd === undefined ? {} : { budget_usd: budgetUsd }) },
  });
  if (res.status !== 201) throw new Error(`project: ${res.status} ${res.text}`);
  return res.body.id as string;
}

const projectBudget = async (id: string) =>
  (await stack.http.get(`/v1/projects/${id}`, { token: manager.access_token })).body.budget as ProjectBudget | null;

/** Once nothing is reserved any more (calls settled, escrows handed back). */
const settledProject = (id: string) =>
  eventually(
    () => projectBudget(id),
    (b) => b !== null && b.reserved_usd === 0,
  );

const settledAgent = (agentId: string) =>
  eventually(
    () => budgetOf(stack, admin, agentId),
    (b) => b.reserved_usd === 0,
  );

test.serial(
  'when 150 calls from 10 agents of a project hit its $0.50 budget at once, and more once those end, then the project is never exceeded, the provider is paid what is spent, and at least 95% of it is used',
  async (t) => {
    const project = await newProject(0.5);
    const agents: CreatedAgent[] = [];
    for (let i = 0; i < 10; i++) agents.push(await createAgent(stack, manager, 5, { project_id: project }));
    provider.behaviour.answerWords = 1_000;
    const burst = async (calls: number) => {
      const answers = await Promise.all(
        Array.from({ length: calls }, (_, i) =>
          chat(agents[i % agents.length].token, chatRequest({ model: 'gpt-4-turbo', max_tokens: 1_000 })),
        ),
      );
      t.true(
        answers.every((r) => r.status === 200 || r.status === 402),
        answers.map((r) => r.status).join(','),
      );
      await settledProject(project);
      return answers.filter((r) => r.status === 200).length;
    };
    // In one burst a call or so's worth can be left in the agents' escrows (each holds part of what
    // remains); once they are handed back, the next calls use it.
    const first = await burst(150);
    const firstBilled = provider.billedMicros();
    const second = await burst(20);
    t.log(`first burst: ${first} served, ${firstBilled} µ$; then ${second} more`);
    const budget = (await settledProject(project))!;
    const agentSpent = await Promise.all(agents.map(async (a) => micros((await settledAgent(a.id)).spent_usd)));
    const billed = provider.billedMicros();
    t.log(`provider billed ${billed} µ$; project spent ${budget.spent_usd}`);
    t.true(billed <= 500_000, 'the project is never exceeded');
    t.is(micros(budget.spent_usd), billed, "the project's spent is what the provider was paid");
    t.is(
      agentSpent.reduce((a, b) => a + b, 0),
      billed,
      "and so is the sum of its agents' spent",
    );
    t.true(billed >= 475_000, `at least 95% of the project's budget used: ${billed}`);
  },
);

test.serial(
  "when an agent's own budget is the smaller, then its calls stop there and its project keeps the rest; a project without a budget does not limit its agents",
  async (t) => {
    const project = await newProject(5);
    const agent = await createAgent(stack, manager, 0.05, { project_id: project });
    provider.behaviour.answerWords = 1_000;
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => chat(agent.token, chatRequest({ model: 'gpt-4-turbo', max_tokens: 1_000 }))),
    );
    t.true(answers.some((r) => r.status === 402));
    const own = await settledAgent(agent.id);
    const budget = (await settledProject(project))!;
    t.true(micros(own.spent_usd) <= 50_000);
    t.is(budget.spent_usd, own.spent_usd, 'the project was charged exactly what its agent spent');
    t.is(micros(budget.remaining_usd), 5_000_000 - micros(own.spent_usd));

    const open = await newProject();
    const free = await createAgent(stack, manager, 1, { project_id: open });
    t.is((await chat(free.token, chatRequest())).status, 200);
    t.is(await projectBudget(open), null);
  },
);

test.serial(
  "when an agent in a project shakes hands for a lease, then it gets what the project has left, its usage is charged to both, and a project with nothing left refuses (402) without touching the agent's budget",
  async (t) => {
    const project = await newProject(0.1);
    const agent = await createAgent(stack, manager, 5, { project_id: project });
    const lease = await stack.http.post(`/v1/agents/${agent.id}/handshake`, {
      token: agent.token,
      json: { provider: 'openai', requested_usd: 1 },
    });
    t.is(lease.status, 200, lease.text);
    t.is(lease.body.granted_usd, 0.1);
    t.like(await projectBudget(project), { reserved_usd: 0.1 });
    const refused = await stack.http.post(`/v1/agents/${agent.id}/handshake`, {
      token: agent.token,
      json: { provider: 'openai', requested_usd: 0.01 },
    });
    t.is(refused.status, 402);
    t.is(refused.body.error.message, "Budget exhausted: nothing is left to reserve in the agent's project");
    t.like(await budgetOf(stack, admin, agent.id), { reserved_usd: 0.1, spent_usd: 0 }, 'the agent holds only the first lease');

    const report = {
      lease_id: lease.body.lease_id,
      request_id: 'r-1',
      provider: 'openai',
      model: 'gpt-4o',
      input_tokens: 1,
      output_tokens: 1,
      cost_usd: 0.04,
    };
    t.is((await stack.http.post('/v1/usage', { token: agent.token, json: report })).status, 200);
    // A repeat is charged once, at both levels.
    t.is((await stack.http.post('/v1/usage', { token: agent.token, json: report })).status, 200);
    t.is((await stack.http.post(`/v1/leases/${lease.body.lease_id}/release`, { token: agent.token })).status, 200);
    t.like(await projectBudget(project), { spent_usd: 0.04, reserved_usd: 0, remaining_usd: 0.06 });
    t.like(await budgetOf(stack, admin, agent.id), { spent_usd: 0.04, reserved_usd: 0 });

    // Deleting the agent releases its open leases in both budgets at once.
    const open = await stack.http.post(`/v1/agents/${agent.id}/handshake`, {
      token: agent.token,
      json: { provider: 'openai', requested_usd: 0.05 },
    });
    t.is(open.status, 200, open.text);
    t.like(await projectBudget(project), { reserved_usd: 0.05 });
    t.is((await stack.http.delete(`/v1/agents/${agent.id}`, { token: manager.access_token })).status, 204);
    t.like(await projectBudget(project), { spent_usd: 0.04, reserved_usd: 0, remaining_usd: 0.06 });
  },
);

test.serial(
  'a manager gives a project a budget, lowers it (never below what is spent and reserved), resets it, sets its alert thresholds — each in its history and the audit log; members cannot',
  async (t) => {
    const project = await newProject();
    const member = await createUserAndLogin(stack, admin, 'member');
    await stack.http.put(`/v1/projects/${project}/members/${member.user.id}`, { token: manager.access_token, json: { role: 'owner' } });
    const set = (who: Session, json: Record<string, unknown>) =>
      stack.http.put(`/v1/projects/${project}/budget`, { token: who.access_token, json });

    t.is(
      (await stack.http.post(`/v1/projects/${project}/budget/reset`, { token: manager.access_token, json: { reason: 'x' } })).status,
      409,
    );
    t.is(
      (await stack.http.patch(`/v1/projects/${project}`, { token: manager.access_token, json: { alert_thresholds: [50] } })).status,
      409,
    );
    t.is((await set(member, { limit_usd: 10, reason: 'mine' })).status, 403, 'a project owner is no manager');
    t.is((await set(manager, { reason: 'nothing' })).status, 400);
    const given = await set(manager, { limit_usd: 2, period: 'month', reason: 'the team budget' });
    t.is(given.status, 200, given.text);
    t.like(given.body.budget, { limit_usd: 2, spent_usd: 0, period: 'month' });

    const agent = await createAgent(stack, member, 5, { project_id: project });
    t.is(
      (await stack.http.patch(`/v1/projects/${project}`, { token: member.access_token, json: { alert_thresholds: [1] } })).body
        .alert_thresholds[0],
      1,
    );
    provider.behaviour.answerWords = 1_000;
    t.is((await chat(agent.token, chatRequest({ model: 'gpt-4-turbo', max_tokens: 1_000 }))).status, 200);
    const spent = (await settledProject(project))!.spent_usd;
    t.true(spent > 0);
    const [alert] = await auditEventsOf(stack, admin, 'budget.threshold', project);
    t.is(alert.details.threshold_percent, 1);

    const tooLow = await set(manager, { limit_usd: spent / 2, reason: 'cut' });
    t.is(tooLow.status, 409);
    t.is((await set(manager, { limit_usd: 1, reason: 'cut' })).body.budget.limit_usd, 1);
    const reset = await stack.http.post(`/v1/projects/${project}/budget/reset`, {
      token: manager.access_token,
      json: { reason: 'new month' },
    });
    t.is(reset.status, 200);
    t.like(reset.body.budget, { spent_usd: 0, limit_usd: 1 });
    t.is((await budgetOf(stack, admin, agent.id)).spent_usd, spent, "the agents' own budgets are not reset");

    const history = await stack.http.get(`/v1/projects/${project}/budget/history`, { token: member.access_token });
    t.deepEqual(
      history.body.items.map((h: { kind: string; new_limit_usd: number }) => [h.kind, h.new_limit_usd]),
      [
        ['set', 2],
        ['set', 1],
        ['reset', 1],
      ],
    );
    const changes = await auditEventsOf(stack, admin, 'budget.limit.changed', project, 2);
    t.is(changes.length, 2);
    await auditEventsOf(stack, admin, 'budget.reset', project);
  },
);

test.serial(
  "a project's owner asks to raise its budget; a manager who does not own it approves, its limit rises once, in its history and the audit log",
  async (t) => {
    const project = await newProject(1);
    const owner = await createUserAndLogin(stack, admin, 'member');
    const member = await createUserAndLogin(stack, admin, 'member');
    const approver = await createUserAndLogin(stack, admin, 'manager');
    await stack.http.put(`/v1/projects/${project}/members/${owner.user.id}`, { token: manager.access_token, json: { role: 'owner' } });
    await stack.http.put(`/v1/projects/${project}/members/${member.user.id}`, { token: manager.access_token, json: { role: 'member' } });
    const ask = (who: Session, json: Record<string, unknown>) =>
      stack.http.post('/v1/budget-requests', {
        token: who.access_token,
        json: { requested_budget_usd: 2, justification: 'launch week', ...json },
      });

    t.is((await ask(member, { project_id: project })).status, 403, 'a member who is not an owner');
    const outside = await createAgent(stack, owner, 1);
    const notIn = await ask(owner, { project_id: project, agent_id: outside.id });
    t.is(notIn.status, 404, 'with both, the agent must be in that project');
    t.is(notIn.body.error.message, 'Agent not found in that project');
    t.is((await ask(owner, {})).status, 400, 'neither');
    t.is((await ask(owner, { project_id: await newProject() })).status, 404, 'a project they do not see');
    const created = await ask(owner, { project_id: project });
    t.is(created.status, 201, created.text);
    t.like(created.body, { agent_id: null, project_id: project, requested_budget_usd: 2, status: 'pending' });
    const listed = await stack.http.get(`/v1/budget-requests?project_id=${project}`, { token: member.access_token });
    t.deepEqual(
      listed.body.items.map((r: { id: string }) => r.id),
      [created.body.id],
    );

    // The manager who created the project owns it: four eyes.
    const own = await stack.http.post(`/v1/budget-requests/${created.body.id}/approve`, { token: manager.access_token, json: {} });
    t.is(own.status, 403);
    t.is(own.body.error.message, 'You cannot approve a raise of a project you own');
    const approved = await stack.http.post(`/v1/budget-requests/${created.body.id}/approve`, {
      token: approver.access_token,
      json: { note: 'ok' },
    });
    t.is(approved.status, 200, approved.text);
    t.like(await projectBudget(project), { limit_usd: 3 });
    const history = await stack.http.get(`/v1/projects/${project}/budget/history`, { token: owner.access_token });
    t.like(history.body.items.at(-1), {
      kind: 'request',
      request_id: created.body.id,
      old_limit_usd: 1,
      new_limit_usd: 3,
      approver_id: approver.user.id,
    });
    const [event] = await auditEventsOf(stack, admin, 'budget.request.approved', created.body.id);
    t.like(event.details, { project_id: project });
    t.is((await stack.http.post(`/v1/budget-requests/${created.body.id}/approve`, { token: approver.access_token, json: {} })).status, 409);
    t.like(await projectBudget(project), { limit_usd: 3 }, 'raised once');
  },
);
