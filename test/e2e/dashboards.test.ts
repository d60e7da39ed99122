import test from 'ava';
import { freePort } from '@tollgate/devkit';
import { SERVICE_NAMES, type ServiceName } from '@tollgate/platform';
import { dashboards, expressions, exportedSeries, metricNames, type Dashboard } from '../../deploy/test/support/dashboards.js';
import { template } from '../../deploy/test/support/helm.js';
import { existingSecretValues, ofKind, type K8sObject } from '../../deploy/test/support/k8s.js';
import { startStack, type Stack } from '../support/stack.js';

// The dashboards (deploy/grafana) and the alerts (the umbrella chart's PrometheusRule) read
// only metrics the mesh really exports: the names are taken from the /metrics of every
// process of a running mesh, where each metric is declared (`# TYPE`) from start-up, with
// or without samples yet.

type Deployable = ServiceName | 'gateway';
/** Series Tollgate does not export but its alerts read: Prometheus' own and kube-state-metrics'. */
const EXTERNAL = ['up', 'kube_pod_container_status_restarts_total'];

let stack: Stack;
const exported = new Set<string>(EXTERNAL);

test.before(async () => {
  const ports = {} as Record<Deployable, number>;
  for (const name of [...SERVICE_NAMES, 'gateway'] as Deployable[]) ports[name] = await freePort();
  stack = await startStack({
    env: Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, { METRICS_PORT: String(port) }])),
  });
  for (const port of Object.values(ports)) {
    for (const series of exportedSeries(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())) exported.add(series);
  }
});
test.after.always(async () => {
  await stack?.close();
});

/** `where: name` for every name an expression reads that the mesh does not export. */
const unknown = (where: string, exprs: string[]) =>
  exprs.flatMap((expr) => metricNames(expr).filter((name) => !exported.has(name))).map((name) => `${where}: ${name}`);

const alertExpressions = async () => {
  const manifests = await template('tollgate', { ...existingSecretValues, prometheusRule: { enabled: true } });
  type Rule = K8sObject & { spec: { groups: { rules: { alert: string; expr: string }[] }[] } };
  return ofKind<Rule>(manifests, 'PrometheusRule')[0].spec.groups.flatMap((g) => g.rules);
};

test('every dashboard panel and variable reads only metrics the mesh exports', (t) => {
  t.true(exported.has('http_requests_total') && exported.has('spend_usd_total'), 'the gateway and the services were scraped');
  t.deepEqual(
    [...dashboards()].flatMap(([file, dashboard]) => unknown(file, expressions(dashboard))),
    [],
  );
});

test('every alert reads only metrics the mesh exports', async (t) => {
  t.deepEqual(
    (await alertExpressions()).flatMap((rule) => unknown(rule.alert, [rule.expr])),
    [],
  );
});

test('when a dashboard reads a made-up metric or a histogram by its bare name, the check names them', (t) => {
  const broken = structuredClone(dashboards().get('overview.json')!) satisfies Dashboard;
  broken.panels.push({
    id: 99,
    title: 'broken',
    targets: [
      { expr: 'sum by (job) (rate(tollgate_made_up_total{namespace="$namespace"}[$__rate_interval]))' },
      { expr: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds[5m])))' },
    ],
  });
  t.deepEqual(unknown('broken', expressions(broken)), ['broken: tollgate_made_up_total', 'broken: http_request_duration_seconds']);
});

test('every metric Tollgate exports is on a dashboard', (t) => {
  // A histogram is shown when any of its series is read.
  const family = (series: string) => {
    const base = series.replace(/_(bucket|sum|count)$/, '');
    return exported.has(`${base}_count`) ? base : series;
  };
  const read = new Set([...dashboards().values()].flatMap((d) => expressions(d).flatMap(metricNames)).map(family));
  const ours = [...exported].filter((name) => !EXTERNAL.includes(name) && !/^(process|nodejs)_/.test(name)).map(family);
  t.deepEqual(
    [...new Set(ours)].filter((name) => !read.has(name)),
    [],
  );
});
