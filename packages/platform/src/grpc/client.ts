import * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { randomUUID } from 'node:crypto';
import { ASSERTION_METADATA_KEY, mintAssertion } from '../auth/assertion.js';
import type { Principal } from '../auth/principal.js';
import { fromGrpcError, isServiceError } from '../errors.js';
import type { GrpcClientMetrics } from '../metrics.js';
import { SERVICE_NAMES, SERVICE_REGISTRY } from '../services.js';
import { CLIENT_IP_KEY, CLIENT_UA_KEY, REQUEST_ID_KEY, ROUTINE_KEY, type Caller, type ServerSurfaceCall } from './context.js';

/** What an outgoing call carries: who it is for, and what to propagate. */
export interface OutgoingCall {
  principal: Principal;
  requestId?: string;
  ip?: string;
  userAgent?: string;
  /** Overrides the client's default deadline. */
  deadlineMs?: number;
  /** A periodic call of the caller's own (a poll, a sync), many a second: the callee logs it at debug unless it fails or is slow. */
  routine?: boolean;
  /** The incoming call being served: its deadline and cancellation propagate. */
  parent?: ServerSurfaceCall;
}

/** Continue the incoming call's identity and request id in an onward call. */
export function onward(ctx: Caller, principal: Principal = ctx.principal): OutgoingCall {
  return { principal, requestId: ctx.requestId, ip: ctx.ip, userAgent: ctx.userAgent, parent: ctx.call };
}

/**
 * A call a service makes to a neighbour as itself, never on behalf of the end caller; when it
 * serves a call (`caller`), the request id, deadline and cancellation carry on.
 */
export function asService(service: string, caller?: Caller): OutgoingCall {
  const principal: Principal = { type: 'service', id: service };
  return caller ? onward(caller, principal) : { principal };
}

/** The unary methods of a generated service definition, as promise-returning functions. */
export type AsyncClient<D> = {
  [K in keyof D as string extends K ? never : K]: D[K] extends MethodDefinition<infer Req, any, any, infer ResOut> // eslint-disable-line @typescript-eslint/no-explicit-any -- (de)serializer parameters are contravariant: only any matches every method
    ? (req: Req, call: OutgoingCall) => Promise<ResOut>
    : never;
};

export interface ClientOptions {
  /** Issuer name in minted assertions (the calling process). */
  issuer: string;
  secret: string;
  defaultDeadlineMs?: number;
  /** Methods safe to retry on UNAVAILABLE (idempotent reads). */
  idempotent?: (method: string) => boolean;
  retries?: number;
  /** Times every call (grpc_client_duration_seconds). */
  metrics?: GrpcClientMetrics;
}

const READ_METHOD = /^(Get|List|Check|Introspect|Query|Verify)/;

/** A generated service constructor; its static `service` types the client. */
export type ServiceCtor<D> = (new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => grpc.Client) & {
  service: D;
};
type UnaryMethod = (
  req: unknown,
  md: grpc.Metadata,
  options: grpc.CallOptions,
  cb: (err: grpc.ServiceError | null, res: unknown) => void,
) => grpc.ClientUnaryCall;

export interface ServiceClient<D> {
  call: AsyncClient<D>;
  raw: grpc.Client;
  metadata(call: OutgoingCall): grpc.Metadata;
  close(): void;
}

/** The service a definition's methods belong to (its name in the registry), from their paths: /tollgate.identity.v1.Identity/Login. */
function calleeOf(service: grpc.ServiceDefinition): string {
  const grpcService = Object.values(service)[0]?.path.split('/')[1];
  return SERVICE_NAMES.find((name) => SERVICE_REGISTRY[name].grpcService === grpcService) ?? grpcService ?? 'unknown';
}

/** Reconnect fast after a peer restarts, so a recovered service is used (and seen ready) again promptly. */
export const RECONNECT_FAST = { 'grpc.initial_reconnect_backoff_ms': 200, 'grpc.max_reconnect_backoff_ms': 2_000 } as const;

/**
 * A client for one service: keepalive matched to the server's ping policy, a deadline
 * on every call, the caller assertion and request id in metadata, errors turned back
 * into the AppError the server threw, and retries for idempotent reads only.
 */
export function createServiceClient<D extends grpc.ServiceDefinition>(
  Ctor: ServiceCtor<D>,
  address: string,
  opts: ClientOptions,
): ServiceClient<D> {
  const raw = new Ctor(address, grpc.credentials.createInsecure(), {
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 5_000,
    'grpc.keepalive_permit_without_calls': 0,
    'grpc.enable_retries': 0,
    ...RECONNECT_FAST,
  });
  const defaultDeadline = opts.defaultDeadlineMs ?? 5_000;
  const idempotent = opts.idempotent ?? ((m: string) => READ_METHOD.test(m));
  // 100+200+400+800 ms: long enough to ride out a peer's restart and our reconnect backoff.
  const retries = opts.retries ?? 4;

  const metadata = (call: OutgoingCall) => {
    const md = new grpc.Metadata();
    md.set(ASSERTION_METADATA_KEY, mintAssertion(call.principal, opts.secret, opts.issuer));
    md.set(REQUEST_ID_KEY, call.requestId ?? randomUUID());
    if (call.ip) md.set(CLIENT_IP_KEY, call.ip);
    if (call.userAgent) md.set(CLIENT_UA_KEY, call.userAgent);
    if (call.routine) md.set(ROUTINE_KEY, '1');
    return md;
  };
  const deadline = (call: OutgoingCall) => {
    let at = Date.now() + (call.deadlineMs ?? defaultDeadline);
    const parent = call.parent?.getDeadline();
    if (parent instanceof Date && parent.getTime() < at) at = parent.getTime();
    return new Date(at);
  };

  const invoke = (method: string, req: unknown, call: OutgoingCall, until: Date) =>
    new Promise<unknown>((resolve, reject) => {
      const fn = (raw as unknown as Record<string, UnaryMethod>)[method];
      // A cancelled incoming call cancels its onward calls (grpc-js follows the parent); the deadline is `until` already.
      // (Every server call grpc-js hands a handler is one of CallOptions' parent kinds; ServerSurfaceCall is their common base.)
      const parent = call.parent as grpc.CallOptions['parent'];
      const options: grpc.CallOptions = parent
        ? { deadline: until, parent, propagate_flags: grpc.propagate.CANCELLATION }
        : { deadline: until };
      fn.call(raw, req, metadata(call), options, (err: grpc.ServiceError | null, res: unknown) => (err ? reject(err) : resolve(res)));
    });

  const retried = async (method: string, req: unknown, call: OutgoingCall) => {
    // One deadline for the whole call, retries included.
    const until = deadline(call);
    for (let attempt = 0; ; attempt++) {
      try {
        return await invoke(method, req, call, until);
      } catch (err) {
        const retry = isServiceError(err) && err.code === grpc.status.UNAVAILABLE && idempotent(method) && attempt < retries;
        if (!retry) throw err;
        const pause = 100 * 2 ** attempt;
        if (Date.now() + pause >= until.getTime()) throw err;
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  };

  const target = calleeOf(Ctor.service);
  const asyncClient: Record<string, (req: unknown, call: OutgoingCall) => Promise<unknown>> = {};
  for (const [method, def] of Object.entries(Ctor.service)) {
    if (def.responseStream) continue;
    asyncClient[method] = async (req, call) => {
      const stop = opts.metrics?.start(target, method);
      try {
        const res = await retried(method, req, call);
        stop?.(grpc.status.OK);
        return res;
      } catch (err) {
        stop?.(isServiceError(err) ? err.code : grpc.status.UNKNOWN);
        throw isServiceError(err) ? fromGrpcError(err) : err;
      }
    };
  }

  return {
    call: asyncClient as AsyncClient<D>,
    raw,
    metadata,
    close: () => raw.close(),
  };
}
