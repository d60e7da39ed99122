import { testEnv } from '../support/env.js';
import { startProcessMesh, type ProcessMesh } from '../support/process-mesh.js';
import type { ServiceName } from '@tollgate/devkit';

export type BenchMesh = ProcessMesh;

/** The mesh as separate processes on fresh infrastructure (see startProcessMesh). */
export function startBenchMesh(overrides: Partial<Record<ServiceName | 'gateway', Record<string, string>>> = {}): Promise<BenchMesh> {
  return startProcessMesh({ env: overrides });
}

export interface Result {
  name: string;
  count: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
}

/** Runs fn with `concurrency` workers for `durationMs` (after a short warm-up) and reports latency percentiles. */
export async function measure(
  name: string,
  opts: { concurrency: number; durationMs: number; warmupMs?: number },
  fn: () => Promise<unknown>,
): Promise<Result> {
  const run = async (ms: number, record: boolean) => {
    const latencies: number[] = [];
    let errors = 0;
    const until = performance.now() + ms;
    const worker = async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          await fn();
          if (record) latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
    return { latencies, errors, elapsed: performance.now() - started };
  };
  await run(opts.warmupMs ?? 500, false);
  const { latencies, errors, elapsed } = await run(opts.durationMs, true);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return { name, count: latencies.length, errors, rps: (latencies.length / elapsed) * 1000, p50: pct(50), p99: pct(99) };
}

export function printTable(title: string, rows: Result[]): void {
  const lines = [
    `\n${title}`,
    `${'operation'.padEnd(52)} ${'requests'.padStart(9)} ${'errors'.padStart(7)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
    ...rows.map(
      (r) =>
        `${r.name.padEnd(52)} ${String(r.count).padStart(9)} ${String(r.errors).padStart(7)} ${r.rps.toFixed(0).padStart(9)} ${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(8)}`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Fails the benchmark loudly when a response is not what the scenario expects. */
export function expectStatus(res: { status: number; text: string }, status: number): void {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text.slice(0, 200)}`);
}

export { testEnv };
