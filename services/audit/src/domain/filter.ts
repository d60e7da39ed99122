import { z } from 'zod';
import { ValidationError } from '@tollgate/platform';
import { OUTCOMES, type EventFilter } from './event.js';

/** A filter as it arrives on the wire: empty strings mean "not filtered". */
export interface RawFilter {
  actor_id: string;
  action: string;
  resource_type: string;
  resource_id: string;
  outcome: string;
  from: string;
  to: string;
}

const unset = z.union([z.literal(''), z.undefined()]).transform(() => undefined);
const optional = <T extends z.ZodType>(schema: T) => z.union([unset, schema]).optional();
const instant = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 timestamp' }).transform((s) => new Date(s));

const filterSchema = z.object({
  actor_id: optional(z.string().max(256, 'must be at most 256 characters')),
  action: optional(z.string().max(128, 'must be at most 128 characters')),
  resource_type: optional(z.string().max(64, 'must be at most 64 characters')),
  resource_id: optional(z.string().max(256, 'must be at most 256 characters')),
  outcome: optional(z.enum(OUTCOMES, `must be one of ${OUTCOMES.join(', ')}`)),
  from: optional(instant),
  to: optional(instant),
});

export function parseFilter(raw: RawFilter | null | undefined): EventFilter {
  const parsed = filterSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const details: Record<string, string> = {};
    for (const issue of parsed.error.issues) details[issue.path.join('.') || 'filter'] ??= issue.message;
    throw new ValidationError('Filter is invalid', details);
  }
  const f = parsed.data;
  // from after to is an empty window, not an error: nothing falls in it.
  return {
    actorId: f.actor_id,
    action: f.action,
    resourceType: f.resource_type,
    resourceId: f.resource_id,
    outcome: f.outcome,
    from: f.from,
    to: f.to,
  };
}

/** The time window of Verify: the same rules as the filter's from/to. */
export function parseWindow(raw: { from: string; to: string }): { from?: Date; to?: Date } {
  const { from, to } = parseFilter({
    actor_id: '',
    action: '',
    resource_type: '',
    resource_id: '',
    outcome: '',
    from: raw.from,
    to: raw.to,
  });
  return { from, to };
}
