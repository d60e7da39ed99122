import { Counter, type ServiceRuntime } from '@tollgate/platform';
import type { ChainedEvent } from '../domain/event.js';

export interface AuditMetrics {
  recorded: (e: ChainedEvent) => void;
  duplicate: () => void;
  redacted: (source: string) => void;
  /** One webhook delivery attempt, by how it went (delivered | failed | dead). */
  webhookAttempt: (status: string) => void;
}

export function auditMetrics(registry: ServiceRuntime['registry']): AuditMetrics {
  const recorded = new Counter({
    name: 'audit_events_recorded_total',
    help: 'Events appended to the audit chain, by action and outcome',
    labelNames: ['action', 'outcome'],
    registers: [registry],
  });
  const duplicates = new Counter({
    name: 'audit_events_duplicate_total',
    help: 'Events received again with an id already in the log (stored once)',
    registers: [registry],
  });
  const redactions = new Counter({
    name: 'audit_details_redacted_total',
    help: 'Events whose details carried a secret that was redacted, by emitting service',
    labelNames: ['source'],
    registers: [registry],
  });
  const webhookAttempts = new Counter({
    name: 'webhook_deliveries_total',
    help: 'Webhook delivery attempts by the dispatcher, by status (delivered, failed: retried, dead: given up)',
    labelNames: ['status'],
    registers: [registry],
  });
  return {
    webhookAttempt: (status) => webhookAttempts.inc({ status }),
    recorded: (e) => recorded.inc({ action: e.action, outcome: e.outcome }),
    duplicate: () => duplicates.inc(),
    redacted: (source) => redactions.inc({ source }),
  };
}
