import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { NetworkError } from './errors.js';

export interface RawRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Extra CA certificates (PEM) to trust besides the system ones. */
  ca?: string;
  timeoutMs: number;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** Failures that say something about the server's identity or address, not its mood. */
const PERMANENT = new Set(['ENOTFOUND', 'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO', 'ERR_INVALID_URL']);
const CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT/;

function networkError(err: NodeJS.ErrnoException, url: URL, sent: boolean, timedOutAfterMs?: number): NetworkError {
  const where = url.origin;
  if (timedOutAfterMs !== undefined) {
    return new NetworkError(
      `no answer from ${where} within ${timedOutAfterMs / 1000} s — try again, or allow longer with --timeout`,
      'timeout',
      sent,
      true,
    );
  }
  const code = err.code ?? 'ERROR';
  if (CERTIFICATE.test(code)) {
    return new NetworkError(
      `the gateway's TLS certificate is not trusted (${code}) — pass --ca <file> or set TOLLGATE_CA to the CA that issued it`,
      code,
      sent,
      false,
    );
  }
  if (code === 'ENOTFOUND') {
    return new NetworkError(`cannot resolve ${url.hostname} — check --gateway or TOLLGATE_URL`, code, sent, false);
  }
  if (code === 'ECONNREFUSED') {
    return new NetworkError(
      `cannot connect to ${where} (connection refused) — is the gateway running? Check --gateway or TOLLGATE_URL`,
      code,
      sent,
      true,
    );
  }
  if (PERMANENT.has(code)) {
    return new NetworkError(
      `cannot talk to ${where} (${code}) — is it an https gateway? Check --gateway or TOLLGATE_URL`,
      code,
      sent,
      false,
    );
  }
  return new NetworkError(`the connection to ${where} failed (${code}) — try again`, code, sent, true);
}

/**
 * One HTTP exchange, no retries. A failure is a NetworkError whose `sent` is false only
 * if the connection (TLS handshake included) never completed: until then Node has not
 * written a single byte of the request, so the server provably never saw it.
 *
 * Without `sink` the answer is buffered (at most MAX_RESPONSE_BYTES) and `timeoutMs` bounds
 * the whole exchange. With `sink`, a 2xx body goes to it as it arrives, with back-pressure,
 * instead of being held in memory (an audit export can be larger than that), and `timeoutMs`
 * is an idle timeout once the body flows: the request fails when no byte arrives for that
 * long (waiting on a slow `sink` does not count). Any other status is buffered, so its error
 * reads the same. A failure once a byte has reached `sink` is not transient — trying again
 * would write the start of the body twice — and says the output is incomplete. An error of
 * `sink` itself ends the request and is passed on as it is.
 */
export function send(req: RawRequest, sink?: NodeJS.WritableStream): Promise<RawResponse> {
  const isHttps = req.url.protocol === 'https:';
  return new Promise<RawResponse>((resolve, reject) => {
    let connected = false;
    let timedOut = false;
    let delivered = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sink?.off('error', onSinkError);
      fn();
    };
    const fail = (err: NodeJS.ErrnoException) =>
      settle(() => {
        const e = networkError(err, req.url, connected, timedOut ? req.timeoutMs : undefined);
        reject(
          delivered
            ? new NetworkError(`${e.message.split(' — ')[0]} in the middle of the answer: the output is incomplete`, e.reason, true, false)
            : e,
        );
      });
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
      }, req.timeoutMs);
    };
    const onSinkError = (err: Error) => {
      settle(() => reject(err));
      request.destroy();
    };
    sink?.on('error', onSinkError);
    const options: https.RequestOptions = { method: req.method, headers: req.headers, agent: false };
    if (isHttps && req.ca) options.ca = req.ca;
    const request = (isHttps ? https : http).request(req.url, options, (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const streaming = sink !== undefined && status >= 200 && status < 300;
      res.on('data', (chunk: Buffer) => {
        if (!streaming) {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            request.destroy(Object.assign(new Error('response too large'), { code: 'ERESPONSETOOLARGE' }));
            return;
          }
          chunks.push(chunk);
          return;
        }
        arm();
        delivered = true;
        if (!sink.write(chunk)) {
          // A slow reader (a pager, a full disk cache) is not a silent gateway.
          clearTimeout(timer);
          res.pause();
          sink.once('drain', () => {
            arm();
            res.resume();
          });
        }
      });
      res.on('error', fail);
      // The gateway cuts the connection when the export fails after its first bytes.
      res.on('close', () => {
        if (!res.complete) fail(Object.assign(new Error('connection closed early'), { code: 'ECONNRESET' }));
      });
      res.on('end', () => {
        if (!res.complete) return;
        settle(() => resolve({ status, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      });
    });
    request.on('socket', (socket) => {
      socket.once(isHttps ? 'secureConnect' : 'connect', () => {
        connected = true;
      });
    });
    arm();
    request.on('error', fail);
    request.end(req.body);
  });
}
