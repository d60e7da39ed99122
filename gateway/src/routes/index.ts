import type { GatewayDeps } from '../deps.js';
import type { RouteDefiner } from './define.js';
import { registerAgentRoutes } from './agents.js';
import { registerAnalyticsRoutes } from './analytics.js';
import { registerAuditRoutes } from './audit.js';
import { registerAuthRoutes } from './auth.js';
import { registerBudgetRequestRoutes } from './budget-requests.js';
import { registerIpRuleRoutes } from './ip-rules.js';
import { registerPasskeyRoutes } from './passkeys.js';
import { registerPriceRoutes } from './prices.js';
import { registerProjectRoutes } from './projects.js';
import { registerProviderKeyRoutes } from './provider-keys.js';
import { registerProxyRoutes } from './proxy.js';
import { registerTokenRoutes } from './tokens.js';
import { registerUsageRoutes } from './usage.js';
import { registerUserExportRoutes } from './user-export.js';
import { registerUserRoutes } from './users.js';
import { registerWebhookRoutes } from './webhooks.js';

/** Every API area registers its routes here (one module per area). */
export function registerApiRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  // The busiest route first: a request is matched against the routes in the order they are registered.
  registerProxyRoutes(route, deps);
  registerAgentRoutes(route, deps);
  registerAnalyticsRoutes(route, deps);
  registerAuditRoutes(route, deps);
  registerAuthRoutes(route, deps);
  registerBudgetRequestRoutes(route, deps);
  registerIpRuleRoutes(route, deps);
  registerPasskeyRoutes(route, deps);
  registerPriceRoutes(route, deps);
  registerProjectRoutes(route, deps);
  registerProviderKeyRoutes(route, deps);
  registerTokenRoutes(route, deps);
  registerUsageRoutes(route, deps);
  registerUserExportRoutes(route, deps);
  registerUserRoutes(route, deps);
  registerWebhookRoutes(route, deps);
}
