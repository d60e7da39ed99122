import { createServiceClient, type ServiceClient } from '@tollgate/platform';
import { loadAudit, loadBudget, loadIdentity, loadProviderKey, loadToken } from '@tollgate/proto';
import type { IdentityDefinition } from '@tollgate/proto/gen/tollgate/identity/v1/Identity';
import type { TokenDefinition } from '@tollgate/proto/gen/tollgate/token/v1/Token';
import type { BudgetDefinition } from '@tollgate/proto/gen/tollgate/budget/v1/Budget';
import type { ProviderKeyDefinition } from '@tollgate/proto/gen/tollgate/providerkey/v1/ProviderKey';
import type { AuditDefinition } from '@tollgate/proto/gen/tollgate/audit/v1/Audit';
import type { GatewayConfig } from './config.js';

export interface Clients {
  identity: ServiceClient<IdentityDefinition>;
  token: ServiceClient<TokenDefinition>;
  budget: ServiceClient<BudgetDefinition>;
  providerKey: ServiceClient<ProviderKeyDefinition>;
  audit: ServiceClient<AuditDefinition>;
}

/** One client per service, each minting caller assertions as the gateway. */
export function createClients(config: GatewayConfig): Clients {
  const opts = { issuer: 'gateway', secret: config.SERVICE_TOKEN_SECRET, defaultDeadlineMs: config.GRPC_DEADLINE_MS };
  return {
    identity: createServiceClient(loadIdentity().Identity, config.IDENTITY_ADDR, opts),
    token: createServiceClient(loadToken().Token, config.TOKEN_ADDR, opts),
    budget: createServiceClient(loadBudget().Budget, config.BUDGET_ADDR, opts),
    providerKey: createServiceClient(loadProviderKey().ProviderKey, config.PROVIDER_KEY_ADDR, opts),
    audit: createServiceClient(loadAudit().Audit, config.AUDIT_ADDR, opts),
  };
}

export const SERVICE_ADDRS = (config: GatewayConfig) => ({
  identity: { addr: config.IDENTITY_ADDR, service: 'tollgate.identity.v1.Identity' },
  token: { addr: config.TOKEN_ADDR, service: 'tollgate.token.v1.Token' },
  budget: { addr: config.BUDGET_ADDR, service: 'tollgate.budget.v1.Budget' },
  'provider-key': { addr: config.PROVIDER_KEY_ADDR, service: 'tollgate.providerkey.v1.ProviderKey' },
  audit: { addr: config.AUDIT_ADDR, service: 'tollgate.audit.v1.Audit' },
});
