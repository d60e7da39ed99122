import {
  createServiceClient,
  type GrpcClientMetrics,
  SERVICE_NAMES,
  SERVICE_REGISTRY,
  type ServiceClient,
  type ServiceCtor,
  type ServiceName,
} from '@tollgate/platform';
import { loadAudit, loadBudget, loadIdentity, loadProviderKey, loadToken } from '@tollgate/proto';
import type { ServiceDefinition } from '@grpc/grpc-js';
import type { GatewayConfig } from './config.js';

/** Each service's generated client class: typed per service, so it stays out of the registry (which loads no gRPC code). */
const clientClasses = {
  identity: () => loadIdentity().Identity,
  token: () => loadToken().Token,
  budget: () => loadBudget().Budget,
  'provider-key': () => loadProviderKey().ProviderKey,
  audit: () => loadAudit().Audit,
} satisfies Record<ServiceName, () => ServiceCtor<ServiceDefinition>>;

/** One client per service, under the service's key in @tollgate/proto (provider-key → providerKey). */
export type Clients = {
  [N in ServiceName as (typeof SERVICE_REGISTRY)[N]['proto']]: ServiceClient<ReturnType<(typeof clientClasses)[N]>['service']>;
};

/** One client per service, each minting caller assertions as the gateway (and timing its calls with `metrics`). */
export function createClients(config: GatewayConfig, metrics?: GrpcClientMetrics): Clients {
  const opts = { issuer: 'gateway', secret: config.SERVICE_TOKEN_SECRET, defaultDeadlineMs: config.GRPC_DEADLINE_MS, metrics };
  const clients = SERVICE_NAMES.map((name) => {
    const { proto, addrVar } = SERVICE_REGISTRY[name];
    const ctor: ServiceCtor<ServiceDefinition> = clientClasses[name]();
    return [proto, createServiceClient(ctor, config[addrVar], opts)];
  });
  return Object.fromEntries(clients) as Clients;
}

/** Where each service is and the gRPC name it reports health under, for the readiness checks. */
export const SERVICE_ADDRS = (config: GatewayConfig) =>
  Object.fromEntries(
    SERVICE_NAMES.map((name) => [name, { addr: config[SERVICE_REGISTRY[name].addrVar], service: SERVICE_REGISTRY[name].grpcService }]),
  );
