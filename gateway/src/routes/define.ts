import './zod-openapi.js';
import type { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import {
  describeCallers,
  errorCodesOf,
  refusalOf,
  ValidationError,
  type Callers,
  type ForbiddenError,
  type OutgoingCall,
  type Principal,
} from '@tollgate/platform';
import type { GatewayDeps } from '../deps.js';
import { outgoing } from '../http/request-context.js';
import { errorSchema } from './schemas.js';
import type { RouteTable } from './route-table.js';
import { callerLimits, consume, setRateLimitHeaders, type Consumed } from '../rate-limit/limiters.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type AnyObject = z.ZodObject<z.ZodRawShape>;
type Infer<T> = T extends z.ZodType ? z.infer<T> : Record<string, never>;

export interface RouteInput<B, Q, P, A extends Auth> {
  body: Infer<B>;
  query: Infer<Q>;
  params: Infer<P>;
  /** The authenticated caller (absent on public routes). */
  principal: A extends 'public' ? Principal | undefined : Principal;
}

/**
 * - public: no credentials needed (login, JWKS, health).
 * - any: a session JWT or an API token (personal `tg_pat_` or agent `tg_agt_`), let in by the route's `callers`.
 */
export type Auth = 'public' | 'any';

/**
 * A route's own admission of a request (the proxy: a call's hold and its place among the
 * agent's calls in flight), run alongside the caller's rate limits rather than after them,
 * so that their Redis calls go out in one write: one round trip less on the request's way.
 * `undo` gives back what `run` took when a rate limit refuses the request; `refused` hears of a
 * refusal of `run` once the request is known to be within its limits (to audit it: a caller
 * past its limits gets 429s, not one audit event per attempt).
 */
export interface Admission<B, Q, P, A extends Auth, M> {
  run(input: RouteInput<B, Q, P, A>, req: Request): Promise<M>;
  undo(admitted: M): void;
  refused?(err: unknown, input: RouteInput<B, Q, P, A>, req: Request): void;
}

export interface RouteSpec<
  B extends AnyObject | undefined,
  Q extends AnyObject | undefined,
  P extends AnyObject | undefined,
  A extends Auth,
  M = undefined,
> {
  method: Method;
  /** OpenAPI-style path, e.g. /v1/users/{id}. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  auth: A;
  /**
   * Who may call (required unless public). Usually the declaration of the RPC the route calls
   * (RPC_CALLERS), so the gateway refuses early exactly whom the service would refuse.
   */
  callers?: Callers;
  body?: B;
  /** A rule across the body's fields, enforced here and stated in the document (JSON Schema keywords). */
  bodyRule?: { holds(body: Infer<B>): boolean; field: string; message: string; schema: Record<string, unknown> };
  query?: Q;
  params?: P;
  /** Path parameters as documented, when they differ from what express yields (wildcards). */
  openapiParams?: AnyObject;
  /** The body is passed through unparsed (req.body is a Buffer); used by the provider proxy. */
  raw?: boolean;
  /** Success status (default 200; 204 sends no body). */
  status?: number;
  response?: z.ZodType;
  /** Documented error statuses besides the defaults. */
  errors?: number[];
  /** Extra limiter for this route, per caller (or per IP on public routes). */
  rateLimit?: { points: number; durationSec: number };
  admit?: Admission<B, Q, P, A, M>;
  /**
   * Returns the response body. A handler that streams or sets cookies may use res directly and
   * return undefined. `call` is what its gRPC calls carry: the caller, request id and client.
   */
  handler: (input: RouteInput<B, Q, P, A> & { admitted: M; call: OutgoingCall }, req: Request, res: Response) => Promise<unknown>;
}

/** The limit of a read that makes a service scan much (exports, analytics): EXPENSIVE_READS_PER_MINUTE per caller. */
export const expensiveRead = (deps: GatewayDeps) => ({ points: deps.config.EXPENSIVE_READS_PER_MINUTE, durationSec: 60 });

/** What the codes of a status come with, beyond the envelope. */
const ERROR_NOTES: Record<number, string> = {
  429: ' (Retry-After header and details.retry_after)',
  503: ' (Retry-After header)',
};
const errorDescription = (status: number) => `${errorCodesOf(status).join(', ') || 'error'}${ERROR_NOTES[status] ?? ''}`;

function validationDetails(error: z.ZodError): Record<string, string> {
  const details: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(',') : '(body)');
    details[key] = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
  }
  return details;
}

function parse<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.infer<T> | Record<string, never> {
  if (!schema) return {};
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new ValidationError(`Invalid ${where}`, validationDetails(result.error));
  return result.data;
}

/** /v1/users/{id} → /v1/users/:id; a trailing {path+} matches the rest of the path. */
const toExpressPath = (p: string) => p.replace(/\{(\w+)\+\}/g, '*$1').replace(/\{(\w+)\}/g, ':$1');

/**
 * Registers one route in express AND in the OpenAPI document, so /openapi.json always
 * covers exactly the routes that exist. The pipeline: authenticate → authorize (roles,
 * scope; denials audited as authz.denied) → rate limits (global, per IP, per caller, per token,
 * per route: one Redis round trip, with the route's admission) → validate params/query/body
 * (bodies and queries are strict: unknown fields are rejected) → handler.
 */
export function createRouteDefiner(router: Router, registry: OpenAPIRegistry, deps: GatewayDeps, table: RouteTable) {
  return function route<
    B extends AnyObject | undefined,
    Q extends AnyObject | undefined,
    P extends AnyObject | undefined,
    A extends Auth,
    M = undefined,
  >(spec: RouteSpec<B, Q, P, A, M>): void {
    // A PATCH names at least one thing to change: an empty or missing body is 400, not a silent no-op.
    let body: AnyObject | undefined = spec.body?.strict();
    if (body && spec.method === 'patch')
      body = body.refine((b) => Object.keys(b).length > 0, { error: 'name at least one field to change' }).openapi({ minProperties: 1 });
    const rule = spec.bodyRule;
    if (body && rule)
      body = body.refine((b) => rule.holds(b as Infer<B>), { error: rule.message, path: [rule.field] }).openapi(rule.schema);
    // A body whose fields are all optional may be left out (except on PATCH).
    const bodyRequired = spec.method === 'patch' || Object.values(spec.body?.shape ?? {}).some((f) => !z.safeParse(f, undefined).success);
    // Query parameters are strict too (`?role[$ne]=admin` is an unknown parameter, not a silent no-op); a raw route passes its query on.
    const query = spec.raw ? undefined : (spec.query ?? z.object({})).strict();
    const status = spec.status ?? 200;
    const callers = spec.callers;
    if (spec.auth !== 'public' && !callers) throw new Error(`${spec.method.toUpperCase()} ${spec.path} declares no callers`);
    const routeLimiter = spec.rateLimit
      ? deps.limiters.route(`${spec.method}:${spec.path}`, spec.rateLimit.points, spec.rateLimit.durationSec)
      : undefined;

    const errorStatuses = new Set<number>([400, 429, 503, ...(spec.errors ?? [])]);
    if (spec.body) errorStatuses.add(413).add(415);
    if (spec.auth !== 'public') errorStatuses.add(401).add(403);
    registry.registerPath({
      method: spec.method,
      path: spec.path.replace(/\{(\w+)\+\}/g, '{$1}'),
      tags: [spec.tag],
      summary: spec.summary,
      description: [spec.description, callers ? describeCallers(callers) : undefined].filter(Boolean).join(' '),
      security: spec.auth === 'public' ? [] : [{ bearer: [] }],
      request: {
        params: spec.openapiParams ?? spec.params,
        query: spec.query,
        body: body
          ? { content: { 'application/json': { schema: body } }, required: bodyRequired }
          : spec.raw
            ? { content: { '*/*': { schema: z.any() } }, required: false }
            : undefined,
      },
      responses: {
        [status]: {
          description: status === 204 ? 'No content' : 'Success',
          ...(spec.response && status !== 204 ? { content: { 'application/json': { schema: spec.response } } } : {}),
        },
        ...Object.fromEntries(
          [...errorStatuses]
            .sort()
            .map((s) => [s, { description: errorDescription(s), content: { 'application/json': { schema: errorSchema } } }]),
        ),
      },
    });

    const handler = async (req: Request, res: Response, next: NextFunction) => {
      try {
        const ctx = req.ctx;
        // The global and per-IP limits, started as the request arrived, are awaited below with the caller's own.
        const before = callerLimits(res);
        let principal: Principal | undefined;
        if (spec.auth !== 'public') {
          principal = await deps.auth.authenticate(req.get('authorization'), ctx, before);
          ctx.principal = principal;
          const denial = refusalOf(callers!, principal);
          if (denial) {
            // A request over its limits is 429, not a denial: its refusals are not audited one by one.
            await before;
            auditDenial(spec, denial, req, deps);
            throw denial;
          }
        }
        const parseInput = () => {
          if (body && bodyRequired && req.body === undefined)
            throw new ValidationError('A request body is required', { '(body)': 'is required' });
          return {
            params: parse(spec.params, req.params, 'path parameters'),
            query: parse(query, req.query, 'query parameters'),
            body: spec.raw ? {} : parse(body, req.body, 'request body'),
            principal,
          } as RouteInput<B, Q, P, A>;
        };
        // All of the request's limits are independent Redis calls: one round trip, the route's admission's included.
        const caller = principal ? `${principal.type}:${principal.id}` : ctx.ip;
        const limits = Promise.all([
          before,
          principal ? consume('caller', deps.limiters.principal, `${principal.type === 'agent' ? 'a' : 'u'}:${principal.id}`) : undefined,
          principal?.tokenId ? consume('token', deps.limiters.token, principal.tokenId) : undefined,
          routeLimiter ? consume('route', routeLimiter, caller) : undefined,
        ]);
        let input: RouteInput<B, Q, P, A> | undefined;
        let admission: Promise<M> | undefined;
        if (spec.admit) {
          try {
            input = parseInput();
            admission = spec.admit.run(input, req);
          } catch (err) {
            admission = Promise.reject(err);
          }
        }
        const [limited, admitted] = await Promise.allSettled([limits, admission]);
        if (limited.status === 'rejected') {
          if (spec.admit && admitted.status === 'fulfilled') spec.admit.undo(admitted.value as M);
          throw limited.reason;
        }
        const [arrival, ...own] = limited.value;
        const consumed = [...arrival, ...own.filter((c): c is Consumed => c !== undefined)];
        res.locals.rateLimits = consumed;
        setRateLimitHeaders(res, consumed);
        if (admitted.status === 'rejected') {
          if (input) spec.admit?.refused?.(admitted.reason, input, req);
          throw admitted.reason;
        }
        const result = await spec.handler({ ...(input ?? parseInput()), admitted: admitted.value as M, call: outgoing(req) }, req, res);
        if (res.headersSent) return;
        if (status === 204) res.status(204).end();
        else res.status(status).json(result);
      } catch (err) {
        next(err);
      }
    };
    router[spec.method](toExpressPath(spec.path), handler);
    table.add(spec.method, spec.path, callers?.people?.role === 'admin');
  };
}

export type RouteDefiner = ReturnType<typeof createRouteDefiner>;

/** A caller the route does not let in, in the audit log. */
function auditDenial(spec: { method: string; path: string }, denial: ForbiddenError, req: Request, deps: GatewayDeps): void {
  deps.audit.emit(
    {
      action: 'authz.denied',
      outcome: 'denied',
      resource: { type: 'route', id: `${spec.method.toUpperCase()} ${spec.path}` },
      details: { code: denial.code, reason: denial.message, path: req.path },
    },
    req.ctx,
  );
}
