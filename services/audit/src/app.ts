import { PeriodLeader, SecretBox, startService, type Logger, type RunningService, type ServiceRuntime } from '@tollgate/platform';
import { packageDefinition } from '@tollgate/proto';
import { retentionTimes, type AuditConfig } from './config.js';
import { migrations } from './migrations/index.js';
import { EventLog } from './domain/event-log.js';
import type { EventStore } from './domain/event-store.js';
import { createLocalEmitter } from './domain/local-emitter.js';
import { startRetention } from './domain/retention.js';
import { auditRegistration } from './handlers/index.js';
import { auditMetrics, type AuditMetrics } from './handlers/metrics.js';
import { createEventStore } from './store/mongo-event-store.js';
import { createWebhookStore } from './store/webhook-store.js';
import { startDispatch } from './domain/webhook-dispatch.js';
import { createSender } from './domain/webhook-sender.js';
import { Webhooks } from './domain/webhooks.js';

export { loadConfig } from './config.js';

interface Core {
  store: EventStore;
  eventLog: EventLog;
  metrics: AuditMetrics;
}

/** Starts the audit service: the hash-chained log every other service records into. */
export async function start(config: Readonly<AuditConfig>, logger?: Logger): Promise<RunningService> {
  // Built once, on first use: the runtime asks for the audit sink before setup runs,
  // and that sink must append through the same EventLog (one mutex, one head).
  let core: Core | undefined;
  const { hotMs, slackMs } = retentionTimes(config);
  const coreOf = (rt: Omit<ServiceRuntime, 'audit'>): Core => {
    if (!core) {
      const store = createEventStore(rt.db, { freshForMs: slackMs });
      const metrics = auditMetrics(rt.registry);
      const eventLog = new EventLog(
        store,
        { freshForMs: slackMs, archivedBefore: () => new Date(Date.now() - hotMs + slackMs) },
        { recorded: metrics.recorded, duplicate: metrics.duplicate },
      );
      core = { store, eventLog, metrics };
    }
    return core;
  };

  return startService({
    name: 'audit',
    config,
    logger,
    packageDefinition: packageDefinition('audit'),
    migrations,
    audit: (rt) => createLocalEmitter('audit', () => coreOf(rt).eventLog),
    async setup(rt) {
      const { store, eventLog, metrics } = coreOf(rt);
      const upgraded = await store.upgradeLegacy();
      if (upgraded > 0) rt.log.info({ events: upgraded }, 'gave events stored by an earlier version their page');
      const leader = new PeriodLeader(rt.db, 'audit-archive', config.AUDIT_ARCHIVE_INTERVAL_MS);
      const retention = startRetention(store, {
        hotMs,
        intervalMs: config.AUDIT_ARCHIVE_INTERVAL_MS,
        leads: () => leader.leads(),
        log: rt.log,
      });
      const webhookStore = createWebhookStore(rt.db, new SecretBox(config.WEBHOOK_SECRET_KEYS));
      const resealed = await webhookStore.reseal();
      if (resealed > 0) rt.log.info({ webhooks: resealed }, "sealed webhook endpoints' signing secrets with the active key");
      const policy = { allowPrivate: config.OUTBOUND_ALLOW_PRIVATE };
      const send = createSender(policy, config.WEBHOOK_TIMEOUT_MS);
      const webhooks = new Webhooks({ store, webhooks: webhookStore, send, policy, audit: rt.audit });
      const dispatchLeader = new PeriodLeader(rt.db, 'webhook-dispatch', Math.max(10_000, config.WEBHOOK_POLL_MS * 10));
      const dispatch = startDispatch(store, webhookStore, send, {
        pollMs: config.WEBHOOK_POLL_MS,
        retryForMs: config.WEBHOOK_RETRY_FOR_MS,
        backoffMs: config.WEBHOOK_BACKOFF_MS,
        quietMs: config.WEBHOOK_QUIET_MS,
        leads: () => dispatchLeader.leads(),
        log: rt.log,
        attempted: metrics.webhookAttempt,
      });
      return {
        services: [auditRegistration({ config, store, eventLog, metrics, audit: rt.audit, webhooks })],
        onStop: async () => {
          await dispatch.stop();
          await retention.stop();
        },
      };
    },
  });
}
