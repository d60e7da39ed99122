import { NotFoundError, pageOf, readPage, ValidationError, type AsyncHandlers } from '@tollgate/platform';
import type { AuditHandlers } from '@tollgate/proto/gen/tollgate/audit/v1/Audit';
import { assertCanRead } from '../domain/access.js';
import { parseFilter } from '../domain/filter.js';
import type { HandlerDeps } from './deps.js';
import { toWire } from './wire.js';

type H = AsyncHandlers<AuditHandlers>;

export function readHandlers(deps: HandlerDeps): Pick<H, 'Query' | 'Get'> {
  return {
    async Query(req, ctx) {
      assertCanRead(ctx.principal);
      const filter = parseFilter(req.filter);
      const page = readPage(req.page);
      const before = page.after === undefined ? undefined : seqCursor(page.after);
      const found = await deps.store.newestFirst(filter, page.limit + 1, before);
      const { items, next_cursor } = pageOf(found, page, (e) => String(e.seq));
      return { items: items.map(toWire), next_cursor };
    },

    async Get(req, ctx) {
      assertCanRead(ctx.principal);
      if (!req.id || req.id.length > 128) throw new NotFoundError('Audit event not found');
      const event = await deps.store.findById(req.id);
      if (!event) throw new NotFoundError('Audit event not found');
      return toWire(event);
    },
  };
}

/** Newest-first pages continue below the seq of the last event shown. */
function seqCursor(after: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(after)) {
    throw new ValidationError('cursor is invalid', { cursor: 'is not a cursor returned by this list' });
  }
  return Number(after);
}
