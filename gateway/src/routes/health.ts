import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Counter } from 'prom-client';
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { createHealthChecker, createServiceClient } from '@tollgate/platform';
import { loadServiceInfo } from '@tollgate/proto';
import { SERVICE_ADDRS } from '../clients.js';
import { GATEWAY } from '../http/request-context.js';
import type { GatewayDeps } from '../deps.js';
import type { RouteDefiner } from './define.js';

/** The gateway's release, from its package.json (two directories above both src/routes/ and dist/routes/). */
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const REDIS_DEADLINE_MS = 500;
const SERVICE_DEADLINE_MS = 1_000;

const dependencySchema = z
  .object({
    name: z.string().openapi({ description: '`redis`, or a service: `identity`, `token`, `budget`, `provider-key`, `audit`' }),
    status: z.enum(['ok', 'down']),
    latency_ms: z
      .number()
      .openapi({ description: 'How long its check took (Redis: PING and INFO, one round trip; a service: its gRPC health check)' }),
    version: z
      .string()
      .nullable()
      .openapi({ description: 'Redis: its `redis_version`. A service: the release the replica that answered runs. null when down' }),
    uptime_seconds: z.number().int().nullable().openapi({ description: 'A service: how long the replica that answered has run' }),
    outboxes: z
      .array(
        z
          .object({
            name: z.string().openapi({ description: 'The outbox, e.g. `audit_outbox`, `mail_outbox`' }),
            depth: z.number().int().openapi({ description: 'Items waiting to be delivered' }),
            oldest_age_seconds: z.number().openapi({ description: 'How long the oldest has waited (0: none waits)' }),
          })
          .openapi('Outbox'),
      )
      .nullable()
      .openapi({ description: "A service: its outboxes' backlogs (what it has yet to deliver: audit events, mail)" }),
    error: z.string().nullable().openapi({ description: 'Why it is down (null when ok)' }),
  })
  .openapi('DependencyHealth');
type Dependency = z.infer<typeof dependencySchema>;

const detailedSchema = z
  .object({
    status: z.enum(['ok', 'degraded']).openapi({ description: 'degraded: a dependency is down' }),
    gateway: z.object({
      version: z.string(),
      uptime_seconds: z.number().int(),
      requests_total: z
        .number()
        .int()
        .openapi({
          description:
            'HTTP requests this gateway process has answered since it started (every route, every status; this one not yet). ' +
            'Two readings give the request rate',
        }),
      errors_total: z.number().int().openapi({
        description: 'Of those, the ones answered with a 5xx status. Two readings give the error rate',
      }),
    }),
    dependencies: z.array(dependencySchema),
  })
  .openapi('DetailedHealth');

/**
 * Requests answered since the gateway started, and those that were 5xx: read from httpMetrics'
 * `http_requests_total` counter (http/metrics.ts), not counted a second time.
 */
async function requestCounts(deps: GatewayDeps): Promise<{ requests_total: number; errors_total: number }> {
  const counter = deps.registry.getSingleMetric('http_requests_total') as Counter | undefined;
  let requests = 0;
  let errors = 0;
  for (const { value, labels } of (await counter?.get())?.values ?? []) {
    requests += value;
    if (Number(labels.status) >= 500) errors += value;
  }
  return { requests_total: requests, errors_total: errors };
}

/** `work`'s answer, or a rejection once `ms` have passed without one. */
function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

type Report = Pick<Dependency, 'version' | 'uptime_seconds' | 'outboxes'>;

/** A dependency as its check found it: `check` answers what it reports of itself, or throws why it is down. */
async function checked(name: string, check: () => Promise<Report>): Promise<Dependency> {
  const started = performance.now();
  const latency = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const report = await check();
    return { name, status: 'ok', latency_ms: latency(), ...report, error: null };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    return { name, status: 'down', latency_ms: latency(), version: null, uptime_seconds: null, outboxes: null, error };
  }
}

/**
 * Liveness says only that the process runs; readiness checks Redis, every service and the
 * price table (without one, no proxied call can be priced); the detailed view is for admins.
 * Prometheus metrics are not served here: they are on METRICS_PORT, never on the public port (app.ts).
 */
export function registerHealthRoutes(route: RouteDefiner, deps: GatewayDeps): () => void {
  const startedAt = Date.now();
  const redis = deps.limiters.redis;
  const infoClient = { issuer: 'gateway', secret: deps.config.SERVICE_TOKEN_SECRET, defaultDeadlineMs: SERVICE_DEADLINE_MS };
  const checkers = Object.entries(SERVICE_ADDRS(deps.config)).map(([name, { addr, service }]) => ({
    name,
    service,
    checker: createHealthChecker(addr),
    info: createServiceClient(loadServiceInfo().ServiceInfo, addr, infoClient),
  }));

  const liveness = {
    method: 'get',
    tag: 'Operations',
    summary: 'Liveness: the process is up',
    auth: 'public',
    response: z.object({ status: z.literal('ok') }),
    handler: async () => ({ status: 'ok' as const }),
  } as const;
  route({ ...liveness, path: '/health/live' });
  route({ ...liveness, path: '/health', description: 'The same as `/health/live`.' });

  route({
    method: 'get',
    path: '/health/ready',
    tag: 'Operations',
    summary: 'Readiness: Redis and every service answer, and model prices are known',
    description:
      'Answers 503 with the failing dependencies when any is down. `prices` is down until the gateway has fetched the model price ' +
      'table from the budget service (proxied calls are 503 until then); once fetched, the last table is kept through a budget outage.',
    auth: 'public',
    response: z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.enum(['ok', 'down'])) }),
    handler: async (_input, _req, res) => {
      const redisPing = within(redis.ping(), REDIS_DEADLINE_MS).then(
        () => true,
        () => false,
      );
      const results = await Promise.all([redisPing, ...checkers.map((c) => c.checker.check(c.service, SERVICE_DEADLINE_MS))]);
      const checks: Record<string, 'ok' | 'down'> = { redis: results[0] ? 'ok' : 'down' };
      checkers.forEach((c, i) => (checks[c.name] = results[i + 1] ? 'ok' : 'down'));
      checks.prices = deps.proxy.prices.loaded ? 'ok' : 'down';
      const ok = Object.values(checks).every((v) => v === 'ok');
      res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks });
      return undefined;
    },
  });

  route({
    method: 'get',
    path: '/health/detailed',
    callers: { people: { role: 'admin' } },
    tag: 'Operations',
    summary:
      "Each dependency's status, latency and version, the services' uptime and outbox backlogs, and the gateway's version, uptime and request and 5xx counts",
    description:
      'Always 200 once the caller is let in: a dependency that is down shows `status: "down"` with its error, and the whole ' +
      '`status: "degraded"`. Each service reports its release, uptime and outbox backlogs (counted in its database) from the ' +
      'replica that answered. The gateway counts the requests it has answered and the 5xx among them since it started: ' +
      'two readings a known time apart give its request and error rates.',
    auth: 'any',
    response: detailedSchema,
    handler: async (): Promise<z.infer<typeof detailedSchema>> => {
      const [counts, ...dependencies] = await Promise.all([
        requestCounts(deps),
        checked('redis', async () => {
          // Both go out in one write (auto-pipelining): one round trip.
          const [, info] = await within(Promise.all([redis.ping(), redis.info('server')]), REDIS_DEADLINE_MS);
          return { version: /^redis_version:(.+)$/m.exec(info)?.[1].trim() ?? null, uptime_seconds: null, outboxes: null };
        }),
        ...checkers.map((c) =>
          checked(c.name, async () => {
            // Side by side: one round trip. A replica that is draining still answers GetServiceInfo.
            const [probe, report] = await Promise.all([
              c.checker.probe(c.service, SERVICE_DEADLINE_MS),
              c.info.call.GetServiceInfo({}, { principal: GATEWAY, requestId: `health-${randomUUID()}` }),
            ]);
            if (!probe.serving) throw new Error(probe.reason);
            return { version: report.version, uptime_seconds: report.uptime_seconds, outboxes: report.outboxes };
          }),
        ),
      ]);
      return {
        status: dependencies.every((d) => d.status === 'ok') ? 'ok' : 'degraded',
        gateway: { version: VERSION, uptime_seconds: Math.floor((Date.now() - startedAt) / 1000), ...counts },
        dependencies,
      };
    },
  });

  return () =>
    checkers.forEach((c) => {
      c.checker.close();
      c.info.close();
    });
}
