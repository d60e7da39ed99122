import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Option, type Command } from 'commander';
import type { ApiClient } from '../client.js';
import type { CliContext, ContextOf } from '../context.js';
import { readList, type Page } from '../pages.js';
import { CliError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { instant, integer } from '../options.js';
import { calls } from '../operations.js';

/** An audit event as the gateway shows it (the listing, GET by id and each NDJSON export line). */
interface AuditEvent {
  id: string;
  seq: number;
  at: string;
  actor: { type: string; id: string | null };
  action: string;
  resource: { type: string; id: string | null };
  outcome: string;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  source: string;
  details: Record<string, unknown>;
  hash: string;
  prev_hash: string;
}

/** What GET /v1/audit/verify answers. */
interface Verification {
  ok: boolean;
  checked: number;
  first_bad_id: string | null;
}

const OUTCOMES = ['success', 'failure', 'denied'];
const FORMATS = ['ndjson', 'csv'];

/** How often `tail --follow` asks for new events. */
const POLL_MS = 1_500;
/** The page size `tail --follow` reads new events with. */
const FOLLOW_PAGE = 100;

/** The filters the listing and the export take, as options. */
interface FilterOptions {
  action?: string;
  actor?: string;
  resourceType?: string;
  resourceId?: string;
  outcome?: string;
  from?: string;
  to?: string;
}

function withFilters(cmd: Command, window = true): Command {
  cmd
    .option('--action <action>', 'only this action, e.g. user.created or auth.login.succeeded')
    .option('--actor <id>', 'only events of this actor (a user, token, agent or service id)')
    .option('--resource-type <type>', 'only events on this kind of resource, e.g. user, token, agent, session')
    .option('--resource-id <id>', 'only events on the resource with this id')
    .addOption(new Option('--outcome <outcome>', 'only events with this outcome').choices(OUTCOMES));
  if (window) {
    cmd
      .option('--from <time>', 'only events at or after this time: RFC 3339, a UTC date, or a span ago like 15m, 2h, 7d')
      .option('--to <time>', 'only events at or before this time (same forms as --from)');
  }
  return cmd;
}

/** The query parameters of the filters given (times checked and made RFC 3339 before anything is sent). */
function filterQuery(opts: FilterOptions): Record<string, string | undefined> {
  return {
    action: opts.action,
    actor_id: opts.actor,
    resource_type: opts.resourceType,
    resource_id: opts.resourceId,
    outcome: opts.outcome,
    from: opts.from === undefined ? undefined : instant(opts.from, '--from'),
    to: opts.to === undefined ? undefined : instant(opts.to, '--to'),
  };
}

/** The URL of one event; its id is encoded as given (the gateway checks its form). */
const eventPath = (id: string) => `/v1/audit/events/${encodeURIComponent(id.trim())}`;

/** RFC 3339 → "2025-01-31 12:00:05 UTC": an audit log wants the seconds. */
export function at(value: string): string {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const party = (p: { type: string; id: string | null }) => (p.id ? `${p.type}:${p.id}` : p.type || '—');
const detailsOf = (e: AuditEvent) => (Object.keys(e.details).length > 0 ? JSON.stringify(e.details) : '—');

/** The columns of `list` and `tail`; the last one is never padded. */
const COLUMNS: { header: string; width: number; value: (e: AuditEvent) => string }[] = [
  { header: 'SEQ', width: 6, value: (e) => String(e.seq) },
  { header: 'AT', width: 23, value: (e) => at(e.at) },
  { header: 'ACTION', width: 28, value: (e) => e.action },
  { header: 'OUTCOME', width: 7, value: (e) => e.outcome },
  { header: 'ACTOR', width: 30, value: (e) => party(e.actor) },
  { header: 'RESOURCE', width: 30, value: (e) => party(e.resource) },
  { header: 'ID', width: 36, value: (e) => e.id },
  { header: 'DETAILS', width: 0, value: detailsOf },
];

function showEvent(ctx: CliContext, e: AuditEvent): void {
  ctx.out.fields([
    ['ID', e.id],
    ['Seq', String(e.seq)],
    ['At', at(e.at)],
    ['Action', e.action],
    ['Outcome', e.outcome],
    ['Actor', party(e.actor)],
    ['Resource', party(e.resource)],
    ['Source', e.source],
    ['IP', e.ip ?? '—'],
    ['User agent', e.user_agent ?? '—'],
    ['Request ID', e.request_id ?? '—'],
    ['Details', detailsOf(e)],
    ['Hash', e.hash],
    ['Previous hash', e.prev_hash],
  ]);
}

async function list(ctx: CliContext, opts: FilterOptions & { limit?: string; cursor?: string; all?: boolean }): Promise<void> {
  const result = await readList<AuditEvent>(ctx, '/v1/audit/events', filterQuery(opts), opts);
  const items = result.items;
  ctx.out.result(result, () => {
    if (items.length === 0) ctx.out.line(result.next_cursor ? 'No events among the latest scanned.' : 'No events.');
    else ctx.out.table(items, COLUMNS);
    if (result.next_cursor) ctx.out.note(`More events may match: run again with --cursor ${result.next_cursor}, or use --all.`);
  });
}

async function get(ctx: CliContext, id: string): Promise<void> {
  const e = await (await ctx.client()).call<AuditEvent>('GET', eventPath(id));
  ctx.out.result(e, () => showEvent(ctx, e));
}

/** A broken chain is printed, then ends the command with ExitCode.CheckFailed. */
async function verify(ctx: CliContext, opts: Pick<FilterOptions, 'from' | 'to'>): Promise<void> {
  const { from, to } = filterQuery(opts);
  const client = await ctx.client();
  const r = await client.call<Verification>('GET', '/v1/audit/verify', { query: { from, to } });
  if (r.ok) {
    ctx.out.result(r, () => ctx.out.line(`ok: the hash chain holds (${r.checked} events checked).`));
    return;
  }
  const badId = r.first_bad_id ?? '?';
  // What the first bad event is, when it can still be read; the verdict stands without it.
  const bad =
    !ctx.out.json && r.first_bad_id ? await client.call<AuditEvent>('GET', eventPath(r.first_bad_id)).catch(() => undefined) : undefined;
  ctx.out.result(r, () => {
    ctx.out.line('BROKEN: the hash chain does not hold.');
    ctx.out.fields([
      ['Checked', `${r.checked} events`],
      ['First bad event', bad ? `${badId} (seq ${bad.seq}, ${at(bad.at)}, ${bad.action})` : badId],
    ]);
  });
  throw new CliError(
    `the audit log's hash chain is broken at event ${badId}: it was modified, or an event before it was deleted or moved ` +
      `— see \`tollgate audit get ${badId}\``,
    ExitCode.CheckFailed,
    'chain_broken',
  );
}

/** A new file for the export, or a UsageError naming the path (nothing is sent then). */
async function openOutput(file: string, shown: string): Promise<WriteStream> {
  const stream = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  try {
    await once(stream, 'open');
  } catch (err) {
    throw new UsageError(`cannot write ${shown} (${(err as NodeJS.ErrnoException).code ?? 'error'}) — check --output`);
  }
  return stream;
}

/**
 * Streams the export to stdout, or to --output: written beside it under a temporary name
 * and renamed over it once complete, so the file is never a truncated export.
 */
async function exportEvents(ctx: CliContext, opts: FilterOptions & { format: string; output?: string }): Promise<void> {
  const query = { ...filterQuery(opts), format: opts.format };
  const client = await ctx.client();
  if (opts.output === undefined || opts.output === '-') {
    await client.download('/v1/audit/export', process.stdout, { query });
    return;
  }
  const target = path.resolve(opts.output);
  const partial = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.partial`);
  const file = await openOutput(partial, target);
  try {
    await client.download('/v1/audit/export', file, { query });
    file.end();
    await finished(file);
    await rename(partial, target);
  } catch (err) {
    file.destroy();
    await rm(partial, { force: true });
    if (err instanceof CliError) throw err;
    throw new CliError(`cannot write ${target}: ${err instanceof Error ? err.message : String(err)}`, ExitCode.Unexpected, 'write_failed');
  }
  const result = { output: target, format: opts.format, bytes: file.bytesWritten };
  ctx.out.result(result, () => ctx.out.line(`Exported audit events to ${target} (${opts.format}, ${result.bytes} bytes).`));
}

/** How `tail` prints: NDJSON with --json, else rows under a header printed once. */
function tailPrinter(ctx: CliContext): (events: AuditEvent[]) => void {
  let headed = false;
  const row = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(COLUMNS[i].width)))
      .join('  ')
      .trimEnd();
  return (events) => {
    for (const e of events) {
      if (ctx.out.json) {
        ctx.out.line(JSON.stringify(e));
        continue;
      }
      if (!headed) ctx.out.line(row(COLUMNS.map((c) => c.header)));
      headed = true;
      ctx.out.line(row(COLUMNS.map((c) => c.value(e))));
    }
  };
}

type Lister = (query: Record<string, string | number | undefined>) => Promise<Page<AuditEvent>>;

/**
 * The events with a seq above `last`, oldest first. The listing is newest first, so pages
 * are followed only while a whole page is new. A page cut short by the gateway (it scans
 * 4,096 events of the log per request) ends the search too: fewer events than that arrive
 * between two polls, so the scan has reached `last`.
 */
async function newerThan(listPage: Lister, filter: Record<string, string | undefined>, last: number): Promise<AuditEvent[]> {
  const found: AuditEvent[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await listPage({ ...filter, limit: FOLLOW_PAGE, cursor });
    const newer = page.items.filter((e) => e.seq > last);
    found.push(...newer);
    if (newer.length < FOLLOW_PAGE || !page.next_cursor || seen.has(page.next_cursor)) break;
    seen.add(page.next_cursor);
    cursor = page.next_cursor;
  }
  return found.sort((a, b) => a.seq - b.seq);
}

/** `work`'s result, or undefined as soon as `signal` aborts (its late failure is then ignored). */
function unlessStopped<T>(work: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/**
 * Prints the latest events oldest first; with --follow, keeps asking for newer ones every
 * POLL_MS until SIGINT or SIGTERM, which end it with status 0 (the only way it ends).
 * New means a seq above the highest seen: the log's seq grows with every append.
 */
async function tail(ctx: CliContext, opts: FilterOptions & { limit?: string; follow?: boolean }): Promise<void> {
  const limit = opts.limit === undefined ? 10 : integer(opts.limit, '--limit', 1, 100);
  const filter = filterQuery(opts);
  const client: ApiClient = await ctx.client();
  const listPage: Lister = (query) => client.call<Page<AuditEvent>>('GET', '/v1/audit/events', { query });
  const print = tailPrinter(ctx);

  // The log's head before the first listing: a rare filter's listing may show nothing to start from.
  const head = opts.follow ? ((await listPage({ limit: 1 })).items.at(0)?.seq ?? 0) : 0;
  const latest = (await listPage({ ...filter, limit })).items.sort((a, b) => a.seq - b.seq);
  print(latest);
  if (!opts.follow) {
    if (latest.length === 0 && !ctx.out.json) ctx.out.line('No events.');
    return;
  }

  let last = Math.max(head, ...latest.map((e) => e.seq));
  const stop = new AbortController();
  // Kept until the end: a second signal (Ctrl-C reaches bin/tollgate.js's child twice) changes nothing.
  const onSignal = () => stop.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  ctx.out.note('Following new events (Ctrl-C to stop)…');
  try {
    while (!stop.signal.aborted) {
      await sleep(POLL_MS, undefined, { signal: stop.signal }).catch(() => undefined);
      if (stop.signal.aborted) break;
      const fresh = await unlessStopped(newerThan(listPage, filter, last), stop.signal);
      if (fresh === undefined) break;
      print(fresh);
      last = fresh.at(-1)?.seq ?? last;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function registerAuditCommands(program: Command, contextOf: ContextOf): void {
  const audit = program.command('audit').description('read, verify and export the audit log (admins)');

  withFilters(calls(audit.command('list'), 'GET /v1/audit/events').description('list audit events, newest first'))
    .option('--limit <n>', 'page size (1-100, default 20)')
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--all', 'follow every page')
    .action((opts: Parameters<typeof list>[1], cmd: Command) => list(contextOf(cmd), opts));

  calls(audit.command('get'), 'GET /v1/audit/events/{id}')
    .description('show one audit event with its details and hashes')
    .argument('<id>', 'event id')
    .action((id: string, _opts, cmd: Command) => get(contextOf(cmd), id));

  calls(audit.command('verify'), 'GET /v1/audit/verify')
    .description(`recompute the hash chain: prints ok, or the first event that does not fit and exits ${ExitCode.CheckFailed}`)
    .option('--from <time>', 'check only events at or after this time: RFC 3339, a UTC date, or a span ago like 15m, 2h, 7d')
    .option('--to <time>', 'check only events at or before this time (same forms as --from)')
    .action((opts: Parameters<typeof verify>[1], cmd: Command) => verify(contextOf(cmd), opts));

  withFilters(
    calls(audit.command('export'), 'GET /v1/audit/export').description('export audit events, oldest first, streamed to stdout or a file'),
  )
    .addOption(new Option('--format <format>', 'NDJSON (one event per line) or CSV (a header row)').choices(FORMATS).default('ndjson'))
    .option('--output <file>', 'write to this file (mode 0600; replaced only once the export is complete) instead of stdout')
    .action((opts: Parameters<typeof exportEvents>[1], cmd: Command) => exportEvents(contextOf(cmd), opts));

  withFilters(
    calls(audit.command('tail'), 'GET /v1/audit/events').description(
      'print the latest events, oldest first; with --follow keep printing new ones until Ctrl-C (--json: one event per line)',
    ),
    false,
  )
    .option('--limit <n>', 'how many of the latest events to print first (1-100, default 10)')
    .option('-f, --follow', `keep polling (every ${POLL_MS / 1000} s) and print new events as they arrive; Ctrl-C or SIGTERM ends it`)
    .action((opts: Parameters<typeof tail>[1], cmd: Command) => tail(contextOf(cmd), opts));
}
