import type { GatewayDeps } from '../deps.js';
import type { RouteDefiner } from './define.js';
import { registerAuditRoutes } from './audit.js';
import { registerAuthRoutes } from './auth.js';
import { registerTokenRoutes } from './tokens.js';
import { registerUserRoutes } from './users.js';

/** Every API area registers its routes here (one module per area). */
export function registerApiRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  registerAuditRoutes(route, deps);
  registerAuthRoutes(route, deps);
  registerTokenRoutes(route, deps);
  registerUserRoutes(route, deps);
}
