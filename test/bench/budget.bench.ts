import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { createServiceClient, type Principal } from '@tollgate/platform';
import { loadBudget } from '@tollgate/proto';
import { expectStatus, measure, printTable, startBenchMesh, type Result } from './lib.js';

// Issue 4 benchmark: usage charges per second on one hot budget and spread over 100
// budgets, through the gateway and over gRPC, beside a bare conditional-update loop
// ($inc with a remaining ≥ amount filter) against the same FerretDB in the same run.
// Then a drain: more charges than the budget holds, fired concurrently — the sum charged
// must equal the limit exactly and match the ledger (zero overspend).
const concurrency = 16;
const durationMs = 5_000;
const COST = '0.000001'; // one micro-dollar per charge: the budgets never run out mid-measurement

const mesh = await startBenchMesh({
  gateway: {
    RATE_LIMIT_IP_PER_MIN: '1000000',
    RATE_LIMIT_PRINCIPAL_PER_MIN: '1000000',
    RATE_LIMIT_TOKEN_PER_MIN: '1000000',
    GRPC_DEADLINE_MS: '30000',
  },
  budget: { LEASE_TTL_SECONDS: '3600', MAX_BUDGET_USD: '100000' },
});
try {
  const { BOOTSTRAP_ADMIN_EMAIL: email, BOOTSTRAP_ADMIN_PASSWORD: password } = mesh.secrets;
  const login = await mesh.http.post('/v1/auth/login', { json: { email, password } });
  expectStatus(login, 200);
  const admin = login.body.access_token as string;
  expectStatus(
    await mesh.http.post('/v1/provider-keys', {
      token: admin,
      json: { provider: 'openai', name: 'bench', api_key: 'sk-bench-0123456789abcdef' },
    }),
    201,
  );

  const newAgent = async (budgetUsd: number) => {
    const created = await mesh.http.post('/v1/agents', {
      token: admin,
      json: { name: `bench-${randomUUID().slice(0, 8)}`, budget_usd: budgetUsd },
    });
    expectStatus(created, 201);
    const agent = { id: created.body.agent.id as string, token: created.body.token as string };
    const lease = await mesh.http.post(`/v1/agents/${agent.id}/handshake`, {
      token: agent.token,
      json: { provider: 'openai', requested_usd: budgetUsd },
    });
    expectStatus(lease, 200);
    return { ...agent, leaseId: lease.body.lease_id as string };
  };
  const charge = async (a: { token: string; leaseId: string }) => {
    const res = await mesh.http.post('/v1/usage', {
      token: a.token,
      json: {
        lease_id: a.leaseId,
        request_id: randomUUID(),
        provider: 'openai',
        model: 'gpt-4o-mini',
        input_tokens: 1,
        output_tokens: 1,
        cost_usd: COST,
      },
    });
    expectStatus(res, 200);
  };

  const budget = createServiceClient(loadBudget().Budget, mesh.addrs.budget, {
    issuer: 'bench',
    secret: mesh.secrets.SERVICE_TOKEN_SECRET,
    defaultDeadlineMs: 30_000,
  });
  const agentPrincipal = (id: string): Principal => ({ type: 'agent', id, scopes: ['usage:write'] });
  const chargeGrpc = (a: { id: string; leaseId: string }) =>
    budget.call.ReportUsage(
      {
        lease_id: a.leaseId,
        request_id: randomUUID(),
        provider: 'openai',
        model: 'gpt-4o-mini',
        input_tokens: 1,
        output_tokens: 1,
        cost_micros: 1,
      },
      { principal: agentPrincipal(a.id) },
    );

  // First, zero overspend on a fresh ledger: 300 concurrent charges of $0.01 at a $2.00 budget → exactly 200 accepted.
  const drain = await newAgent(2);
  const outcomes = await Promise.all(
    Array.from({ length: 300 }, () =>
      mesh.http.post('/v1/usage', {
        token: drain.token,
        json: {
          lease_id: drain.leaseId,
          request_id: randomUUID(),
          provider: 'openai',
          model: 'gpt-4o-mini',
          input_tokens: 1,
          output_tokens: 1,
          cost_usd: '0.01',
        },
      }),
    ),
  );
  const statuses: Record<number, number> = {};
  for (const r of outcomes) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  const charged = outcomes.filter((r) => r.status === 200).reduce((sum, r) => sum + Math.round((r.body.charged_usd as number) * 1e6), 0);
  const state = await mesh.http.get(`/v1/agents/${drain.id}/budget`, { token: admin });
  const reconcile = await budget.call.Reconcile({ id: drain.id }, { principal: { type: 'service', id: 'bench' } });
  process.stdout.write(
    `drain: 300 concurrent $0.01 charges at a $2.00 budget → statuses ${JSON.stringify(statuses)}, accepted sum $${(charged / 1e6).toFixed(6)}, ` +
      `budget spent $${state.body.spent_usd}, ledger $${(reconcile.ledger_spent_micros / 1e6).toFixed(6)}, ` +
      `reconcile ${reconcile.ok ? 'ok' : 'MISMATCH'}, overspend $${Math.max(0, state.body.spent_usd - state.body.limit_usd)}\n`,
  );
  const hot = await newAgent(1000);
  // Set-up is not what is measured: create the 100 agents 10 at a time.
  const many: Awaited<ReturnType<typeof newAgent>>[] = [];
  for (let i = 0; i < 10; i++) many.push(...(await Promise.all(Array.from({ length: 10 }, () => newAgent(1000)))));
  let next = 0;
  const pick = () => many[next++ % many.length];

  // Baseline: the bare atomic step a charge is built on, on the same database.
  const conn = await mongoose.createConnection(mesh.mongoUrl, { dbName: 'bench_baseline' }).asPromise();
  const docs = conn.collection<{ _id: string; remaining: number; spent: number }>('budgets');
  await docs.insertMany(Array.from({ length: 101 }, (_, i) => ({ _id: `b${i}`, remaining: 1e12, spent: 0 })));
  const bare = (id: string) => docs.updateOne({ _id: id, remaining: { $gte: 1 } }, { $inc: { remaining: -1, spent: 1 } });
  let nb = 0;

  const rows: Result[] = [];
  const opts = { concurrency, durationMs };
  rows.push(await measure('bare conditional $inc, 1 document (baseline)', opts, () => bare('b100')));
  rows.push(await measure('bare conditional $inc, 100 documents (baseline)', opts, () => bare(`b${nb++ % 100}`)));
  rows.push(await measure('budget.ReportUsage gRPC, 1 hot budget', opts, () => chargeGrpc(hot)));
  rows.push(await measure('budget.ReportUsage gRPC, 100 budgets', opts, () => chargeGrpc(pick())));
  rows.push(await measure('POST /v1/usage via gateway, 1 hot budget', opts, () => charge(hot)));
  rows.push(await measure('POST /v1/usage via gateway, 100 budgets', opts, () => charge(pick())));
  printTable(
    `budget benchmark: ${durationMs / 1000}s per row, concurrency ${concurrency}, 2 cores shared by load generator, mesh and FerretDB`,
    rows,
  );

  await conn.close();
  budget.close();
} finally {
  await mesh.stop();
}
