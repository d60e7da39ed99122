import { registration, RPC_CALLERS, type ServiceRegistration } from '@tollgate/platform';
import { loadAudit } from '@tollgate/proto';
import type { AuditHandlers } from '@tollgate/proto/gen/tollgate/audit/v1/Audit';
import type { HandlerDeps } from './deps.js';
import { exportHandlers } from './export.js';
import { readHandlers } from './read.js';
import { recordHandlers } from './record.js';
import { verifyHandlers } from './verify.js';
import { webhookHandlers } from './webhooks.js';

export const AUDIT_SERVICE_NAME = 'tollgate.audit.v1.Audit';

export function auditRegistration(deps: HandlerDeps): ServiceRegistration {
  return registration<AuditHandlers>(
    AUDIT_SERVICE_NAME,
    loadAudit().Audit.service,
    {
      ...recordHandlers(deps),
      ...readHandlers(deps),
      ...verifyHandlers(deps),
      ...exportHandlers(deps),
      ...webhookHandlers(deps),
    },
    RPC_CALLERS.audit,
  );
}
