import { status as GrpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';

/**
 * One error class per concept. Domain code throws these; they are mapped to a gRPC
 * status once (toGrpcError, in the server wrapper) and back to the same class and then
 * to HTTP once (fromGrpcError + httpStatusOf, in the gateway). `code` is the public
 * snake_case code of the REST API (the error envelope of the OpenAPI document); `message` is safe to show to a client.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly grpcStatus: GrpcStatus,
    readonly httpStatus: number,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message = 'Request validation failed', details?: Record<string, unknown>, code = 'validation_failed') {
    super(code, message, GrpcStatus.INVALID_ARGUMENT, 400, details);
  }
}

export type UnauthenticatedCode =
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'token_expired'
  | 'token_revoked'
  | 'refresh_token_reused';

export class UnauthenticatedError extends AppError {
  constructor(code: UnauthenticatedCode = 'unauthenticated', message = 'Authentication required') {
    super(code, message, GrpcStatus.UNAUTHENTICATED, 401);
  }
}

export class ForbiddenError extends AppError {
  constructor(
    message = 'You are not allowed to do this',
    code: 'forbidden' | 'insufficient_scope' | 'csrf_failed' | 'approval_required' = 'forbidden',
    details?: Record<string, unknown>,
  ) {
    super(code, message, GrpcStatus.PERMISSION_DENIED, 403, details);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found') {
    super('not_found', message, GrpcStatus.NOT_FOUND, 404);
  }
}

export class ConflictError extends AppError {
  constructor(message = 'Conflict', details?: Record<string, unknown>) {
    super('conflict', message, GrpcStatus.FAILED_PRECONDITION, 409, details);
  }
}

export class MethodNotAllowedError extends AppError {
  constructor(readonly allowed: string[]) {
    super('method_not_allowed', `This path supports ${allowed.join(', ')}`, GrpcStatus.UNIMPLEMENTED, 405, { allowed });
  }
}

export class BudgetExhaustedError extends AppError {
  constructor(message = 'Budget exhausted', details?: Record<string, unknown>) {
    super('budget_exhausted', message, GrpcStatus.RESOURCE_EXHAUSTED, 402, details);
  }
}

export class RateLimitedError extends AppError {
  /** limit: the limiter's points, for X-RateLimit-Limit on the 429 itself. */
  constructor(
    readonly retryAfterSeconds: number,
    readonly limit?: number,
  ) {
    super('rate_limited', 'Too many requests', GrpcStatus.RESOURCE_EXHAUSTED, 429, { retry_after: retryAfterSeconds });
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message = 'Request body exceeds the size limit') {
    super('payload_too_large', message, GrpcStatus.INVALID_ARGUMENT, 413);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message = 'Request body must be application/json') {
    super('unsupported_media_type', message, GrpcStatus.INVALID_ARGUMENT, 415);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message = 'A dependency is unavailable, try again shortly', readonly retryAfterSeconds = 2) {
    super('service_unavailable', message, GrpcStatus.UNAVAILABLE, 503);
  }
}

export class InternalError extends AppError {
  constructor() {
    super('internal', 'Internal error', GrpcStatus.INTERNAL, 500);
  }
}

const CODE_KEY = 'x-error-code';
const DETAILS_KEY = 'x-error-details';

/** Driver errors that mean the database cannot be reached (down, restarting, or failing over). */
const DATABASE_UNREACHABLE = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
  'MongoPoolClosedError',
  'MongoWaitQueueTimeoutError',
  'MongoServerClosedError',
]);
const SOCKET_GONE = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'ENOTCONN']);
/** The connection dropped mid-command (its socket error, or the driver's words), or FerretDB's words when PostgreSQL behind it is down or restarting. */
const STORE_UNREACHABLE = new RegExp(
  [
    ...SOCKET_GONE,
    String.raw`connection \d+ to \S+ (closed|timed out)`,
    'failed to connect to',
    'terminating connection',
    'the database system is (starting up|shutting down|in recovery mode)',
    'connection refused',
    'conn closed',
    'unexpected EOF',
  ].join('|'),
  'i',
);

/** The database is out of reach for now: callers get 503 and retry, not a 500. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (DATABASE_UNREACHABLE.has(err.name)) return true;
  // A socket the driver wrote to as the server went away (it does not always wrap these).
  if (SOCKET_GONE.has(String((err as NodeJS.ErrnoException).code))) return true;
  // The driver labels errors worth retrying because the connection, not the command, failed.
  if ((err as { errorLabelSet?: Set<string> }).errorLabelSet?.has('RetryableWriteError')) return true;
  return ((err.name === 'MongoServerError' || err.name === 'MongoBulkWriteError') && STORE_UNREACHABLE.test(err.message)) || (err.name === 'MongooseError' && /buffering timed out/.test(err.message));
}

/** Any thrown value → a ServiceError safe to send to a gRPC caller. Unknown errors become INTERNAL. */
export function toGrpcError(err: unknown): Partial<ServiceError> {
  const app = err instanceof AppError ? err : isDatabaseUnavailable(err) ? new ServiceUnavailableError() : new InternalError();
  const metadata = new Metadata();
  metadata.set(CODE_KEY, app.code);
  if (app.details) metadata.set(DETAILS_KEY, JSON.stringify(app.details));
  return { code: app.grpcStatus, details: app.message, message: app.message, metadata };
}

const byCode: Record<string, (message: string, details?: Record<string, unknown>) => AppError> = {
  validation_failed: (m, d) => new ValidationError(m, d),
  invalid_json: (m, d) => new ValidationError(m, d, 'invalid_json'),
  model_not_priced: (m, d) => new ValidationError(m, d, 'model_not_priced'),
  unauthenticated: (m) => new UnauthenticatedError('unauthenticated', m),
  invalid_credentials: (m) => new UnauthenticatedError('invalid_credentials', m),
  token_expired: (m) => new UnauthenticatedError('token_expired', m),
  token_revoked: (m) => new UnauthenticatedError('token_revoked', m),
  refresh_token_reused: (m) => new UnauthenticatedError('refresh_token_reused', m),
  forbidden: (m, d) => new ForbiddenError(m, 'forbidden', d),
  insufficient_scope: (m, d) => new ForbiddenError(m, 'insufficient_scope', d),
  csrf_failed: (m, d) => new ForbiddenError(m, 'csrf_failed', d),
  approval_required: (m, d) => new ForbiddenError(m, 'approval_required', d),
  not_found: (m) => new NotFoundError(m),
  conflict: (m, d) => new ConflictError(m, d),
  budget_exhausted: (m, d) => new BudgetExhaustedError(m, d),
  rate_limited: (_m, d) => new RateLimitedError(Number(d?.retry_after ?? 1)),
  service_unavailable: (m) => new ServiceUnavailableError(m),
};

/** A gRPC error received by a client → the AppError the server threw. */
export function fromGrpcError(err: ServiceError): AppError {
  const code = err.metadata?.get(CODE_KEY)[0];
  if (typeof code === 'string' && byCode[code]) {
    const raw = err.metadata.get(DETAILS_KEY)[0];
    const details = typeof raw === 'string' ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
    return byCode[code](err.details, details);
  }
  switch (err.code) {
    case GrpcStatus.UNAVAILABLE:
    case GrpcStatus.DEADLINE_EXCEEDED:
    case GrpcStatus.CANCELLED:
      // The transport's own words stay for the logs (never for the client).
      return Object.assign(new ServiceUnavailableError(), { cause: { grpc_code: err.code, details: err.details } });
    case GrpcStatus.UNAUTHENTICATED:
      return new UnauthenticatedError();
    case GrpcStatus.PERMISSION_DENIED:
      return new ForbiddenError();
    case GrpcStatus.NOT_FOUND:
      return new NotFoundError();
    case GrpcStatus.INVALID_ARGUMENT:
      return new ValidationError(err.details);
    default:
      return new InternalError();
  }
}

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as ServiceError).code === 'number' && 'metadata' in err;
}
