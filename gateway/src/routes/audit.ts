import { RPC_CALLERS } from '@tollgate/platform';
import { z } from 'zod';
import type { QueryFilter } from '@tollgate/proto/gen/tollgate/audit/v1/QueryFilter';
import { expensiveRead, type RouteDefiner } from './define.js';
import type { GatewayDeps } from '../deps.js';
import { eventSchema, toEvent } from './audit-event.js';
import { EXPORT_FORMATS, streamExport } from './audit-export.js';
import { nullable, pageOut, pageQuery } from './fields.js';

const instant = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 timestamp' });
const window = { from: instant.optional(), to: instant.optional() };
const filterQuery = {
  actor_id: z.string().max(256).optional(),
  action: z.string().max(128).optional(),
  resource_type: z.string().max(64).optional(),
  resource_id: z.string().max(256).optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  ...window,
};

const verifySchema = z
  .object({ ok: z.boolean(), checked: z.number().int(), first_bad_id: z.string().nullable() })
  .openapi('AuditVerification');

export function registerAuditRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  const audit = { auth: 'any', tag: 'Audit' } as const;

  route({
    ...audit,
    method: 'get',
    path: '/v1/audit/events',
    callers: RPC_CALLERS.audit.Query,
    summary: 'List audit events, newest first',
    description:
      'One request scans at most 16 pages of 256 events (4,096 events) of the log. With a filter that matches rarely, a response may hold ' +
      'fewer items than `limit`, or none, and still carry `next_cursor`: follow `next_cursor` until it is null to see every match. ' +
      "A null `next_cursor` means there is nothing more. `from`/`to` are inclusive RFC 3339 bounds on the event's `at`.",
    query: z.object({ ...filterQuery, ...pageQuery }),
    response: pageOut(eventSchema),
    handler: async ({ query, call }) => {
      const { limit, cursor, ...filter } = query;
      const res = await deps.clients.audit.call.Query({ filter: toFilter(filter), page: { limit, cursor } }, call);
      return { items: res.items.map(toEvent), next_cursor: nullable(res.next_cursor) };
    },
  });

  route({
    ...audit,
    method: 'get',
    path: '/v1/audit/events/{id}',
    callers: RPC_CALLERS.audit.Get,
    summary: 'Get one audit event',
    params: z.object({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be an event id') }),
    response: eventSchema,
    errors: [404],
    handler: async ({ params, call }) => toEvent(await deps.clients.audit.call.Get({ id: params.id }, call)),
  });

  route({
    ...audit,
    method: 'get',
    path: '/v1/audit/verify',
    callers: RPC_CALLERS.audit.Verify,
    summary: 'Recompute the hash chain',
    description:
      'Checks every event whose time lies in [from, to] (all without bounds), in chain order, linked to the event before, in the hot log and the archive alike. ' +
      'With from/to, the events checked run from the lowest to the highest seq whose `at` is in the window, found by bisection over the log: an event delivered long after newer ones may fall outside a window; a check without bounds covers the whole chain. ' +
      'first_bad_id names the first event that does not fit: a modified one, or the one after a deleted or moved one.',
    query: z.object(window),
    response: verifySchema,
    handler: async ({ query, call }) => {
      const res = await deps.clients.audit.call.Verify({ from: query.from ?? '', to: query.to ?? '' }, call);
      return { ok: res.ok, checked: res.checked, first_bad_id: nullable(res.first_bad_id) };
    },
  });

  route({
    ...audit,
    method: 'get',
    path: '/v1/audit/export',
    callers: RPC_CALLERS.audit.Export,
    summary: 'Export audit events as NDJSON or CSV (streamed, oldest first)',
    description:
      'NDJSON lines have the AuditEvent shape; CSV has a header row and details as a JSON column, and a cell that a spreadsheet ' +
      "would take for a formula (starting with =, +, -, @, a tab or a carriage return) is prefixed with '.",
    query: z.object({ ...filterQuery, format: z.enum(EXPORT_FORMATS).default('ndjson') }),
    rateLimit: expensiveRead(deps),
    handler: async ({ query, call }, req, res) => {
      const { format, ...filter } = query;
      await streamExport(deps, call, req, res, format, toFilter(filter));
      return undefined;
    },
  });
}

function toFilter(f: Partial<Record<keyof typeof filterQuery, string>>): QueryFilter {
  return {
    actor_id: f.actor_id ?? '',
    action: f.action ?? '',
    resource_type: f.resource_type ?? '',
    resource_id: f.resource_id ?? '',
    outcome: f.outcome ?? '',
    from: f.from ?? '',
    to: f.to ?? '',
  };
}
