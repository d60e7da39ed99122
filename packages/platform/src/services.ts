import type { protoFiles } from '@tollgate/proto';

interface ServiceEntry {
  /** The gRPC port it listens on by default, and the one the Helm charts and compose give it. */
  port: number;
  /** The variable that tells its callers where it is. */
  addrVar: `${string}_ADDR`;
  /** The fully-qualified gRPC service name it registers (and reports health under). */
  grpcService: `tollgate.${string}`;
  /** Its contract's key in @tollgate/proto (`protoFiles`, `packageDefinition`). */
  proto: keyof typeof protoFiles;
  /** The services it calls over gRPC. The gateway calls every one. */
  calls: readonly string[];
}

/**
 * The gRPC services of the mesh. Everything that needs the list of them — each process's
 * `*_ADDR` variables and their defaults, the gateway's clients and readiness checks, the dev
 * and test launchers, the deploy tools and the tests that hold the charts and compose file
 * to it — derives it from here. Free of runtime imports, so tools read it without loading gRPC.
 */
export const SERVICE_REGISTRY = {
  identity: { port: 50051, addrVar: 'IDENTITY_ADDR', grpcService: 'tollgate.identity.v1.Identity', proto: 'identity', calls: ['audit'] },
  token: { port: 50052, addrVar: 'TOKEN_ADDR', grpcService: 'tollgate.token.v1.Token', proto: 'token', calls: ['identity', 'audit'] },
  budget: {
    port: 50053,
    addrVar: 'BUDGET_ADDR',
    grpcService: 'tollgate.budget.v1.Budget',
    proto: 'budget',
    calls: ['identity', 'token', 'provider-key', 'audit'],
  },
  'provider-key': {
    port: 50054,
    addrVar: 'PROVIDER_KEY_ADDR',
    grpcService: 'tollgate.providerkey.v1.ProviderKey',
    proto: 'providerKey',
    calls: ['audit'],
  },
  audit: { port: 50055, addrVar: 'AUDIT_ADDR', grpcService: 'tollgate.audit.v1.Audit', proto: 'audit', calls: [] },
} as const satisfies Record<string, ServiceEntry>;

export type ServiceName = keyof typeof SERVICE_REGISTRY;

/** Every service, in the registry's order (by port). */
export const SERVICE_NAMES = Object.keys(SERVICE_REGISTRY) as readonly ServiceName[];
