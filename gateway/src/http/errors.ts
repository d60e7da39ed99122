import type { NextFunction, Request, Response } from 'express';
import {
  AppError,
  InternalError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  ServiceUnavailableError,
  ValidationError,
} from '@tollgate/platform';

/** body-parser and friends signal with `type`/`status` on plain errors. */
function fromExpressError(err: unknown): AppError | undefined {
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.too.large') return new PayloadTooLargeError();
  if (e?.type === 'entity.parse.failed') return new ValidationError('Request body is not valid JSON', undefined, 'invalid_json');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new ValidationError('Unsupported body encoding', undefined, 'invalid_json');
  }
  if (e?.status === 400) return new ValidationError('Malformed request');
  return undefined;
}

/** Sends the API error envelope. The only place errors become HTTP responses. */
export function sendError(req: Request, res: Response, err: AppError): void {
  if (err instanceof RateLimitedError || err instanceof ServiceUnavailableError) {
    res.setHeader('Retry-After', String(err.retryAfterSeconds));
  }
  if (err instanceof MethodNotAllowedError) res.setHeader('Allow', err.allowed.join(', '));
  // For rate_limit_hits_total: a limit of a service's own (revived from gRPC) names none.
  if (err instanceof RateLimitedError) res.locals.limitedBy = err.limiter ?? 'service';
  if (err instanceof RateLimitedError && err.limit !== undefined) {
    res.setHeader('X-RateLimit-Limit', String(err.limit));
    res.setHeader('X-RateLimit-Remaining', '0');
    res.setHeader('X-RateLimit-Reset', String(Math.ceil(Date.now() / 1000) + err.retryAfterSeconds));
  }
  res.status(err.httpStatus).json({
    error: {
      code: err.code,
      message: err.message,
      request_id: req.ctx?.requestId,
      ...(err.details ? { details: err.details } : {}),
    },
  });
}

/** The last handler: a path we serve with other methods is 405 (with Allow), anything else 404. */
export function notFound(table: { methodsFor(path: string): string[] }) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const allowed = table.methodsFor(req.path);
    next(allowed.length > 0 ? new MethodNotAllowedError(allowed) : new NotFoundError('No such route'));
  };
}

// express recognises error middleware by its four parameters.
export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  let app = err instanceof AppError ? err : fromExpressError(err);
  if (!app) {
    req.ctx?.log.error({ err }, 'unhandled error');
    app = new InternalError();
  } else if (app.httpStatus >= 500) {
    req.ctx?.log.warn({ code: app.code, cause: app.cause, path: req.path }, app.message);
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendError(req, res, app);
}
