import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import test from 'ava';
import { DEPLOYABLE_NODE_ARGS, waitForTcp } from '@tollgate/devkit';
import { createLogger } from '@tollgate/platform';
import { loadConfig as loadGatewayConfig, start as startGateway } from '@tollgate/gateway';
import { startStack, type Stack } from '../support/stack.js';
import { loginAsAdmin, type Session } from '../support/session.js';
import { eventually } from '../support/eventually.js';
import { httpClient } from '../support/http.js';
import { testEnv } from '../support/env.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { budgetOf, budgetRpc, chatRequest, createAgent } from '../support/factories.js';

// The money path when parts of it fail or are doubled: the budget service killed between an
// answer and its settlement, and two gateways in front of two budget replicas. The budget
// service runs here as its own process (so that it can be killed with SIGKILL); the rest of
// the mesh and the provider stand-in as in the other proxy tests.
const ROOT = path.resolve(import.meta.dirname, '../..');
const PRICES = { 'gpt-4o-mini': { input: 150_000, output: 600_000 }, 'gpt-4-turbo': { input: 10_000_000, output: 30_000_000 } } as Record<
  string,
  { input: number; output: number }
>;

let stack: Stack;
let admin: Session;
let provider: FakeProvider;
let budgetProcess: ChildProcess | undefined;
/** The budget process's last log lines (warnings and errors), for a failure to show. */
const budgetLog: string[] = [];
const budgetLogTail = () => `the budget process's last log lines:\n${budgetLog.slice(-30).join('\n') || '(none)'}`;

function startBudgetProcess(): Promise<void> {
  budgetProcess = spawn(process.execPath, [...DEPLOYABLE_NODE_ARGS, path.join(ROOT, 'services/budget/src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...stack.env.budget, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const out of [budgetProcess.stdout!, budgetProcess.stderr!]) {
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => {
      budgetLog.push(...chunk.split('\n').filter(Boolean));
      budgetLog.splice(0, Math.max(0, budgetLog.length - 200));
    });
  }
  return waitForTcp(Number(stack.env.budget.GRPC_PORT), '127.0.0.1', 60_000);
}

async function killBudgetProcess(): Promise<void> {
  const child = budgetProcess;
  if (child?.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

test.before(async () => {
  provider = await startFakeProvider((model) => PRICES[model] ?? { input: 0, output: 0 });
  // The stack starts the budget service in-process, holding its port, and it is swapped for a process
  // only then: a port left free meanwhile could be taken by another test's server.
  stack = await startStack({
    env: {
      gateway: { RATE_LIMIT_TOKEN_PER_MIN: '100000', RATE_LIMIT_PRINCIPAL_PER_MIN: '100000', GRPC_DEADLINE_MS: '20000' },
      budget: { SWEEP_INTERVAL_MS: '200' },
    },
  });
  await stack.stop('budget');
  await startBudgetProcess();
  admin = await loginAsAdmin(stack);
  // The tests start once the gateway says it is ready with the budget process (its price table fetched). A cold
  // start of that process (TypeScript compiled on the fly) under a full parallel suite can take a while.
  const ready = await eventually(
    () => stack.http.get('/health/ready'),
    (r) => r.status === 200,
    90_000,
  );
  if (ready.status !== 200)
    throw new Error(`the gateway is not ready with the budget process: ${ready.status} ${ready.text}\n${budgetLogTail()}`);
  // Ready means every service answers its health check; an agent created through the gateway means the
  // budget process also reaches its database and the token service.
  const created = await eventually(
    () => stack.http.post('/v1/agents', { token: admin.access_token, json: { name: 'resilience-probe', budget_usd: 1 } }),
    (r) => r.status === 201,
    60_000,
  );
  if (created.status !== 201)
    throw new Error(`no agent can be created with the budget process: ${created.status} ${created.text}\n${budgetLogTail()}`);
  const key = await stack.http.post('/v1/provider-keys', {
    token: admin.access_token,
    json: { provider: 'openai', name: 'openai', api_key: 'sk-live-resilience-0123456789', base_url: `${provider.url}/v1` },
  });
  if (key.status !== 201) throw new Error(`provider key: ${key.status} ${key.text}`);
});
test.afterEach.always((t) => {
  if (!t.passed) t.log(budgetLogTail());
});
test.after.always(async () => {
  await killBudgetProcess();
  await stack?.close();
  await provider?.close();
});

test.serial(
  'when the budget service is killed between an answer and its settlement, then the call is charged exactly once after it is back',
  async (t) => {
    const agent = await createAgent(stack, admin, 5);
    provider.reset();
    provider.behaviour.delayMs = 1_500;
    const answered = stack.http.post('/v1/proxy/openai/chat/completions', { token: agent.token, json: chatRequest() });
    // The hold is taken at once (the call reaches the provider); the provider answers 1.5 s later, while the budget service is dead.
    await eventually(
      async () => provider.calls.length,
      (n) => n === 1,
    );
    await killBudgetProcess();
    const res = await answered;
    t.is(res.status, 200, `the client gets its answer: ${res.text}`);
    await new Promise((r) => setTimeout(r, 500));
    await startBudgetProcess();
    const budget = await eventually(
      () => budgetOf(stack, admin, agent.id),
      (b) => b?.reserved_usd === 0,
      20_000,
    );
    t.is(Math.round(budget.spent_usd * 1e6), provider.calls[0].costMicros, 'charged its usage, once');
    const rpc = budgetRpc(stack);
    try {
      t.like(await rpc.call.Reconcile({ id: agent.id }, { principal: { type: 'service', id: 'e2e' } }), {
        ok: true,
        ledger_spent_micros: provider.calls[0].costMicros,
      });
    } finally {
      rpc.close();
    }
  },
);

test.serial(
  'when two gateways in front of two budget replicas take 100 calls at once on one budget, then the provider is never paid more than the budget',
  async (t) => {
    const agent = await createAgent(stack, admin, 0.5);
    provider.reset();
    provider.behaviour.answerWords = 1_000;
    const replica = await stack.startReplica('budget');
    const second = await startGateway(
      loadGatewayConfig({ ...stack.env.gateway, GATEWAY_PORT: '0', BUDGET_ADDR: replica.addr }),
      createLogger('gateway-2', testEnv.logLevel),
    );
    const secondHttp = httpClient(second.url, second.ca);
    try {
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 ? secondHttp : stack.http).post('/v1/proxy/openai/chat/completions', {
            token: agent.token,
            json: chatRequest({ model: 'gpt-4-turbo', max_tokens: 1_000 }),
          }),
        ),
      );
      t.true(
        answers.every((r) => r.status === 200 || r.status === 402),
        answers.map((r) => r.status).join(','),
      );
      t.true(answers.filter((r) => r.status === 200).length > 0);
      const budget = await eventually(
        () => budgetOf(stack, admin, agent.id),
        (b) => b.reserved_usd === 0,
      );
      const billed = provider.billedMicros();
      t.true(billed <= 500_000, `billed ${billed} µ$ of a 500,000 µ$ budget`);
      t.is(Math.round(budget.spent_usd * 1e6), billed, 'spent is what the provider was paid');
    } finally {
      secondHttp.close();
      await second.stop();
      await replica.stop();
    }
  },
);
