import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { freePort, SERVICES, type ServiceName } from '@tollgate/devkit';
import { createServiceClient, type Principal } from '@tollgate/platform';
import { loadAudit, loadBudget, loadToken } from '@tollgate/proto';
import { expectStatus, measure, startBenchMesh, type Result } from './lib.js';

// Data-layer benchmark: does a request cost the same on a seeded database as on an empty
// one? Every operation is measured on the empty database — holding one page of each list,
// so both runs return the same number of items — then after seeding 100,000 usage-ledger
// rows, 200,000 audit events, 10,000 tokens and 1,000 agents through the public APIs and
// the services' gRPC APIs, then again. The goal for each: a seeded p50 within 2× of empty.
const CONCURRENCY = 8;
const LOGIN_CONCURRENCY = 4;
const DURATION_MS = 4_000;
/** One page of every list (the API's default page size) exists before anything is measured. */
const PAGE = 20;
const SEED = { members: 50, agents: 1_000, agentCreators: 5, tokens: 10_000, ledger: 100_000, audit: 200_000 };
const PROVIDER_KEYS = 10;
const PASSWORD = 'bench-password-0123456789';

const metricsPorts = Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, await freePort()] as const))) as Record<
  ServiceName,
  number
>;
const metricsOf = (s: ServiceName) => ({ METRICS_PORT: String(metricsPorts[s]) });
const mesh = await startBenchMesh({
  ...Object.fromEntries(SERVICES.map((s) => [s, metricsOf(s)])),
  gateway: {
    LOGIN_ATTEMPTS_PER_IP_PER_WINDOW: '10000',
    RATE_LIMIT_GLOBAL_PER_SEC: '1000000',
    RATE_LIMIT_IP_PER_MIN: '1000000',
    RATE_LIMIT_PRINCIPAL_PER_MIN: '1000000',
    RATE_LIMIT_TOKEN_PER_MIN: '1000000',
    EXPENSIVE_READS_PER_MINUTE: '1000000',
    GRPC_DEADLINE_MS: '30000',
  },
  // Sessions must outlive the run, seeding leases the seeding.
  identity: { ...metricsOf('identity'), ACCESS_TOKEN_TTL_SECONDS: '7200' },
  budget: { ...metricsOf('budget'), LEASE_TTL_SECONDS: '3600' },
  // No introspection cache: every Introspect reads its token from the database, which is what is measured.
  token: { ...metricsOf('token'), TOKEN_CACHE_MS: '0' },
});
const started = performance.now();
const say = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const load = () => `load average ${os.loadavg()[0].toFixed(1)}`;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Runs fn over items with `concurrency` in flight, printing progress every 10 s. */
async function pool<T, R>(label: string, items: T[], concurrency: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const t0 = performance.now();
  const out = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  const timer = setInterval(() => say(`  ${label}: ${done}/${items.length} (${seconds(t0)}, ${load()})`), 10_000);
  try {
    await Promise.all(
      range(Math.min(concurrency, items.length)).map(async () => {
        while (next < items.length) {
          const i = next++;
          out[i] = await fn(items[i], i);
          done++;
        }
      }),
    );
  } finally {
    clearInterval(timer);
  }
  say(`  ${label}: ${items.length} in ${seconds(t0)}`);
  return out;
}

/** Every service's gRPC handling time so far, per `<service>.<method>`: total seconds and calls. */
async function serverTimes(): Promise<Map<string, { sum: number; count: number }>> {
  const times = new Map<string, { sum: number; count: number }>();
  for (const s of SERVICES) {
    const text = await (await fetch(`http://127.0.0.1:${metricsPorts[s]}/metrics`)).text();
    for (const line of text.split('\n')) {
      const m = /^grpc_server_handling_seconds_(sum|count)\{.*grpc_method="(\w+)".*\} (\S+)$/.exec(line);
      if (!m) continue;
      const t = times.get(`${s}.${m[2]}`) ?? { sum: 0, count: 0 };
      t[m[1] as 'sum' | 'count'] = Number(m[3]);
      times.set(`${s}.${m[2]}`, t);
    }
  }
  return times;
}

/** The service calls that took most of a measurement's server time: mean ms per call and calls per operation. */
function topCalls(
  before: Map<string, { sum: number; count: number }>,
  after: Map<string, { sum: number; count: number }>,
  operations: number,
): string {
  const deltas = [...after].map(([name, t]) => ({
    name,
    sum: t.sum - (before.get(name)?.sum ?? 0),
    count: t.count - (before.get(name)?.count ?? 0),
  }));
  return deltas
    .filter((d) => d.count > 0)
    .sort((a, b) => b.sum - a.sum)
    .slice(0, 2)
    .map((d) => `${d.name} ${((d.sum / d.count) * 1000).toFixed(1)}ms×${(d.count / operations).toFixed(1)}`)
    .join(', ');
}

/** An audit event as an emitter would send it, by `actorId`. */
function auditEvent(actorId: string) {
  return {
    id: randomUUID(),
    at: new Date().toISOString(),
    actor: { type: 'user', id: actorId },
    action: 'agent.viewed',
    resource: { type: 'agent', id: randomUUID() },
    outcome: 'success',
    ip: '203.0.113.7',
    user_agent: 'bench/1.0',
    request_id: randomUUID(),
    details_json: '{}',
  };
}

type Measured = Result & { server: string; lastError?: string };

/** Each operation's seeded figures beside its empty-database baseline, then where the services spent the time. */
function printComparison(title: string, empty: Measured[], seeded: Measured[]): void {
  const num = (v: number, digits: number, width: number) => v.toFixed(digits).padStart(width);
  const lines = [
    `\n${title}`,
    `${'operation'.padEnd(50)} ${'empty req/s'.padStart(11)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'seeded req/s'.padStart(12)} ` +
      `${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'p50 ratio'.padStart(9)} ${'errors'.padStart(7)}`,
    ...empty.map((e, i) => {
      const s = seeded[i];
      return (
        `${e.name.padEnd(50)} ${num(e.rps, 0, 11)} ${num(e.p50, 2, 8)} ${num(e.p99, 2, 8)} ${num(s.rps, 0, 12)} ${num(s.p50, 2, 8)} ${num(s.p99, 2, 8)} ` +
        `${`${(s.p50 / e.p50).toFixed(2)}x`.padStart(9)} ${`${e.errors}/${s.errors}`.padStart(7)}`
      );
    }),
    `\nserver side: the two service methods with the most handling time per operation (mean ms per call × calls per operation), empty → seeded`,
    ...empty.map((e, i) => `${e.name.padEnd(50)} ${e.server}  →  ${seeded[i].server}`),
  ];
  const failed = [...empty.map((r) => ({ phase: 'empty', r })), ...seeded.map((r) => ({ phase: 'seeded', r }))].filter(
    ({ r }) => r.lastError,
  );
  if (failed.length > 0)
    lines.push('\nlast error of each row with errors:', ...failed.map(({ phase, r }) => `${phase}: ${r.name}: ${r.lastError}`));
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  const { http } = mesh;
  const service: Principal = { type: 'service', id: 'bench' };
  const clientOpts = { issuer: 'bench', secret: mesh.secrets.SERVICE_TOKEN_SECRET, defaultDeadlineMs: 30_000 };
  const token = createServiceClient(loadToken().Token, mesh.addrs.token, clientOpts);
  const budget = createServiceClient(loadBudget().Budget, mesh.addrs.budget, clientOpts);
  const audit = createServiceClient(loadAudit().Audit, mesh.addrs.audit, clientOpts);
  const agentPrincipal = (id: string): Principal => ({ type: 'agent', id, scopes: ['usage:write', 'proxy:invoke', 'budgets:read'] });

  const login = async (email: string, password: string) => {
    const res = await http.post('/v1/auth/login', { json: { email, password } });
    expectStatus(res, 200);
    return { id: res.body.user.id as string, email, jwt: res.body.access_token as string };
  };
  type Session = Awaited<ReturnType<typeof login>>;
  interface Agent {
    id: string;
    token: string;
  }
  const admin = await login(mesh.secrets.BOOTSTRAP_ADMIN_EMAIL, mesh.secrets.BOOTSTRAP_ADMIN_PASSWORD);
  const createMember = async (i: number): Promise<Session> => {
    const email = `member-${String(i).padStart(2, '0')}@bench.example`;
    expectStatus(await http.post('/v1/users', { token: admin.jwt, json: { email, password: PASSWORD, role: 'member' } }), 201);
    return login(email, PASSWORD);
  };
  const createKey = async (i: number) =>
    expectStatus(
      await http.post('/v1/provider-keys', {
        token: admin.jwt,
        json:
          i === 0
            ? { provider: 'openai', name: 'bench', api_key: `sk-bench-${randomUUID()}` }
            : {
                provider: `bench-p${i}`,
                name: `bench key ${i}`,
                api_key: `sk-bench-${randomUUID()}`,
                base_url: 'https://llm.bench.example/v1',
              },
      }),
      201,
    );
  const createAgent = async (owner: Session, budgetUsd: number): Promise<Agent> => {
    const res = await http.post('/v1/agents', {
      token: owner.jwt,
      json: { name: `agent-${randomUUID().slice(0, 8)}`, budget_usd: budgetUsd },
    });
    expectStatus(res, 201);
    return { id: res.body.agent.id as string, token: res.body.token as string };
  };
  const createToken = async (owner: Session) => {
    const res = await http.post('/v1/tokens', {
      token: owner.jwt,
      json: { name: `pat-${randomUUID().slice(0, 8)}`, scopes: ['agents:read', 'tokens:read'] },
    });
    expectStatus(res, 201);
    return res.body.token as string;
  };
  const requestBudget = async (owner: Session, agent: Agent) =>
    expectStatus(
      await http.post('/v1/budget-requests', {
        token: owner.jwt,
        json: { agent_id: agent.id, requested_budget_usd: 10, justification: 'more runs' },
      }),
      201,
    );
  const auditHead = async () => (await audit.call.Query({ filter: {}, page: { limit: 1 } }, { principal: service })).items[0]?.seq ?? 0;

  // The empty database: every provider key, and one page of users, agents (with their
  // credentials), the owner's tokens, personal tokens of many owners, budget requests.
  say('setting up the empty database');
  await Promise.all(range(PROVIDER_KEYS).map(createKey));
  const members = await pool('users', range(PAGE), 4, createMember);
  const owner = members[0];
  const baseAgents = await Promise.all(range(PAGE).map(() => createAgent(owner, 10_000)));
  const baseTokens = await Promise.all(members.map(createToken));
  await Promise.all(baseAgents.map((a) => requestBudget(owner, a)));

  const cycle = <T>(items: T[]) => {
    let n = 0;
    return () => items[n++ % items.length];
  };
  /** The measured operations; hold + settle and introspection spread over the given agents and tokens. */
  const operations = (fixtures: { agents: Agent[]; tokens: string[]; spendAgent: string }) => {
    const nextAgent = cycle(fixtures.agents);
    const nextToken = cycle(fixtures.tokens);
    const get = (path: string, jwt: string) => async () => expectStatus(await http.get(path, { token: jwt }), 200);
    return [
      {
        name: 'POST /v1/auth/login',
        concurrency: LOGIN_CONCURRENCY,
        fn: async () => expectStatus(await http.post('/v1/auth/login', { json: { email: owner.email, password: PASSWORD } }), 200),
      },
      {
        name: 'token.Introspect gRPC, no token cache',
        fn: async () => {
          const res = await token.call.Introspect({ token: nextToken() }, { principal: { type: 'service', id: 'gateway' } });
          if (!res.active) throw new Error('token inactive');
        },
      },
      {
        name: 'hold + settle (handshake, usage, release)',
        fn: async () => {
          const agent = nextAgent();
          const lease = await http.post(`/v1/agents/${agent.id}/handshake`, {
            token: agent.token,
            json: { provider: 'openai', requested_usd: 1 },
          });
          expectStatus(lease, 200);
          const leaseId = lease.body.lease_id as string;
          const usage = {
            lease_id: leaseId,
            request_id: randomUUID(),
            provider: 'openai',
            model: 'gpt-4o-mini',
            input_tokens: 100,
            output_tokens: 50,
            cost_usd: '0.0001',
          };
          expectStatus(await http.post('/v1/usage', { token: agent.token, json: usage }), 200);
          expectStatus(await http.post(`/v1/leases/${leaseId}/release`, { token: agent.token }), 200);
        },
      },
      {
        name: 'audit.RecordBatch gRPC, 1 event',
        fn: () => audit.call.RecordBatch({ events: [auditEvent(owner.id)] }, { principal: service }),
      },
      { name: 'GET /v1/agents', fn: get('/v1/agents', admin.jwt) },
      { name: 'GET /v1/tokens (their owner)', fn: get('/v1/tokens', owner.jwt) },
      { name: 'GET /v1/tokens?owner_id= (admin)', fn: get(`/v1/tokens?owner_id=${owner.id}`, admin.jwt) },
      { name: 'GET /v1/users', fn: get('/v1/users', admin.jwt) },
      { name: 'GET /v1/budget-requests', fn: get('/v1/budget-requests', admin.jwt) },
      { name: 'GET /v1/provider-keys', fn: get('/v1/provider-keys', admin.jwt) },
      { name: 'GET /v1/audit/events', fn: get('/v1/audit/events', admin.jwt) },
      { name: 'GET /v1/analytics/spend?group_by=agent', fn: get('/v1/analytics/spend?group_by=agent', admin.jwt) },
      {
        name: 'GET /v1/analytics/spend?group_by=model&agent_id=',
        fn: get(`/v1/analytics/spend?group_by=model&agent_id=${fixtures.spendAgent}`, admin.jwt),
      },
    ];
  };
  const measureAll = async (phase: string, ops: ReturnType<typeof operations>) => {
    const rows: Measured[] = [];
    for (const op of ops) {
      const concurrency = op.concurrency ?? CONCURRENCY;
      let lastError: string | undefined;
      const fn = () =>
        op.fn().catch((err: unknown) => {
          lastError = (err as Error).message;
          throw err;
        });
      // Warmed up apart, so the server-side counts cover exactly the measured operations.
      await measure(op.name, { concurrency, durationMs: 500, warmupMs: 0 }, fn);
      const before = await serverTimes();
      const result = await measure(op.name, { concurrency, durationMs: DURATION_MS, warmupMs: 0 }, fn);
      rows.push({ ...result, server: topCalls(before, await serverTimes(), result.count + result.errors), lastError });
      say(`  ${phase}: ${op.name}: p50 ${result.p50.toFixed(2)} ms (${load()})`);
    }
    return rows;
  };

  say(`measuring on the empty database (${await auditHead()} audit events)`);
  const empty = await measureAll('empty', operations({ agents: baseAgents, tokens: baseTokens, spendAgent: baseAgents[0].id }));

  const seedStarted = performance.now();
  say('seeding');
  members.push(...(await pool('users', range(SEED.members - PAGE), 4, (i) => createMember(PAGE + i))));
  const agents = await pool('agents', range(SEED.agents), 16, (i) => createAgent(members[i % SEED.agentCreators], 1_000));
  const personalTokens = await pool('personal tokens', range(SEED.tokens - SEED.agents), 32, (i) =>
    createToken(members[i % members.length]),
  );
  await pool('budget requests', agents, 16, (a, i) => requestBudget(members[i % SEED.agentCreators], a));
  const leases = await pool('seeding leases', agents, 16, async (a) => {
    const res = await budget.call.Handshake(
      { agent_id: a.id, provider: 'openai', requested_micros: 100_000_000 },
      { principal: agentPrincipal(a.id) },
    );
    return res.lease_id;
  });
  // Bursts of 10 reports per agent, round-robin over the agents: every agent gets ledger rows
  // all through the seeding, and the budget service commits each burst as one journal entry.
  const models = ['gpt-4o-mini', 'gpt-4o', 'o3-mini', 'gpt-4.1'];
  await pool('usage reports', range(SEED.ledger), 128, (i) => {
    const a = Math.floor(i / 10) % agents.length;
    return budget.call.ReportUsage(
      {
        lease_id: leases[a],
        request_id: randomUUID(),
        provider: 'openai',
        model: models[i % models.length],
        input_tokens: 100 + (i % 900),
        output_tokens: 10 + (i % 400),
        cost_micros: 100 + (i % 5_000),
      },
      { principal: agentPrincipal(agents[a].id) },
    );
  });
  await pool('seeding lease releases', agents, 16, (a, i) =>
    budget.call.ReleaseLease({ lease_id: leases[i] }, { principal: agentPrincipal(a.id) }),
  );
  // The services' outboxes relay their events to the audit log a little later: wait until it stops growing, then top it up.
  let head = await auditHead();
  for (let still = 0; still < 3;) {
    await new Promise((r) => setTimeout(r, 1_000));
    const now = await auditHead();
    still = now === head ? still + 1 : 0;
    head = now;
  }
  say(`  audit log after the seeding above: ${head} events`);
  const topUp = Math.max(0, SEED.audit - head);
  await pool('audit top-up (batches of 100)', range(Math.ceil(topUp / 100)), 4, (b) =>
    audit.call.RecordBatch(
      { events: range(Math.min(100, topUp - b * 100)).map((i) => auditEvent(members[(b + i) % members.length].id)) },
      { principal: service },
    ),
  );
  const seedTime = seconds(seedStarted);
  say(`seeding took ${seedTime}`);

  // The counts, read back through the services' APIs.
  const countStarted = performance.now();
  const walk = async (list: (cursor: string) => Promise<{ items: unknown[]; next_cursor: string }>) => {
    let count = 0;
    let cursor = '';
    do {
      const page = await list(cursor);
      count += page.items.length;
      cursor = page.next_cursor;
    } while (cursor);
    return count;
  };
  const adminPrincipal: Principal = { type: 'user', id: admin.id, role: 'admin' };
  const agentCount = await walk((cursor) => budget.call.ListAgents({ page: { limit: 100, cursor } }, { principal: service }));
  const tokenCounts = await Promise.all(
    [owner, admin, ...members.slice(1)].map((u) =>
      walk((cursor) => token.call.ListTokens({ page: { limit: 100, cursor }, status: '', owner_id: u.id }, { principal: adminPrincipal })),
    ),
  );
  const spend = await budget.call.GetSpend({ group_by: 'agent', from: '', to: '', agent_id: '' }, { principal: service });
  const verified = await audit.call.Verify({ from: '', to: '' }, { principal: service, deadlineMs: 600_000 });
  say(
    `counts read back (${seconds(countStarted)}): ${agentCount} agents, ${tokenCounts.reduce((a, b) => a + b, 0)} tokens ` +
      `(${tokenCounts[0]} of them the measured owner's), ${spend.items.reduce((sum, r) => sum + r.requests, 0)} usage-ledger rows ` +
      `over ${spend.items.length} agents, ${verified.checked} audit events (hash chain ${verified.ok ? 'ok' : `broken at ${verified.first_bad_id}`}), ` +
      `${members.length + 1} users`,
  );

  say('measuring on the seeded database');
  const seeded = await measureAll(
    'seeded',
    operations({
      agents: [...baseAgents, ...agents],
      tokens: [...baseTokens, ...personalTokens.filter((_, i) => i % 10 === 0)],
      spendAgent: agents[0].id,
    }),
  );
  printComparison(
    `scale benchmark: ${DURATION_MS / 1000}s per row, concurrency ${CONCURRENCY} (login ${LOGIN_CONCURRENCY}), 2 cores shared by load generator, mesh and database; ` +
      `seeding ${seedTime}; whole run ${seconds(started)}`,
    empty,
    seeded,
  );
  token.close();
  budget.close();
  audit.close();
} finally {
  await mesh.stop();
}
