import { NotFoundError, pageOf, readPage, ValidationError, type AsyncHandlers } from '@tollgate/platform';
import type { AuditHandlers } from '@tollgate/proto/gen/tollgate/audit/v1/Audit';
import { newestFirst } from '../domain/event-pages.js';
import { parseFilter } from '../domain/filter.js';
import type { HandlerDeps } from './deps.js';
import { toWire } from './messages.js';

type H = AsyncHandlers<AuditHandlers>;

export function readHandlers(deps: HandlerDeps): Pick<H, 'Query' | 'Get'> {
  return {
    async Query(req) {
      const filter = parseFilter(req.filter);
      const page = readPage(req.page);
      const before = page.after === undefined ? undefined : seqCursor(page.after);
      const found = await newestFirst(deps.store, filter, page.limit + 1, before);
      // A read cut short by its page budget continues below the last page it read.
      if (found.continueBelow !== undefined && found.events.length <= page.limit) {
        return { items: found.events.map(toWire), next_cursor: cursorBelow(found.continueBelow) };
      }
      const { items, next_cursor } = pageOf(found.events, page, (e) => String(e.seq));
      return { items: items.map(toWire), next_cursor };
    },

    async Get(req) {
      if (!req.id || req.id.length > 128) throw new NotFoundError('Audit event not found');
      const event = await deps.store.findById(req.id);
      if (!event) throw new NotFoundError('Audit event not found');
      return toWire(event);
    },
  };
}

/** The cursor of a page whose last item had this seq (pageOf's encoding). */
function cursorBelow(seq: number): string {
  return pageOf([seq, seq], { limit: 1 }, String).next_cursor;
}

/** Newest-first pages continue below the seq of the last event shown. */
function seqCursor(after: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(after)) {
    throw new ValidationError('cursor is invalid', { cursor: 'is not a cursor returned by this list' });
  }
  return Number(after);
}
