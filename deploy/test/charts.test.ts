import test from 'ava';
import path from 'node:path';
import { dashboards } from './support/dashboards.js';
import { lint, repoRoot, template, templateText } from './support/helm.js';
import {
  DEPLOYABLES,
  existingSecretValues,
  METRICS_PORT,
  named,
  ofKind,
  selects,
  SERVICES,
  type Deployment,
  type HorizontalPodAutoscaler,
  type Ingress,
  type K8sObject,
  type NetworkPolicy,
  type PodDisruptionBudget,
  type Service,
} from './support/k8s.js';

const everythingOn = {
  ...existingSecretValues,
  gateway: {
    ingress: { enabled: true, hostname: 'api.tollgate.example.com' },
    tls: { existingSecret: 'gateway-tls' },
    metrics: { serviceMonitor: { enabled: true } },
  },
  budget: { priceTable: { data: '{"openai":{}}' }, metrics: { serviceMonitor: { enabled: true } } },
  ...Object.fromEntries(SERVICES.filter((s) => s !== 'budget').map((s) => [s, { metrics: { serviceMonitor: { enabled: true } } }])),
  prometheusRule: { enabled: true },
  grafana: { dashboards: { enabled: true } },
};

test('helm lint --strict passes for every chart and for the umbrella', async (t) => {
  for (const chart of DEPLOYABLES) {
    const result = await lint(chart, { secrets: { existingSecret: 'tollgate-secrets' } });
    t.is(result.code, 0, `${chart}: ${result.stdout}${result.stderr}`);
  }
  const umbrella = await lint('tollgate', existingSecretValues);
  t.is(umbrella.code, 0, umbrella.stdout + umbrella.stderr);
});

test('when a chart is installed on its own, it renders its whole workload and needs only a Secret', async (t) => {
  for (const chart of DEPLOYABLES) {
    const manifests = await template(chart, { secrets: { existingSecret: 'tollgate-secrets' } }, { release: 'solo' });
    const kinds = manifests.map((m) => m.kind).sort();
    // The gateway's metrics port has a ClusterIP Service of its own, apart from the public one.
    const services = chart === 'gateway' ? ['Service', 'Service'] : ['Service'];
    // A service's migrations: a Job and its own NetworkPolicy.
    const migrations = chart === 'gateway' ? [] : ['Job', 'NetworkPolicy'];
    t.deepEqual(
      kinds,
      [
        'ConfigMap',
        'Deployment',
        'HorizontalPodAutoscaler',
        ...migrations,
        'NetworkPolicy',
        'PodDisruptionBudget',
        ...services,
        'ServiceAccount',
      ].sort(),
      chart,
    );
    const names = chart === 'gateway' ? ['solo-gateway', 'solo-gateway-metrics'] : [`solo-${chart}`, `solo-${chart}-migrations`];
    t.true(
      manifests.every((m) => names.includes(m.metadata.name) && m.metadata.namespace === 'tollgate'),
      chart,
    );
  }
});

test('when every optional resource is switched on, each template file still renders at most one resource, the dashboards one per dashboard', async (t) => {
  const text = await templateText('tollgate', everythingOn);
  const perSource = new Map<string, number>();
  for (const doc of text.split(/^---$/m)) {
    const source = /^# Source: (.+)$/m.exec(doc)?.[1];
    if (source && /^\s*kind:/m.test(doc)) perSource.set(source, (perSource.get(source) ?? 0) + 1);
  }
  // 8 resources for each of the 6 deployables, a migrations Job and its NetworkPolicy for each of the 5 services,
  // the gateway's Ingress and metrics Service, budget's price table, the alerts, the dashboards.
  t.is(perSource.size, 6 * 8 + 5 * 2 + 5);
  for (const [source, count] of perSource) t.is(count, source === 'tollgate/templates/dashboards.yaml' ? dashboards().size : 1, source);
});

test('when optional resources are left at their defaults, none of them is rendered', async (t) => {
  const kinds = new Set((await template('tollgate', existingSecretValues)).map((m) => m.kind));
  for (const optional of ['Ingress', 'ServiceMonitor', 'PrometheusRule', 'Secret']) t.false(kinds.has(optional), optional);
});

test('every deployable has an HPA aimed at its own Deployment and a PDB covering only its own pods', async (t) => {
  const manifests = await template('tollgate', existingSecretValues);
  const deployments = ofKind<Deployment>(manifests, 'Deployment');
  t.is(deployments.length, DEPLOYABLES.length);
  for (const name of DEPLOYABLES) {
    const deployment = named<Deployment>(manifests, 'Deployment', `tg-${name}`);
    t.is(deployment.spec.replicas, undefined, `${name}: the HPA owns the replica count`);

    const hpa = named<HorizontalPodAutoscaler>(manifests, 'HorizontalPodAutoscaler', `tg-${name}`);
    t.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: `tg-${name}` });
    t.true(hpa.spec.minReplicas >= 2 && hpa.spec.maxReplicas >= hpa.spec.minReplicas, name);

    const pdb = named<PodDisruptionBudget>(manifests, 'PodDisruptionBudget', `tg-${name}`);
    t.is(pdb.spec.maxUnavailable, 1, name);
    for (const other of deployments) {
      t.is(selects(pdb.spec.selector, other.spec.template.metadata.labels), other === deployment, `${name} PDB vs ${other.metadata.name}`);
    }
  }
});

test('when autoscaling is off, the Deployment carries replicaCount and no HPA is rendered', async (t) => {
  const manifests = await template('token', { secrets: { existingSecret: 's' }, autoscaling: { enabled: false }, replicaCount: 3 });
  t.is(named<Deployment>(manifests, 'Deployment', 'tg-token').spec.replicas, 3);
  t.is(ofKind(manifests, 'HorizontalPodAutoscaler').length, 0);
});

test('every Service has named ports that reach ports its pods declare, and selects only its own pods', async (t) => {
  const manifests = await template('tollgate', existingSecretValues);
  const deployments = ofKind<Deployment>(manifests, 'Deployment');
  for (const name of DEPLOYABLES) {
    const service = named<Service>(manifests, 'Service', `tg-${name}`);
    const deployment = named<Deployment>(manifests, 'Deployment', `tg-${name}`);
    const declared = deployment.spec.template.spec.containers[0].ports ?? [];
    for (const port of service.spec.ports) {
      t.truthy(port.name, `${name}: unnamed port`);
      t.true(
        declared.some((p) => p.name === port.targetPort),
        `${name}: targetPort ${port.targetPort} is not a container port`,
      );
    }
    const expected = name === 'gateway' ? ['https'] : ['grpc', 'metrics'];
    t.deepEqual(
      service.spec.ports.map((p) => p.name),
      expected,
      name,
    );
    for (const other of deployments) {
      t.is(
        selects({ matchLabels: service.spec.selector }, other.spec.template.metadata.labels),
        other === deployment,
        `${name} Service vs ${other.metadata.name}`,
      );
    }
  }
  // The gateway's metrics port: an internal Service of its own, never the public one.
  const metrics = named<Service>(manifests, 'Service', 'tg-gateway-metrics');
  const gateway = named<Deployment>(manifests, 'Deployment', 'tg-gateway');
  t.is(metrics.spec.type, 'ClusterIP');
  t.deepEqual(metrics.spec.ports, [{ name: 'metrics', port: METRICS_PORT, targetPort: 'metrics', protocol: 'TCP' }]);
  t.is(gateway.spec.template.spec.containers[0].ports?.find((p) => p.name === 'metrics')?.containerPort, METRICS_PORT);
  for (const other of deployments)
    t.is(selects({ matchLabels: metrics.spec.selector }, other.spec.template.metadata.labels), other === gateway, other.metadata.name);
  t.deepEqual(
    ofKind<Service>(manifests, 'Service')
      .map((s) => s.metadata.name)
      .sort(),
    [...DEPLOYABLES.map((d) => `tg-${d}`), 'tg-gateway-metrics'].sort(),
  );
});

test('when metrics are off, the gateway has no metrics port, Service or scrape rule, and METRICS_PORT is 0', async (t) => {
  const manifests = await template('gateway', {
    secrets: { existingSecret: 's' },
    metrics: { enabled: false, serviceMonitor: { enabled: true } },
  });
  t.deepEqual(
    ofKind<Service>(manifests, 'Service').map((s) => s.metadata.name),
    ['tg-gateway'],
  );
  t.is(ofKind(manifests, 'ServiceMonitor').length, 0);
  t.deepEqual(
    named<Deployment>(manifests, 'Deployment', 'tg-gateway').spec.template.spec.containers[0].ports?.map((p) => p.name),
    ['https'],
  );
  t.is(named(manifests, 'ConfigMap', 'tg-gateway').data?.METRICS_PORT, '0');
  const policy = named<NetworkPolicy>(manifests, 'NetworkPolicy', 'tg-gateway');
  t.false((policy.spec.ingress ?? []).some((r) => r.ports?.some((p) => p.port === METRICS_PORT)));
});

test('the gateway alone is exposed: only its Service may leave ClusterIP and only it has an Ingress', async (t) => {
  const manifests = await template('tollgate', {
    ...existingSecretValues,
    gateway: { service: { type: 'LoadBalancer' }, ingress: { enabled: true, hostname: 'api.tollgate.example.com' } },
  });
  for (const service of ofKind<Service>(manifests, 'Service')) {
    t.is(service.spec.type, service.metadata.name === 'tg-gateway' ? 'LoadBalancer' : 'ClusterIP', service.metadata.name);
  }
  // The exposed Service carries HTTPS alone: the metrics port stays inside the cluster.
  t.deepEqual(
    named<Service>(manifests, 'Service', 'tg-gateway').spec.ports.map((p) => p.name),
    ['https'],
  );
  const ingresses = ofKind<Ingress>(manifests, 'Ingress');
  t.deepEqual(
    ingresses.map((i) => i.metadata.name),
    ['tg-gateway'],
  );
  const [ingress] = ingresses;
  t.deepEqual(ingress.spec.tls, [{ hosts: ['api.tollgate.example.com'], secretName: 'tg-gateway-tls' }]);
  t.deepEqual(ingress.spec.rules[0].http.paths[0].backend.service, { name: 'tg-gateway', port: { name: 'https' } });

  // Only the gateway's NetworkPolicy admits traffic from any source.
  for (const policy of ofKind<NetworkPolicy>(manifests, 'NetworkPolicy')) {
    const open = (policy.spec.ingress ?? []).filter((rule) => !rule.from || rule.from.length === 0);
    t.is(open.length, policy.metadata.name === 'tg-gateway' ? 1 : 0, policy.metadata.name);
  }
});

test('when ServiceMonitors are on, Prometheus scrapes every deployable over HTTP on its metrics port, the gateway through its internal metrics Service', async (t) => {
  const manifests = await template('tollgate', everythingOn);
  type Monitor = K8sObject & {
    spec: {
      jobLabel: string;
      selector: { matchLabels: Record<string, string> };
      endpoints: { port: string; scheme: string; path: string; tlsConfig?: unknown }[];
    };
  };
  for (const name of DEPLOYABLES) {
    const monitor = named<Monitor>(manifests, 'ServiceMonitor', `tg-${name}`);
    const service = named<Service>(manifests, 'Service', name === 'gateway' ? 'tg-gateway-metrics' : `tg-${name}`);
    t.true(selects(monitor.spec.selector, service.metadata.labels ?? {}), name);
    t.deepEqual(monitor.spec.endpoints.length, 1, name);
    const [endpoint] = monitor.spec.endpoints;
    t.like(endpoint, { port: 'metrics', scheme: 'http', path: '/metrics' }, name);
    t.is(endpoint.tlsConfig, undefined, name);
    const servicePort = service.spec.ports.find((p) => p.name === endpoint.port);
    t.is(servicePort?.port, METRICS_PORT, name);
    // The job label (alerts match job="gateway", ...) is the deployable's name.
    t.is(service.metadata.labels?.[monitor.spec.jobLabel], name);
  }
  // The gateway's monitor never selects its public Service.
  const gatewayMonitor = named<Monitor>(manifests, 'ServiceMonitor', 'tg-gateway');
  t.false(selects(gatewayMonitor.spec.selector, named<Service>(manifests, 'Service', 'tg-gateway').metadata.labels ?? {}));
  t.is(named(manifests, 'ConfigMap', 'tg-gateway').data?.METRICS_PORT, String(METRICS_PORT));
  type Rule = K8sObject & { spec: { groups: { rules: { alert: string; expr: string }[] }[] } };
  const [rule] = ofKind<Rule>(manifests, 'PrometheusRule');
  const alerts = rule.spec.groups.flatMap((g) => g.rules);
  t.true(alerts.some((a) => a.expr.includes('grpc_server_handled_total')));
  t.true(alerts.some((a) => a.expr.includes('grpc_server_handling_seconds_bucket')));
  t.true(alerts.some((a) => a.expr.includes('rate_limit_hits_total')));
  t.true(
    alerts.every((a) => a.expr.includes('namespace="tollgate"')),
    'every alert is scoped to the release namespace',
  );
});

test('when the gateway is given a certificate Secret, it serves it from a read-only mount', async (t) => {
  const manifests = await template('tollgate', everythingOn);
  const pod = named<Deployment>(manifests, 'Deployment', 'tg-gateway').spec.template.spec;
  t.deepEqual(pod.volumes?.find((v) => v.name === 'tls')?.secret, { secretName: 'gateway-tls', defaultMode: 0o440 });
  t.deepEqual(
    pod.containers[0].volumeMounts?.find((m) => m.name === 'tls'),
    { name: 'tls', mountPath: '/etc/tollgate/tls', readOnly: true },
  );
  const config = named(manifests, 'ConfigMap', 'tg-gateway').data ?? {};
  t.is(config.TLS_CERT, '/etc/tollgate/tls/tls.crt');
  t.is(config.TLS_KEY, '/etc/tollgate/tls/tls.key');
});

test('when budget is given a price table, it is mounted and PRICE_TABLE_FILE points at it', async (t) => {
  const manifests = await template('tollgate', everythingOn);
  const prices = named(manifests, 'ConfigMap', 'tg-budget-prices');
  t.is(prices.data?.['price-table.json'], '{"openai":{}}');
  const pod = named<Deployment>(manifests, 'Deployment', 'tg-budget').spec.template.spec;
  t.is(pod.volumes?.find((v) => v.name === 'prices')?.configMap?.name, 'tg-budget-prices');
  t.is(named(manifests, 'ConfigMap', 'tg-budget').data?.PRICE_TABLE_FILE, '/etc/tollgate/prices/price-table.json');
});

test('the production example of deploy/README.md renders as described', async (t) => {
  const example = path.join(repoRoot, 'deploy/helm/examples/production.yaml');
  const manifests = await template('tollgate', {}, { valuesFile: example, release: 'tollgate' });
  for (const name of DEPLOYABLES) {
    if (name === 'gateway') continue;
    const env = named<Deployment>(manifests, 'Deployment', `tollgate-${name}`).spec.template.spec.containers[0].env ?? [];
    t.like(env.find((e) => e.name === 'MONGO_URL')?.valueFrom?.secretKeyRef, {
      name: 'tollgate',
      key: `${name.toUpperCase().replace('-', '_')}_MONGO_URL`,
    });
    const policy = named<NetworkPolicy>(manifests, 'NetworkPolicy', `tollgate-${name}`);
    t.true(
      (policy.spec.egress ?? []).some(
        (r) => r.ports?.some((p) => p.port === 27017) && r.to?.[0]?.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'mongodb',
      ),
      name,
    );
  }
  t.is(ofKind(manifests, 'ServiceMonitor').length, DEPLOYABLES.length);
  t.is(ofKind(manifests, 'PrometheusRule').length, 1);
  t.is(named<Ingress>(manifests, 'Ingress', 'tollgate-gateway').spec.rules[0].host, 'api.tollgate.example.com');
  const gateway = named<NetworkPolicy>(manifests, 'NetworkPolicy', 'tollgate-gateway');
  t.true(
    (gateway.spec.ingress ?? []).every((r) => (r.from ?? []).length > 0),
    'the gateway admits only the ingress controller and Prometheus',
  );
});
