import type { Metadata } from '@grpc/grpc-js';
import type { ServerSurfaceCall } from '@grpc/grpc-js/build/src/server-call.js';
import type { Logger } from 'pino';
export type { ServerSurfaceCall };
import type { Principal } from '../auth/principal.js';

export const REQUEST_ID_KEY = 'x-request-id';
export const CLIENT_IP_KEY = 'x-client-ip';
export const CLIENT_UA_KEY = 'x-client-user-agent';
/** Set on a caller's own periodic calls (polls, syncs): their successful access lines are debug, not info. */
export const ROUTINE_KEY = 'x-tollgate-routine';

/** Everything a handler knows about the call besides its request message. */
export interface CallContext {
  requestId: string;
  /** The verified caller (from the assertion in metadata). */
  principal: Principal;
  /** The end client's address and user agent, as the gateway saw them. */
  ip?: string;
  userAgent?: string;
  log: Logger;
  /** The incoming call, so onward calls can propagate its deadline and cancellation. */
  call: ServerSurfaceCall;
}

/**
 * Who a use case acts for, as the server wrapper verified it, with what audit events record
 * and, when the use case runs inside an RPC, the call onward calls follow (deadline, cancellation).
 */
export type Caller = Pick<CallContext, 'principal' | 'requestId' | 'ip' | 'userAgent'> & Partial<Pick<CallContext, 'call'>>;

export function metadataValue(md: Metadata, key: string): string | undefined {
  const v = md.get(key)[0];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** The caller has stopped waiting for the answer: it cancelled the call, or its deadline passed. */
export function callerGaveUp(ctx: CallContext): boolean {
  if (ctx.call.cancelled) return true;
  const deadline = ctx.call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(at) && at <= Date.now();
}
