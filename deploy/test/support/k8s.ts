import { randomBytes } from 'node:crypto';
import { SERVICE_NAMES, SERVICE_REGISTRY, type ServiceName } from '../../../packages/platform/src/services.js';

// Just enough of the Kubernetes API shapes for the assertions these tests make.

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface Metadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: Metadata;
  spec?: unknown;
  data?: Record<string, string>;
  type?: string;
  automountServiceAccountToken?: boolean;
}

export interface Probe {
  grpc?: { port: number; service?: string };
  httpGet?: { path: string; port: number | string; scheme?: string };
  tcpSocket?: { port: number | string };
  exec?: { command: string[] };
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; configMapKeyRef?: { name: string; key: string } };
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  securityContext?: SecurityContext;
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

export interface Volume {
  name: string;
  emptyDir?: { sizeLimit?: string; medium?: string };
  secret?: { secretName: string; defaultMode?: number };
  configMap?: { name: string };
}

export interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: SecurityContext & { fsGroup?: number };
  containers: Container[];
  volumes?: Volume[];
}

export interface Deployment extends K8sObject {
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec };
  };
}

export interface Job extends K8sObject {
  spec: { backoffLimit?: number; template: Deployment['spec']['template'] };
}

/** A Helm hook: created before (or after) the release's own resources, not with them. */
export const isHook = (m: K8sObject) => m.metadata.annotations?.['helm.sh/hook'] !== undefined;

export interface Service extends K8sObject {
  spec: {
    type?: string;
    ports: { name: string; port: number; targetPort: number | string }[];
    selector: Record<string, string>;
  };
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

export interface NetworkPolicyPort {
  port?: number | string;
  protocol?: string;
}

export interface NetworkPolicy extends K8sObject {
  spec: {
    podSelector: LabelSelector;
    policyTypes: string[];
    ingress?: { from?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[];
    egress?: { to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[];
  };
}

export interface HorizontalPodAutoscaler extends K8sObject {
  spec: { scaleTargetRef: { apiVersion: string; kind: string; name: string }; minReplicas: number; maxReplicas: number };
}

export interface PodDisruptionBudget extends K8sObject {
  spec: { selector: LabelSelector; maxUnavailable?: number | string; minAvailable?: number | string };
}

export interface Ingress extends K8sObject {
  spec: {
    tls?: { hosts: string[]; secretName: string }[];
    rules: { host?: string; http: { paths: { backend: { service: { name: string; port: { name?: string; number?: number } } } }[] } }[];
  };
}

export function ofKind<T extends K8sObject>(manifests: K8sObject[], kind: string): T[] {
  return manifests.filter((m) => m.kind === kind) as T[];
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the kind's type; `kind` picks it at runtime
export function named<T extends K8sObject>(manifests: K8sObject[], kind: string, name: string): T {
  const found = ofKind<T>(manifests, kind).find((m) => m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} among ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return found;
}

/** Does a label selector select the given labels? */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const exact = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const expressions = (selector.matchExpressions ?? []).every((e) => {
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        return value !== undefined && (e.values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(e.values ?? []).includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        throw new Error(`unknown selector operator ${e.operator}`);
    }
  });
  return exact && expressions;
}

// ---- the facts the charts must implement: the service registry's, written down apart from the charts ----

export const SERVICES = SERVICE_NAMES;
export type Deployable = 'gateway' | ServiceName;
export const DEPLOYABLES: readonly Deployable[] = ['gateway', ...SERVICES];

interface MeshNode {
  /** Its container port. */
  port: number;
  /** Whom it calls over gRPC. */
  calls: readonly ServiceName[];
}

/** Who calls whom, and on which port: the services as the registry has them, and the gateway, which calls every one. */
export const MESH: Record<Deployable, MeshNode> = {
  gateway: { port: 8443, calls: SERVICES },
  ...(Object.fromEntries(SERVICES.map((name): [ServiceName, MeshNode] => [name, SERVICE_REGISTRY[name]])) as Record<ServiceName, MeshNode>),
};

export function callersOf(name: ServiceName): Deployable[] {
  return DEPLOYABLES.filter((d) => MESH[d].calls.includes(name));
}

export const METRICS_PORT = 9464;

/** Variables each deployable reads from a Secret (never from a ConfigMap). */
export const SECRET_VARIABLES = [
  'SERVICE_TOKEN_SECRET',
  'JWT_KEY_ENCRYPTION_KEY',
  'TOKEN_PEPPER',
  'PROVIDER_KEY_ENCRYPTION_KEYS',
  'WEBHOOK_SECRET_KEYS',
  'IP_TOKEN_KEY',
  'BOOTSTRAP_ADMIN_PASSWORD',
  'BOOTSTRAP_TOKEN',
  'MONGO_URL',
  'REDIS_URL',
];

const key32 = () => randomBytes(32).toString('base64');

/** Umbrella values with every secret given inline (the charts render their Secrets). */
export function inlineSecretValues() {
  return {
    global: {
      secrets: {
        serviceTokenSecret: randomBytes(32).toString('base64url'),
        mongoUrl: 'mongodb://tollgate:pw@mongo.example:27017/?authSource=admin',
      },
    },
    gateway: { secrets: { redisUrl: 'redis://:pw@redis.example:6379' } },
    identity: {
      secrets: { jwtKeyEncryptionKey: key32(), bootstrapAdminPassword: 'a-long-enough-password' },
      config: { BOOTSTRAP_ADMIN_EMAIL: 'admin@example.com' },
    },
    token: { secrets: { tokenPepper: randomBytes(32).toString('base64url') } },
    'provider-key': { secrets: { providerKeyEncryptionKeys: `k2:${key32()},k1:${key32()}`, ipTokenKey: key32() } },
    audit: { secrets: { webhookSecretKeys: `k1:${key32()}` } },
  };
}

/** Umbrella values that point every chart at one operator-managed Secret. */
export const existingSecretValues = { global: { existingSecret: 'tollgate-secrets' } };
