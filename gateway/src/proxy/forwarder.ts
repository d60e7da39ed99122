import { Agent as HttpAgent, ServerResponse, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Request, Response } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { GatewayTimeoutError, guardedLookup, microsToUsd, ServiceUnavailableError, STRIPPED_REQUEST_HEADERS } from '@tollgate/platform';
import { sendError } from '../http/errors.js';
import type { CallPlan } from './endpoints.js';
import type { CallEnd } from './escrows.js';
import { AnswerTap, MAX_CAPTURE_BYTES, type Usage } from './usage.js';

/** Hop-by-hop headers of the provider's answer, never copied to the client's. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'proxy-connection', 'upgrade', 'trailer']);
/** Errors that mean the request never reached the provider: nothing was spent, the hold is released. */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

/**
 * Connections to providers are kept open and reused: a new TCP + TLS handshake per call would
 * cost more than everything else the proxy adds. Idle ones are closed after 4 s, before a
 * server's usual 5 s idle timeout, so a call is not sent on a socket the provider is closing.
 */
const KEEP_ALIVE = { keepAlive: true, timeout: 4_000, scheduling: 'lifo' } as const;

/** What to send for one call, and how it ends. */
export interface Forwarding {
  /** The provider's base URL. */
  target: URL;
  /** The path (and query) under it. */
  path: string;
  /** The provider's auth headers. */
  headers: Record<string, string>;
  body: Buffer;
  plan: CallPlan;
  /**
   * Ends the call once (later calls change nothing and answer the same): charged its priced
   * usage, or its whole hold when `usage` is null (`reason` says why). Returns what it cost and what remains.
   */
  finish(usage: Usage | null, reason: string): CallEnd;
}

/** A call on its way: its forwarding and what happened to it so far, read by the proxy's hooks. */
interface InFlight extends Forwarding {
  tap: AnswerTap;
  /** The request went out in full: a failure after it may have cost money. */
  sent: boolean;
  timedOut: boolean;
}
type ForwardedRequest = IncomingMessage & { inFlight?: InFlight };

export interface ForwarderOptions {
  timeoutMs: number;
  /** Provider hosts may resolve to internal addresses (tests, on-premises models). */
  allowPrivate: boolean;
}

const usd = (micros: number) => microsToUsd(micros).toFixed(6);
/** What a call that produced nothing reports: its hold goes back. */
const nothing = (plan: CallPlan): Usage => ({ model: plan.model, inputTokens: 0, outputTokens: 0 });

/**
 * Sends calls to providers and their answers back as they come (a stream event by event),
 * reading their usage on the way, and ends each call exactly once: its usage when it could be
 * read, the whole hold when not (no usage, the answer cut off, the client gone, the provider
 * failing after the request was sent), nothing for a provider error status or a provider never reached.
 */
export function createForwarder(options: ForwarderOptions): (req: Request, res: Response, call: Forwarding) => Promise<void> {
  const through = (agent: HttpAgent) =>
    createProxyMiddleware({
      agent,
      router: (req) => (req as ForwardedRequest).inFlight!.target.href,
      changeOrigin: true,
      xfwd: false,
      selfHandleResponse: true,
      proxyTimeout: options.timeoutMs,
      pathRewrite: (_path, req) => (req as ForwardedRequest).inFlight!.path,
      on: {
        proxyReq: (proxyReq, req) => {
          const c = (req as ForwardedRequest).inFlight!;
          for (const h of [...STRIPPED_REQUEST_HEADERS, 'transfer-encoding', 'content-length', 'accept-encoding']) proxyReq.removeHeader(h);
          for (const [k, v] of Object.entries(c.headers)) proxyReq.setHeader(k, v);
          // Usage is read from the answer, so ask for it uncompressed.
          proxyReq.setHeader('accept-encoding', 'identity');
          proxyReq.setHeader('content-length', String(c.body.length));
          proxyReq.on('timeout', () => (c.timedOut = true));
          proxyReq.on('finish', () => (c.sent = true));
          proxyReq.end(c.body);
        },
        proxyRes: (proxyRes, req, res) => answer(proxyRes, req, res),
        error: (err, req, res) => {
          const c = (req as ForwardedRequest).inFlight;
          const expressReq = req as Request;
          const reached = c?.sent && !NEVER_SENT.has((err as NodeJS.ErrnoException).code ?? '');
          expressReq.ctx?.log.warn(
            { err: err.message, reached },
            reached ? 'provider failed after the request was sent' : 'provider unreachable',
          );
          // Sent and then no (complete) answer: it may have cost money, so the hold is charged.
          if (c) c.finish(reached ? null : nothing(c.plan), reached ? `provider failed after the request was sent: ${err.message}` : '');
          // `res` is a socket only for upgrades, which the proxy never forwards.
          if (res instanceof ServerResponse && !res.headersSent) {
            const failure = c?.timedOut
              ? new GatewayTimeoutError('The provider stopped answering; the call was charged its hold')
              : new ServiceUnavailableError(
                  reached
                    ? 'The provider failed mid-call; the call was charged its hold'
                    : 'The provider did not answer; nothing was charged',
                );
            sendError(expressReq, res as Response, failure);
          } else if (res instanceof ServerResponse) res.destroy();
        },
      },
    });
  // A provider host that resolves to an internal address is refused at connect time (503, nothing charged);
  // literal addresses are never looked up, so the route checks those itself.
  const connect = { ...KEEP_ALIVE, lookup: guardedLookup({ allowPrivate: options.allowPrivate }) };
  const proxies: Record<string, ReturnType<typeof through>> = {
    'http:': through(new HttpAgent(connect)),
    'https:': through(new HttpsAgent(connect)),
  };

  return (req, res, call) => {
    const tap = new AnswerTap({
      style: call.plan.style,
      stream: call.plan.stream,
      hideUsageChunk: call.plan.addedUsageChunk,
      model: call.plan.model,
      answered: call.plan.answeredUsage,
    });
    (req as ForwardedRequest).inFlight = { ...call, tap, sent: false, timedOut: false };
    return new Promise<void>((resolve) => {
      res.once('close', resolve);
      void proxies[call.target.protocol](req, res, (err?: unknown) => {
        if (err) req.ctx.log.warn({ err }, 'proxy middleware error');
        resolve();
      });
    });
  };
}

/** Sends the provider's answer on (its usage read on the way) and ends the call at its end. */
function answer(proxyRes: IncomingMessage, req: ForwardedRequest, res: ServerResponse): void {
  const c = req.inFlight!;
  const status = proxyRes.statusCode ?? 502;
  const ok = status < 400;
  res.statusCode = status;
  for (const [k, v] of Object.entries(proxyRes.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) res.setHeader(k, v);
  const streamed = ok && (proxyRes.headers['content-type'] ?? '').includes('text/event-stream');
  let ended = false;

  // The client went away before the whole answer reached it: what the provider produced is unknown, the hold is charged.
  res.once('close', () => {
    if (!ended) c.finish(ok ? null : nothing(c.plan), 'the client went away before the answer ended');
    proxyRes.destroy();
  });
  proxyRes.once('close', () => {
    if (ended || proxyRes.complete) return;
    c.finish(ok ? null : nothing(c.plan), 'the provider cut the answer off');
    res.destroy();
  });

  if (!ok) {
    // A provider error: nothing was produced, the hold goes back; the answer (429s and their Retry-After included) passes through.
    // rate_limit_hits_total counts a provider's 429 apart from Tollgate's own limits.
    if (status === 429) (res as Response).locals.limitedBy = 'provider';
    proxyRes.on('end', () => {
      ended = true;
      c.finish(nothing(c.plan), '');
    });
    proxyRes.pipe(res);
    return;
  }

  if (streamed) {
    res.flushHeaders();
    proxyRes.on('data', (chunk: Buffer) => {
      const out = c.tap.push(chunk);
      if (out.length > 0) res.write(out);
    });
    proxyRes.on('end', () => {
      ended = true;
      const rest = c.tap.end();
      if (rest.length > 0) res.write(rest);
      const usage = c.tap.usage() ?? null;
      const { costMicros, remainingMicros } = c.finish(usage, usage ? '' : 'no usage could be read from the stream');
      // An SSE comment: every SSE client ignores it.
      res.end(`: tollgate cost_usd=${usd(costMicros)} remaining_usd=${usd(remainingMicros)}\n\n`);
    });
    return;
  }

  // Not a stream: the answer is read whole first, so that it can say what it cost — up to the
  // capture size; a larger one is passed on as it comes (its usage unread: the hold is charged).
  let chunks: Buffer[] | null = [];
  let size = 0;
  proxyRes.on('data', (chunk: Buffer) => {
    const out = c.tap.push(chunk);
    if (!chunks) {
      res.write(out);
      return;
    }
    chunks.push(out);
    size += out.length;
    if (size > MAX_CAPTURE_BYTES) {
      for (const part of chunks) res.write(part);
      chunks = null;
    }
  });
  proxyRes.on('end', () => {
    ended = true;
    const usage = c.tap.usage() ?? null;
    const { costMicros, remainingMicros } = c.finish(usage, usage ? '' : 'no usage could be read from the answer');
    if (!chunks) {
      res.end();
      return;
    }
    const body = Buffer.concat(chunks);
    res.setHeader('x-tollgate-cost-usd', usd(costMicros));
    res.setHeader('x-tollgate-remaining-usd', usd(remainingMicros));
    res.setHeader('content-length', String(body.length));
    res.end(body);
  });
}
