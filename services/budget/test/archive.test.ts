import test from 'ava';
import {
  budgetClient,
  budgetService,
  chargedOf,
  createAgent,
  ledgerOf,
  patient,
  startBudgetStack,
  usageReport,
  usd,
  viewer,
  type BudgetStack,
  moneyOf,
} from './helpers.js';
import { eventually } from '../../../test/support/eventually.js';
import { archiveJournals } from '../src/domain/journal-archive.js';
import { entryOf, JournalStore } from '../src/store/journal-store.js';

// A hot period of about two seconds: entries older than that move to the archive on the next pass.
const HOT_DAYS = String(2 / 86_400);
let s: BudgetStack;
test.before(async () => {
  s = await startBudgetStack({ BUDGET_HOT_DAYS: HOT_DAYS, BUDGET_ARCHIVE_INTERVAL_MS: '100', SWEEP_INTERVAL_MS: '100' });
});
test.after.always(() => s?.close());

const report = (requestId: string, cost: number) => usageReport('', requestId, { input_tokens: 1, output_tokens: 1, cost_micros: cost });

test('when journal entries pass the hot period, then they move to the archive and the budget, its history, its ledger and new charges stay exact', async (t) => {
  const { agent, as } = await createAgent(s, usd(1));
  // One entry per report: 81 entries with the first, each old enough to archive two seconds after it.
  for (let i = 0; i < 80; i++) await s.budget.ReportUsage(report(`old-${i}`, 1_000), { principal: as });
  const hot = () => s.db.collection('budget_journal').countDocuments({ agent_id: agent.id });
  const archived = () => s.db.collection('budget_journal_archive').countDocuments({ agent_id: agent.id });

  // A move copies entries to the archive, then deletes them from the hot journal: wait for one to finish.
  const [stillHot, moved] = await eventually(
    async () => [await hot(), await archived()],
    ([h, a]) => a >= 64 && h + a === 81,
    20_000,
  );
  t.is(moved, 64, 'entries 1..64: everything below the snapshot at 65 (the head hint is 80)');
  t.is(stillHot + moved, 81, 'every entry is in exactly one place');

  await s.budget.ReportUsage(report('new-1', 5_000), { principal: as });
  // The ledger pages down from the hot journal into the archive.
  const listed: string[] = [];
  let cursor = '';
  do {
    const page = await s.budget.ListLedgerEntries({ agent_id: agent.id, page: { limit: 30, cursor } }, { principal: viewer });
    listed.push(...page.items.map((e) => e.charge!.request_id));
    cursor = page.next_cursor;
  } while (cursor);
  t.deepEqual(listed, ['new-1', ...Array.from({ length: 80 }, (_, i) => `old-${79 - i}`)]);
  t.deepEqual(moneyOf(await s.budget.GetBudget({ id: agent.id }, { principal: budgetService })), {
    limit_micros: usd(1),
    spent_micros: 85_000,
    reserved_micros: 0,
    remaining_micros: usd(1) - 85_000,
  });
  t.deepEqual(await s.budget.Reconcile({ id: agent.id }, { principal: budgetService }), {
    ok: true,
    ledger_spent_micros: 85_000,
    budget_spent_micros: 85_000,
  });

  // A replica that starts now has only the hot journal and the hints to find the head from.
  const replica = await s.stack.startReplica('budget');
  const other = budgetClient(s.stack, replica.addr);
  try {
    const r = await other.call.ReportUsage(report('new-2', 5_000), patient(as));
    t.deepEqual(r, { charged_micros: 5_000, remaining_micros: usd(1) - 90_000, duplicate: false });
    t.is(
      (await other.call.ReportUsage(report('old-3', 1_000), patient(as))).duplicate,
      true,
      'a report from before the archiving is still a duplicate',
    );
    t.deepEqual(await other.call.Reconcile({ id: agent.id }, { principal: budgetService }), {
      ok: true,
      ledger_spent_micros: 90_000,
      budget_spent_micros: 90_000,
    });
    const spend = await other.call.GetSpend({ group_by: 'agent', agent_id: agent.id }, { principal: viewer });
    t.is(spend.items[0]?.spent_micros, 90_000);
  } finally {
    other.close();
    await replica.stop();
  }
  const ledger = [
    ...(await ledgerOf(s.db, agent.id)),
    ...(await s.db.collection('budget_journal_archive').find({ agent_id: agent.id }).toArray())
      .map(entryOf)
      .flatMap((e) => (e.ops as { type: string }[]).filter((op) => op.type === 'charge')),
  ];
  t.is(ledger.length, 82);
  t.is(
    ledger.reduce((sum, c) => sum + chargedOf(c as never), 0),
    90_000,
  );
});

test("when none of an agent's entries is old enough to move, then an archive pass reads one of them", async (t) => {
  const { agent, as } = await createAgent(s, usd(1));
  for (let i = 0; i < 80; i++) await s.budget.ReportUsage(report(`young-${i}`, 1_000), { principal: as });
  // The archiver on the same database, with a journal that counts the entries read of this agent.
  const journal = new JournalStore(s.db);
  let reads = 0;
  const findAnywhere = journal.findAnywhere.bind(journal);
  journal.findAnywhere = (agentId, seq) => {
    if (agentId === agent.id) reads++;
    return findAnywhere(agentId, seq);
  };
  t.is(await archiveJournals(journal, new Date(Date.now() - 86_400_000)), 0);
  t.is(reads, 1);
});
