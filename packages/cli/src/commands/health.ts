import type { Command } from 'commander';
import type { CliContext, ContextOf } from '../context.js';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { calls } from '../operations.js';

/** A dependency of the gateway as its check found it. */
interface Dependency {
  name: string;
  status: 'ok' | 'down';
  latency_ms: number;
  version: string | null;
  uptime_seconds: number | null;
  outboxes: { name: string; depth: number; oldest_age_seconds: number }[] | null;
  error: string | null;
}

interface DetailedHealth {
  status: 'ok' | 'degraded';
  gateway: { version: string; uptime_seconds: number };
  dependencies: Dependency[];
}

/** 93784 → "1d 2h": the two largest units from the first one that is not zero. */
function uptime(seconds: number): string {
  const units: [number, string][] = [
    [Math.floor(seconds / 86_400), 'd'],
    [Math.floor(seconds / 3_600) % 24, 'h'],
    [Math.floor(seconds / 60) % 60, 'm'],
    [seconds % 60, 's'],
  ];
  const first = units.findIndex(([n]) => n > 0);
  return first < 0
    ? '0s'
    : units
        .slice(first, first + 2)
        .map(([n, unit]) => `${n}${unit}`)
        .join(' ');
}

/** What a service's outboxes hold: "audit_outbox 3 (oldest 12s)", or "—" for none waiting (or no outboxes). */
function backlog(d: Dependency): string {
  const waiting = (d.outboxes ?? []).filter((o) => o.depth > 0);
  if (waiting.length === 0) return '—';
  return waiting.map((o) => `${o.name} ${o.depth} (oldest ${uptime(Math.floor(o.oldest_age_seconds))})`).join(', ');
}

/** A dependency that is down is shown, then ends the command with ExitCode.CheckFailed. */
async function health(ctx: CliContext): Promise<void> {
  const h = await (await ctx.client()).call<DetailedHealth>('GET', '/health/detailed');
  ctx.out.result(h, () => {
    ctx.out.fields([
      ['Gateway', `${h.gateway.version}, up ${uptime(h.gateway.uptime_seconds)}`],
      ['Status', h.status],
    ]);
    ctx.out.line();
    ctx.out.table(h.dependencies, [
      { header: 'NAME', value: (d) => d.name },
      { header: 'STATUS', value: (d) => d.status },
      { header: 'LATENCY', value: (d) => `${d.latency_ms} ms` },
      { header: 'VERSION', value: (d) => d.version ?? '—' },
      { header: 'UP', value: (d) => (d.uptime_seconds === null ? '—' : uptime(d.uptime_seconds)) },
      { header: 'BACKLOG', value: backlog },
      { header: 'ERROR', value: (d) => d.error ?? '' },
    ]);
  });
  const down = h.dependencies.filter((d) => d.status === 'down').map((d) => d.name);
  if (down.length > 0)
    throw new CliError(`degraded: ${down.join(', ')} ${down.length === 1 ? 'is' : 'are'} down`, ExitCode.CheckFailed, 'degraded');
}

export function registerHealthCommands(program: Command, contextOf: ContextOf): void {
  calls(program.command('health'), 'GET /health/detailed')
    .description(
      `the gateway's dependencies — Redis and every service — with their status, latency, version, uptime and ` +
        `outbox backlog (admins); ` +
        `exits ${ExitCode.CheckFailed} when one is down`,
    )
    .action((_opts: unknown, cmd: Command) => health(contextOf(cmd)));
}
