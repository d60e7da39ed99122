import { readFile } from 'node:fs/promises';
import { KeyedMutex, registration, startService, type Logger, type RunningService } from '@tollgate/platform';
import { loadBudget, loadProviderKey, loadToken, packageDefinition } from '@tollgate/proto';
import type { BudgetHandlers } from '@tollgate/proto/gen/tollgate/budget/v1/Budget';
import { credentialIssuer, ipTokenIssuer } from './clients.js';
import type { BudgetConfig } from './config.js';
import { Agents } from './domain/agents.js';
import { Analytics } from './domain/analytics.js';
import { BudgetRequests } from './domain/budget-requests.js';
import { Leases } from './domain/leases.js';
import { PriceTable } from './domain/prices.js';
import { Sweeper } from './domain/sweeper.js';
import { Usage } from './domain/usage.js';
import { agentHandlers } from './handlers/agents.js';
import { budgetRequestHandlers } from './handlers/budget-requests.js';
import { spendingHandlers } from './handlers/spending.js';
import { AgentStore } from './store/agent-store.js';
import { BudgetStore } from './store/budget-store.js';
import { LeaseStore } from './store/lease-store.js';
import { LedgerStore } from './store/ledger-store.js';
import { BudgetRequestStore } from './store/request-store.js';

export { loadConfig } from './config.js';

/** The budget service: agents, budgets, leases, the usage ledger, budget requests, analytics. Never reads the environment. */
export async function start(config: Readonly<BudgetConfig>, logger?: Logger): Promise<RunningService> {
  const prices = PriceTable.parse(await readFile(config.PRICE_TABLE_FILE, 'utf8'), config.PRICE_TABLE_FILE);
  return startService({
    name: 'budget',
    config,
    logger,
    packageDefinition: packageDefinition('budget'),
    async setup(rt) {
      const agents = new AgentStore(rt.db);
      const budgets = new BudgetStore(rt.db);
      const leases = new LeaseStore(rt.db);
      const ledger = new LedgerStore(rt.db);
      const requests = new BudgetRequestStore(rt.db);
      await budgets.init();
      await ledger.init();

      // One mutex for everything that touches an agent's budget document.
      const mutex = new KeyedMutex();
      const credentials = credentialIssuer(rt.client(loadToken().Token, config.TOKEN_ADDR));
      const ipTokens = ipTokenIssuer(rt.client(loadProviderKey().ProviderKey, config.PROVIDER_KEY_ADDR));

      const agentOps = new Agents({ agents, budgets, credentials, audit: rt.audit, mutex, maxBudgetMicros: config.MAX_BUDGET_USD });
      const leaseOps = new Leases({
        agents,
        budgets,
        leases,
        ipTokens,
        audit: rt.audit,
        mutex,
        defaultLeaseMicros: config.DEFAULT_LEASE_USD,
        leaseTtlSeconds: config.LEASE_TTL_SECONDS,
      });
      const usage = new Usage({ budgets, leases, ledger, prices, audit: rt.audit, mutex, allowOverage: config.ALLOW_OVERAGE_BEYOND_LEASE });
      const requestOps = new BudgetRequests({
        requests,
        agents,
        budgets,
        audit: rt.audit,
        mutex,
        maxRequestMicros: config.MAX_BUDGET_REQUEST_USD,
        log: rt.log,
      });
      const analytics = new Analytics({ ledger, budgets, usage, mutex });
      const sweeper = new Sweeper({
        leases,
        budgets,
        agents,
        requests,
        leaseOps,
        usage,
        agentOps,
        requestOps,
        intervalMs: config.SWEEP_INTERVAL_MS,
        recoverAfterMs: config.RECOVERY_AFTER_SECONDS * 1000,
        log: rt.log,
      });
      sweeper.start();

      const { Budget } = loadBudget();
      return {
        services: [
          registration<BudgetHandlers>('tollgate.budget.v1.Budget', Budget.service, {
            ...agentHandlers(agentOps),
            ...budgetRequestHandlers(requestOps),
            ...spendingHandlers(leaseOps, usage, analytics),
          }),
        ],
        onStop: () => sweeper.stop(),
      };
    },
  });
}
