import type { AuditEmitter } from '@tollgate/platform';
import type { AuditConfig } from '../config.js';
import type { EventLog } from '../domain/event-log.js';
import type { EventStore } from '../domain/event-store.js';
import type { Webhooks } from '../domain/webhooks.js';
import type { AuditMetrics } from './metrics.js';

/** What the handlers are built from (wired in app.ts). */
export interface HandlerDeps {
  config: Readonly<AuditConfig>;
  eventLog: EventLog;
  store: EventStore;
  /** The service's own audit trail (appends locally). */
  audit: AuditEmitter;
  metrics: AuditMetrics;
  webhooks: Webhooks;
}
