import { ValidationError, type AsyncHandlers, type CallContext } from '@tollgate/platform';
import type { AuditHandlers } from '@tollgate/proto/gen/tollgate/audit/v1/Audit';
import { validateEvent, type RawEvent, type ValidatedEvent } from '../domain/validate.js';
import type { HandlerDeps } from './deps.js';

type H = AsyncHandlers<AuditHandlers>;

export function recordHandlers(deps: HandlerDeps): Pick<H, 'Record' | 'RecordBatch'> {
  return {
    async Record(req, ctx) {
      const [validated] = validateAll([req], ctx, deps, false);
      const [result] = await deps.eventLog.append([validated.event]);
      return result;
    },

    async RecordBatch(req, ctx) {
      if (req.events.length > deps.config.AUDIT_MAX_BATCH) {
        throw new ValidationError('Too many events in one batch', { events: `must be at most ${deps.config.AUDIT_MAX_BATCH}` });
      }
      if (req.events.length === 0) return { results: [] };
      const validated = validateAll(req.events, ctx, deps, true);
      const results = await deps.eventLog.append(validated.map((v) => v.event));
      return { results };
    },
  };
}

/**
 * Validates every event before anything is appended, so a batch is either accepted
 * whole or rejected whole with every bad field named. The source is the verified
 * caller, never a field of the event.
 */
function validateAll(raw: RawEvent[], ctx: CallContext, deps: HandlerDeps, batch: boolean): ValidatedEvent[] {
  const problems: Record<string, unknown> = {};
  const validated: ValidatedEvent[] = [];
  raw.forEach((e, i) => {
    try {
      validated.push(validateEvent(e, ctx.principal.id, batch ? `events[${i}].` : ''));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      Object.assign(problems, err.details);
    }
  });
  if (Object.keys(problems).length > 0) throw new ValidationError('Audit event is invalid', problems);
  for (const v of validated) {
    if (v.redacted.length === 0) continue;
    deps.metrics.redacted(ctx.principal.id);
    ctx.log.warn(
      { event_id: v.event.id, action: v.event.action, source: v.event.source, paths: v.redacted },
      'secrets redacted from audit details',
    );
  }
  return validated;
}
