import type { Command } from 'commander';
import type { CliContext, ContextOf } from '../context.js';
import { readList, type PageOptions } from '../pages.js';
import { CliError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { collectList } from '../options.js';
import { when } from '../output.js';
import { confirm, interactive } from '../prompt.js';
import { calls } from '../operations.js';
import { at } from './audit.js';

/** A webhook endpoint as the gateway shows it; its signing secret only in what create answers. */
interface Webhook {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  description: string;
  created_at: string;
  updated_at: string;
  delivery: {
    cursor_seq: number;
    retrying_event_id: string | null;
    retrying_attempts: number;
    next_attempt_at: string | null;
    dead_letters: number;
  };
}

/** One attempt to deliver an event to an endpoint (or, with --dead, an event given up on). */
interface Delivery {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  at: string;
  status: 'delivered' | 'failed' | 'dead';
  http_status: number | null;
  error: string | null;
  latency_ms: number;
  redelivery: boolean;
}

/** The events an endpoint may be sent, as the gateway takes them (docs/webhooks.md). */
const EVENTS = [
  'budget.threshold',
  'budget.exhausted',
  'budget.request.created',
  'budget.request.approved',
  'budget.request.rejected',
  'token.expiring',
  'provider_key.rotated',
];

/** `--events` checked against the known events before anything is sent. */
function events(list: string[] | undefined): string[] | undefined {
  if (list === undefined) return undefined;
  if (list.length === 0) throw new UsageError(`--events needs at least one event: ${EVENTS.join(', ')}`);
  const unknown = list.filter((e) => !EVENTS.includes(e));
  if (unknown.length > 0) {
    throw new UsageError(`unknown event${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} — the events are ${EVENTS.join(', ')}`);
  }
  return list;
}

/**
 * The URL of an endpoint (`/v1/webhooks/{id}` and below). Its signing secret is refused, so a
 * secret pasted in place of the id never ends up in a URL and the gateway's logs.
 */
function webhookPath(id: string): string {
  const value = id.trim();
  if (value.startsWith('whsec_')) {
    throw new UsageError(
      'that is the endpoint’s signing secret — give its id (whk_…, as `tollgate webhook list` shows it; nothing was sent)',
    );
  }
  return `/v1/webhooks/${encodeURIComponent(value)}`;
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

function retrying(d: Webhook['delivery']): string {
  if (!d.retrying_event_id) return 'nothing';
  return `event ${d.retrying_event_id}, ${d.retrying_attempts} attempt(s) so far, next ${when(d.next_attempt_at)} (later events wait)`;
}

function showWebhook(ctx: CliContext, w: Webhook): void {
  ctx.out.fields([
    ['ID', w.id],
    ['URL', w.url],
    ['Events', w.events.join(', ')],
    ['Enabled', yesNo(w.enabled)],
    ['Description', w.description || '—'],
    ['Created', when(w.created_at)],
    ['Updated', when(w.updated_at)],
    ['Done up to seq', String(w.delivery.cursor_seq)],
    ['Retrying', retrying(w.delivery)],
    ['Dead letters', String(w.delivery.dead_letters)],
  ]);
}

function showDelivery(ctx: CliContext, d: Delivery): void {
  ctx.out.fields([
    ['Event ID', d.event_id],
    ['Event type', d.event_type],
    ['Webhook ID', d.webhook_id],
    ['At', at(d.at)],
    ['Status', d.status],
    ['HTTP status', d.http_status === null ? '— (no answer)' : String(d.http_status)],
    ['Error', d.error ?? '—'],
    ['Latency', `${d.latency_ms} ms`],
    ['Attempt', String(d.attempt)],
    ['Redelivery', yesNo(d.redelivery)],
  ]);
}

async function list(ctx: CliContext, opts: PageOptions): Promise<void> {
  const result = await readList<Webhook>(ctx, '/v1/webhooks', {}, opts);
  const items = result.items;
  ctx.out.result(result, () => {
    if (items.length === 0) ctx.out.line('No webhook endpoints.');
    else {
      ctx.out.table(items, [
        { header: 'ID', value: (w) => w.id },
        { header: 'ENABLED', value: (w) => yesNo(w.enabled) },
        { header: 'RETRYING', value: (w) => yesNo(w.delivery.retrying_event_id !== null) },
        { header: 'DEAD LETTERS', value: (w) => String(w.delivery.dead_letters) },
        { header: 'EVENTS', value: (w) => w.events.join(',') },
        { header: 'URL', value: (w) => w.url },
      ]);
    }
    if (result.next_cursor) ctx.out.note(`More webhook endpoints: run again with --cursor ${result.next_cursor}, or use --all.`);
  });
}

async function get(ctx: CliContext, id: string): Promise<void> {
  const path = webhookPath(id);
  const w = await (await ctx.client()).call<Webhook>('GET', path);
  ctx.out.result(w, () => showWebhook(ctx, w));
}

async function create(ctx: CliContext, opts: { url: string; events: string[]; description?: string; disabled?: boolean }): Promise<void> {
  const body = {
    url: opts.url,
    events: events(opts.events),
    ...(opts.disabled ? { enabled: false } : {}),
    ...(opts.description !== undefined ? { description: opts.description } : {}),
  };
  // Not retried once sent: a repeat would register a second endpoint, with another secret.
  const r = await (await ctx.client()).call<{ webhook: Webhook; secret: string }>('POST', '/v1/webhooks', { body, retry: 'unsent-only' });
  ctx.out.result(r, () => {
    showWebhook(ctx, r.webhook);
    ctx.out.line();
    ctx.out.line('Signing secret (shown only once — store it where the receiver can read it, it cannot be retrieved later):');
    ctx.out.line(r.secret);
  });
}

async function update(ctx: CliContext, id: string, opts: { url?: string; events?: string[]; description?: string }): Promise<void> {
  const path = webhookPath(id);
  const body = {
    ...(opts.url !== undefined ? { url: opts.url } : {}),
    ...(opts.events !== undefined ? { events: events(opts.events) } : {}),
    ...(opts.description !== undefined ? { description: opts.description } : {}),
  };
  if (Object.keys(body).length === 0) throw new UsageError('nothing to update — give --url, --events and/or --description');
  const w = await (await ctx.client()).call<Webhook>('PATCH', path, { body });
  ctx.out.result(w, () => showWebhook(ctx, w));
}

/** `enable` and `disable`: PATCH {enabled}; enabling again does not send what happened meanwhile. */
async function setEnabled(ctx: CliContext, id: string, enabled: boolean): Promise<void> {
  const path = webhookPath(id);
  const w = await (await ctx.client()).call<Webhook>('PATCH', path, { body: { enabled } });
  ctx.out.result(w, () => {
    ctx.out.line(
      enabled
        ? `Webhook endpoint ${w.id} enabled: it is sent the events that happen from now on (not those of while it was disabled).`
        : `Webhook endpoint ${w.id} disabled: it is sent nothing until it is enabled again.`,
    );
    showWebhook(ctx, w);
  });
}

async function remove(ctx: CliContext, id: string, opts: { yes?: boolean }): Promise<void> {
  if (!opts.yes && !interactive()) {
    throw new UsageError(
      `refusing to delete webhook endpoint ${id} without confirmation: stdin is not a terminal — pass --yes to delete it`,
    );
  }
  const path = webhookPath(id);
  const client = await ctx.client();
  if (!opts.yes) {
    // Show what is about to go (and fail early on a wrong id) before asking.
    const w = await client.call<Webhook>('GET', path);
    ctx.out.note(
      `Webhook endpoint ${w.url} (${w.id}, ${w.events.join(', ')}) will be deleted with its delivery log and ` +
        `${w.delivery.dead_letters} dead letter(s): nothing more is sent to it.`,
    );
    if (!(await confirm('Are you sure?'))) {
      ctx.out.result({ id, deleted: false }, () => ctx.out.line('Not deleted.'));
      return;
    }
  }
  await client.call('DELETE', path);
  ctx.out.result({ id, deleted: true }, () => ctx.out.line(`Webhook endpoint ${id} deleted.`));
}

async function deliveries(ctx: CliContext, id: string, opts: PageOptions & { dead?: boolean }): Promise<void> {
  const result = await readList<Delivery>(ctx, `${webhookPath(id)}/deliveries`, { status: opts.dead ? 'dead' : undefined }, opts);
  const items = result.items;
  ctx.out.result(result, () => {
    if (items.length === 0) ctx.out.line(opts.dead ? 'No dead letters.' : 'No deliveries.');
    else {
      ctx.out.table(items, [
        { header: 'AT', value: (d) => at(d.at) },
        { header: 'STATUS', value: (d) => d.status },
        { header: 'HTTP', value: (d) => (d.http_status === null ? '—' : String(d.http_status)) },
        { header: 'ATTEMPT', value: (d) => (d.redelivery ? `${d.attempt} (redelivery)` : String(d.attempt)) },
        { header: 'LATENCY', value: (d) => `${d.latency_ms} ms` },
        { header: 'EVENT TYPE', value: (d) => d.event_type },
        { header: 'EVENT ID', value: (d) => d.event_id },
        { header: 'ERROR', value: (d) => d.error ?? '—' },
      ]);
    }
    if (result.next_cursor) ctx.out.note(`More deliveries: run again with --cursor ${result.next_cursor}, or use --all.`);
  });
}

/** Not retried once sent: a repeat would send the event again (receivers dedupe, but it is a second attempt). */
async function redeliver(ctx: CliContext, id: string, eventId: string): Promise<void> {
  const path = `${webhookPath(id)}/redeliver`;
  const body = { event_id: eventId.trim() };
  const d = await (await ctx.client()).call<Delivery>('POST', path, { body, retry: 'unsent-only' });
  ctx.out.result(d, () => {
    ctx.out.line(
      d.status === 'delivered'
        ? `Event ${d.event_id} redelivered to ${d.webhook_id}.`
        : `Event ${d.event_id} was sent to ${d.webhook_id} again, but not delivered: ${d.error ?? d.status}.`,
    );
    showDelivery(ctx, d);
  });
  // Shown, then a failure a script can see: the endpoint did not take the event.
  if (d.status !== 'delivered') {
    throw new CliError(
      `the endpoint did not take event ${d.event_id}: ${d.error ?? d.status} — it stays where it was (a dead letter stays one)`,
      ExitCode.Unavailable,
      'not_delivered',
    );
  }
}

const EVENTS_HELP = `comma-separated or repeatable: ${EVENTS.join(', ')}`;

export function registerWebhookCommands(program: Command, contextOf: ContextOf): void {
  const webhook = program
    .command('webhook')
    .description('webhook endpoints that are sent events as they happen, signed with their secret (admins)');

  calls(webhook.command('list'), 'GET /v1/webhooks')
    .description('list webhook endpoints, with where their deliveries are')
    .option('--limit <n>', 'page size (1-100, default 20)')
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--all', 'follow every page')
    .action((opts: PageOptions, cmd: Command) => list(contextOf(cmd), opts));

  calls(webhook.command('get'), 'GET /v1/webhooks/{id}')
    .description('show one endpoint: its events, the event being retried and its dead letters (never its secret)')
    .argument('<id>', 'webhook id (whk_…)')
    .action((id: string, _opts, cmd: Command) => get(contextOf(cmd), id));

  calls(webhook.command('create'), 'POST /v1/webhooks')
    .description('register an endpoint; its signing secret (whsec_…) is shown once')
    .requiredOption('--url <url>', 'where deliveries are POSTed: https to a public address')
    .requiredOption('--events <events>', `the events it is sent (${EVENTS_HELP})`, collectList)
    .option('--description <text>', 'what it is for')
    .option('--disabled', 'register it disabled: it is sent nothing until `tollgate webhook enable`')
    .action((opts: Parameters<typeof create>[1], cmd: Command) => create(contextOf(cmd), opts));

  calls(webhook.command('update'), 'PATCH /v1/webhooks/{id}')
    .description('change an endpoint’s URL, events or description')
    .argument('<id>', 'webhook id')
    .option('--url <url>', 'new URL')
    .option('--events <events>', `the complete new set of events (${EVENTS_HELP})`, collectList)
    .option('--description <text>', 'new description ("" clears it)')
    .action((id: string, opts: Parameters<typeof update>[2], cmd: Command) => update(contextOf(cmd), id, opts));

  calls(webhook.command('enable'), 'PATCH /v1/webhooks/{id}')
    .description('enable an endpoint again: it is sent what happens from now on, not what happened meanwhile')
    .argument('<id>', 'webhook id')
    .action((id: string, _opts, cmd: Command) => setEnabled(contextOf(cmd), id, true));

  calls(webhook.command('disable'), 'PATCH /v1/webhooks/{id}')
    .description('disable an endpoint: it is sent nothing until enabled again')
    .argument('<id>', 'webhook id')
    .action((id: string, _opts, cmd: Command) => setEnabled(contextOf(cmd), id, false));

  calls(webhook.command('delete'), 'DELETE /v1/webhooks/{id}')
    .description('delete an endpoint with its delivery log and dead letters (asks first unless --yes)')
    .argument('<id>', 'webhook id')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .action((id: string, opts: Parameters<typeof remove>[2], cmd: Command) => remove(contextOf(cmd), id, opts));

  calls(webhook.command('deliveries'), 'GET /v1/webhooks/{id}/deliveries')
    .description('an endpoint’s delivery attempts, newest first: status, HTTP status, error, latency')
    .argument('<id>', 'webhook id')
    .option('--dead', 'only the dead letters: events given up on and not yet redelivered')
    .option('--limit <n>', 'page size (1-100, default 20)')
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--all', 'follow every page')
    .action((id: string, opts: Parameters<typeof deliveries>[2], cmd: Command) => deliveries(contextOf(cmd), id, opts));

  calls(webhook.command('redeliver'), 'POST /v1/webhooks/{id}/redeliver')
    .description('send one event to the endpoint again, now, and show the attempt (a dead letter delivered so is no longer one)')
    .argument('<id>', 'webhook id')
    .argument('<event-id>', 'the event’s id (EVENT ID in `tollgate webhook deliveries`)')
    .action((id: string, eventId: string, _opts, cmd: Command) => redeliver(contextOf(cmd), id, eventId));
}
