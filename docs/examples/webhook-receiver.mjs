import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

/**
 * True when `header` (the Tollgate-Signature header) signs `rawBody` (the request body exactly as
 * received) with the endpoint's `secret`, and is at most `toleranceSeconds` old (older: a replay).
 */
export function verifyTollgateSignature(secret, header, rawBody, toleranceSeconds = 300, nowMs = Date.now()) {
  const parts = Object.fromEntries(
    String(header ?? '')
      .split(',')
      .map((part) => part.split('=', 2)),
  );
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(parts.v1 ?? '')) return false;
  if (Math.abs(nowMs / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(parts.v1, 'hex'));
}

/**
 * A receiver: refuses what is not signed (400), answers 204 at once, and hands each event to
 * `onEvent` once — deliveries are at least once, so the same event id may come again.
 */
export function createReceiver(secret, onEvent) {
  const seen = new Set();
  return http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      if (req.method !== 'POST' || !verifyTollgateSignature(secret, req.headers['tollgate-signature'], rawBody)) {
        res.writeHead(400).end();
        return;
      }
      const event = JSON.parse(rawBody);
      if (!seen.has(event.id)) {
        seen.add(event.id);
        onEvent(event);
      }
      res.writeHead(204).end();
    });
  });
}
