import type { Request, Response } from 'express';
import { fromGrpcError, isServiceError, type OutgoingCall } from '@tollgate/platform';
import type { AuditClient } from '@tollgate/proto/gen/tollgate/audit/v1/Audit';
import type { ExportChunk__Output } from '@tollgate/proto/gen/tollgate/audit/v1/ExportChunk';
import type { QueryFilter } from '@tollgate/proto/gen/tollgate/audit/v1/QueryFilter';
import type { GatewayDeps } from '../deps.js';
import { toEvent, type ApiAuditEvent } from './audit-event.js';

// An export may run for a while on a large log; the unary deadline does not fit it.
const EXPORT_DEADLINE_MS = 10 * 60_000;

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const CSV_COLUMNS = [
  'id',
  'seq',
  'at',
  'source',
  'actor_type',
  'actor_id',
  'action',
  'resource_type',
  'resource_id',
  'outcome',
  'ip',
  'user_agent',
  'request_id',
  'details_json',
  'prev_hash',
  'hash',
] as const;

// Cells a spreadsheet would run as a formula (CSV injection). Actor ids, user agents
// and details come from clients, so they are neutralised with a leading quote.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 field: quoted when it holds a comma, quote or line break; quotes doubled. */
export function csvField(value: string): string {
  const v = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function csvRow(e: ApiAuditEvent): string {
  const cells: Record<(typeof CSV_COLUMNS)[number], string> = {
    id: e.id,
    seq: String(e.seq),
    at: e.at,
    source: e.source,
    actor_type: e.actor.type,
    actor_id: e.actor.id ?? '',
    action: e.action,
    resource_type: e.resource.type,
    resource_id: e.resource.id ?? '',
    outcome: e.outcome,
    ip: e.ip ?? '',
    user_agent: e.user_agent ?? '',
    request_id: e.request_id ?? '',
    details_json: JSON.stringify(e.details),
    prev_hash: e.prev_hash,
    hash: e.hash,
  };
  return `${CSV_COLUMNS.map((c) => csvField(cells[c])).join(',')}\r\n`;
}

/** How each format is sent: what opens the body, and each event (in its REST shape) as text. */
export const RENDERINGS: Record<
  ExportFormat,
  { contentType: string; extension: string; head: string; line: (e: ApiAuditEvent) => string }
> = {
  ndjson: { contentType: 'application/x-ndjson; charset=utf-8', extension: 'ndjson', head: '', line: (e) => `${JSON.stringify(e)}\n` },
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv', head: `${CSV_COLUMNS.join(',')}\r\n`, line: csvRow },
};

/**
 * Renders the audit service's Export stream of events into the response. Headers wait for
 * the first batch, so an error before any data (forbidden, bad filter, audit down) still
 * gets the error envelope and status. A slow client pauses the gRPC stream (back-pressure);
 * a client that goes away cancels it.
 */
export function streamExport(
  deps: GatewayDeps,
  call: OutgoingCall,
  req: Request,
  res: Response,
  format: ExportFormat,
  filter: QueryFilter,
): Promise<void> {
  const client = deps.clients.audit;
  const stream = (client.raw as AuditClient).Export({ filter, requested_format: format }, client.metadata(call), {
    deadline: Date.now() + EXPORT_DEADLINE_MS,
  });
  const rendering = RENDERINGS[format];
  return new Promise<void>((resolve, reject) => {
    let started = false;
    let settled = false;
    /** Sets the headers once, and returns what opens the body then (empty afterwards). */
    const start = (): string => {
      if (started) return '';
      started = true;
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      res.status(200);
      res.setHeader('Content-Type', rendering.contentType);
      res.setHeader('Content-Disposition', `attachment; filename="audit-${stamp}.${rendering.extension}"`);
      res.setHeader('Cache-Control', 'no-store');
      return rendering.head;
    };
    const finish = (err?: Error) => {
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
      const text = start() + chunk.events.map((e) => rendering.line(toEvent(e))).join('');
      if (!res.write(text)) {
        stream.pause();
        res.once('drain', () => stream.resume());
      }
    });
    // grpc-js ends the readable side before it emits a failed status: an 'end' after
    // an error must not turn the error into an empty 200.
    stream.on('end', () => {
      if (settled) return;
      res.end(start());
      finish();
    });
    stream.on('error', (err) => {
      if (res.destroyed) {
        finish();
        return;
      }
      if (!started) {
        finish(isServiceError(err) ? fromGrpcError(err) : err);
        return;
      }
      // Mid-stream: the status line is gone; cut the connection so the client sees a truncated body.
      req.ctx.log.warn({ err: err.message }, 'audit export failed mid-stream');
      res.destroy();
      finish();
    });
  });
}
