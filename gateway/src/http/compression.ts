import compression from 'compression';
import type { RequestHandler } from 'express';

// Routed as express routes it: case-insensitively, the trailing slash optional.
const PROXY_PATH = /^\/v1\/proxy(?:\/|$)/i;

/**
 * gzip or br, as the client prefers, for answers of at least `threshold` bytes (a stream, such as
 * the audit export, whatever its size): JSON, CSV and NDJSON. Never server-sent events, which
 * would wait in zlib's buffer. The proxy's requests skip it altogether, before it wraps their
 * response: its answers are the provider's bytes, passed on as they come.
 */
export function compressAnswers(threshold: number): RequestHandler {
  const compress = compression({
    threshold,
    filter: (req, res) => {
      const type = String(res.getHeader('Content-Type') ?? '');
      if (type.startsWith('text/event-stream')) return false;
      // The mime database does not call NDJSON compressible.
      return type.startsWith('application/x-ndjson') || compression.filter(req, res);
    },
  });
  return (req, res, next) => {
    if (PROXY_PATH.test(req.path)) next();
    else compress(req, res, next);
  };
}
