import { z } from 'zod';
import type { Delivery__Output } from '@tollgate/proto/gen/tollgate/audit/v1/Delivery';
import type { Webhook__Output } from '@tollgate/proto/gen/tollgate/audit/v1/Webhook';
import { RPC_CALLERS, WEBHOOK_EVENTS } from '@tollgate/platform';
import type { RouteDefiner } from './define.js';
import { baseUrlField, descriptionField, idParams, nullable, pageOut, pageQuery } from './fields.js';
import type { GatewayDeps } from '../deps.js';

const eventsField = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1)
  .max(WEBHOOK_EVENTS.length)
  .openapi({ description: 'the events this endpoint is sent' });

const webhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    enabled: z.boolean(),
    description: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    delivery: z
      .object({
        cursor_seq: z.number().int().openapi({ description: 'the last audit-log seq this endpoint is done with' }),
        retrying_event_id: z.string().nullable().openapi({ description: 'the event being retried, which holds back the later ones' }),
        retrying_attempts: z.number().int(),
        next_attempt_at: z.string().nullable(),
        dead_letters: z.number().int().openapi({ description: 'events given up on and not yet redelivered' }),
      })
      .openapi({ description: 'where the deliveries to this endpoint are' }),
  })
  .openapi('Webhook');

const deliverySchema = z
  .object({
    id: z.string(),
    webhook_id: z.string(),
    event_id: z.string(),
    event_type: z.string(),
    attempt: z.number().int(),
    at: z.string(),
    status: z.enum(['delivered', 'failed', 'dead']).openapi({ description: 'failed: to be retried; dead: given up on (a dead letter)' }),
    http_status: z.number().int().nullable().openapi({ description: "the receiver's status; null when it never answered" }),
    error: z.string().nullable(),
    latency_ms: z.number().int(),
    redelivery: z.boolean().openapi({ description: 'sent again by an admin' }),
  })
  .openapi('WebhookDelivery');

function toWebhook(w: Webhook__Output) {
  return {
    id: w.id,
    url: w.url,
    events: w.events as (typeof WEBHOOK_EVENTS)[number][],
    enabled: w.enabled,
    description: w.description,
    created_at: w.created_at,
    updated_at: w.updated_at,
    delivery: {
      cursor_seq: w.cursor_seq,
      retrying_event_id: nullable(w.retrying_event_id),
      retrying_attempts: w.retrying_attempts,
      next_attempt_at: nullable(w.next_attempt_at),
      dead_letters: w.dead_letters,
    },
  };
}

function toDelivery(d: Delivery__Output) {
  return {
    id: d.id,
    webhook_id: d.webhook_id,
    event_id: d.event_id,
    event_type: d.event_type,
    attempt: d.attempt,
    at: d.at,
    status: d.status as 'delivered' | 'failed' | 'dead',
    http_status: d.http_status || null,
    error: nullable(d.error),
    latency_ms: d.latency_ms,
    redelivery: d.redelivery,
  };
}

const SIGNING =
  'Each delivery is a POST of `{id, type, created_at, data: {actor, resource, outcome, details, request_id}}` with headers ' +
  '`Tollgate-Event-Id`, `Tollgate-Event-Type`, `Tollgate-Webhook-Id` and `Tollgate-Signature: t=<unix seconds>,v1=<hex>`, where v1 is ' +
  'HMAC-SHA256 with the endpoint secret over `<t>.<raw body>`. Receivers compare it in constant time, refuse a t older than 5 minutes ' +
  '(replays) and dedupe by event id (delivery is at least once). Events go to an endpoint in audit-log order; a 2xx answer within ' +
  'WEBHOOK_TIMEOUT_MS delivers one; anything else is retried with exponential backoff and jitter (at most an hour apart) for ' +
  'WEBHOOK_RETRY_FOR_MS (24 h), holding back the later events, then the event becomes a dead letter.';

export function registerWebhookRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  const audit = deps.clients.audit.call;
  const common = { auth: 'any', tag: 'Webhooks' } as const;
  const url = baseUrlField(deps.config.OUTBOUND_ALLOW_PRIVATE);

  route({
    ...common,
    method: 'post',
    path: '/v1/webhooks',
    callers: RPC_CALLERS.audit.CreateWebhook,
    summary: 'Register a webhook endpoint (its signing secret is in this answer only)',
    description: `${SIGNING} The URL must be https to a public address; it is checked again each time a delivery connects.`,
    body: z.object({
      url,
      events: eventsField,
      enabled: z.boolean().default(true),
      description: descriptionField.default(''),
    }),
    status: 201,
    response: z.object({
      webhook: webhookSchema,
      secret: z.string().openapi({ description: 'whsec_…: signs every delivery; shown once' }),
    }),
    handler: async ({ body, call }) => {
      const res = await audit.CreateWebhook(body, call);
      return { webhook: toWebhook(res.webhook!), secret: res.secret };
    },
  });

  route({
    ...common,
    method: 'get',
    path: '/v1/webhooks',
    callers: RPC_CALLERS.audit.ListWebhooks,
    summary: 'List webhook endpoints',
    query: z.object(pageQuery),
    response: pageOut(webhookSchema),
    handler: async ({ query, call }) => {
      const res = await audit.ListWebhooks({ page: { limit: query.limit, cursor: query.cursor } }, call);
      return { items: res.items.map(toWebhook), next_cursor: nullable(res.next_cursor) };
    },
  });

  route({
    ...common,
    method: 'get',
    path: '/v1/webhooks/{id}',
    callers: RPC_CALLERS.audit.GetWebhook,
    summary: 'Get a webhook endpoint and where its deliveries are',
    params: idParams,
    response: webhookSchema,
    errors: [404],
    handler: async ({ params, call }) => toWebhook(await audit.GetWebhook({ id: params.id }, call)),
  });

  route({
    ...common,
    method: 'patch',
    path: '/v1/webhooks/{id}',
    callers: RPC_CALLERS.audit.UpdateWebhook,
    summary: 'Change a webhook endpoint, or disable and re-enable it',
    description: 'A disabled endpoint is sent nothing, and enabling it again does not send what happened meanwhile.',
    params: idParams,
    body: z.object({
      url: url.optional(),
      events: eventsField.optional(),
      enabled: z.boolean().optional(),
      description: descriptionField.optional(),
    }),
    response: webhookSchema,
    errors: [404],
    handler: async ({ params, body, call }) =>
      toWebhook(
        await audit.UpdateWebhook(
          {
            id: params.id,
            url: body.url,
            events: body.events ?? [],
            set_events: body.events !== undefined,
            enabled: body.enabled,
            description: body.description,
          },
          call,
        ),
      ),
  });

  route({
    ...common,
    method: 'delete',
    path: '/v1/webhooks/{id}',
    callers: RPC_CALLERS.audit.DeleteWebhook,
    summary: 'Delete a webhook endpoint with its delivery log and dead letters',
    params: idParams,
    status: 204,
    errors: [404],
    handler: async ({ params, call }) => {
      await audit.DeleteWebhook({ id: params.id }, call);
    },
  });

  route({
    ...common,
    method: 'get',
    path: '/v1/webhooks/{id}/deliveries',
    callers: RPC_CALLERS.audit.ListDeliveries,
    summary: "An endpoint's delivery attempts, newest first, or its dead letters",
    params: idParams,
    query: z.object({
      ...pageQuery,
      status: z.enum(['dead']).optional().openapi({ description: 'dead: only the events given up on and not yet redelivered' }),
    }),
    response: pageOut(deliverySchema),
    errors: [404],
    handler: async ({ params, query, call }) => {
      const res = await audit.ListDeliveries(
        { webhook_id: params.id, dead_only: query.status === 'dead', page: { limit: query.limit, cursor: query.cursor } },
        call,
      );
      return { items: res.items.map(toDelivery), next_cursor: nullable(res.next_cursor) };
    },
  });

  route({
    ...common,
    method: 'post',
    path: '/v1/webhooks/{id}/redeliver',
    callers: RPC_CALLERS.audit.Redeliver,
    summary: 'Send one event to the endpoint again, now (a dead letter, or one the receiver lost)',
    description: 'Answers with the attempt. A dead letter delivered this way is no longer one.',
    params: idParams,
    body: z.object({ event_id: z.string().min(1).max(128) }),
    response: deliverySchema,
    errors: [404],
    handler: async ({ params, body, call }) => toDelivery(await audit.Redeliver({ webhook_id: params.id, event_id: body.event_id }, call)),
  });
}
