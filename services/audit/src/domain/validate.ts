import { z } from 'zod';
import { ValidationError } from '@tollgate/platform';
import { ACTION_PATTERN, ACTOR_TYPES, OUTCOMES, type EventInput } from './event.js';
import { canonicalJson } from './hash-chain.js';
import { redactSecrets } from './redact.js';

export const MAX_DETAILS_BYTES = 16 * 1024;
const MAX_DETAILS_DEPTH = 16;

/** An event as it arrives on the wire (the generated message type fits this shape). */
export interface RawEvent {
  id: string;
  at: string;
  actor: { type: string; id: string } | null;
  action: string;
  resource: { type: string; id: string } | null;
  outcome: string;
  ip: string;
  user_agent: string;
  request_id: string;
  details_json: string;
}

// A lone surrogate cannot be stored as UTF-8: the database would keep U+FFFD instead
// and the stored event would no longer match its hash.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const wellFormed = (s: string) => s.replace(LONE_SURROGATE, '\uFFFD');

/** Emitter-controlled text: too long is a bug in the emitter, so it is rejected. */
const text = (max: number) => z.string().max(max, `must be at most ${max} characters`).transform(wellFormed);
/** Client-controlled text (headers the gateway passed on): kept, but cut to size. */
const clipped = (max: number) => z.string().transform((s) => wellFormed(s.slice(0, max)));

const rawEventSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be 1-128 letters, digits, ".", "_", ":" or "-"'),
  at: z.union([z.literal(''), z.iso.datetime({ offset: true, error: 'must be an RFC 3339 timestamp' })]),
  actor: z.object({ type: z.enum(ACTOR_TYPES, `must be one of ${ACTOR_TYPES.join(', ')}`), id: text(256) }, 'is required'),
  action: z
    .string()
    .max(128, 'must be at most 128 characters')
    .regex(ACTION_PATTERN, 'must be dotted lower-case words, e.g. auth.login.failed'),
  resource: z.object(
    { type: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a lower-case word of at most 64 characters'), id: text(256) },
    'is required',
  ),
  outcome: z.union([z.literal(''), z.enum(OUTCOMES)], `must be one of ${OUTCOMES.join(', ')}`),
  ip: clipped(64),
  user_agent: clipped(512),
  request_id: clipped(128),
  details_json: z.string(),
});

export interface ValidatedEvent {
  event: EventInput;
  /** Paths in details whose values were secrets and were replaced. */
  redacted: string[];
}

/**
 * Checks one incoming event and normalises it: the source is the verified caller,
 * `at` defaults to now, details become canonical JSON with secrets redacted.
 * Throws a ValidationError naming each bad field, prefixed with `prefix`.
 */
export function validateEvent(raw: RawEvent, source: string, prefix = '', now = new Date()): ValidatedEvent {
  const parsed = rawEventSchema.safeParse(raw);
  const problems: Record<string, string> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems[`${prefix}${issue.path.join('.') || 'event'}`] ??= issue.message;
  }
  const details = parseDetails(raw.details_json ?? '');
  if (typeof details === 'string') problems[`${prefix}details_json`] = details;
  if (!parsed.success || typeof details === 'string') {
    throw new ValidationError('Audit event is invalid', problems);
  }

  const e = parsed.data;
  const redaction = redactSecrets(details.value);
  return {
    event: {
      id: e.id,
      at: e.at ? new Date(e.at) : now,
      source,
      actor: { type: e.actor.type, id: e.actor.id },
      action: e.action,
      resource: { type: e.resource.type, id: e.resource.id },
      outcome: e.outcome || 'success',
      ip: e.ip,
      user_agent: e.user_agent,
      request_id: e.request_id,
      details_json: canonicalJson(redaction.value),
    },
    redacted: redaction.paths,
  };
}

/** The parsed details object, or a message saying what is wrong with it. */
function parseDetails(json: string): { value: Record<string, unknown> } | string {
  if (json === '') return { value: {} };
  if (Buffer.byteLength(json, 'utf8') > MAX_DETAILS_BYTES) return `must be at most ${MAX_DETAILS_BYTES} bytes`;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return 'must be valid JSON';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'must be a JSON object';
  if (nestedDeeperThan(value, MAX_DETAILS_DEPTH)) return `must be nested at most ${MAX_DETAILS_DEPTH} levels deep`;
  return { value: value as Record<string, unknown> };
}

// Stops descending past the limit, so a hostile nesting cannot exhaust the stack.
function nestedDeeperThan(v: unknown, limit: number): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (limit === 0) return true;
  const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
  return children.some((c) => nestedDeeperThan(c, limit - 1));
}
