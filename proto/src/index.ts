import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as IdentityGrpc } from '../gen/identity.js';
import type { ProtoGrpcType as TokenGrpc } from '../gen/token.js';
import type { ProtoGrpcType as BudgetGrpc } from '../gen/budget.js';
import type { ProtoGrpcType as ProviderKeyGrpc } from '../gen/provider_key.js';
import type { ProtoGrpcType as AuditGrpc } from '../gen/audit.js';
import type { ProtoGrpcType as ServiceInfoGrpc } from '../gen/service_info.js';

// Resolve the .proto root whether running from src/ (tsx) or dist/src/ (compiled).
const here = path.dirname(fileURLToPath(import.meta.url));
export const protoRoot = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

// Must match the flags given to proto-loader-gen-types in package.json, or the
// generated types would lie about the runtime shapes.
const loaderOptions: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [protoRoot],
};

export const protoFiles = {
  identity: 'tollgate/identity/v1/identity.proto',
  token: 'tollgate/token/v1/token.proto',
  budget: 'tollgate/budget/v1/budget.proto',
  providerKey: 'tollgate/providerkey/v1/provider_key.proto',
  audit: 'tollgate/audit/v1/audit.proto',
} as const;

export type ServiceName = keyof typeof protoFiles;

const cache = new Map<ServiceName, protoLoader.PackageDefinition>();

/** The raw package definition (used for reflection and for loading). Parsed once per process. */
export function packageDefinition(name: ServiceName): protoLoader.PackageDefinition {
  let def = cache.get(name);
  if (!def) {
    def = protoLoader.loadSync(path.join(protoRoot, protoFiles[name]), loaderOptions);
    cache.set(name, def);
  }
  return def;
}

function load(name: ServiceName): unknown {
  return grpc.loadPackageDefinition(packageDefinition(name));
}

export const loadIdentity = () => (load('identity') as IdentityGrpc).tollgate.identity.v1;
export const loadToken = () => (load('token') as TokenGrpc).tollgate.token.v1;
export const loadBudget = () => (load('budget') as BudgetGrpc).tollgate.budget.v1;
export const loadProviderKey = () => (load('providerKey') as ProviderKeyGrpc).tollgate.providerkey.v1;
export const loadAudit = () => (load('audit') as AuditGrpc).tollgate.audit.v1;
let serviceInfo: ServiceInfoGrpc | undefined;
/** What every service serves besides its own API (the platform's startService adds it). */
export const loadServiceInfo = () =>
  (serviceInfo ??= grpc.loadPackageDefinition(
    protoLoader.loadSync(path.join(protoRoot, 'tollgate/common/v1/service_info.proto'), loaderOptions),
  ) as unknown as ServiceInfoGrpc).tollgate.common.v1;
