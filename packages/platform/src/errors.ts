import { status as GrpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';

/**
 * One error class per concept. Domain code throws these; they are mapped to a gRPC
 * status once (toGrpcError, in the server wrapper) and back to the same class and then
 * to HTTP once (fromGrpcError + sendError, in the gateway), both through ERRORS below: the
 * one table of what each code is. `code` is the public snake_case code of the REST API (the
 * error envelope of the OpenAPI document); `message` is safe to show to a client.
 */
export type ErrorCode =
  | ValidationCode
  | UnauthenticatedCode
  | ForbiddenCode
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'budget_exhausted'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'service_unavailable'
  | 'gateway_timeout'
  | 'internal';

export class AppError extends Error {
  readonly grpcStatus: GrpcStatus;
  readonly httpStatus: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
    this.grpcStatus = ERRORS[code].grpc;
    this.httpStatus = ERRORS[code].http;
  }
}

export type ValidationCode = 'validation_failed' | 'invalid_json' | 'model_not_priced' | 'endpoint_not_priced';

export class ValidationError extends AppError {
  constructor(message = 'Request validation failed', details?: Record<string, unknown>, code: ValidationCode = 'validation_failed') {
    super(code, message, details);
  }
}

export type UnauthenticatedCode = 'unauthenticated' | 'invalid_credentials' | 'token_expired' | 'token_revoked' | 'refresh_token_reused';

export class UnauthenticatedError extends AppError {
  constructor(code: UnauthenticatedCode = 'unauthenticated', message = 'Authentication required') {
    super(code, message);
  }
}

export type ForbiddenCode =
  | 'forbidden'
  | 'insufficient_scope'
  | 'csrf_failed'
  | 'approval_required'
  /** Passwords are off for the account or the installation: links and passkeys sign in. */
  | 'password_login_disabled'
  /** The account has a temporary password, which the sign-in must replace. */
  | 'password_change_required'
  /** The client's IP address is refused by the installation's IP rules. */
  | 'ip_denied';

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this', code: ForbiddenCode = 'forbidden', details?: Record<string, unknown>) {
    super(code, message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found') {
    super('not_found', message);
  }
}

/** The request contradicts what is stored (a name taken, a request already decided): repeating it will not help. */
export class ConflictError extends AppError {
  constructor(message = 'Conflict', details?: Record<string, unknown>) {
    super('conflict', message, details);
  }
}

export class MethodNotAllowedError extends AppError {
  constructor(readonly allowed: string[]) {
    super('method_not_allowed', `This path supports ${allowed.join(', ')}`, { allowed });
  }
}

export class BudgetExhaustedError extends AppError {
  constructor(message = 'Budget exhausted', details?: Record<string, unknown>) {
    super('budget_exhausted', message, details);
  }
}

export class RateLimitedError extends AppError {
  /** limit: the limiter's points, for X-RateLimit-Limit on the 429 itself; limiter: which limit refused (rate_limit_hits_total). */
  constructor(
    readonly retryAfterSeconds: number,
    readonly limit?: number,
    readonly limiter?: string,
  ) {
    super('rate_limited', 'Too many requests', { retry_after: retryAfterSeconds });
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message = 'Request body exceeds the size limit') {
    super('payload_too_large', message);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message = 'Request body must be application/json') {
    super('unsupported_media_type', message);
  }
}

/** Not now: a dependency is down, or the work is busy elsewhere. The same request, repeated after Retry-After, can succeed. */
export class ServiceUnavailableError extends AppError {
  constructor(
    message = 'A dependency is unavailable, try again shortly',
    readonly retryAfterSeconds = 2,
  ) {
    super('service_unavailable', message);
  }
}

/** A third party (an LLM provider) stopped answering after the request was sent. */
export class GatewayTimeoutError extends AppError {
  constructor(message = 'The upstream stopped answering') {
    super('gateway_timeout', message);
  }
}

export class InternalError extends AppError {
  constructor() {
    super('internal', 'Internal error');
  }
}

type Details = Record<string, unknown> | undefined;

/**
 * Every error code: the HTTP status it answers, the gRPC status it travels as between
 * processes, and the error a gRPC client turns it back into (the one the server threw).
 */
const ERRORS: Record<ErrorCode, { http: number; grpc: GrpcStatus; revive: (message: string, details: Details) => AppError }> = {
  validation_failed: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, revive: (m, d) => new ValidationError(m, d) },
  invalid_json: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, revive: (m, d) => new ValidationError(m, d, 'invalid_json') },
  model_not_priced: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, revive: (m, d) => new ValidationError(m, d, 'model_not_priced') },
  endpoint_not_priced: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, revive: (m, d) => new ValidationError(m, d, 'endpoint_not_priced') },
  unauthenticated: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED, revive: (m) => new UnauthenticatedError('unauthenticated', m) },
  invalid_credentials: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED, revive: (m) => new UnauthenticatedError('invalid_credentials', m) },
  token_expired: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED, revive: (m) => new UnauthenticatedError('token_expired', m) },
  token_revoked: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED, revive: (m) => new UnauthenticatedError('token_revoked', m) },
  refresh_token_reused: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED, revive: (m) => new UnauthenticatedError('refresh_token_reused', m) },
  budget_exhausted: { http: 402, grpc: GrpcStatus.RESOURCE_EXHAUSTED, revive: (m, d) => new BudgetExhaustedError(m, d) },
  forbidden: { http: 403, grpc: GrpcStatus.PERMISSION_DENIED, revive: (m, d) => new ForbiddenError(m, 'forbidden', d) },
  insufficient_scope: { http: 403, grpc: GrpcStatus.PERMISSION_DENIED, revive: (m, d) => new ForbiddenError(m, 'insufficient_scope', d) },
  csrf_failed: { http: 403, grpc: GrpcStatus.PERMISSION_DENIED, revive: (m, d) => new ForbiddenError(m, 'csrf_failed', d) },
  approval_required: { http: 403, grpc: GrpcStatus.PERMISSION_DENIED, revive: (m, d) => new ForbiddenError(m, 'approval_required', d) },
  password_login_disabled: {
    http: 403,
    grpc: GrpcStatus.PERMISSION_DENIED,
    revive: (m, d) => new ForbiddenError(m, 'password_login_disabled', d),
  },
  password_change_required: {
    http: 403,
    grpc: GrpcStatus.PERMISSION_DENIED,
    revive: (m, d) => new ForbiddenError(m, 'password_change_required', d),
  },
  ip_denied: { http: 403, grpc: GrpcStatus.PERMISSION_DENIED, revive: (m, d) => new ForbiddenError(m, 'ip_denied', d) },
  not_found: { http: 404, grpc: GrpcStatus.NOT_FOUND, revive: (m) => new NotFoundError(m) },
  method_not_allowed: {
    http: 405,
    grpc: GrpcStatus.UNIMPLEMENTED,
    revive: (_m, d) => new MethodNotAllowedError(Array.isArray(d?.allowed) ? d.allowed.map(String) : []),
  },
  conflict: { http: 409, grpc: GrpcStatus.FAILED_PRECONDITION, revive: (m, d) => new ConflictError(m, d) },
  payload_too_large: { http: 413, grpc: GrpcStatus.INVALID_ARGUMENT, revive: (m) => new PayloadTooLargeError(m) },
  unsupported_media_type: { http: 415, grpc: GrpcStatus.INVALID_ARGUMENT, revive: (m) => new UnsupportedMediaTypeError(m) },
  rate_limited: { http: 429, grpc: GrpcStatus.RESOURCE_EXHAUSTED, revive: (_m, d) => new RateLimitedError(Number(d?.retry_after ?? 1)) },
  internal: { http: 500, grpc: GrpcStatus.INTERNAL, revive: () => new InternalError() },
  service_unavailable: { http: 503, grpc: GrpcStatus.UNAVAILABLE, revive: (m) => new ServiceUnavailableError(m) },
  gateway_timeout: { http: 504, grpc: GrpcStatus.DEADLINE_EXCEEDED, revive: (m) => new GatewayTimeoutError(m) },
};

/** The codes an HTTP status carries, from the table (the API document lists them per status). */
export function errorCodesOf(httpStatus: number): ErrorCode[] {
  return (Object.keys(ERRORS) as ErrorCode[]).filter((code) => ERRORS[code].http === httpStatus);
}

/** Is this a code of the table (a code a server sent, before it is trusted)? */
const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.hasOwn(ERRORS, code);

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
  return (
    ((err.name === 'MongoServerError' || err.name === 'MongoBulkWriteError') && STORE_UNREACHABLE.test(err.message)) ||
    (err.name === 'MongooseError' && err.message.includes('buffering timed out'))
  );
}

/** Any thrown value → a ServiceError safe to send to a gRPC caller. Unknown errors become INTERNAL. */
export function toGrpcError(err: unknown): Partial<ServiceError> {
  const app = err instanceof AppError ? err : isDatabaseUnavailable(err) ? new ServiceUnavailableError() : new InternalError();
  const metadata = new Metadata();
  metadata.set(CODE_KEY, app.code);
  if (app.details) metadata.set(DETAILS_KEY, JSON.stringify(app.details));
  return { code: app.grpcStatus, details: app.message, message: app.message, metadata };
}

/** A gRPC error received by a client → the AppError the server threw. */
export function fromGrpcError(err: ServiceError): AppError {
  const code = err.metadata?.get(CODE_KEY)[0];
  if (isErrorCode(code)) {
    const raw = err.metadata.get(DETAILS_KEY)[0];
    const details = typeof raw === 'string' ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
    return ERRORS[code].revive(err.details, details);
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
