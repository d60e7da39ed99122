import { randomUUID } from 'node:crypto';
import { actorOf, type AuditEventInput, type Logger } from '@tollgate/platform';
import type { AuditEvent } from '@tollgate/proto/gen/tollgate/audit/v1/AuditEvent';
import type { Clients } from './clients.js';
import { GATEWAY, type RequestContext } from './http/request-context.js';

const MAX_QUEUED = 10_000;

/**
 * The gateway owns no database, so its own events (authz.denied) go straight to the audit
 * service; while audit is unreachable they wait in a bounded in-memory queue and are
 * retried with the same ids (audit stores each id once). Services use their durable outbox.
 */
export class GatewayAudit {
  private queue: AuditEvent[] = [];
  private timer: NodeJS.Timeout;
  private sending: Promise<void> | null = null;

  constructor(
    private readonly clients: Clients,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => void this.flush(), 1_000);
    this.timer.unref();
  }

  emit(input: AuditEventInput, ctx: RequestContext): void {
    if (this.queue.length >= MAX_QUEUED) {
      this.log.error({ action: input.action }, 'gateway audit queue full; dropping the oldest event');
      this.queue.shift();
    }
    this.queue.push({
      id: randomUUID(),
      at: new Date().toISOString(),
      actor: input.actor ?? (ctx.principal ? actorOf(ctx.principal) : { type: 'anonymous' }),
      action: input.action,
      resource: input.resource,
      outcome: input.outcome ?? 'success',
      ip: ctx.ip,
      user_agent: ctx.userAgent,
      request_id: ctx.requestId,
      details_json: JSON.stringify(input.details ?? {}),
      source: 'gateway',
    });
    void this.flush();
  }

  flush(): Promise<void> {
    if (this.sending || this.queue.length === 0) return this.sending ?? Promise.resolve();
    const batch = this.queue.slice(0, 100);
    this.sending = this.clients.audit.call
      .RecordBatch({ events: batch }, { principal: GATEWAY, deadlineMs: 2_000 })
      .then(() => {
        this.queue = this.queue.filter((e) => !batch.includes(e));
      })
      .catch((err: unknown) => this.log.warn({ err: (err as Error).message, queued: this.queue.length }, 'audit delivery failed'))
      .finally(() => {
        this.sending = null;
      });
    return this.sending;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
