import * as grpc from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatusMap } from 'grpc-health-check';
import { ReflectionService } from '@grpc/reflection';
import type { PackageDefinition } from '@grpc/proto-loader';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { ASSERTION_METADATA_KEY, verifyAssertion } from '../auth/assertion.js';
import { refusalOf, type Callers } from '../auth/policy.js';
import { AppError, isDatabaseUnavailable, toGrpcError } from '../errors.js';
import {
  CLIENT_IP_KEY,
  CLIENT_UA_KEY,
  metadataValue,
  REQUEST_ID_KEY,
  ROUTINE_KEY,
  type CallContext,
  type ServerSurfaceCall,
} from './context.js';
import type { GrpcMetrics } from '../metrics.js';
import { keepsAccessLine, type AccessLogPolicy } from '../logger.js';
import { reflectionPackageDefinition } from './reflection.js';

/** Handlers written as async functions of (request, context), derived from the generated types. */
export type AsyncHandlers<H> = {
  [K in keyof H as string extends K ? never : K]: H[K] extends grpc.handleServerStreamingCall<infer Req, infer Res>
    ? (req: Req, ctx: CallContext, stream: grpc.ServerWritableStream<Req, Res>) => Promise<void>
    : H[K] extends grpc.handleUnaryCall<infer Req, infer Res>
      ? (req: Req, ctx: CallContext) => Promise<Res>
      : never;
};

export interface ServiceRegistration {
  /** The fully-qualified name, e.g. tollgate.identity.v1.Identity (used for health). */
  name: string;
  definition: grpc.ServiceDefinition;
  handlers: Record<string, (...args: never[]) => Promise<unknown>>;
  /** Who may call each RPC (RPC_CALLERS), checked before its handler runs. */
  callers: Record<string, Callers>;
}

export function registration<H>(
  name: string,
  definition: grpc.ServiceDefinition,
  handlers: AsyncHandlers<H>,
  callers: { readonly [K in keyof AsyncHandlers<H>]: Callers },
): ServiceRegistration {
  return { name, definition, handlers, callers };
}

export interface GrpcServerOptions {
  serviceName: string;
  logger: Logger;
  secret: string;
  services: ServiceRegistration[];
  packageDefinition: PackageDefinition;
  metrics?: GrpcMetrics;
  /** One log line per RPC (which of them: the policy). */
  accessLog?: AccessLogPolicy;
}

export interface GrpcServer {
  server: grpc.Server;
  health: HealthImplementation;
  /** Flip every registered service (and the overall "" entry) SERVING / NOT_SERVING. */
  setServing(serving: boolean): void;
  listen(host: string, port: number): Promise<number>;
  /** Stop accepting, drain in-flight calls up to timeoutMs, then force. */
  stop(timeoutMs: number): Promise<void>;
}

/**
 * Builds a gRPC server whose every handler goes through one wrapper: it verifies the
 * caller assertion (UNAUTHENTICATED without one), refuses a caller the RPC does not declare
 * (PERMISSION_DENIED, before the handler runs), builds the call context with the
 * request id and a child logger, records metrics and the access log line, and maps thrown
 * errors to a gRPC status exactly once. Health (grpc.health.v1) and reflection are added.
 */
export function createGrpcServer(opts: GrpcServerOptions): GrpcServer {
  const server = new grpc.Server({
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 10_000,
    'grpc.max_receive_message_length': 4 * 1024 * 1024,
  });
  const statusMap: ServingStatusMap = { '': 'NOT_SERVING' };
  for (const s of opts.services) statusMap[s.name] = 'NOT_SERVING';
  const health = new HealthImplementation(statusMap);
  health.addToServer(server);
  new ReflectionService(reflectionPackageDefinition(opts.packageDefinition)).addToServer(server);

  for (const svc of opts.services) {
    const impl: grpc.UntypedServiceImplementation = {};
    for (const [method, def] of Object.entries(svc.definition)) {
      const handler = svc.handlers[method] as UnaryFn | StreamFn | undefined;
      const callers = svc.callers[method] as Callers | undefined;
      if (!handler) throw new Error(`${svc.name}.${method} has no handler`);
      if (!callers) throw new Error(`${svc.name}.${method} declares no callers`);
      impl[method] = def.responseStream
        ? wrapStreaming(svc.name, method, guarded(callers, handler as StreamFn), opts)
        : wrapUnary(svc.name, method, guarded(callers, handler as UnaryFn), opts);
    }
    server.addService(svc.definition, impl);
  }

  return {
    server,
    health,
    setServing(serving) {
      const st = serving ? 'SERVING' : 'NOT_SERVING';
      health.setStatus('', st);
      for (const s of opts.services) health.setStatus(s.name, st);
    },
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
      });
    },
    stop(timeoutMs) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, timeoutMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

type UnaryFn = (req: unknown, ctx: CallContext) => Promise<unknown>;
type StreamFn = (req: unknown, ctx: CallContext, stream: grpc.ServerWritableStream<unknown, unknown>) => Promise<void>;

/** The handler behind its callers' check: a caller it does not declare is refused before anything is read. */
function guarded<F extends UnaryFn | StreamFn>(callers: Callers, fn: F): F {
  return ((req: unknown, ctx: CallContext, stream: grpc.ServerWritableStream<unknown, unknown>) => {
    const refusal = refusalOf(callers, ctx.principal);
    return refusal ? Promise.reject(refusal) : fn(req, ctx, stream);
  }) as F;
}

function buildContext(call: ServerSurfaceCall, method: string, opts: GrpcServerOptions): CallContext {
  const md = call.metadata;
  const requestId = metadataValue(md, REQUEST_ID_KEY) ?? randomUUID();
  const log = opts.logger.child({ request_id: requestId, rpc: method });
  const principal = verifyAssertion(metadataValue(md, ASSERTION_METADATA_KEY) ?? '', opts.secret);
  return {
    requestId,
    principal,
    ip: metadataValue(md, CLIENT_IP_KEY),
    userAgent: metadataValue(md, CLIENT_UA_KEY),
    log,
    call,
  };
}

function report(err: unknown, method: string, opts: GrpcServerOptions, log: Logger = opts.logger) {
  if (err instanceof AppError) {
    log.debug({ rpc: method, code: err.code }, 'rpc failed');
  } else if (isDatabaseUnavailable(err)) {
    log.warn({ rpc: method, err: (err as Error).message }, 'rpc failed: the database is out of reach');
  } else {
    log.error({ rpc: method, err }, 'rpc failed with an unexpected error');
  }
  return toGrpcError(err);
}

/**
 * Starts observing a call; the returned function records its end in the metrics and, unless
 * sampled out, in the access log: what was called, how it ended, how long it took and for whom.
 */
function observe(service: string, method: string, call: ServerSurfaceCall, opts: GrpcServerOptions) {
  const stop = opts.metrics?.start(service, method);
  const started = performance.now();
  return (code: grpc.status, ctx?: CallContext) => {
    stop?.(code);
    const policy = opts.accessLog;
    const durationMs = performance.now() - started;
    const failed = code !== grpc.status.OK;
    if (!policy || !keepsAccessLine(policy, failed, durationMs)) return;
    const routine = !failed && durationMs < policy.slowMs && metadataValue(call.metadata, ROUTINE_KEY) === '1';
    opts.logger[routine ? 'debug' : 'info'](
      {
        method,
        code: grpc.status[code],
        duration_ms: Math.round(durationMs * 10) / 10,
        request_id: ctx?.requestId ?? metadataValue(call.metadata, REQUEST_ID_KEY),
        caller_type: ctx?.principal.type,
        caller_id: ctx?.principal.id,
      },
      'rpc',
    );
  };
}

function wrapUnary(service: string, method: string, fn: UnaryFn, opts: GrpcServerOptions): grpc.handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    const done = observe(service, method, call, opts);
    let ctx: CallContext;
    try {
      ctx = buildContext(call, method, opts);
    } catch (err) {
      done(grpc.status.UNAUTHENTICATED);
      callback(report(err, method, opts));
      return;
    }
    fn(call.request, ctx).then(
      (res) => {
        done(grpc.status.OK, ctx);
        callback(null, res);
      },
      (err: unknown) => {
        const e = report(err, method, opts, ctx.log);
        done(e.code ?? grpc.status.INTERNAL, ctx);
        callback(e);
      },
    );
  };
}

/**
 * Ends a server stream with an error status. `emit('error')` is how grpc-js sends a
 * status on a writable call; `destroy(err)` would tear the stream down without ever
 * sending one, leaving the client waiting until its deadline.
 */
function failStream(call: grpc.ServerWritableStream<unknown, unknown>, err: Partial<grpc.ServiceError>): void {
  if (call.cancelled || call.destroyed) return;
  call.emit('error', err);
}

function wrapStreaming(
  service: string,
  method: string,
  fn: StreamFn,
  opts: GrpcServerOptions,
): grpc.handleServerStreamingCall<unknown, unknown> {
  return (call) => {
    const done = observe(service, method, call, opts);
    let ctx: CallContext;
    try {
      ctx = buildContext(call, method, opts);
    } catch (err) {
      done(grpc.status.UNAUTHENTICATED);
      failStream(call, report(err, method, opts));
      return;
    }
    fn(call.request, ctx, call).then(
      () => {
        done(grpc.status.OK, ctx);
        call.end();
      },
      (err: unknown) => {
        const e = report(err, method, opts, ctx.log);
        done(e.code ?? grpc.status.INTERNAL, ctx);
        failStream(call, e);
      },
    );
  };
}
