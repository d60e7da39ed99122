import { readFile } from 'node:fs/promises';
import {
  JobProgress,
  NumberedLog,
  PeriodLeader,
  registration,
  RPC_CALLERS,
  startService,
  type Logger,
  type RunningService,
} from '@tollgate/platform';
import { loadBudget, loadIdentity, loadProviderKey, loadToken, packageDefinition } from '@tollgate/proto';
import type { BudgetHandlers } from '@tollgate/proto/gen/tollgate/budget/v1/Budget';
import { userDirectory } from './clients/identity.js';
import { ipTokenIssuer } from './clients/provider-key.js';
import { credentialIssuer } from './clients/token.js';
import type { BudgetConfig } from './config.js';
import { migrations } from './migrations/index.js';
import { Agents } from './domain/agents.js';
import { Analytics } from './domain/analytics.js';
import { Escrows } from './domain/escrows.js';
import { BudgetBook } from './domain/budget-book.js';
import { BudgetLimits } from './domain/budget-limits.js';
import { BudgetRequests } from './domain/budget-requests.js';
import { Leases } from './domain/leases.js';
import { PriceChanges } from './domain/price-changes.js';
import { ProjectBudgets } from './domain/project-budgets.js';
import { Projects } from './domain/projects.js';
import { PriceTable, type PriceChange } from './domain/prices.js';
import { budgetMetrics } from './domain/metrics.js';
import { Sweeper } from './domain/sweeper.js';
import { Usage } from './domain/usage.js';
import { agentHandlers } from './handlers/agents.js';
import { budgetLimitHandlers } from './handlers/budget-limits.js';
import { budgetRequestHandlers } from './handlers/budget-requests.js';
import { escrowHandlers } from './handlers/escrows.js';
import { priceHandlers } from './handlers/prices.js';
import { projectHandlers } from './handlers/projects.js';
import { spendingHandlers } from './handlers/spending.js';
import { AgentStore } from './store/agent-store.js';
import { CallHoldIndexStore } from './store/call-hold-index.js';
import { ClaimStore } from './store/claim-store.js';
import { JournalStore } from './store/journal-store.js';
import { LeaseStore } from './store/lease-store.js';
import { ProjectMemberStore, ProjectStore } from './store/project-store.js';
import { BudgetRequestStore } from './store/request-store.js';
import { RollupStore } from './store/rollup-store.js';

export { loadConfig } from './config.js';

/** What a test may set that the environment does not: the clock budgets' periods and days are decided by. */
export interface BudgetOptions {
  now?: () => Date;
}

/** The budget service: agents, budgets, leases, the usage ledger, budget requests, analytics. Never reads the environment. */
export async function start(config: Readonly<BudgetConfig>, logger?: Logger, options: BudgetOptions = {}): Promise<RunningService> {
  const prices = PriceTable.parse(await readFile(config.PRICE_TABLE_FILE, 'utf8'), config.PRICE_TABLE_FILE);
  return startService({
    name: 'budget',
    config,
    logger,
    packageDefinition: packageDefinition('budget'),
    migrations,
    async setup(rt) {
      const agents = new AgentStore(rt.db);
      const journal = new JournalStore(rt.db);
      const rollups = new RollupStore(rt.db);
      const claims = new ClaimStore(rt.db);
      const leases = new LeaseStore(rt.db);
      const requests = new BudgetRequestStore(rt.db);
      const callIndex = new CallHoldIndexStore(rt.db);
      const projectStore = new ProjectStore(rt.db);
      const members = new ProjectMemberStore(rt.db);
      await Promise.all([
        agents.model.init(),
        rollups.init(),
        claims.init(),
        requests.init(),
        callIndex.init(),
        projectStore.model.init(),
        members.model.init(),
      ]);
      const upgraded = { agents: await agents.upgradeLegacy(), budget_requests: await requests.upgradeLegacy() };
      if (upgraded.agents + upgraded.budget_requests > 0)
        rt.log.info(upgraded, 'gave records stored by an earlier version their creation seq');

      const priceChanges = new PriceChanges({
        table: prices,
        log: new NumberedLog<PriceChange>(rt.db, 'price_changes'),
        audit: rt.audit,
        syncMs: config.PRICE_SYNC_MS,
        logger: rt.log,
      });
      await priceChanges.start();

      const hotPeriodMs = config.BUDGET_HOT_DAYS * 86_400_000;
      const book = new BudgetBook({
        journal,
        rollups,
        log: rt.log,
        hotPeriodMs,
        now: options.now,
        onAlert: (agentId, alert, state) =>
          rt.audit.emit({
            action: 'budget.threshold',
            resource: { type: 'budget', id: agentId },
            details: {
              threshold_percent: alert.threshold,
              spent_micros: alert.spent,
              limit_micros: alert.limit,
              period: state.period,
              period_started_at: state.period_started_at?.toISOString() ?? null,
            },
          }),
      });
      const projectBudgets = new ProjectBudgets({ book, agents, now: options.now });
      const limits = new BudgetLimits({ agents, projects: projectStore, projectBudgets, book, audit: rt.audit, now: options.now });
      const projects = new Projects({
        projects: projectStore,
        members,
        agents,
        users: userDirectory(rt.client(loadIdentity().Identity, config.IDENTITY_ADDR)),
        book,
        budgets: projectBudgets,
        limits,
        audit: rt.audit,
        maxBudgetMicros: config.MAX_BUDGET_USD,
      });
      const credentials = credentialIssuer(rt.client(loadToken().Token, config.TOKEN_ADDR));
      const ipTokens = ipTokenIssuer(rt.client(loadProviderKey().ProviderKey, config.PROVIDER_KEY_ADDR));

      const agentOps = new Agents({
        agents,
        book,
        journal,
        credentials,
        leases,
        requests,
        projects,
        projectBudgets,
        audit: rt.audit,
        log: rt.log,
        maxBudgetMicros: config.MAX_BUDGET_USD,
        selfServiceMicros: config.SELF_SERVICE_BUDGET_USD,
      });
      const leaseOps = new Leases({
        agents,
        book,
        leases,
        ipTokens,
        projectBudgets,
        index: callIndex,
        audit: rt.audit,
        defaultLeaseMicros: config.DEFAULT_LEASE_USD,
        leaseTtlSeconds: config.LEASE_TTL_SECONDS,
      });
      const usage = new Usage({ book, claims, leases, prices, projectBudgets, audit: rt.audit });
      const requestOps = new BudgetRequests({
        requests,
        agents,
        book,
        projects,
        audit: rt.audit,
        maxRequestMicros: config.MAX_BUDGET_REQUEST_USD,
        log: rt.log,
      });
      const escrows = new Escrows({
        book,
        agents,
        index: callIndex,
        projectBudgets,
        audit: rt.audit,
        metrics: budgetMetrics(rt.registry, prices),
        ttlMs: config.ESCROW_TTL_SECONDS * 1000,
        defaultMaxParallelCalls: config.MAX_PARALLEL_CALLS,
        defaultTokensPerMinute: config.TOKENS_PER_MINUTE,
      });
      const analytics = new Analytics({ book, journal, rollups, agents, projects });
      const sweeper = new Sweeper({
        leases,
        claims,
        agents,
        requests,
        rollups,
        book,
        journal,
        leader: new PeriodLeader(rt.db, 'budget-sweeper', Math.max(1_000, config.SWEEP_INTERVAL_MS * 4)),
        leaseOps,
        escrows,
        callIndex,
        progress: new JobProgress(rt.db),
        usage,
        agentOps,
        requestOps,
        intervalMs: config.SWEEP_INTERVAL_MS,
        recoverAfterMs: config.RECOVERY_AFTER_SECONDS * 1000,
        hotPeriodMs,
        archiveIntervalMs: config.BUDGET_ARCHIVE_INTERVAL_MS,
        log: rt.log,
      });
      sweeper.start();

      const { Budget } = loadBudget();
      return {
        services: [
          registration<BudgetHandlers>(
            'tollgate.budget.v1.Budget',
            Budget.service,
            {
              ...agentHandlers(agentOps),
              ...budgetLimitHandlers(limits),
              ...budgetRequestHandlers(requestOps),
              ...spendingHandlers(leaseOps, usage, analytics),
              ...escrowHandlers(escrows),
              ...priceHandlers(priceChanges),
              ...projectHandlers(projects),
            },
            RPC_CALLERS.budget,
          ),
        ],
        onStop: async () => {
          await priceChanges.stop();
          await sweeper.stop();
          await book.drain();
        },
      };
    },
  });
}
