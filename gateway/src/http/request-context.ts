import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger, OutgoingCall, Principal } from '@tollgate/platform';

/** Per-request state the gateway builds up as a request passes the edge. */
export interface RequestContext {
  requestId: string;
  ip: string;
  userAgent: string;
  log: Logger;
  /** Set once the route has authenticated the caller. */
  principal?: Principal;
  /** The raw credential's cache key (used to invalidate on logout/revoke). */
  credential?: { kind: 'session'; sessionId: string } | { kind: 'token'; tokenId: string };
}

declare module 'express-serve-static-core' {
  interface Request {
    ctx: RequestContext;
  }
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** The gateway acting for itself: anonymous callers, and the few calls only a service may make. */
export const GATEWAY: Principal = { type: 'service', id: 'gateway' };

/** X-Request-Id: echo a sane client value, else mint one; it travels into gRPC metadata and logs. */
export function requestContext(log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    req.ctx = {
      requestId,
      ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      userAgent: (req.get('user-agent') ?? '').slice(0, 512),
      log: log.child({ request_id: requestId }),
    };
    next();
  };
}

/** The onward gRPC call for this request: as the authenticated caller, or as the gateway itself. */
export function outgoing(req: Request, principal: Principal | undefined = req.ctx.principal): OutgoingCall {
  return outgoingFrom(req.ctx, principal);
}

/** The same, from the request's context alone (for code that is handed the context, not the request). */
export function outgoingFrom(ctx: RequestContext, principal: Principal | undefined = ctx.principal): OutgoingCall {
  return { principal: principal ?? GATEWAY, requestId: ctx.requestId, ip: ctx.ip, userAgent: ctx.userAgent };
}
