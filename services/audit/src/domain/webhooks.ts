import {
  ConflictError,
  NotFoundError,
  pageOf,
  readPage,
  timeOrderedId,
  ValidationError,
  type AuditEmitter,
  type Caller,
  type OutboundPolicy,
  type Page,
  type PageInput,
} from '@tollgate/platform';
import type { EventStore } from './event-store.js';
import type { WebhookRepository } from './webhook-repository.js';
import type { Sender } from './webhook-sender.js';
import {
  MAX_WEBHOOKS,
  newSecret,
  payloadOf,
  validDescription,
  validEvents,
  validUrl,
  type DeliveryRecord,
  type WebhookEndpoint,
  type WebhookProgress,
} from './webhook.js';

export interface WebhooksDeps {
  store: EventStore;
  webhooks: WebhookRepository;
  send: Sender;
  policy: OutboundPolicy;
  audit: AuditEmitter;
  now?: () => Date;
}

/** An endpoint as admins see it: its settings (never its secret) and where its deliveries are. */
export interface WebhookView {
  endpoint: Omit<WebhookEndpoint, 'secret'>;
  progress: WebhookProgress | null;
  deadLetters: number;
}

export interface DeliveryView extends DeliveryRecord {
  /** The entry's number in the endpoint's delivery log. */
  n: number;
}

const RESOURCE = 'webhook';
const WEBHOOK_ID = /^whk_[0-9a-z]{9}[0-9a-f]{16}$/;

/** Admins' webhook endpoints: set up, changed, removed, their deliveries read and redelivered — each audited. */
export class Webhooks {
  readonly #now: () => Date;

  constructor(private readonly deps: WebhooksDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  async create(input: { url: string; events: string[]; enabled: boolean; description: string }, caller: Caller) {
    const url = validUrl(input.url, this.deps.policy);
    const events = validEvents(input.events);
    const description = validDescription(input.description);
    if ((await this.deps.webhooks.count()) >= MAX_WEBHOOKS) {
      throw new ConflictError(`At most ${MAX_WEBHOOKS} webhook endpoints`, { webhooks: `at most ${MAX_WEBHOOKS}` });
    }
    const now = this.#now();
    const endpoint: WebhookEndpoint = {
      id: timeOrderedId('whk', now.getTime()),
      url,
      events,
      enabled: input.enabled,
      description,
      secret: newSecret(),
      created_at: now,
      updated_at: now,
      start_seq: (await this.deps.store.head()).seq,
    };
    await this.deps.webhooks.insert(endpoint);
    await this.#audited('webhook.created', endpoint, caller);
    return { view: await this.#view(endpoint), secret: endpoint.secret };
  }

  async list(page: PageInput | null | undefined): Promise<{ items: WebhookView[]; next_cursor: string }> {
    const p = readPage(page);
    const shown = pageAfter(await this.deps.webhooks.all(), p, (e) => e.id);
    return { items: await Promise.all(shown.items.map((e) => this.#view(e))), next_cursor: shown.next_cursor };
  }

  async get(id: string): Promise<WebhookView> {
    return this.#view(await this.#find(id));
  }

  async update(
    input: { id: string; url?: string; events?: string[]; enabled?: boolean; description?: string },
    caller: Caller,
  ): Promise<WebhookView> {
    const endpoint = await this.#find(input.id);
    const changed: WebhookEndpoint = {
      ...endpoint,
      url: input.url === undefined ? endpoint.url : validUrl(input.url, this.deps.policy),
      events: input.events === undefined ? endpoint.events : validEvents(input.events),
      enabled: input.enabled ?? endpoint.enabled,
      description: input.description === undefined ? endpoint.description : validDescription(input.description),
      updated_at: this.#now(),
    };
    const { url, events, enabled, description, updated_at } = changed;
    if (!(await this.deps.webhooks.update(endpoint.id, { url, events, enabled, description, updated_at }))) {
      throw new NotFoundError('Webhook not found');
    }
    const fields = (['url', 'events', 'enabled', 'description'] as const).filter(
      (k) => JSON.stringify(endpoint[k]) !== JSON.stringify(changed[k]),
    );
    await this.#audited('webhook.updated', changed, caller, { changed: fields });
    return this.#view(changed);
  }

  async remove(id: string, caller: Caller): Promise<WebhookView> {
    const endpoint = await this.#find(id);
    const view = await this.#view(endpoint);
    if (!(await this.deps.webhooks.remove(endpoint.id))) throw new NotFoundError('Webhook not found');
    await this.#audited('webhook.deleted', endpoint, caller);
    return view;
  }

  /** The endpoint's delivery log, newest first (by key lookups down from its last entry), or its dead letters. */
  async deliveries(
    id: string,
    deadOnly: boolean,
    page: PageInput | null | undefined,
  ): Promise<{ items: DeliveryView[]; next_cursor: string }> {
    const endpoint = await this.#find(id);
    const p = readPage(page);
    if (deadOnly) {
      const shown = pageAfter(await this.deps.webhooks.deadLetters(endpoint.id), p, (d) => d.event_id);
      return {
        items: shown.items.map((d) => ({
          n: 0,
          webhook_id: d.webhook_id,
          event_id: d.event_id,
          event_type: d.event_type,
          attempt: d.attempts,
          at: d.failed_at,
          status: 'dead',
          http_status: 0,
          error: '',
          latency_ms: 0,
          redelivery: false,
        })),
        next_cursor: shown.next_cursor,
      };
    }
    const top = p.after === undefined ? await this.deps.webhooks.lastDelivery(endpoint.id) : belowCursor(p.after);
    if (top < 1) return { items: [], next_cursor: '' };
    // One more than a page: pageOf tells from it whether another page follows.
    const from = Math.max(1, top - p.limit);
    const entries = (await this.deps.webhooks.deliveries(endpoint.id, from, top)).map((d, i) => ({ ...d, n: from + i })).reverse();
    return pageOf(entries, p, (d) => String(d.n));
  }

  /**
   * Sends one event of the log to the endpoint again, now, whatever became of it before (a dead
   * letter, or one delivered that the receiver lost): recorded in the delivery log; a dead letter
   * that is delivered this way is no longer one.
   */
  async redeliver(id: string, eventId: string, caller: Caller): Promise<DeliveryView> {
    const endpoint = await this.#find(id);
    const event = eventId.length <= 128 ? await this.deps.store.findById(eventId) : null;
    if (!event) throw new NotFoundError('Audit event not found');
    if (!(endpoint.events as string[]).includes(event.action)) {
      throw new ValidationError(`This endpoint is not sent ${event.action} events`, {
        event_id: 'names an event of a kind this endpoint does not receive',
      });
    }
    const result = await this.deps.send(endpoint, { id: event.id, type: event.action }, payloadOf(event));
    const record: DeliveryRecord = {
      webhook_id: endpoint.id,
      event_id: event.id,
      event_type: event.action,
      attempt: 1,
      at: this.#now(),
      status: result.ok ? 'delivered' : 'failed',
      http_status: result.httpStatus,
      error: result.error,
      latency_ms: result.latencyMs,
      redelivery: true,
    };
    const n = await this.deps.webhooks.logDelivery(record);
    if (result.ok) await this.deps.webhooks.removeDeadLetter(endpoint.id, event.id);
    await this.#audited(
      'webhook.redelivered',
      endpoint,
      caller,
      { event_id: event.id, status: record.status, http_status: result.httpStatus },
      result.ok,
    );
    return { ...record, n };
  }

  async #find(id: string): Promise<WebhookEndpoint> {
    const endpoint = WEBHOOK_ID.test(id) ? await this.deps.webhooks.findById(id) : null;
    if (!endpoint) throw new NotFoundError('Webhook not found');
    return endpoint;
  }

  async #view({ secret: _secret, ...endpoint }: WebhookEndpoint): Promise<WebhookView> {
    const [progress, dead] = await Promise.all([this.deps.webhooks.progress(endpoint.id), this.deps.webhooks.deadLetters(endpoint.id)]);
    return { endpoint, progress, deadLetters: dead.length };
  }

  #audited(action: string, endpoint: WebhookEndpoint, caller: Caller, details: Record<string, unknown> = {}, ok = true): Promise<void> {
    return this.deps.audit.emit(
      {
        action,
        outcome: ok ? 'success' : 'failure',
        resource: { type: RESOURCE, id: endpoint.id },
        details: { url: endpoint.url, events: endpoint.events, enabled: endpoint.enabled, ...details },
      },
      caller,
    );
  }
}

/** One page of a list held whole in memory (endpoints, dead letters): the items after the cursor's key. */
function pageAfter<T>(all: T[], page: Page, keyOf: (item: T) => string): { items: T[]; next_cursor: string } {
  const start = page.after === undefined ? 0 : all.findIndex((item) => keyOf(item) === page.after) + 1;
  return pageOf(all.slice(start, start + page.limit + 1), page, keyOf);
}

/** Delivery-log pages continue below the number of the last entry shown. */
function belowCursor(after: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(after))
    throw new ValidationError('cursor is invalid', { cursor: 'is not a cursor returned by this list' });
  return Number(after) - 1;
}
