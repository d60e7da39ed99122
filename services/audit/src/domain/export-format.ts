import { ValidationError } from '@tollgate/platform';
import { flatten, isoOf, type ChainedEvent } from './event.js';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function parseExportFormat(raw: string): ExportFormat {
  if (raw === '') return 'ndjson';
  if ((EXPORT_FORMATS as readonly string[]).includes(raw)) return raw as ExportFormat;
  throw new ValidationError('Export format is invalid', { format: 'must be ndjson or csv' });
}

/**
 * The public audit event shape of the REST API (OpenAPI document) (the REST body and each NDJSON line); unset
 * optional fields are null, as everywhere in the REST API.
 */
export function publicEvent(e: ChainedEvent) {
  return {
    id: e.id,
    seq: e.seq,
    at: isoOf(e.at),
    actor: { type: e.actor.type, id: e.actor.id || null },
    action: e.action,
    resource: { type: e.resource.type, id: e.resource.id || null },
    outcome: e.outcome,
    ip: e.ip || null,
    user_agent: e.user_agent || null,
    request_id: e.request_id || null,
    source: e.source,
    details: detailsOf(e.details_json),
    hash: e.hash,
    prev_hash: e.prev_hash,
  };
}

// Stored details are canonical JSON; should a stored row have been tampered with,
// show what is there rather than fail the whole listing.
function detailsOf(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  return { unparseable: json };
}

export const CSV_COLUMNS = [
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

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function csvRow(e: ChainedEvent): string {
  const cells: Record<(typeof CSV_COLUMNS)[number], string> = { ...flatten(e), seq: String(e.seq), at: isoOf(e.at), hash: e.hash };
  return `${CSV_COLUMNS.map((c) => csvField(cells[c])).join(',')}\r\n`;
}

export function ndjsonLine(e: ChainedEvent): string {
  return `${JSON.stringify(publicEvent(e))}\n`;
}
