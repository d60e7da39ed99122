import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { dashboards, dashboardsDir, expressions, metricNames } from './support/dashboards.js';
import { repoRoot, template } from './support/helm.js';
import { existingSecretValues, ofKind, type K8sObject } from './support/k8s.js';

// The Grafana dashboards and the alerts' runbook: what the umbrella chart ships for the
// Grafana sidecar, and that every alert points at its row of deploy/README.md. (That their
// PromQL reads only metrics the processes export: test/e2e/dashboards.test.ts.)

const DASHBOARDS = ['overview', 'gateway', 'identity', 'token', 'budget', 'provider-key', 'audit', 'spend'];
const sidecarLabel = (m: K8sObject) => m.metadata.labels?.grafana_dashboard === '1';

test('deploy/grafana is the chart directory the ConfigMaps are read from: one source of truth', (t) => {
  t.is(fs.realpathSync(path.join(repoRoot, 'deploy/grafana')), fs.realpathSync(dashboardsDir));
  t.deepEqual([...dashboards().keys()].sort(), DASHBOARDS.map((d) => `${d}.json`).sort());
});

test('when dashboards are enabled, each is one ConfigMap with the sidecar label holding the dashboard JSON as written', async (t) => {
  const manifests = await template('tollgate', { ...existingSecretValues, grafana: { dashboards: { enabled: true } } });
  const maps = ofKind(manifests, 'ConfigMap').filter(sidecarLabel);
  t.deepEqual(maps.map((m) => m.metadata.name).sort(), DASHBOARDS.map((d) => `tg-dashboard-${d}`).sort());
  for (const [file, dashboard] of dashboards()) {
    const map = maps.find((m) => m.metadata.name === `tg-dashboard-${path.basename(file, '.json')}`)!;
    t.is(map.metadata.namespace, 'tollgate', file);
    t.deepEqual(Object.keys(map.data ?? {}), [file]);
    t.deepEqual(JSON.parse(map.data![file]), dashboard, file);
  }
});

test('when the sidecar watches another label or namespace, the ConfigMaps follow the values', async (t) => {
  const manifests = await template('tollgate', {
    ...existingSecretValues,
    grafana: {
      dashboards: {
        enabled: true,
        namespace: 'monitoring',
        label: 'example.com/dashboard',
        labelValue: 'tollgate',
        annotations: { grafana_folder: 'Tollgate' },
      },
    },
  });
  const maps = ofKind(manifests, 'ConfigMap').filter((m) => m.metadata.labels?.['example.com/dashboard'] === 'tollgate');
  t.is(maps.length, DASHBOARDS.length);
  for (const map of maps) {
    t.is(map.metadata.namespace, 'monitoring');
    t.is(map.metadata.labels?.grafana_dashboard, undefined);
    t.deepEqual(map.metadata.annotations, { grafana_folder: 'Tollgate' });
  }
});

test('when dashboards are left at their default, no ConfigMap carries the sidecar label', async (t) => {
  t.false((await template('tollgate', existingSecretValues)).some(sidecarLabel));
});

test('every dashboard has what Grafana needs and no more: a Prometheus datasource variable, unique panel ids, a query on every panel', (t) => {
  const uids = new Set<string>();
  for (const [file, dashboard] of dashboards()) {
    t.deepEqual(Object.keys(dashboard).sort(), ['panels', 'schemaVersion', 'tags', 'templating', 'title', 'uid'], file);
    uids.add(dashboard.uid);
    t.like(dashboard.templating.list[0], { name: 'datasource', type: 'datasource', query: 'prometheus' }, file);
    t.is(new Set(dashboard.panels.map((p) => p.id)).size, dashboard.panels.length, file);
    // Every query names at least one metric: one the extraction missed would escape the e2e check.
    for (const expr of expressions(dashboard)) t.true(metricNames(expr).length > 0, `${file}: ${expr}`);
  }
  t.is(uids.size, DASHBOARDS.length, 'every uid is distinct');
});

test('every alert links to its own row of the alerts table in deploy/README.md', async (t) => {
  const manifests = await template('tollgate', {
    ...existingSecretValues,
    prometheusRule: { enabled: true, runbookUrl: 'https://git.example.com/tollgate/deploy/README.md' },
  });
  type Rule = K8sObject & { spec: { groups: { rules: { alert: string; annotations: Record<string, string> }[] }[] } };
  const alerts = ofKind<Rule>(manifests, 'PrometheusRule')[0].spec.groups.flatMap((g) => g.rules);
  const readme = fs.readFileSync(path.join(repoRoot, 'deploy/README.md'), 'utf8');
  for (const { alert, annotations } of alerts) {
    t.is(annotations.runbook_url, `https://git.example.com/tollgate/deploy/README.md#${alert.toLowerCase()}`);
    t.regex(readme, new RegExp(`^\\| <a id="${alert.toLowerCase()}"></a>${alert} \\|`, 'm'), `${alert} has no row in deploy/README.md`);
  }
  for (const alert of ['TollgateOutboxStale', 'TollgateBudgetErrors', 'TollgateLoginFailuresHigh'])
    t.true(
      alerts.some((a) => a.alert === alert),
      alert,
    );
});
