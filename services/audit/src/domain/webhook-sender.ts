import http from 'node:http';
import https from 'node:https';
import { guardedLookup, isInternalHost, type OutboundPolicy } from '@tollgate/platform';
import { signature, type WebhookEndpoint } from './webhook.js';

/** How one attempt went: 2xx is delivered; anything else (or no answer) is retried. */
export interface Attempt {
  ok: boolean;
  httpStatus: number;
  error: string;
  latencyMs: number;
}

/** The most of a receiver's answer that is read (and thrown away). */
const MAX_ANSWER_BYTES = 64 * 1_024;

/**
 * Posts one signed delivery. Redirects are not followed, and the address is checked when it
 * connects (a public name re-pointed at this network is refused), as for provider keys.
 */
export function createSender(policy: OutboundPolicy, timeoutMs: number, now: () => Date = () => new Date()) {
  const lookup = guardedLookup(policy);
  return (
    endpoint: Pick<WebhookEndpoint, 'id' | 'url' | 'secret'>,
    event: { id: string; type: string },
    body: string,
  ): Promise<Attempt> => {
    const started = performance.now();
    const done = (ok: boolean, httpStatus: number, error: string): Attempt => ({
      ok,
      httpStatus,
      error,
      latencyMs: Math.round(performance.now() - started),
    });
    const url = new URL(endpoint.url);
    if (!policy.allowPrivate && isInternalHost(url.hostname)) {
      return Promise.resolve(done(false, 0, 'the URL points at an address Tollgate does not send to'));
    }
    return new Promise((resolve) => {
      const req = (url.protocol === 'https:' ? https : http).request(url, {
        method: 'POST',
        lookup,
        timeout: timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Tollgate-Webhooks/1',
          'tollgate-webhook-id': endpoint.id,
          'tollgate-event-id': event.id,
          'tollgate-event-type': event.type,
          'tollgate-signature': signature(endpoint.secret, body, now()),
        },
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (err) => resolve(done(false, 0, err.message)));
      req.on('response', (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) res.destroy();
        });
        const status = res.statusCode ?? 0;
        const settle = () =>
          resolve(done(status >= 200 && status < 300, status, status >= 200 && status < 300 ? '' : `answered ${status}`));
        res.on('end', settle);
        res.on('close', settle);
        res.on('error', settle);
      });
      req.end(body);
    });
  };
}

export type Sender = ReturnType<typeof createSender>;
