import type { AsyncHandlers } from '@tollgate/platform';
import type { AuditHandlers } from '@tollgate/proto/gen/tollgate/audit/v1/Audit';
import { parseWindow } from '../domain/filter.js';
import { verifyChain } from '../domain/verify.js';
import type { HandlerDeps } from './deps.js';

type H = AsyncHandlers<AuditHandlers>;

export function verifyHandlers(deps: HandlerDeps): Pick<H, 'Verify'> {
  return {
    async Verify(req, ctx) {
      const { from, to } = parseWindow(req);
      const result = await verifyChain(deps.store, from, to);
      if (!result.ok) {
        // A broken chain means someone changed the log behind the service's back.
        ctx.log.error({ first_bad_id: result.firstBadId, fault: result.fault, checked: result.checked }, 'audit chain verification failed');
        await deps.audit.emit(
          {
            action: 'audit.chain.broken',
            outcome: 'failure',
            resource: { type: 'audit_event', id: result.firstBadId },
            details: { fault: result.fault, checked: result.checked, from: req.from || null, to: req.to || null },
          },
          ctx,
        );
      }
      return { ok: result.ok, checked: result.checked, first_bad_id: result.firstBadId ?? '' };
    },
  };
}
