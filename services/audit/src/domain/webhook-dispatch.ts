import type { Logger } from '@tollgate/platform';
import { walk } from './event-pages.js';
import type { EventStore } from './event-store.js';
import type { WebhookRepository } from './webhook-repository.js';
import type { Sender } from './webhook-sender.js';
import { backoffMs, payloadOf, QUIET_EVENTS, type WebhookEndpoint, type WebhookProgress } from './webhook.js';

export interface DispatchOptions {
  pollMs: number;
  retryForMs: number;
  backoffMs: number;
  /** An endpoint is sent at most one QUIET_EVENTS event per resource within this long. */
  quietMs: number;
  /** Whether this replica sends now (one replica at a time: PeriodLeader). */
  leads: () => Promise<boolean>;
  log: Logger;
  /** Counts each attempt by its outcome (delivered | failed | dead). */
  attempted: (status: string) => void;
  now?: () => Date;
}

/** The most events of the log one endpoint is walked through per poll. */
const EVENTS_PER_POLL = 1_024;

/**
 * Follows the audit log and sends each endpoint the events it chose, in log order: an
 * endpoint's cursor (the last seq it is done with) moves past an event only once it is
 * delivered, not for it, or given up on — so every event is delivered at least once (a
 * crash between a delivery and its cursor's save sends it again; receivers dedupe by event
 * id). A failed delivery is retried with backoff and holds back the endpoint's later events
 * (order is kept, as for an endpoint that is down) until it succeeds or, retryForMs after its
 * first attempt, becomes a dead letter. A disabled endpoint is sent nothing: its cursor
 * follows the log, so enabling it again does not replay what happened meanwhile. Of the
 * QUIET_EVENTS, one per resource is sent within quietMs; the rest are passed over.
 */
export function startDispatch(
  store: EventStore,
  webhooks: WebhookRepository,
  send: Sender,
  opts: DispatchOptions,
): { stop(): Promise<void> } {
  const now = opts.now ?? (() => new Date());
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const advance = async (endpoint: WebhookEndpoint, head: number): Promise<void> => {
    const p: WebhookProgress = (await webhooks.progress(endpoint.id)) ?? {
      id: endpoint.id,
      cursor_seq: endpoint.start_seq,
      retrying: null,
    };
    if (p.cursor_seq >= head || (p.retrying && p.retrying.next_at > now())) return;
    const until = Math.min(head, p.cursor_seq + EVENTS_PER_POLL);
    if (!endpoint.enabled) {
      await webhooks.saveProgress({ ...p, cursor_seq: head, retrying: null });
      return;
    }
    for await (const e of walk(store, p.cursor_seq + 1, until)) {
      if (stopped) break;
      const quietKey = QUIET_EVENTS.includes(e.action) ? `${e.action}:${e.resource.id}` : null;
      if (
        !(endpoint.events as string[]).includes(e.action) ||
        (quietKey && (p.quiet ?? []).some((q) => q.key === quietKey && q.at > e.at.getTime() - opts.quietMs))
      ) {
        p.cursor_seq = e.seq;
        // An event being retried that the endpoint no longer takes (its events changed) is let go.
        if (p.retrying?.event_id === e.id) p.retrying = null;
        continue;
      }
      const attempt = (p.retrying?.event_id === e.id ? p.retrying.attempts : 0) + 1;
      const firstAt = p.retrying?.event_id === e.id ? p.retrying.first_at : now();
      const result = await send(endpoint, { id: e.id, type: e.action }, payloadOf(e));
      const at = now();
      const givenUp = !result.ok && at.getTime() - firstAt.getTime() >= opts.retryForMs;
      const status = result.ok ? 'delivered' : givenUp ? 'dead' : 'failed';
      opts.attempted(status);
      await webhooks.logDelivery({
        webhook_id: endpoint.id,
        event_id: e.id,
        event_type: e.action,
        attempt,
        at,
        status,
        http_status: result.httpStatus,
        error: result.error,
        latency_ms: result.latencyMs,
        redelivery: false,
      });
      if (!result.ok && !givenUp) {
        p.retrying = {
          event_id: e.id,
          attempts: attempt,
          first_at: firstAt,
          next_at: new Date(at.getTime() + backoffMs(attempt, opts.backoffMs)),
        };
        break;
      }
      if (givenUp) {
        await webhooks.addDeadLetter({ webhook_id: endpoint.id, event_id: e.id, event_type: e.action, attempts: attempt, failed_at: at });
        opts.log.warn({ webhook_id: endpoint.id, event_id: e.id, attempts: attempt }, 'webhook delivery given up: a dead letter');
      }
      p.cursor_seq = e.seq;
      p.retrying = null;
      if (quietKey) p.quiet = quieted(p.quiet, quietKey, e.at.getTime(), opts.quietMs);
      // Saved after each delivery: a crash sends again at most the one in flight.
      await webhooks.saveProgress(p);
    }
    await webhooks.saveProgress(p);
  };

  const poll = async () => {
    if (!(await opts.leads())) return;
    const endpoints = await webhooks.all();
    if (endpoints.length === 0) return;
    const head = (await store.head()).seq;
    await Promise.all(
      endpoints.map((e) =>
        advance(e, head).catch((err: unknown) =>
          opts.log.warn({ webhook_id: e.id, err: (err as Error).message }, 'webhook dispatch failed; retried'),
        ),
      ),
    );
  };

  // One poll at a time: a slow receiver delays the next poll, never overlaps it.
  let timer: NodeJS.Timeout;
  const next = () => {
    timer = setTimeout(() => {
      running = poll()
        .catch((err: unknown) => opts.log.warn({ err: (err as Error).message }, 'webhook poll failed'))
        .then(() => {
          if (!stopped) next();
        });
    }, opts.pollMs);
    timer.unref();
  };
  next();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** The quiet periods with `key`'s starting at `at`, those already over dropped (the record stays small). */
function quieted(quiet: { key: string; at: number }[] = [], key: string, at: number, quietMs: number): { key: string; at: number }[] {
  return [...quiet.filter((q) => q.key !== key && q.at > at - quietMs), { key, at }];
}
