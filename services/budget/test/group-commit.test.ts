import { readFile } from 'node:fs/promises';
import test from 'ava';
import { KeyedMutex, type AuditEmitter, type AuditEventInput } from '@tollgate/platform';
import type { Caller } from '../src/domain/ports.js';
import { PriceTable } from '../src/domain/prices.js';
import type { LeaseRecord } from '../src/domain/records.js';
import type { LeaseRepository, LedgerRepository } from '../src/domain/repositories.js';
import { Usage, type UsageReport, type UsageResult } from '../src/domain/usage.js';
import { DEFAULT_PRICE_TABLE_FILE } from '../src/config.js';
import { BudgetStore } from '../src/store/budget-store.js';
import { LeaseStore } from '../src/store/lease-store.js';
import { LedgerStore } from '../src/store/ledger-store.js';
import { addProviderKey, budgetService, createAgent, startBudgetStack, type BudgetStack } from './helpers.js';

// The batch path of Usage driven directly (real stores on the stack's database), so that
// which reports share a batch is certain: reports are queued while the test holds the
// agent's mutex, and the next holder charges all of them (up to 100) as one batch.
let s: BudgetStack;
let prices: PriceTable;
test.before(async () => {
  s = await startBudgetStack();
  await addProviderKey(s, 'openai');
  prices = PriceTable.parse(await readFile(DEFAULT_PRICE_TABLE_FILE, 'utf8'), DEFAULT_PRICE_TABLE_FILE);
});
test.after.always(() => s?.close());

interface Harness {
  usage: Usage;
  mutex: KeyedMutex;
  audit: { event: AuditEventInput; principalId: string | undefined }[];
}

/** A Usage as the service builds it; lease lookups answer at once, so reports queue in call order. */
function harness(known: LeaseRecord[] = [], ledger: LedgerRepository = new LedgerStore(s.db)): Harness {
  const leaseStore = new LeaseStore(s.db);
  const byId = new Map(known.map((l) => [l.id, l]));
  const leases: LeaseRepository = {
    insert: (r) => leaseStore.insert(r),
    findById: async (id) => byId.get(id) ?? null,
    close: (...a) => leaseStore.close(...a),
    findExpired: (...a) => leaseStore.findExpired(...a),
  };
  const audit: Harness['audit'] = [];
  const emitter: AuditEmitter = {
    emit: async (event, ctx) => void audit.push({ event, principalId: ctx?.principal.id }),
    flush: async () => undefined,
    stop: async () => undefined,
    pending: async () => 0,
  };
  const mutex = new KeyedMutex();
  const usage = new Usage({ budgets: new BudgetStore(s.db), leases, ledger, prices, audit: emitter, mutex, allowOverage: false });
  return { usage, mutex, audit };
}

const callerOf = (agentId: string) => ({ requestId: 'test', principal: { type: 'agent', id: agentId, scopes: ['usage:write'] } }) as unknown as Caller;
const usageReport = (requestId: string, costMicros: number, leaseId = ''): UsageReport => ({
  leaseId,
  requestId,
  provider: 'openai',
  model: 'gpt-4o',
  inputTokens: 0,
  outputTokens: 0,
  costMicros,
});

const settledTasks = () => new Promise((r) => setImmediate(r));

/** Queues the reports in order while the agent's mutex is held, so they are charged together. */
async function asOneBatch(h: Harness, agentId: string, reports: UsageReport[]): Promise<UsageResult[]> {
  let release!: () => void;
  const held = h.mutex.run(agentId, () => new Promise<void>((r) => (release = r)));
  const results: Promise<UsageResult>[] = [];
  for (const r of reports) {
    results.push(h.usage.report(r, callerOf(agentId)));
    await settledTasks(); // queued (a lease-less report skips the lease lookup and would overtake)
  }
  release();
  await held;
  return Promise.all(results);
}

async function oneByOne(h: Harness, agentId: string, reports: UsageReport[]): Promise<UsageResult[]> {
  const results: UsageResult[] = [];
  for (const r of reports) results.push(await h.usage.report(r, callerOf(agentId)));
  return results;
}

const ledgerSum = async (agentId: string) => {
  const entries = await s.db.collection('usage_ledger').find({ agent_id: agentId }).toArray();
  return { count: entries.length, sum: entries.reduce((sum, e) => sum + Number(e.amount_micros), 0) };
};
const stateOf = (id: string) => s.budget.GetBudget({ id }, { principal: budgetService });

test('when 300 reports, 50 of them repeats, reach a budget that covers only part of them, then the limit is charged exactly and each request once', async (t) => {
  const limit = 1_000_000;
  const { agent } = await createAgent(s, limit);
  const h = harness();
  // r0 r0 r1 r1 … r49 r49 r50 … r249: the repeats sit in the same batch as their first report.
  const ids = Array.from({ length: 250 }, (_, i) => `r${i}`).flatMap((id, i) => (i < 50 ? [id, id] : [id]));
  const results = await asOneBatch(h, agent.id, ids.map((id) => usageReport(id, 7_000)));

  // One by one, report k (k-th distinct id) would be charged min(7,000, what is left).
  const expected: UsageResult[] = [];
  let left = limit;
  const seen = new Map<string, UsageResult>();
  for (const id of ids) {
    const first = seen.get(id);
    if (first) {
      expected.push({ ...first, duplicate: true });
      continue;
    }
    const charged = Math.min(7_000, left);
    left -= charged;
    const r = { charged, remaining: left, duplicate: false };
    seen.set(id, r);
    expected.push(r);
  }
  t.deepEqual(results, expected);
  t.is(results.filter((r) => !r.duplicate).reduce((sum, r) => sum + r.charged, 0), limit);
  t.is(results.filter((r) => r.duplicate).length, 50);

  // Every distinct report is in the ledger once (the unbilled ones too), and the books balance.
  t.deepEqual(await ledgerSum(agent.id), { count: 250, sum: limit });
  t.deepEqual(await stateOf(agent.id), { limit_micros: limit, spent_micros: limit, reserved_micros: 0, remaining_micros: 0 });
  t.deepEqual(await s.budget.Reconcile({ id: agent.id }, { principal: budgetService }), { ok: true, ledger_spent_micros: limit, budget_spent_micros: limit });

  // Reported again later: all duplicates with their original charge, nothing more spent.
  const again = await asOneBatch(h, agent.id, ['r0', 'r142', 'r143', 'r249', 'r0'].map((id) => usageReport(id, 1)));
  t.deepEqual(again, [
    { charged: 7_000, remaining: 0, duplicate: true },
    { charged: 6_000, remaining: 0, duplicate: true },
    { charged: 0, remaining: 0, duplicate: true },
    { charged: 0, remaining: 0, duplicate: true },
    { charged: 7_000, remaining: 0, duplicate: true },
  ]);
  t.is((await stateOf(agent.id)).spent_micros, limit);
});

test('when a batch mixes two leases, lease-less reports and unbilled parts, then each report gets what one-by-one charging gives it', async (t) => {
  const setUp = async () => {
    const { agent, as } = await createAgent(s, 100_000);
    const a = await s.budget.Handshake({ agent_id: agent.id, provider: 'openai', requested_micros: 30_000 }, { principal: as });
    const b = await s.budget.Handshake({ agent_id: agent.id, provider: 'openai', requested_micros: 20_000 }, { principal: as });
    const store = new LeaseStore(s.db);
    const leases = [await store.findById(a.lease_id), await store.findById(b.lease_id)].filter((l): l is LeaseRecord => l !== null);
    const reports = [
      usageReport('m1', 10_000, a.lease_id), // lease A 30,000 → 20,000
      usageReport('m2', 5_000, b.lease_id), // lease B 20,000 → 15,000
      usageReport('m3', 20_000), // unreserved 50,000 → 30,000
      usageReport('m4', 25_000, a.lease_id), // lease A 20,000 → 0; 5,000 unbilled (no overage)
      usageReport('m5', 3_000, a.lease_id), // lease A empty: all unbilled
      usageReport('m6', 15_000, b.lease_id), // lease B 15,000 → 0
      usageReport('m2', 9_999, b.lease_id), // a repeat of m2
      usageReport('m7', 40_000), // unreserved 30,000 → 0; 10,000 unbilled
      usageReport('m8', 1_000, b.lease_id), // lease B empty: all unbilled
      usageReport('m9', 1), // nothing left: unbilled
    ];
    return { agentId: agent.id, h: harness(leases), reports };
  };
  const expected: UsageResult[] = [
    { charged: 10_000, remaining: 50_000, duplicate: false },
    { charged: 5_000, remaining: 50_000, duplicate: false },
    { charged: 20_000, remaining: 30_000, duplicate: false },
    { charged: 20_000, remaining: 30_000, duplicate: false },
    { charged: 0, remaining: 30_000, duplicate: false },
    { charged: 15_000, remaining: 30_000, duplicate: false },
    { charged: 5_000, remaining: 30_000, duplicate: true },
    { charged: 30_000, remaining: 0, duplicate: false },
    { charged: 0, remaining: 0, duplicate: false },
    { charged: 0, remaining: 0, duplicate: false },
  ];
  const unbilled = [
    ['m4', 5_000],
    ['m5', 3_000],
    ['m7', 10_000],
    ['m8', 1_000],
    ['m9', 1],
  ];

  const batched = await setUp();
  const sequential = await setUp();
  const results = {
    batched: await asOneBatch(batched.h, batched.agentId, batched.reports),
    sequential: await oneByOne(sequential.h, sequential.agentId, sequential.reports),
  };
  for (const [how, run] of [['batched', batched], ['sequential', sequential]] as const) {
    t.deepEqual(results[how], expected, how);
    t.deepEqual(await stateOf(run.agentId), { limit_micros: 100_000, spent_micros: 100_000, reserved_micros: 0, remaining_micros: 0 }, how);
    t.deepEqual(await ledgerSum(run.agentId), { count: 9, sum: 100_000 }, how);
    t.true((await s.budget.Reconcile({ id: run.agentId }, { principal: budgetService })).ok, how);
    const events = run.h.audit.map(({ event, principalId }) => {
      t.is(event.action, 'budget.exhausted');
      t.is(principalId, run.agentId);
      const details = event.details as { request_id: string; unbilled_micros: number };
      return [details.request_id, details.unbilled_micros];
    });
    t.deepEqual(events.sort(), [...unbilled].sort(), how);
  }
});

test('when another attempt of a report reaches the ledger between the lookup and the insert, then only that charge is reversed and the rest of the batch stands', async (t) => {
  const { agent } = await createAgent(s, 100_000);
  const first = await oneByOne(harness(), agent.id, [usageReport('raced', 4_000)]);
  t.deepEqual(first, [{ charged: 4_000, remaining: 96_000, duplicate: false }]);
  // This replica's lookup misses the entry, as if it had been inserted just after it.
  const real = new LedgerStore(s.db);
  const ledger: LedgerRepository = {
    insert: (charges) => real.insert(charges),
    find: (opId) => real.find(opId),
    findMany: async (opIds) => (await real.findMany(opIds)).filter((e) => e.request_id !== 'raced'),
    spend: (...a) => real.spend(...a),
    totalFor: (agentId) => real.totalFor(agentId),
  };
  const results = await asOneBatch(harness([], ledger), agent.id, [usageReport('a', 1_000), usageReport('raced', 9_000), usageReport('b', 2_000)]);
  t.deepEqual(results, [
    { charged: 1_000, remaining: 95_000, duplicate: false },
    { charged: 4_000, remaining: 95_000, duplicate: true },
    { charged: 2_000, remaining: 93_000, duplicate: false },
  ]);
  t.deepEqual(await stateOf(agent.id), { limit_micros: 100_000, spent_micros: 7_000, reserved_micros: 0, remaining_micros: 93_000 });
  t.deepEqual(await ledgerSum(agent.id), { count: 3, sum: 7_000 });
  t.deepEqual((await s.db.collection('budgets').findOne({ _id: agent.id as never }))?.pending, {});
  t.deepEqual(await s.budget.Reconcile({ id: agent.id }, { principal: budgetService }), { ok: true, ledger_spent_micros: 7_000, budget_spent_micros: 7_000 });
});
