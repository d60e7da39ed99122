import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './helm.js';

// The Grafana dashboards the umbrella chart ships (deploy/grafana is a link to the same
// directory), and the metric names their PromQL reads.

export const dashboardsDir = path.join(repoRoot, 'deploy/helm/tollgate/dashboards');

export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  templating: { list: { name: string; type: string; query: string }[] };
  panels: { id: number; title: string; targets: { expr: string }[] }[];
}

/** Every dashboard by file name (`overview.json`, ...). */
export function dashboards(): Map<string, Dashboard> {
  const files = fs.readdirSync(dashboardsDir).filter((f) => f.endsWith('.json'));
  return new Map(files.map((f) => [f, JSON.parse(fs.readFileSync(path.join(dashboardsDir, f), 'utf8')) as Dashboard]));
}

/** The PromQL of a dashboard: each panel's targets, and the selector of each `label_values(...)` variable. */
export function expressions(dashboard: Dashboard): string[] {
  const variables = dashboard.templating.list
    .filter((v) => v.type === 'query')
    .map((v) => /^label_values\((.+),\s*\w+\)$/.exec(v.query)?.[1] ?? v.query);
  return [...variables, ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr))];
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'and', 'or', 'unless']);

/**
 * The series names an expression selects: identifiers left once strings, label matchers,
 * grouping clauses, ranges and Grafana variables are gone, minus functions and aggregations
 * (an identifier followed by `(`) and keywords. `foo_bucket` stays `foo_bucket`: the
 * exporter's names are compared as series, so a histogram's bare name is caught too.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\boffset\s+\S+/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.])([A-Za-z_:][\w:]*)(\s*\()?/g)) {
    if (!m[2] && !KEYWORDS.has(m[1]) && !/^(inf|nan)$/i.test(m[1])) names.add(m[1]);
  }
  return [...names];
}

/** Series names a Prometheus text exposition declares: a histogram's `_bucket`, `_sum` and `_count`, a summary's quantiles, `_sum` and `_count`, else the name. */
export function exportedSeries(exposition: string): Set<string> {
  const series = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) series.add(name + suffix);
    else if (type === 'summary') for (const suffix of ['', '_sum', '_count']) series.add(name + suffix);
    else series.add(name);
  }
  return series;
}
