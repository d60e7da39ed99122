import { z } from 'zod';
import { createHealthChecker } from '@tollgate/platform';
import { SERVICE_ADDRS } from '../clients.js';
import type { GatewayDeps } from '../deps.js';
import type { RouteDefiner } from './define.js';

/**
 * Liveness says only that the process runs; readiness checks Redis, every service and the
 * price table (without one, no proxied call can be priced).
 * Prometheus metrics are not served here: they are on METRICS_PORT, never on the public port (app.ts).
 */
export function registerHealthRoutes(route: RouteDefiner, deps: GatewayDeps): () => void {
  const checkers = Object.entries(SERVICE_ADDRS(deps.config)).map(([name, { addr, service }]) => ({
    name,
    service,
    checker: createHealthChecker(addr),
  }));

  route({
    method: 'get',
    path: '/health/live',
    tag: 'Operations',
    summary: 'Liveness: the process is up',
    auth: 'public',
    response: z.object({ status: z.literal('ok') }),
    handler: async () => ({ status: 'ok' as const }),
  });

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
      const redisPing = Promise.race([
        deps.limiters.redis.ping().then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((r) => setTimeout(() => r(false), 500)),
      ]);
      const results = await Promise.all([redisPing, ...checkers.map((c) => c.checker.check(c.service, 1_000))]);
      const checks: Record<string, 'ok' | 'down'> = { redis: results[0] ? 'ok' : 'down' };
      checkers.forEach((c, i) => (checks[c.name] = results[i + 1] ? 'ok' : 'down'));
      checks.prices = deps.proxy.prices.loaded ? 'ok' : 'down';
      const ok = Object.values(checks).every((v) => v === 'ok');
      res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks });
      return undefined;
    },
  });

  return () => checkers.forEach((c) => c.checker.close());
}
