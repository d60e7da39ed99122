import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger, OutgoingCall, Principal } from '@tollgate/platform';

/** Per-request state the gateway builds up as a request passes the edge. */
export interface RequestContext {
  requestId: string;
  ip: string;
  userAgent: string;
  /** The request's logger (its id bound, and its caller once authenticated); made when first used. */
  readonly log: Logger;
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
    req.ctx = new Context(requestId, req.ip ?? req.socket.remoteAddress ?? 'unknown', (req.get('user-agent') ?? '').slice(0, 512), log);
    next();
  };
}

/**
 * A request's context. Its logger is a child made on first use, not per request: most requests
 * log nothing, and a child logger (with the redaction it carries) is among the costliest things
 * a request would make. A principal set after the logger was made is bound to a new child.
 */
class Context implements RequestContext {
  #log: Logger | undefined;
  #principal: Principal | undefined;
  credential?: RequestContext['credential'];

  constructor(
    readonly requestId: string,
    readonly ip: string,
    readonly userAgent: string,
    private readonly base: Logger,
  ) {}

  get log(): Logger {
    this.#log ??= this.base.child({ request_id: this.requestId, ...principalBinding(this.#principal) });
    return this.#log;
  }

  get principal(): Principal | undefined {
    return this.#principal;
  }

  set principal(principal: Principal | undefined) {
    this.#principal = principal;
    if (this.#log) this.#log = this.#log.child(principalBinding(principal));
  }
}

const principalBinding = (p: Principal | undefined) => (p ? { principal: `${p.type}:${p.id}` } : {});

/** The onward gRPC call for this request: as the authenticated caller, or as the gateway itself. */
export function outgoing(req: Request, principal: Principal | undefined = req.ctx.principal): OutgoingCall {
  return outgoingFrom(req.ctx, principal);
}

/** The same, from the request's context alone (for code that is handed the context, not the request). */
export function outgoingFrom(ctx: RequestContext, principal: Principal | undefined = ctx.principal): OutgoingCall {
  return { principal: principal ?? GATEWAY, requestId: ctx.requestId, ip: ctx.ip, userAgent: ctx.userAgent };
}
