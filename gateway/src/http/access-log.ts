import type { NextFunction, Request, Response } from 'express';
import { keepsAccessLine, type AccessLogPolicy, type Logger } from '@tollgate/platform';
import { routeOf } from './metrics.js';

/**
 * One line per request once it is answered (unless sampled out): the route template, never the
 * path with its query (ids, and tokens some clients put there), and no header or body at all.
 */
export function accessLog(log: Logger, policy: AccessLogPolicy) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    res.on('finish', () => {
      const durationMs = performance.now() - started;
      if (!keepsAccessLine(policy, res.statusCode >= 400, durationMs)) return;
      const length = res.getHeader('content-length');
      const principal = req.ctx.principal;
      log.info(
        {
          method: req.method,
          route: routeOf(req),
          status: res.statusCode,
          duration_ms: Math.round(durationMs * 10) / 10,
          // Known when the answer said its length; a streamed answer (the proxy's) does not.
          bytes: length === undefined ? undefined : Number(length),
          request_id: req.ctx.requestId,
          principal_type: principal?.type,
          principal_id: principal?.id,
          ip: req.ctx.ip,
        },
        'request',
      );
    });
    next();
  };
}
