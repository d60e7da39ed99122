import { Agent as HttpAgent, ServerResponse, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { createProxyMiddleware } from 'http-proxy-middleware';
import {
  BudgetExhaustedError,
  GatewayTimeoutError,
  guardedLookup,
  isInternalHost,
  microsToUsd,
  PROVIDER_NAME,
  PROVIDER_NAME_RULE,
  providerProfile,
  ServiceUnavailableError,
  STRIPPED_REQUEST_HEADERS,
  ValidationError,
  type Principal,
} from '@tollgate/platform';
import { GATEWAY, outgoing } from '../http/request-context.js';
import { sendError } from '../http/errors.js';
import { planCall, type CallPlan } from '../proxy/endpoints.js';
import type { CallHold } from '../proxy/escrows.js';
import { AnswerTap, MAX_CAPTURE_BYTES, type Usage } from '../proxy/usage.js';
import type { GatewayDeps } from '../deps.js';
import type { Method, RouteDefiner } from './define.js';

/** Hop-by-hop headers of the provider's answer, never copied to the client's. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'proxy-connection', 'upgrade', 'trailer']);
/** Errors that mean the request never reached the provider: nothing was spent, the hold is released. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT']);

/** What the route decided for one call, read by the proxy's hooks. */
interface ProxyPlan {
  target: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  plan: CallPlan;
  tap: AnswerTap;
  /** The request went out in full: a failure after it may have cost money. */
  sent: boolean;
  timedOut: boolean;
  /** Ends the call once: its cost (priced usage, or the whole hold) is charged off the response path. Returns what it cost and what remains. */
  finish(usage: Usage | null, reason: string): { cost: number; remaining: number };
}
type ProxiedRequest = IncomingMessage & { proxyPlan?: ProxyPlan };

const params = z.object({
  provider: z.string().regex(PROVIDER_NAME, PROVIDER_NAME_RULE),
  path: z.array(z.string().max(256)).max(32),
});

const usd = (micros: number) => microsToUsd(micros).toFixed(6);

/**
 * Connections to providers are kept open and reused: a new TCP + TLS handshake per call would
 * cost more than everything else the proxy adds. Idle ones are closed after 4 s, before a
 * server's usual 5 s idle timeout, so a call is not sent on a socket the provider is closing.
 */
const KEEP_ALIVE = { keepAlive: true, timeout: 4_000, scheduling: 'lifo' } as const;

/**
 * ANY /v1/proxy/{provider}/{path…}: an agent reaches an LLM provider without ever seeing its
 * key, and never beyond its budget. Before anything is sent upstream the call holds its own
 * worst case (input bound + output bound, priced; a request without an output bound gets the
 * largest that fits) in the agent's escrow (proxy/escrows.ts) and takes its place within the
 * agent's limits; the stored key is injected; the answer goes back as it comes (a stream
 * event by event) while its usage is read; then the call is charged its priced usage — or the
 * whole hold when that cannot be known — off the response path.
 */
export function registerProxyRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  const proxyThrough = (agent: HttpAgent) =>
    createProxyMiddleware<IncomingMessage, ServerResponse>({
      agent,
      router: (req) => (req as ProxiedRequest).proxyPlan!.target,
      changeOrigin: true,
      xfwd: false,
      selfHandleResponse: true,
      proxyTimeout: deps.config.PROXY_TIMEOUT_MS,
      pathRewrite: (_path, req) => (req as ProxiedRequest).proxyPlan!.path,
      on: {
        proxyReq: (proxyReq, req) => {
          const p = (req as ProxiedRequest).proxyPlan!;
          for (const h of [...STRIPPED_REQUEST_HEADERS, 'transfer-encoding', 'content-length', 'accept-encoding']) proxyReq.removeHeader(h);
          for (const [k, v] of Object.entries(p.headers)) proxyReq.setHeader(k, v);
          // Usage is read from the answer, so ask for it uncompressed.
          proxyReq.setHeader('accept-encoding', 'identity');
          proxyReq.setHeader('content-length', String(p.body.length));
          proxyReq.on('timeout', () => (p.timedOut = true));
          proxyReq.on('finish', () => (p.sent = true));
          proxyReq.end(p.body);
        },
        proxyRes: (proxyRes, req, res) => answer(proxyRes, req as ProxiedRequest, res),
        error: (err, req, res) => {
          const p = (req as ProxiedRequest).proxyPlan;
          const expressReq = req as Request;
          const reached = p?.sent && !NEVER_SENT.has((err as NodeJS.ErrnoException).code ?? '');
          expressReq.ctx?.log.warn({ err: err.message, reached }, reached ? 'provider failed after the request was sent' : 'provider unreachable');
          // Sent and then no (complete) answer: it may have cost money, so the hold is charged.
          p?.finish(reached ? null : { model: p.plan.model, inputTokens: 0, outputTokens: 0 }, reached ? `provider failed after the request was sent: ${err.message}` : '');
          // `res` is a socket only for upgrades, which this route never proxies.
          if (res instanceof ServerResponse && !res.headersSent) {
            const failure = p?.timedOut ? new GatewayTimeoutError('The provider stopped answering; the call was charged its hold') : new ServiceUnavailableError(reached ? 'The provider failed mid-call; the call was charged its hold' : 'The provider did not answer; nothing was charged');
            sendError(expressReq, res as Response, failure);
          } else if (res instanceof ServerResponse) res.destroy();
        },
      },
    });
  // A provider host that resolves to an internal address is refused at connect time (503, nothing charged);
  // literal addresses are never looked up, so the handler checks those itself.
  const connect = { ...KEEP_ALIVE, lookup: guardedLookup({ allowPrivate: deps.config.OUTBOUND_ALLOW_PRIVATE }) };
  const proxies: Record<string, ReturnType<typeof proxyThrough>> = {
    'http:': proxyThrough(new HttpAgent(connect)),
    'https:': proxyThrough(new HttpsAgent(connect)),
  };

  /** A call that is not sent after all (refused, or no key to send it with): its hold and its place go back, nothing is charged. */
  const giveBack = (hold: CallHold) => {
    deps.proxy.limits.end(hold.agentId, hold.id, 0);
    deps.proxy.escrows.release(hold);
  };

  const methods: Method[] = ['get', 'post', 'put', 'patch', 'delete'];
  for (const method of methods) {
    route({
      method,
      path: '/v1/proxy/{provider}/{path+}',
      tag: 'Proxy',
      summary: `${method.toUpperCase()} to an LLM provider through the agent's budget`,
      description:
        "Forwards the request to the provider's base URL with the stored provider key injected (the client never sees it) and " +
        'streams the answer back (SSE included). Before anything is sent the call holds its own worst case on the budget: the ' +
        'request body\'s bytes as input tokens (never fewer than the provider bills) plus its output bound (`max_tokens`, ' +
        '`max_completion_tokens` or `max_output_tokens`; when absent the proxy sets the largest that fits what remains, at most ' +
        "the service's default), priced from the model price table. The hold is taken in the agent's escrow in this gateway (money " +
        'it set aside from the budget, atomically, so holds on every gateway together never pass the limit): no round trip to ' +
        'the budget service unless the escrow must grow. 402 budget_exhausted when it cannot fit, 429 when the agent ' +
        'is at its limit on calls in flight or tokens per minute, 400 model_not_priced for a model without a price and ' +
        '400 endpoint_not_priced for a path other than chat/completions, completions, embeddings, responses (OpenAI style) or ' +
        'v1/messages (Anthropic). The call is then settled to its priced usage; when the usage cannot be known (none in the ' +
        'answer, the answer cut off, the client gone mid-stream, the provider stopping after the request was sent) the whole ' +
        'hold is charged. A provider error status or a provider never reached releases the hold. Charges reach the ledger ' +
        'within about ESCROW_SYNC_MS; a gateway that dies has its escrows charged whole when they expire. Non-stream answers carry ' +
        'X-Tollgate-Cost-Usd and X-Tollgate-Remaining-Usd; streams end with an SSE comment line `: tollgate cost_usd=… ' +
        'remaining_usd=…`. An OpenAI-style stream that did not ask for usage is sent exactly as without Tollgate (the usage ' +
        'chunk the proxy asks for is not passed on). Provider 429s pass through with their Retry-After; an unreachable provider ' +
        'is 503, one that stops answering 504.',
      auth: 'any',
      principals: ['agent'],
      scope: 'proxy:invoke',
      params,
      openapiParams: z.object({ provider: z.string(), path: z.string().describe('the provider API path, e.g. chat/completions') }),
      errors: [402, 404, 504],
      raw: true,
      // The call's hold and its place among the agent's calls are taken alongside the caller's rate limits (one Redis write).
      admit: {
        async run({ params: p, principal }, req) {
          const agent = principal as Principal;
          const profile = providerProfile(p.provider);
          const plan = planCall(profile.style, p.path.join('/'), Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req.get('content-type'));
          const prices = deps.proxy.prices.find(p.provider, plan.model);
          if (!prices) {
            throw new ValidationError(`No price is known for ${p.provider}/${plan.model}: it cannot be called through Tollgate`, { model: 'has no price' }, 'model_not_priced');
          }
          const terms = { provider: p.provider, model: plan.model, prices, inputTokens: plan.inputTokens, maxOutputTokens: plan.maxOutputTokens };
          const hold = await deps.proxy.escrows.hold(agent.id, terms).catch((err: unknown) => {
            if (err instanceof BudgetExhaustedError) {
              deps.audit.emit({ action: 'budget.exhausted', outcome: 'denied', resource: { type: 'budget', id: agent.id }, details: { provider: p.provider, model: plan.model, ...err.details } }, req.ctx);
            }
            throw err;
          });
          try {
            // A place a call never gives back (its gateway died) frees itself after twice the provider timeout.
            await deps.proxy.limits.begin(agent.id, hold.id, hold.agent, deps.config.PROXY_TIMEOUT_MS * 2);
          } catch (err) {
            deps.proxy.escrows.release(hold);
            throw err;
          }
          return { profile, plan, hold };
        },
        undo: ({ hold }) => giveBack(hold),
      },
      handler: async ({ params: p, principal, admitted: { profile, plan, hold } }, req, res) => {
        const agent = principal as Principal;
        let key;
        let target: URL;
        try {
          // Decrypting a key is for Tollgate services: the gateway asks on the agent's behalf.
          key = await deps.proxy.keys.resolve(p.provider, agent.id, outgoing(req, GATEWAY));
          target = new URL(key.base_url);
          if (!deps.config.OUTBOUND_ALLOW_PRIVATE && isInternalHost(target.hostname)) {
            req.ctx.log.warn({ provider: p.provider, key_id: key.key_id }, 'the provider key points at an internal address; not sent');
            throw new ServiceUnavailableError('The provider key points at an address Tollgate does not send keys to');
          }
        } catch (err) {
          giveBack(hold);
          throw err;
        }
        const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
        (req as ProxiedRequest).proxyPlan = {
          target: key.base_url,
          path: `/${p.path.map(encodeURIComponent).join('/')}${query}`,
          headers: profile.authHeaders(key.api_key),
          body: plan.withMaxOutput(hold.maxOutputTokens),
          plan,
          tap: new AnswerTap({ style: profile.style, stream: plan.stream, hideUsageChunk: plan.addedUsageChunk, model: plan.model }),
          sent: false,
          timedOut: false,
          finish: settlerFor(deps, hold, req.ctx.requestId),
        };
        await new Promise<void>((resolve) => {
          res.once('close', resolve);
          void proxies[target.protocol]!(req, res, (err?: unknown) => {
            if (err) req.ctx.log.warn({ err }, 'proxy middleware error');
            resolve();
          });
        });
        return undefined;
      },
    });
  }
}

/** The one settlement of a call (later calls of it change nothing and answer the same). */
function settlerFor(deps: GatewayDeps, hold: CallHold, requestId: string): ProxyPlan['finish'] {
  let settled: { cost: number; remaining: number } | null = null;
  return (usage, reason) => {
    if (settled) return settled;
    settled = deps.proxy.escrows.settle(hold, usage, reason, requestId);
    deps.proxy.limits.end(hold.agentId, hold.id, usage ? usage.inputTokens + usage.outputTokens : 0);
    return settled;
  };
}

/** Sends the provider's answer on (its usage read on the way) and settles the call at its end. */
function answer(proxyRes: IncomingMessage, req: ProxiedRequest, res: ServerResponse): void {
  const p = req.proxyPlan!;
  const status = proxyRes.statusCode ?? 502;
  const ok = status < 400;
  res.statusCode = status;
  for (const [k, v] of Object.entries(proxyRes.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) res.setHeader(k, v);
  const streamed = ok && (proxyRes.headers['content-type'] ?? '').includes('text/event-stream');
  let ended = false;

  // The client went away before the whole answer reached it: what the provider produced is unknown, the hold is charged.
  res.once('close', () => {
    if (!ended) p.finish(ok ? null : { model: p.plan.model, inputTokens: 0, outputTokens: 0 }, 'the client went away before the answer ended');
    proxyRes.destroy();
  });
  proxyRes.once('close', () => {
    if (ended || proxyRes.complete) return;
    p.finish(ok ? null : { model: p.plan.model, inputTokens: 0, outputTokens: 0 }, 'the provider cut the answer off');
    res.destroy();
  });

  if (!ok) {
    // A provider error: nothing was produced, the hold goes back; the answer (429s and their Retry-After included) passes through.
    proxyRes.on('end', () => {
      ended = true;
      p.finish({ model: p.plan.model, inputTokens: 0, outputTokens: 0 }, '');
    });
    proxyRes.pipe(res);
    return;
  }

  if (streamed) {
    res.flushHeaders();
    proxyRes.on('data', (chunk: Buffer) => {
      const out = p.tap.push(chunk);
      if (out.length > 0) res.write(out);
    });
    proxyRes.on('end', () => {
      ended = true;
      const rest = p.tap.end();
      if (rest.length > 0) res.write(rest);
      const usage = p.tap.usage() ?? null;
      const { cost, remaining } = p.finish(usage, usage ? '' : 'no usage could be read from the stream');
      // An SSE comment: every SSE client ignores it.
      res.end(`: tollgate cost_usd=${usd(cost)} remaining_usd=${usd(remaining)}\n\n`);
    });
    return;
  }

  // Not a stream: the answer is read whole first, so that it can say what it cost — up to the
  // capture size; a larger one is passed on as it comes (its usage unread: the hold is charged).
  let chunks: Buffer[] | null = [];
  let size = 0;
  proxyRes.on('data', (chunk: Buffer) => {
    const out = p.tap.push(chunk);
    if (!chunks) {
      res.write(out);
      return;
    }
    chunks.push(out);
    size += out.length;
    if (size > MAX_CAPTURE_BYTES) {
      for (const c of chunks) res.write(c);
      chunks = null;
    }
  });
  proxyRes.on('end', () => {
    ended = true;
    const usage = p.tap.usage() ?? null;
    const { cost, remaining } = p.finish(usage, usage ? '' : 'no usage could be read from the answer');
    if (!chunks) {
      res.end();
      return;
    }
    const body = Buffer.concat(chunks);
    res.setHeader('x-tollgate-cost-usd', usd(cost));
    res.setHeader('x-tollgate-remaining-usd', usd(remaining));
    res.setHeader('content-length', String(body.length));
    res.end(body);
  });
}
