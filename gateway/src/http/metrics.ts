import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The route template a request matched, never the raw path (ids would explode label cardinality, and paths may carry secrets). */
export const routeOf = (req: Request): string => (req.route as { path?: string } | undefined)?.path ?? 'unmatched';

/**
 * http_requests_total and http_request_duration_seconds by method, route template and status;
 * rate_limit_hits_total, every 429, by the limit that refused (sendError or the proxy names it in res.locals.limitedBy).
 */
export function httpMetrics(registry: Registry) {
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const limitHits = new Counter({
    name: 'rate_limit_hits_total',
    help: 'Requests refused by a rate limit, by the limit (global, ip, caller, token, route, login, email_link, agent_calls, agent_tokens; service: a service refused; provider: the provider answered 429) and route',
    labelNames: ['limiter', 'route'],
    registers: [registry],
  });
  return (req: Request, res: Response, next: NextFunction) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      const route = routeOf(req);
      end({ method: req.method, route });
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      if (res.statusCode === 429) {
        limitHits.inc({ limiter: (res.locals.limitedBy as string | undefined) ?? 'service', route });
      }
    });
    next();
  };
}
