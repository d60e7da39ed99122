import type { Request, Response } from 'express';
import { z } from 'zod';
import { fromGrpcError, isServiceError, type OutgoingCall } from '@tollgate/platform';
import type { AuditClient } from '@tollgate/proto/gen/tollgate/audit/v1/Audit';
import type { AuditEvent__Output } from '@tollgate/proto/gen/tollgate/audit/v1/AuditEvent';
import type { ExportChunk__Output } from '@tollgate/proto/gen/tollgate/audit/v1/ExportChunk';
import type { QueryFilter } from '@tollgate/proto/gen/tollgate/audit/v1/QueryFilter';
import type { RouteDefiner } from './define.js';
import type { GatewayDeps } from '../deps.js';
import { nullable, pageOut, pageQuery } from './fields.js';

// An export may run for a while on a large log; the unary deadline does not fit it.
const EXPORT_DEADLINE_MS = 10 * 60_000;

const instant = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 timestamp' });
const window = { from: instant.optional(), to: instant.optional() };
const filterQuery = {
  actor_id: z.string().max(256).optional(),
  action: z.string().max(128).optional(),
  resource_type: z.string().max(64).optional(),
  resource_id: z.string().max(256).optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  ...window,
};

const eventSchema = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    at: z.string(),
    actor: z.object({ type: z.enum(['user', 'token', 'agent', 'service', 'anonymous']), id: z.string().nullable() }),
    action: z.string(),
    resource: z.object({ type: z.string(), id: z.string().nullable() }),
    outcome: z.enum(['success', 'failure', 'denied']),
    ip: z.string().nullable(),
    user_agent: z.string().nullable(),
    request_id: z.string().nullable(),
    source: z.string().openapi({ description: 'The service that emitted the event' }),
    details: z.record(z.string(), z.unknown()).openapi({ description: 'Never holds a password, token, key or cookie' }),
    hash: z.string().openapi({ description: 'SHA-256 over the canonical event, its seq and prev_hash' }),
    prev_hash: z.string().openapi({ description: 'The hash of the event before (64 zeros for the first)' }),
  })
  .openapi('AuditEvent');

const verifySchema = z
  .object({ ok: z.boolean(), checked: z.number().int(), first_bad_id: z.string().nullable() })
  .openapi('AuditVerification');

const FORMATS = {
  ndjson: { contentType: 'application/x-ndjson; charset=utf-8', extension: 'ndjson' },
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
} as const;

export function registerAuditRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  const audit = { auth: 'any', roles: ['admin'], scope: 'audit:read', tag: 'Audit' } as const;

  route({
    ...audit,
    method: 'get',
    path: '/v1/audit/events',
    summary: 'List audit events, newest first',
    description:
      'One request scans at most 16 pages of 256 events (4,096 events) of the log. With a filter that matches rarely, a response may hold ' +
      'fewer items than `limit`, or none, and still carry `next_cursor`: follow `next_cursor` until it is null to see every match. ' +
      'A null `next_cursor` means there is nothing more. `from`/`to` are inclusive RFC 3339 bounds on the event\'s `at`.',
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
    summary: 'Export audit events as NDJSON or CSV (streamed, oldest first)',
    description: 'NDJSON lines have the AuditEvent shape; CSV has a header row and details as a JSON column.',
    query: z.object({ ...filterQuery, format: z.enum(['ndjson', 'csv']).default('ndjson') }),
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

function toEvent(e: AuditEvent__Output): z.infer<typeof eventSchema> {
  return {
    id: e.id,
    seq: e.seq,
    at: e.at,
    actor: { type: (e.actor?.type ?? 'anonymous') as z.infer<typeof eventSchema>['actor']['type'], id: nullable(e.actor?.id) },
    action: e.action,
    resource: { type: e.resource?.type ?? '', id: nullable(e.resource?.id) },
    outcome: e.outcome as z.infer<typeof eventSchema>['outcome'],
    ip: nullable(e.ip),
    user_agent: nullable(e.user_agent),
    request_id: nullable(e.request_id),
    source: e.source,
    details: detailsOf(e.details_json),
    hash: e.hash,
    prev_hash: e.prev_hash,
  };
}

function detailsOf(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json || '{}');
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through: show what is stored rather than fail the listing
  }
  return { unparseable: json };
}

/**
 * Pipes the audit service's Export stream to the response. Headers wait for the first
 * chunk, so an error before any data (forbidden, bad filter, audit down) still gets
 * the error envelope and status. A slow client pauses the gRPC stream (back-pressure);
 * a client that goes away cancels it.
 */
function streamExport(deps: GatewayDeps, call: OutgoingCall, req: Request, res: Response, format: keyof typeof FORMATS, filter: QueryFilter): Promise<void> {
  const client = deps.clients.audit;
  const stream = (client.raw as AuditClient).Export({ filter, format }, client.metadata(call), {
    deadline: Date.now() + EXPORT_DEADLINE_MS,
  });
  return new Promise<void>((resolve, reject) => {
    let started = false;
    let settled = false;
    const start = () => {
      if (started) return;
      started = true;
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      res.status(200);
      res.setHeader('Content-Type', FORMATS[format].contentType);
      res.setHeader('Content-Disposition', `attachment; filename="audit-${stamp}.${FORMATS[format].extension}"`);
      res.setHeader('Cache-Control', 'no-store');
    };
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve();
    };
    const onClientGone = () => {
      if (!res.writableFinished) stream.cancel();
    };
    res.on('close', onClientGone);

    stream.on('data', (chunk: ExportChunk__Output) => {
      if (settled || res.destroyed) return;
      start();
      if (!res.write(chunk.data)) {
        stream.pause();
        res.once('drain', () => stream.resume());
      }
    });
    // grpc-js ends the readable side before it emits a failed status: an 'end' after
    // an error must not turn the error into an empty 200.
    stream.on('end', () => {
      if (settled) return;
      start();
      res.end();
      finish();
    });
    stream.on('error', (err) => {
      if (res.destroyed) return finish();
      if (!started) return finish(isServiceError(err) ? fromGrpcError(err) : err);
      // Mid-stream: the status line is gone; cut the connection so the client sees a truncated body.
      req.ctx.log.warn({ err: err.message }, 'audit export failed mid-stream');
      res.destroy();
      finish();
    });
  });
}
