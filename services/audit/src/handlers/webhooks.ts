import type { AsyncHandlers } from '@tollgate/platform';
import type { AuditHandlers } from '@tollgate/proto/gen/tollgate/audit/v1/Audit';
import type { Delivery } from '@tollgate/proto/gen/tollgate/audit/v1/Delivery';
import type { Webhook } from '@tollgate/proto/gen/tollgate/audit/v1/Webhook';
import { isoOf } from '../domain/event.js';
import type { DeliveryView, WebhookView } from '../domain/webhooks.js';
import type { HandlerDeps } from './deps.js';

type H = AsyncHandlers<AuditHandlers>;

export function webhookHandlers({
  webhooks,
}: HandlerDeps): Pick<
  H,
  'CreateWebhook' | 'ListWebhooks' | 'GetWebhook' | 'UpdateWebhook' | 'DeleteWebhook' | 'ListDeliveries' | 'Redeliver'
> {
  return {
    async CreateWebhook(req, ctx) {
      const created = await webhooks.create({ url: req.url, events: req.events, enabled: req.enabled, description: req.description }, ctx);
      return { webhook: webhookOf(created.view), secret: created.secret };
    },
    async ListWebhooks(req) {
      const { items, next_cursor } = await webhooks.list(req.page);
      return { items: items.map(webhookOf), next_cursor };
    },
    async GetWebhook(req) {
      return webhookOf(await webhooks.get(req.id));
    },
    async UpdateWebhook(req, ctx) {
      const view = await webhooks.update(
        {
          id: req.id,
          url: req.url ?? undefined,
          events: req.set_events ? req.events : undefined,
          enabled: req.enabled ?? undefined,
          description: req.description ?? undefined,
        },
        ctx,
      );
      return webhookOf(view);
    },
    async DeleteWebhook(req, ctx) {
      return webhookOf(await webhooks.remove(req.id, ctx));
    },
    async ListDeliveries(req) {
      const { items, next_cursor } = await webhooks.deliveries(req.webhook_id, req.dead_only, req.page);
      return { items: items.map(deliveryOf), next_cursor };
    },
    async Redeliver(req, ctx) {
      return deliveryOf(await webhooks.redeliver(req.webhook_id, req.event_id, ctx));
    },
  };
}

function webhookOf({ endpoint: e, progress, deadLetters }: WebhookView): Webhook {
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    enabled: e.enabled,
    description: e.description,
    created_at: isoOf(e.created_at),
    updated_at: isoOf(e.updated_at),
    cursor_seq: progress?.cursor_seq ?? e.start_seq,
    retrying_event_id: progress?.retrying?.event_id ?? '',
    retrying_attempts: progress?.retrying?.attempts ?? 0,
    next_attempt_at: progress?.retrying ? isoOf(progress.retrying.next_at) : '',
    dead_letters: deadLetters,
  };
}

function deliveryOf(d: DeliveryView): Delivery {
  return {
    id: d.n > 0 ? `${d.webhook_id}:${d.n}` : `${d.webhook_id}:${d.event_id}`,
    webhook_id: d.webhook_id,
    event_id: d.event_id,
    event_type: d.event_type,
    attempt: d.attempt,
    at: isoOf(d.at),
    status: d.status,
    http_status: d.http_status,
    error: d.error,
    latency_ms: d.latency_ms,
    redelivery: d.redelivery,
  };
}
