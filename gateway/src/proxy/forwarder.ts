import type { Request, Response } from 'express';
import { Agent, type Dispatcher } from 'undici';
import { GatewayTimeoutError, guardedLookup, microsToUsd, ServiceUnavailableError, STRIPPED_REQUEST_HEADERS } from '@tollgate/platform';
import { sendError } from '../http/errors.js';
import type { CallPlan } from './endpoints.js';
import type { CallEnd } from './escrows.js';
import { AnswerTap, MAX_CAPTURE_BYTES, type Usage } from './usage.js';

/** Hop-by-hop headers (RFC 9110 §7.6.1), never passed on in either direction. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
/**
 * A client's request headers not sent to the provider: hop-by-hop ones, its credentials and
 * forwarding headers, those the proxy sets itself (the provider's host, the body's length) and
 * its accept-encoding: usage is read from the answer, so it is asked for uncompressed.
 */
const NOT_FORWARDED = new Set([...HOP_BY_HOP, ...STRIPPED_REQUEST_HEADERS, 'host', 'content-length', 'expect', 'accept-encoding']);
/** The answer's headers the proxy sets itself. */
const NOT_ANSWERED = new Set([...HOP_BY_HOP, 'content-length']);

/**
 * Connections to providers are kept open and reused: a new TCP + TLS handshake per call would
 * cost more than everything else the proxy adds. Idle ones are closed after 4 s, before a
 * server's usual 5 s idle timeout, so a call is not sent on a socket the provider is closing.
 */
const KEEP_ALIVE_MS = 4_000;

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
 * undici's dispatcher carries the calls: no stream objects between the provider's socket and the
 * client's response, the least the proxy can add to a call.
 */
export function createForwarder(options: ForwarderOptions): (req: Request, res: Response, call: Forwarding) => Promise<void> {
  const providers = new Agent({
    keepAliveTimeout: KEEP_ALIVE_MS,
    // A provider that stops answering: no answer headers, or no part of the answer, for this long.
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    // A provider host that resolves to an internal address is refused at connect time (503, nothing charged);
    // literal addresses are never looked up, so the route checks those itself.
    connect: { timeout: options.timeoutMs, lookup: guardedLookup({ allowPrivate: options.allowPrivate }) },
  });
  return (req, res, call) =>
    new Promise<void>((resolve) => {
      res.once('close', resolve);
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !NOT_FORWARDED.has(k)) headers[k] = v;
      Object.assign(headers, call.headers, { 'accept-encoding': 'identity' });
      providers.dispatch(
        {
          origin: call.target.origin,
          path: `${call.target.pathname.replace(/\/+$/, '')}${call.path}`,
          method: req.method,
          headers,
          body: call.body.length > 0 ? call.body : null,
        },
        new ProviderExchange(req, res, call),
      );
    });
}

/**
 * One call's exchange with its provider, as undici reports it: the answer goes on to the
 * client as it comes (its usage read on the way), and the call ends once, at the answer's end or at the first failure.
 */
class ProviderExchange implements Dispatcher.DispatchHandler {
  readonly #tap: AnswerTap;
  /** Set once a connection took the request: from then on the call may cost money. */
  #controller: Dispatcher.DispatchController | null = null;
  /** The provider's answer status (0 until it answers). */
  #status = 0;
  #streamed = false;
  /** The call ended: its answer ended, or failed, or the client went away. */
  #ended = false;
  /** A non-stream answer, read whole to say what it cost (null for a stream, or once beyond the capture size: passed on as it comes). */
  #chunks: Buffer[] | null = [];
  #size = 0;

  constructor(
    private readonly req: Request,
    private readonly res: Response,
    private readonly call: Forwarding,
  ) {
    this.#tap = new AnswerTap({
      style: call.plan.style,
      stream: call.plan.stream,
      hideUsageChunk: call.plan.addedUsageChunk,
      model: call.plan.model,
      answered: call.plan.answeredUsage,
    });
    // The client went away before the whole answer reached it: what the provider produced is unknown, the hold is charged.
    res.once('close', () => {
      if (this.#end(null, 'the client went away before the answer ended')) this.#controller?.abort(new Error('the client went away'));
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    status: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    const { res } = this;
    this.#status = status;
    res.statusCode = status;
    for (const [k, v] of Object.entries(headers)) if (v !== undefined && !NOT_ANSWERED.has(k)) res.setHeader(k, v);
    // rate_limit_hits_total counts a provider's 429 apart from Tollgate's own limits.
    if (status === 429) res.locals.limitedBy = 'provider';
    this.#streamed = this.#ok && String(headers['content-type'] ?? '').includes('text/event-stream');
    if (this.#streamed) {
      this.#chunks = null;
      res.flushHeaders();
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    // A provider error passes through as it comes (429s and their Retry-After included).
    if (!this.#ok) {
      this.#write(controller, chunk);
      return;
    }
    const out = this.#tap.push(chunk);
    if (!this.#chunks) {
      if (out.length > 0) this.#write(controller, out);
      return;
    }
    // Not a stream: read whole first, so that it can say what it cost — up to the capture size;
    // a larger one is passed on as it comes (its usage unread: the hold is charged).
    this.#chunks.push(out);
    this.#size += out.length;
    if (this.#size > MAX_CAPTURE_BYTES) {
      for (const part of this.#chunks) this.#write(controller, part);
      this.#chunks = null;
    }
  }

  onResponseEnd(): void {
    const { res } = this;
    if (!this.#ok) {
      // A provider error: nothing was produced, the hold goes back.
      this.#end(null, 'the provider answered an error status');
      res.end();
      return;
    }
    const rest = this.#streamed ? this.#tap.end() : Buffer.alloc(0);
    const usage = this.#tap.usage() ?? null;
    const ended = this.#end(usage, `no usage could be read from the ${this.#streamed ? 'stream' : 'answer'}`);
    if (!ended) return;
    const { costMicros, remainingMicros } = ended;
    if (this.#streamed) {
      if (rest.length > 0) res.write(rest);
      // An SSE comment: every SSE client ignores it.
      res.end(`: tollgate cost_usd=${usd(costMicros)} remaining_usd=${usd(remainingMicros)}\n\n`);
      return;
    }
    if (!this.#chunks) {
      res.end();
      return;
    }
    const body = Buffer.concat(this.#chunks);
    res.setHeader('x-tollgate-cost-usd', usd(costMicros));
    res.setHeader('x-tollgate-remaining-usd', usd(remainingMicros));
    res.setHeader('content-length', String(body.length));
    res.end(body);
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    const code = (err as NodeJS.ErrnoException).code;
    const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
    const why = timedOut ? 'the provider stopped answering' : `the provider failed mid-call: ${err.message}`;
    if (!this.#end(null, why)) return;
    const { req, res } = this;
    const reached = this.#controller !== null;
    req.ctx.log.warn({ err: err.message, code, reached }, reached ? 'provider failed after the request was sent' : 'provider unreachable');
    // An answer under way is cut off for the client as it was for the proxy.
    if (this.#status > 0) {
      res.destroy();
      return;
    }
    const failure = timedOut
      ? new GatewayTimeoutError('The provider stopped answering; the call was charged its hold')
      : new ServiceUnavailableError(
          reached ? 'The provider failed mid-call; the call was charged its hold' : 'The provider did not answer; nothing was charged',
        );
    sendError(req, res, failure);
  }

  get #ok(): boolean {
    return this.#status > 0 && this.#status < 400;
  }

  /**
   * Ends the call, once (null if it had ended already): charged `usage`, or the whole hold when
   * that is null (`why` says why) — unless nothing can have cost money: the request never
   * reached the provider, or the provider answered an error status.
   */
  #end(usage: Usage | null, why: string): CallEnd | null {
    if (this.#ended) return null;
    this.#ended = true;
    const costsNothing = this.#controller === null || this.#status >= 400;
    return this.call.finish(costsNothing ? nothing(this.call.plan) : usage, costsNothing || usage ? '' : why);
  }

  /** Passes part of the answer on, pausing the provider while the client is slower. */
  #write(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.res.write(chunk) || controller.paused) return;
    controller.pause();
    this.res.once('drain', () => controller.resume());
  }
}
