import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from './k8s.js';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');

/** scripts/ensure-tools.sh builds it into .tools/bin; HELM_BIN points elsewhere. */
export const helmBin = process.env.HELM_BIN ?? path.join(repoRoot, '.tools/bin/helm');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = repoRoot): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- execFile's error is an Error; its Omit<>-built type hides that
        reject(err);
        return;
      }
      resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
    });
  });
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-helm-'));
process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));

// Helm keeps its caches and repository list under XDG dirs; keep them out of $HOME.
const helmEnv = {
  HELM: helmBin,
  XDG_CACHE_HOME: path.join(scratch, 'xdg/cache'),
  XDG_CONFIG_HOME: path.join(scratch, 'xdg/config'),
  XDG_DATA_HOME: path.join(scratch, 'xdg/data'),
};

export function helm(args: string[]): Promise<RunResult> {
  return run(helmBin, args, helmEnv);
}

let prepared: Promise<string> | undefined;

/**
 * A copy of deploy/helm with every dependency vendored by the same script an operator
 * runs (deploy/helm/build-dependencies.sh), so tests never write into the tree. Made
 * once per test file.
 */
export function charts(): Promise<string> {
  prepared ??= (async () => {
    const dir = path.join(scratch, 'helm');
    fs.cpSync(path.join(repoRoot, 'deploy/helm'), dir, {
      recursive: true,
      filter: (src) => !/[/\\]charts$|Chart\.lock$/.test(src),
    });
    const built = await run('bash', [path.join(dir, 'build-dependencies.sh'), dir], helmEnv);
    if (built.code !== 0) throw new Error(`build-dependencies.sh failed:\n${built.stderr}`);
    return dir;
  })();
  return prepared;
}

export type Values = Record<string, unknown>;

let valuesFiles = 0;
function valuesFile(values: Values): string {
  const file = path.join(scratch, `values-${++valuesFiles}.json`);
  fs.writeFileSync(file, JSON.stringify(values)); // JSON is YAML
  return file;
}

export interface TemplateOptions {
  release?: string;
  namespace?: string;
  /** A values file to apply before `values` (as `helm -f file` would). */
  valuesFile?: string;
}

async function templateRun(chart: string, values: Values, opts: TemplateOptions): Promise<RunResult> {
  const dir = await charts();
  return helm([
    'template',
    opts.release ?? 'tg',
    path.join(dir, chart),
    '--namespace',
    opts.namespace ?? 'tollgate',
    ...(opts.valuesFile ? ['--values', opts.valuesFile] : []),
    '--values',
    valuesFile(values),
  ]);
}

/** `helm template` of a chart; the parsed manifests, or a thrown error with helm's message. */
export async function template(chart: string, values: Values = {}, opts: TemplateOptions = {}): Promise<K8sObject[]> {
  const result = await templateRun(chart, values, opts);
  if (result.code !== 0) throw new Error(`helm template ${chart} failed:\n${result.stderr}`);
  return parseManifests(result.stdout);
}

/** `helm template` that must fail; helm's error message. */
export async function templateFailure(chart: string, values: Values = {}, opts: TemplateOptions = {}): Promise<string> {
  const result = await templateRun(chart, values, opts);
  if (result.code === 0) throw new Error(`helm template ${chart} succeeded but should have failed`);
  return result.stderr;
}

/** Raw `helm template` output: the `# Source:` comments name the template of each document. */
export async function templateText(chart: string, values: Values = {}, opts: TemplateOptions = {}): Promise<string> {
  const result = await templateRun(chart, values, opts);
  if (result.code !== 0) throw new Error(`helm template ${chart} failed:\n${result.stderr}`);
  return result.stdout;
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML from helm: ${doc.errors[0].message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((m): m is K8sObject => m !== null);
}

export function lint(chart: string, values: Values = {}): Promise<RunResult> {
  return charts().then((dir) => helm(['lint', '--strict', path.join(dir, chart), '--values', valuesFile(values)]));
}
