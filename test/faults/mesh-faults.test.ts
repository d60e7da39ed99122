import test from 'ava';
import { Supervisor, SERVICES, type ManagedProcess } from '@tollgate/devkit';
import { startProcessMesh, type ProcessMesh } from '../support/process-mesh.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { eventually } from '../support/eventually.js';
import type { HttpResponse } from '../support/http.js';
import { createServiceClient } from '@tollgate/platform';
import { loadBudget } from '@tollgate/proto';

// Faults of a running system, like `npm start` runs it: every deployable its own process on
// its own FerretDB and Redis, all under a supervisor. Under steady load, each process in turn
// is killed with SIGKILL, a dependency stops answering, and the gateway is stopped with SIGTERM.
// What must hold: while something is down, the requests that need it get 503 with
// Retry-After (nothing else fails); it comes back by itself; no acknowledged write is lost;
// no audit event is lost or doubled; the provider is never paid beyond a budget, and every
// call it answered is charged. The scoreboard is printed at the end.
const PRICES: Record<string, { input: number; output: number }> = { 'gpt-4o-mini': { input: 150_000, output: 600_000 } };
const DEADLINE_MS = 1_500;
const MONEY_BUDGET_USD = 0.05;
const HOLD_TTL_S = 15;

const supervisorLog: string[] = [];
const supervisor = new Supervisor({ log: (m) => supervisorLog.push(m), minBackoffMs: 200, maxBackoffMs: 2_000, stableMs: 5_000 });
let mesh: ProcessMesh;
let provider: FakeProvider;
let budgetLink: TcpProxy;
let adminToken: string;
let moneyAgent: { id: string; token: string };

interface Tally {
  requests: number;
  /** Statuses and transport errors that break the rules above, with a sample. */
  unexpected: string[];
  unavailable: number;
}
const board: Record<string, Tally & { recoveredMs?: number }> = {};
const acknowledged: string[] = [];

test.before(async () => {
  provider = await startFakeProvider((model) => PRICES[model] ?? { input: 0, output: 0 });
  let budgetAddr = '';
  budgetLink = await startTcpProxy(() => budgetAddr);
  mesh = await startProcessMesh({
    supervisor,
    // The outages below make every process warn; errors (what nothing expected) still show.
    logLevel: 'error',
    env: (addrs) => {
      budgetAddr = addrs.budget;
      return {
        identity: { ARGON2_MEMORY_KIB: '1024' },
        // The gateway reaches the budget service through a link the test can stall.
        gateway: {
          BUDGET_ADDR: budgetLink.addr,
          GRPC_DEADLINE_MS: String(DEADLINE_MS),
          RATE_LIMIT_TOKEN_PER_MIN: '1000000',
          RATE_LIMIT_PRINCIPAL_PER_MIN: '1000000',
          RATE_LIMIT_IP_PER_MIN: '1000000',
          RATE_LIMIT_GLOBAL_PER_MIN: '1000000',
        },
        // A hold whose gateway died with the call is charged whole at its expiry: soon, here.
        budget: { SWEEP_INTERVAL_MS: '500', ESCROW_TTL_SECONDS: String(HOLD_TTL_S) },
      };
    },
  });
  const login = await mesh.http.post('/v1/auth/login', {
    json: { email: mesh.secrets.BOOTSTRAP_ADMIN_EMAIL, password: mesh.secrets.BOOTSTRAP_ADMIN_PASSWORD },
  });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text}`);
  adminToken = login.body.access_token;
  const key = await mesh.http.post('/v1/provider-keys', {
    token: adminToken,
    json: { provider: 'openai', name: 'openai', api_key: 'sk-live-faults-0123456789', base_url: `${provider.url}/v1` },
  });
  if (key.status !== 201) throw new Error(`provider key: ${key.status} ${key.text}`);
  const agent = await mesh.http.post('/v1/agents', { token: adminToken, json: { name: 'spender', budget_usd: MONEY_BUDGET_USD } });
  if (agent.status !== 201) throw new Error(`agent: ${agent.status} ${agent.text}`);
  moneyAgent = { id: agent.body.agent.id, token: agent.body.token };
});

test.after.always(async () => {
  await mesh?.stop();
  await budgetLink?.close();
  await provider?.close();
  const rows = Object.entries(board).map(
    ([phase, t]) =>
      `  ${phase.padEnd(22)} ${String(t.requests).padStart(6)} ${String(t.unavailable).padStart(6)} ${String(t.unexpected.length).padStart(6)} ${t.recoveredMs === undefined ? '     -' : String(t.recoveredMs).padStart(6)}`,
  );
  process.stdout.write(
    [
      '\nfault suite scoreboard',
      `  ${'phase'.padEnd(22)} ${'reqs'.padStart(6)} ${'503'.padStart(6)} ${'bad'.padStart(6)} ${'back ms'.padStart(6)}`,
      ...rows,
      `  cases: ${rows.length}, failures: ${Object.values(board).reduce((n, t) => n + t.unexpected.length, 0)}, data lost: ${dataLost}`,
      `  supervisor: ${supervisorLog.length} lines, e.g. ${supervisorLog.slice(0, 2).join(' | ')}`,
      '',
    ].join('\n'),
  );
});
let dataLost = 0;

const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }], max_tokens: 20 };

/** Three kinds of traffic at once — writes, reads, proxied calls — tallied under the phase in force. */
function steadyLoad(phase: () => string, allowTransportErrors: () => boolean) {
  let running = true;
  const judge = (res: HttpResponse | Error, okStatuses: number[]) => {
    const t = (board[phase()] ??= { requests: 0, unexpected: [], unavailable: 0 });
    t.requests++;
    if (res instanceof Error) {
      if (!allowTransportErrors() || res.message.startsWith('no answer')) t.unexpected.push(`transport: ${res.message}`);
      return;
    }
    if (okStatuses.includes(res.status)) return;
    if (res.status === 503 && res.headers['retry-after'] && res.body?.error?.code === 'service_unavailable') {
      t.unavailable++;
      return;
    }
    t.unexpected.push(`${res.status} ${res.text.slice(0, 160)}`);
  };
  // A request left without an answer is a failure of its own (nothing may hang).
  const answer = (req: Promise<HttpResponse>, what: string) =>
    Promise.race([
      req.catch((e: unknown) => e as Error),
      new Promise<Error>((r) => setTimeout(() => r(new Error(`no answer within 10 s: ${what}`)), 10_000)),
    ]);
  const loop = async (step: () => Promise<void>) => {
    while (running) {
      await step();
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const workers = [
    loop(async () => {
      const res = await answer(
        mesh.http.post('/v1/agents', { token: adminToken, json: { name: `load-${acknowledged.length}`, budget_usd: 1 } }),
        'POST /v1/agents',
      );
      judge(res, [201]);
      if (!(res instanceof Error) && res.status === 201) acknowledged.push(res.body.agent.id);
    }),
    loop(async () => {
      const id = acknowledged[Math.floor(Math.random() * acknowledged.length)] ?? moneyAgent.id;
      judge(await answer(mesh.http.get(`/v1/agents/${id}`, { token: adminToken }), 'GET /v1/agents/{id}'), [200]);
    }),
    loop(async () => {
      // 402 once the budget is spent: that is the budget working.
      judge(
        await answer(mesh.http.post('/v1/proxy/openai/chat/completions', { token: moneyAgent.token, json: ask }), 'proxied call'),
        [200, 402],
      );
    }),
  ];
  return async () => {
    running = false;
    await Promise.all(workers);
  };
}

const ready = async () => (await mesh.http.get('/health/ready').catch(() => undefined))?.status === 200;

async function waitReady(timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!(await ready())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`not ready ${timeoutMs} ms after the fault`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const processOf = (name: string): ManagedProcess => {
  const proc = supervisor.process(name);
  if (!proc) throw new Error(`no supervised process ${name}`);
  return proc;
};

test.serial(
  'when each process is killed with SIGKILL under load, then it comes back by itself and only what needs it answers 503 meanwhile',
  async (t) => {
    const victims = [...SERVICES, 'gateway', 'redis', 'ferretdb', ...(supervisor.process('postgresql') ? ['postgresql'] : [])];
    let phase = 'warm-up';
    const stopLoad = steadyLoad(
      () => phase,
      () => phase === 'kill gateway',
    );
    await new Promise((r) => setTimeout(r, 1_000));
    for (const victim of victims) {
      phase = `kill ${victim}`;
      const before = processOf(victim).process.pid;
      const t0 = Date.now();
      await processOf(victim).kill();
      await eventually(
        async () => processOf(victim).process.pid,
        (pid) => pid !== before,
        60_000,
        50,
      );
      t.not(processOf(victim).process.pid, before, `${victim} runs as a new process`);
      await waitReady();
      board[phase] ??= { requests: 0, unexpected: [], unavailable: 0 };
      board[phase].recoveredMs = Date.now() - t0;
      phase = `after ${victim}`;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    await stopLoad();
    for (const [name, tally] of Object.entries(board))
      t.deepEqual([...new Set(tally.unexpected.map((u) => u.replace(/[0-9a-f-]{36}/g, '…')))].slice(0, 5), [], name);
    t.true(acknowledged.length > 20, `writes were acknowledged (${acknowledged.length})`);
  },
);

test.serial(
  'when the budget service stops answering, then proxied calls and budget reads fail within the deadline, and the hold goes back uncharged',
  async (t) => {
    const created = await mesh.http.post('/v1/agents', { token: adminToken, json: { name: 'stalled', budget_usd: 1 } });
    const agent = { id: created.body.agent.id as string, token: created.body.token as string };
    const calls = provider.calls.length;
    budgetLink.stall(true);
    try {
      const t0 = Date.now();
      const [call, read] = await Promise.all([
        mesh.http.post('/v1/proxy/openai/chat/completions', { token: agent.token, json: ask }),
        mesh.http.get(`/v1/agents/${agent.id}/budget`, { token: adminToken }),
      ]);
      const took = Date.now() - t0;
      t.true(took < DEADLINE_MS + 2_000, `answered in ${took} ms`);
      for (const res of [call, read]) {
        t.is(res.status, 503, res.text);
        t.truthy(res.headers['retry-after']);
      }
    } finally {
      budgetLink.stall(false);
    }
    t.is(provider.calls.length, calls, 'nothing was sent to the provider');
    // The hold decided after its answer was lost goes back — well before it would expire and be charged whole.
    const budget = await eventually(
      async () => (await mesh.http.get(`/v1/agents/${agent.id}/budget`, { token: adminToken })).body,
      (b) => b?.reserved_usd === 0,
      4 * DEADLINE_MS + 2_000,
      100,
    );
    t.like(budget, { reserved_usd: 0, spent_usd: 0 });
  },
);

test.serial(
  'when services get SIGTERM under load, then each finishes what it took, delivers its audit outbox, exits 0 and is started again',
  async (t) => {
    let phase = '';
    const stopLoad = steadyLoad(
      () => phase,
      () => false,
    );
    for (const name of ['budget', 'identity', 'audit']) {
      phase = `sigterm ${name}`;
      const proc = processOf(name);
      const before = proc.process.pid!;
      const exited = new Promise<number | null>((resolve) => proc.process.once('exit', (code) => resolve(code)));
      const t0 = Date.now();
      process.kill(before, 'SIGTERM');
      t.is(await exited, 0, `${name} exits 0`);
      await eventually(
        async () => processOf(name).process.pid,
        (pid) => pid !== before,
        60_000,
        50,
      );
      await waitReady();
      board[phase] ??= { requests: 0, unexpected: [], unavailable: 0 };
      board[phase].recoveredMs = Date.now() - t0;
      await new Promise((r) => setTimeout(r, 500));
    }
    await stopLoad();
    for (const name of ['budget', 'identity', 'audit']) t.deepEqual(board[`sigterm ${name}`]?.unexpected.slice(0, 3), [], name);
  },
);

test.serial(
  'after every fault: no acknowledged write lost, no audit event lost or doubled, the provider never paid beyond the budget and never for free',
  async (t) => {
    // Writes: every acknowledged agent is there.
    const missing: string[] = [];
    for (const id of acknowledged) if ((await mesh.http.get(`/v1/agents/${id}`, { token: adminToken })).status !== 200) missing.push(id);
    t.deepEqual(missing, [], 'acknowledged agents that are gone');

    // Audit: exactly one agent.created per acknowledged agent (delivered by the outboxes once audit is back).
    const createdEvents = async () => {
      const seen = new Map<string, number>();
      let cursor = '';
      for (;;) {
        const res = await mesh.http.get(
          `/v1/audit/events?action=agent.created&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          { token: adminToken },
        );
        if (res.status !== 200) throw new Error(`audit: ${res.status} ${res.text}`);
        for (const e of res.body.items as { resource: { id: string } }[]) seen.set(e.resource.id, (seen.get(e.resource.id) ?? 0) + 1);
        if (!res.body.next_cursor) return seen;
        cursor = res.body.next_cursor;
      }
    };
    const seen = await eventually(createdEvents, (s) => acknowledged.every((id) => s.has(id)), 30_000, 500);
    const lost = acknowledged.filter((id) => !seen.has(id));
    const doubled = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
    t.deepEqual(lost, [], 'audit events lost');
    t.deepEqual(doubled, [], 'audit events doubled');
    const verify = await mesh.http.get('/v1/audit/verify', { token: adminToken });
    t.true(verify.body.ok, `the audit chain verifies: ${verify.text}`);

    // Money: settled (nothing left held), never beyond the budget, every answered call charged.
    const budget = await eventually(
      async () => (await mesh.http.get(`/v1/agents/${moneyAgent.id}/budget`, { token: adminToken })).body,
      (b) => b?.reserved_usd === 0,
      (HOLD_TTL_S + 10) * 1_000,
      250,
    );
    const billedUsd = provider.billedMicros() / 1e6;
    t.is(budget.reserved_usd, 0, 'no hold left behind');
    t.true(billedUsd <= MONEY_BUDGET_USD, `provider billed $${billedUsd} on a $${MONEY_BUDGET_USD} budget`);
    t.true(budget.spent_usd >= billedUsd, `spent $${budget.spent_usd} covers what the provider billed ($${billedUsd})`);
    t.true(provider.calls.length > 10, `calls reached the provider (${provider.calls.length})`);
    dataLost =
      missing.length + lost.length + doubled.length + (billedUsd > MONEY_BUDGET_USD ? 1 : 0) + (budget.spent_usd < billedUsd ? 1 : 0);
  },
);

test.serial(
  'when the gateway gets SIGTERM with calls in flight, then they finish, their settlements reach the budget, and it exits 0',
  async (t) => {
    const agent = await mesh.http.post('/v1/agents', { token: adminToken, json: { name: 'drained', budget_usd: 1 } });
    provider.behaviour.delayMs = 1_000;
    const earlier = provider.calls.length;
    const calls = Array.from({ length: 5 }, () =>
      mesh.http.post('/v1/proxy/openai/chat/completions', { token: agent.body.token, json: ask }),
    );
    await eventually(
      async () => provider.calls.length - earlier,
      (n) => n >= 5,
      5_000,
      20,
    );
    const gateway = processOf('gateway');
    const exited = new Promise<number | null>((resolve) => gateway.process.once('exit', (code) => resolve(code)));
    await gateway.stop();
    const answers = await Promise.all(calls);
    t.deepEqual(
      answers.map((r) => r.status),
      [200, 200, 200, 200, 200],
    );
    t.is(await exited, 0);
    // The settlements went out before it exited: each call is charged what it cost.
    const rpc = createServiceClient(loadBudget().Budget, mesh.addrs.budget, {
      issuer: 'faults',
      secret: mesh.secrets.SERVICE_TOKEN_SECRET,
    });
    try {
      const cost = provider.calls.slice(earlier).reduce((n, c) => n + c.costMicros, 0);
      const reconciled = await rpc.call.Reconcile({ id: agent.body.agent.id }, { principal: { type: 'service', id: 'faults' } });
      t.like(reconciled, { ok: true, budget_spent_micros: cost });
    } finally {
      rpc.close();
    }
  },
);
