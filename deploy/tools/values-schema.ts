/**
 * The values.schema.json of every Tollgate chart, from one definition: the six
 * application charts share most of their values, so their schemas are built from the
 * same parts here instead of drifting apart in six hand-edited JSON files.
 *
 *   npx tsx deploy/tools/values-schema.ts      # rewrites deploy/helm/<chart>/values.schema.json
 *
 * deploy/test/schema.test.ts fails when a committed file differs from what this writes.
 *
 * The schemas are strict on purpose: unknown keys are refused (a typo must not be
 * silently ignored), types and ranges are checked, secret values must have the shape
 * the services demand, and the hardened security context cannot be weakened
 * (non-root, read-only root filesystem, no privilege escalation, ALL capabilities
 * dropped, no unconfined seccomp).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_NAMES, SERVICE_REGISTRY, type ServiceName } from '../../packages/platform/src/services.js';

type Schema = Record<string, unknown>;

export type AppChart = 'gateway' | ServiceName;
export const APP_CHARTS: readonly AppChart[] = ['gateway', ...SERVICE_NAMES];
export const CHARTS = [...APP_CHARTS, 'tollgate'] as const;
export type Chart = (typeof CHARTS)[number];

export const helmDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../helm');

// ---- building blocks -----------------------------------------------------------------

const str: Schema = { type: 'string' };
const bool: Schema = { type: 'boolean' };
const int = (minimum?: number, maximum?: number): Schema => ({
  type: 'integer',
  ...(minimum !== undefined && { minimum }),
  ...(maximum !== undefined && { maximum }),
});
const port = int(1, 65535);
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...(required.length > 0 && { required }),
});
const mapOf = (value: Schema): Schema => ({ type: 'object', additionalProperties: value });
const arrayOf = (items: Schema, extra: Schema = {}): Schema => ({ type: 'array', items, ...extra });
const pattern = (re: string, description?: string): Schema => ({ type: 'string', pattern: re, ...(description && { description }) });
const oneOfStrings = (...values: string[]): Schema => ({ type: 'string', enum: values });
/** A Kubernetes object we pass through unchanged (affinity, a NetworkPolicy peer...). */
const k8s: Schema = { type: 'object' };
const labels = mapOf(str);
const dnsName = pattern('^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', 'empty or a DNS-1123 label');
const quantity: Schema = { anyOf: [pattern('^[0-9]+(\\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|E|Ei)?$'), { type: 'number', minimum: 0 }] };
const intOrPercent: Schema = { anyOf: [int(0), pattern('^[0-9]+%$')] };
const duration = pattern('^$|^([0-9]+(ms|s|m|h))+$', 'empty or a Prometheus duration, e.g. 30s');

const serviceName = oneOfStrings(...APP_CHARTS);

// Secret values: the same shapes the services' config schemas demand at start-up, so a
// bad value fails at install time rather than in a crash-looping pod.
const base64Key32 = '[A-Za-z0-9+/]{43}=';
const keyring = pattern(
  `^$|^[A-Za-z0-9_.-]{1,32}:${base64Key32}(,\\s*[A-Za-z0-9_.-]{1,32}:${base64Key32})*$`,
  'empty or kid:base64(32 bytes)[,kid2:base64(32 bytes)...]',
);
const secretShapes: Record<string, Schema> = {
  SERVICE_TOKEN_SECRET: pattern('^$|^.{32,}$', 'empty or 32+ characters'),
  MONGO_URL: pattern('^$|^mongodb(\\+srv)?://', 'empty or a mongodb:// URL'),
  REDIS_URL: pattern('^$|^rediss?://', 'empty or a redis:// URL'),
  JWT_KEY_ENCRYPTION_KEY: pattern(`^$|^${base64Key32}$`, 'empty or base64 of 32 bytes'),
  BOOTSTRAP_ADMIN_PASSWORD: pattern('^$|^.{12,256}$', 'empty or 12 to 256 characters'),
  TOKEN_PEPPER: pattern('^$|^.{32,}$', 'empty or 32+ characters'),
  BOOTSTRAP_TOKEN: pattern('^$|^tg_pat_[0-9A-Za-z]{54}$', 'empty or a tg_pat_ personal token'),
  PROVIDER_KEY_ENCRYPTION_KEYS: keyring,
  WEBHOOK_SECRET_KEYS: keyring,
  IP_TOKEN_KEY: pattern(`^$|^${base64Key32}$`, 'empty or base64 of 32 bytes'),
};

/** TOKEN_PEPPER → tokenPepper (as the library chart's secrets.valueKey does). */
const camel = (variable: string) => variable.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

// ---- what differs between the charts --------------------------------------------------

interface ChartFacts {
  protocol: 'grpc' | 'https';
  secrets: string[];
  /** Typed, documented config variables (others are allowed as strings). */
  config: Record<string, Schema>;
}

const FACTS: Record<AppChart, ChartFacts> = {
  gateway: {
    protocol: 'https',
    secrets: ['SERVICE_TOKEN_SECRET', 'REDIS_URL'],
    config: { CORS_ORIGINS: str, TRUST_PROXY: str },
  },
  identity: {
    protocol: 'grpc',
    secrets: ['SERVICE_TOKEN_SECRET', 'MONGO_URL', 'JWT_KEY_ENCRYPTION_KEY', 'BOOTSTRAP_ADMIN_PASSWORD'],
    config: { BOOTSTRAP_ADMIN_EMAIL: pattern('^$|^[^\\s@]+@[^\\s@]+$', 'empty or an email address') },
  },
  token: {
    protocol: 'grpc',
    secrets: ['SERVICE_TOKEN_SECRET', 'MONGO_URL', 'TOKEN_PEPPER', 'BOOTSTRAP_TOKEN'],
    config: { BOOTSTRAP_TOKEN_OWNER_EMAIL: pattern('^$|^[^\\s@]+@[^\\s@]+$', 'empty or an email address') },
  },
  budget: {
    protocol: 'grpc',
    secrets: ['SERVICE_TOKEN_SECRET', 'MONGO_URL'],
    config: { MAX_BUDGET_REQUEST_USD: pattern('^$|^[0-9]+(\\.[0-9]{1,6})?$', 'empty or a decimal USD amount') },
  },
  'provider-key': {
    protocol: 'grpc',
    secrets: ['SERVICE_TOKEN_SECRET', 'MONGO_URL', 'PROVIDER_KEY_ENCRYPTION_KEYS', 'IP_TOKEN_KEY'],
    config: {},
  },
  audit: {
    protocol: 'grpc',
    secrets: ['SERVICE_TOKEN_SECRET', 'MONGO_URL', 'WEBHOOK_SECRET_KEYS'],
    config: {},
  },
};

/** Variables the chart sets itself; `config` may not override them. */
const RESERVED = [
  'LOG_LEVEL',
  'GRPC_HOST',
  'GRPC_PORT',
  'METRICS_PORT',
  'MONGO_URL',
  'MONGO_DB',
  'MIGRATE_ON_START',
  'REDIS_URL',
  'GATEWAY_HOST',
  'GATEWAY_PORT',
  'TLS_CERT',
  'TLS_KEY',
  'TLS_DEV_CERT_DIR',
  'PRICE_TABLE_FILE',
  ...SERVICE_NAMES.map((name) => SERVICE_REGISTRY[name].addrVar),
  'SERVICE_TOKEN_SECRET',
  'JWT_KEY_ENCRYPTION_KEY',
  'BOOTSTRAP_ADMIN_PASSWORD',
  'TOKEN_PEPPER',
  'BOOTSTRAP_TOKEN',
  'PROVIDER_KEY_ENCRYPTION_KEYS',
  'WEBHOOK_SECRET_KEYS',
  'IP_TOKEN_KEY',
];

// ---- shared sections -------------------------------------------------------------------

const globalSchema: Schema = {
  type: 'object',
  // Other charts installed beside Tollgate (e.g. Bitnami MongoDB) share `global`.
  additionalProperties: true,
  properties: {
    imageRegistry: str,
    imageTag: str,
    imagePullSecrets: arrayOf(str),
    existingSecret: str,
    secrets: mapOf(str),
  },
};

const image: Schema = obj(
  {
    registry: str,
    repository: { type: 'string', minLength: 1 },
    tag: str,
    digest: pattern('^$|^sha256:[a-f0-9]{64}$', 'empty or sha256:<64 hex digits>'),
    pullPolicy: oneOfStrings('Always', 'IfNotPresent', 'Never'),
    pullSecrets: arrayOf(str),
  },
  ['repository', 'pullPolicy'],
);

const seccompProfile: Schema = obj(
  {
    type: oneOfStrings('RuntimeDefault', 'Localhost'),
    localhostProfile: str,
  },
  ['type'],
);

const podSecurityContext: Schema = obj(
  {
    runAsNonRoot: { const: true },
    runAsUser: int(1),
    runAsGroup: int(1),
    fsGroup: int(1),
    fsGroupChangePolicy: oneOfStrings('OnRootMismatch', 'Always'),
    supplementalGroups: arrayOf(int(1)),
    seccompProfile,
  },
  ['runAsNonRoot', 'seccompProfile'],
);

const containerSecurityContext: Schema = obj(
  {
    runAsNonRoot: { const: true },
    runAsUser: int(1),
    runAsGroup: int(1),
    readOnlyRootFilesystem: { const: true },
    allowPrivilegeEscalation: { const: false },
    privileged: { const: false },
    capabilities: obj({ drop: arrayOf(str, { contains: { const: 'ALL' } }) }, ['drop']),
    seccompProfile,
  },
  ['runAsNonRoot', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'capabilities', 'seccompProfile'],
);

const resources: Schema = obj({ requests: mapOf(quantity), limits: mapOf(quantity) });

const probe = (protocol: 'grpc' | 'https'): Schema =>
  obj(
    {
      enabled: bool,
      ...(protocol === 'grpc' ? { service: str } : { path: pattern('^/', 'an absolute path') }),
      initialDelaySeconds: int(0),
      periodSeconds: int(1),
      timeoutSeconds: int(1),
      failureThreshold: int(1),
      successThreshold: int(1),
    },
    ['enabled'],
  );

// Every deployable, the gateway included, is scraped over plain HTTP on its metrics port.
const serviceMonitor: Schema = obj({
  enabled: bool,
  namespace: str,
  labels,
  interval: duration,
  scrapeTimeout: duration,
  honorLabels: bool,
  relabelings: arrayOf(k8s),
  metricRelabelings: arrayOf(k8s),
});

const networkPolicy = (chart: AppChart, protocol: 'grpc' | 'https'): Schema => {
  const peers = arrayOf(k8s);
  const ports = arrayOf(port, { minItems: 1 });
  // HTTPS out to public addresses: the gateway's LLM providers, audit's webhook receivers.
  const publicHttps = obj({
    enabled: bool,
    cidr: pattern('^[0-9.]+/[0-9]{1,2}$|^[0-9a-fA-F:]+/[0-9]{1,3}$', 'a CIDR'),
    except: arrayOf(str),
    ports,
  });
  const shared = {
    enabled: bool,
    dns: obj({ to: peers }),
    metrics: obj({ from: peers }),
    extraIngress: arrayOf(k8s),
    extraEgress: arrayOf(k8s),
  };
  if (protocol === 'grpc')
    return obj({ ...shared, mongodb: obj({ ports, to: peers }), ...(chart === 'audit' ? { webhooks: publicHttps } : {}) });
  return obj({
    ...shared,
    allowExternal: bool,
    ingressFrom: peers,
    redis: obj({ ports, to: peers }),
    providers: publicHttps,
  });
};

function appSchema(chart: AppChart): Schema {
  const facts = FACTS[chart];
  const grpc = facts.protocol === 'grpc';

  const secretValues = Object.fromEntries(facts.secrets.map((v) => [camel(v), secretShapes[v]]));
  const config: Schema = {
    type: 'object',
    properties: facts.config,
    additionalProperties: { type: ['string', 'number', 'boolean'] },
    propertyNames: { pattern: '^[A-Z][A-Z0-9_]*$', not: { enum: RESERVED } },
  };

  const properties: Record<string, Schema> = {
    global: globalSchema,
    // Helm gives every dependency a values key, the library chart included.
    'tollgate-common': { type: 'object' },
    enabled: bool,
    nameOverride: dnsName,
    fullnameOverride: dnsName,
    namespaceOverride: dnsName,
    commonLabels: labels,
    commonAnnotations: labels,
    image,
    logLevel: oneOfStrings('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
    config,
    mesh: obj({
      calls: arrayOf(serviceName, { uniqueItems: true }),
      callers: arrayOf(serviceName, { uniqueItems: true }),
      addresses: { type: 'object', propertyNames: serviceName, additionalProperties: pattern('^[^\\s:]+:[0-9]{1,5}$', 'host:port') },
    }),
    secrets: obj({
      existingSecret: str,
      existingSecretKeys: {
        type: 'object',
        propertyNames: oneOfStrings(...facts.secrets),
        additionalProperties: { type: 'string', minLength: 1 },
      },
      ...secretValues,
    }),
    containerPorts: grpc
      ? obj({ grpc: port, metrics: port }, ['grpc', 'metrics'])
      : obj({ https: port, metrics: port }, ['https', 'metrics']),
    service: grpc
      ? obj({ ports: obj({ grpc: port, metrics: port }, ['grpc', 'metrics']), annotations: labels })
      : obj({
          type: oneOfStrings('ClusterIP', 'LoadBalancer', 'NodePort'),
          // metrics: the port of the gateway's separate ClusterIP metrics Service, never of this one.
          ports: obj({ https: port, metrics: port }, ['https', 'metrics']),
          nodePorts: obj({ https: nullable(int(30000, 32767)) }),
          externalTrafficPolicy: oneOfStrings('Cluster', 'Local'),
          loadBalancerSourceRanges: arrayOf(str),
          annotations: labels,
        }),
    replicaCount: int(0),
    revisionHistoryLimit: int(0),
    updateStrategy: obj({
      type: oneOfStrings('RollingUpdate', 'Recreate'),
      rollingUpdate: obj({ maxSurge: intOrPercent, maxUnavailable: intOrPercent }),
    }),
    terminationGracePeriodSeconds: int(1),
    preStopSleepSeconds: int(0, 120),
    tmpSizeLimit: quantity,
    podSecurityContext,
    containerSecurityContext,
    resources,
    resourcesPreset: oneOfStrings('nano', 'micro', 'small', 'medium', 'large'),
    startupProbe: probe(facts.protocol),
    livenessProbe: probe(facts.protocol),
    readinessProbe: probe(facts.protocol),
    extraEnv: arrayOf({ type: 'object', required: ['name'] }),
    extraVolumes: arrayOf(k8s),
    extraVolumeMounts: arrayOf(k8s),
    podLabels: labels,
    podAnnotations: labels,
    priorityClassName: str,
    podAntiAffinityPreset: oneOfStrings('', 'soft', 'hard'),
    affinity: k8s,
    topologySpreadConstraints: arrayOf(k8s),
    nodeSelector: labels,
    tolerations: arrayOf(k8s),
    autoscaling: obj({
      enabled: bool,
      minReplicas: int(1),
      maxReplicas: int(1),
      targetCPUUtilizationPercentage: nullable(int(1, 100)),
      targetMemoryUtilizationPercentage: nullable(int(1, 100)),
      behavior: k8s,
    }),
    pdb: obj({
      create: bool,
      minAvailable: nullable(intOrPercent),
      maxUnavailable: intOrPercent,
      unhealthyPodEvictionPolicy: oneOfStrings('', 'IfHealthyBudget', 'AlwaysAllow'),
    }),
    serviceAccount: obj({ create: bool, name: str, annotations: labels }),
    networkPolicy: networkPolicy(chart, facts.protocol),
    metrics: obj({ enabled: bool, serviceMonitor }),
  };

  if (grpc) properties.mongodb = obj({ database: pattern('^[A-Za-z0-9_-]{1,63}$', 'a plain database name') }, ['database']);
  if (!grpc) {
    properties.tls = obj({ existingSecret: str });
    properties.ingress = obj({
      enabled: bool,
      ingressClassName: str,
      hostname: str,
      path: pattern('^/'),
      pathType: oneOfStrings('Prefix', 'Exact', 'ImplementationSpecific'),
      tls: bool,
      tlsSecretName: str,
      annotations: labels,
    });
  }
  if (chart === 'budget') {
    properties.priceTable = obj({ data: str, existingConfigMap: str, key: pattern('^[-._a-zA-Z0-9]+$', 'a ConfigMap key') });
  }

  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `Values of the Tollgate ${chart} chart`,
    ...obj(properties, ['image', 'containerPorts', 'podSecurityContext', 'containerSecurityContext', 'mesh', 'secrets']),
  };
}

function umbrellaSchema(): Schema {
  // Each chart's own schema checks its section; here only that the section is an object.
  const section: Schema = { type: 'object' };
  const ratio: Schema = { type: 'number', exclusiveMinimum: 0, maximum: 1 };
  const seconds: Schema = { type: 'number', exclusiveMinimum: 0 };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Values of the Tollgate umbrella chart',
    ...obj({
      global: globalSchema,
      ...Object.fromEntries(APP_CHARTS.map((c) => [c, section])),
      prometheusRule: obj({
        enabled: bool,
        namespace: str,
        labels,
        thresholds: obj({
          grpcErrorRatio: ratio,
          grpcLatencyP99Seconds: seconds,
          httpErrorRatio: ratio,
          httpLatencyP99Seconds: seconds,
          rateLimitedRatio: ratio,
          outboxAgeSeconds: seconds,
          budgetErrorRatio: ratio,
          loginFailuresPerSecond: seconds,
          certificateExpiryDays: seconds,
        }),
        runbookUrl: pattern('^\\S+$', 'a URL or path, without spaces'),
      }),
      grafana: obj({
        dashboards: obj({
          enabled: bool,
          namespace: dnsName,
          label: pattern('^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$', 'a Kubernetes label key'),
          labelValue: str,
          annotations: labels,
        }),
      }),
    }),
  };
}

export function schemaFor(chart: Chart): Schema {
  return chart === 'tollgate' ? umbrellaSchema() : appSchema(chart);
}

export function schemaText(chart: Chart): string {
  return `${JSON.stringify(schemaFor(chart), null, 2)}\n`;
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  for (const chart of CHARTS) {
    const file = path.join(helmDir, chart, 'values.schema.json');
    fs.writeFileSync(file, schemaText(chart));
    process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
  }
}
