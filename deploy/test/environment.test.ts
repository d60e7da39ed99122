import test from 'ava';
import { configModules } from './support/config-loaders.js';
import { template } from './support/helm.js';
import { SERVICE_REGISTRY } from '../../packages/platform/src/services.js';
import {
  DEPLOYABLES,
  existingSecretValues,
  isHook,
  inlineSecretValues,
  MESH,
  METRICS_PORT,
  named,
  ofKind,
  SECRET_VARIABLES,
  SERVICES,
  type Container,
  type Deployable,
  type Deployment,
  type Job,
  type K8sObject,
  type Service,
} from './support/k8s.js';

/** The environment the kubelet would give a Deployment's container: ConfigMap, then env (Secrets resolved). */
function containerEnv(all: K8sObject[], name: Deployable): Record<string, string> {
  return resolvedEnv(all, named<Deployment>(all, 'Deployment', `tg-${name}`).spec.template.spec.containers[0]);
}

function resolvedEnv(all: K8sObject[], container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, named(all, 'ConfigMap', source.configMapRef.name).data);
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    if (ref) {
      const data = named(all, 'Secret', ref.name).data ?? {};
      if (data[ref.key] === undefined && !ref.optional) throw new Error(`${container.name}: Secret ${ref.name} has no key ${ref.key}`);
      if (data[ref.key] !== undefined) env[variable.name] = Buffer.from(data[ref.key], 'base64').toString('utf8');
    } else if (variable.value !== undefined) {
      env[variable.name] = variable.value;
    }
  }
  return env;
}

test('the environment each chart gives its process passes that process’s own config validation', async (t) => {
  const all = await template('tollgate', inlineSecretValues());
  for (const name of DEPLOYABLES) {
    const env = containerEnv(all, name);
    t.notThrows(() => configModules[name].loadConfig(env), name);
  }
});

test('every service listens on all interfaces, on its own gRPC and metrics ports, with its own database; the gateway on HTTPS and metrics ports', async (t) => {
  const all = await template('tollgate', existingSecretValues);
  const databases = new Set<string>();
  for (const name of SERVICES) {
    const config = named(all, 'ConfigMap', `tg-${name}`).data ?? {};
    t.like(config, { GRPC_HOST: '0.0.0.0', GRPC_PORT: String(MESH[name].port), METRICS_PORT: String(METRICS_PORT) }, name);
    t.is(config.MONGO_DB, `tollgate_${name.replace('-', '_')}`);
    databases.add(config.MONGO_DB);
  }
  t.is(databases.size, SERVICES.length);
  t.like(named(all, 'ConfigMap', 'tg-gateway').data, { GATEWAY_HOST: '0.0.0.0', GATEWAY_PORT: '8443', METRICS_PORT: String(METRICS_PORT) });
});

test('each deployable is given the addresses of exactly the services it calls, reads them, and each names a real Service port', async (t) => {
  const all = await template('tollgate', existingSecretValues);
  const services = ofKind<Service>(all, 'Service');
  for (const name of DEPLOYABLES) {
    const config = named(all, 'ConfigMap', `tg-${name}`).data ?? {};
    const addressed = Object.keys(config)
      .filter((k) => k.endsWith('_ADDR'))
      .sort();
    const expected = MESH[name].calls.map((peer) => SERVICE_REGISTRY[peer].addrVar);
    // Audit names itself (in-process), so it never needs a route to another pod.
    if (name === 'audit') expected.push('AUDIT_ADDR');
    t.deepEqual(addressed, expected.sort(), name);
    const read = Object.keys(configModules[name].configSchema.shape)
      .filter((k) => k.endsWith('_ADDR'))
      .sort();
    t.deepEqual(read, addressed, `${name} reads the addresses it is given`);

    for (const peer of MESH[name].calls) {
      const [host, port] = config[SERVICE_REGISTRY[peer].addrVar].split(':');
      const service = services.find((s) => s.metadata.name === host);
      t.truthy(service, `${name} → ${peer}: no Service ${host}`);
      const servicePort = service?.spec.ports.find((p) => p.port === Number(port));
      t.is(servicePort?.name, 'grpc', `${name} → ${peer}: ${host}:${port} is not the gRPC port`);
      t.is(
        named<Deployment>(all, 'Deployment', `tg-${peer}`).spec.template.spec.containers[0].ports?.find((p) => p.name === 'grpc')
          ?.containerPort,
        MESH[peer].port,
      );
    }
  }
  t.is(named(all, 'ConfigMap', 'tg-audit').data?.AUDIT_ADDR, '127.0.0.1:50055');
});

test('secret variables never land in a ConfigMap; with an existing Secret, every one references it', async (t) => {
  const all = await template('tollgate', existingSecretValues);
  for (const configMap of ofKind(all, 'ConfigMap')) {
    for (const variable of SECRET_VARIABLES) t.false(variable in (configMap.data ?? {}), `${configMap.metadata.name} holds ${variable}`);
  }
  const required: Record<Deployable, string[]> = {
    gateway: ['SERVICE_TOKEN_SECRET', 'REDIS_URL'],
    identity: ['SERVICE_TOKEN_SECRET', 'MONGO_URL', 'JWT_KEY_ENCRYPTION_KEY'],
    token: ['SERVICE_TOKEN_SECRET', 'MONGO_URL', 'TOKEN_PEPPER'],
    budget: ['SERVICE_TOKEN_SECRET', 'MONGO_URL'],
    'provider-key': ['SERVICE_TOKEN_SECRET', 'MONGO_URL', 'PROVIDER_KEY_ENCRYPTION_KEYS', 'IP_TOKEN_KEY'],
    audit: ['SERVICE_TOKEN_SECRET', 'MONGO_URL', 'WEBHOOK_SECRET_KEYS'],
  };
  const optional: Partial<Record<Deployable, string[]>> = { identity: ['BOOTSTRAP_ADMIN_PASSWORD'], token: ['BOOTSTRAP_TOKEN'] };
  for (const name of DEPLOYABLES) {
    const env = named<Deployment>(all, 'Deployment', `tg-${name}`).spec.template.spec.containers[0].env ?? [];
    const refs = env.filter((e) => e.valueFrom?.secretKeyRef?.name === 'tollgate-secrets');
    t.deepEqual(
      refs.filter((e) => !e.valueFrom?.secretKeyRef?.optional).map((e) => e.name),
      required[name],
      name,
    );
    t.deepEqual(
      refs.filter((e) => e.valueFrom?.secretKeyRef?.optional).map((e) => e.name),
      optional[name] ?? [],
      name,
    );
    t.true(
      refs.every((e) => e.valueFrom?.secretKeyRef?.key === e.name),
      name,
    );
  }
  t.is(ofKind(all, 'Secret').length, 0, 'the charts render no Secret of their own');
});

test('when the existing Secret names keys differently, the pods read the mapped keys', async (t) => {
  const all = await template('tollgate', {
    global: { existingSecret: 'tollgate-secrets' },
    identity: { secrets: { existingSecretKeys: { MONGO_URL: 'IDENTITY_MONGO_URL' } } },
    budget: { secrets: { existingSecret: 'budget-only', existingSecretKeys: { MONGO_URL: 'url' } } },
  });
  const ref = (name: string, variable: string) =>
    named<Deployment>(all, 'Deployment', `tg-${name}`).spec.template.spec.containers[0].env?.find((e) => e.name === variable)?.valueFrom
      ?.secretKeyRef;
  t.like(ref('identity', 'MONGO_URL'), { name: 'tollgate-secrets', key: 'IDENTITY_MONGO_URL' });
  t.like(ref('identity', 'SERVICE_TOKEN_SECRET'), { name: 'tollgate-secrets', key: 'SERVICE_TOKEN_SECRET' });
  t.like(ref('budget', 'MONGO_URL'), { name: 'budget-only', key: 'url' });
  t.like(ref('token', 'MONGO_URL'), { name: 'tollgate-secrets', key: 'MONGO_URL' });
});

test('when secrets are given inline, each chart renders its own Secret and its pods roll when a value changes', async (t) => {
  const values = inlineSecretValues();
  const before = await template('tollgate', values);
  t.is(ofKind(before, 'Secret').filter((m) => !isHook(m)).length, DEPLOYABLES.length);
  const checksum = (all: K8sObject[], name: string) =>
    named<Deployment>(all, 'Deployment', `tg-${name}`).spec.template.metadata.annotations?.['checksum/secret'];

  const after = await template('tollgate', { ...values, token: { secrets: { tokenPepper: 'q'.repeat(40) } } });
  t.not(checksum(after, 'token'), checksum(before, 'token'));
  t.is(checksum(after, 'identity'), checksum(before, 'identity'));
});

test('each migrations Job runs with exactly its service’s environment, and the service itself does not migrate', async (t) => {
  const inline = await template('tollgate', inlineSecretValues());
  const existing = await template('tollgate', existingSecretValues);
  const migrate = (all: K8sObject[], name: string) => named<Job>(all, 'Job', `tg-${name}-migrations`).spec.template.spec.containers[0];
  for (const name of SERVICES) {
    t.deepEqual(resolvedEnv(inline, migrate(inline, name)), containerEnv(inline, name), name);
    t.is(containerEnv(inline, name).MIGRATE_ON_START, 'false', name);
    const deployment = named<Deployment>(existing, 'Deployment', `tg-${name}`).spec.template.spec.containers[0];
    t.deepEqual(
      migrate(existing, name).env?.filter((e) => e.valueFrom),
      deployment.env,
      `${name}: the same references into the existing Secret`,
    );
  }
});
