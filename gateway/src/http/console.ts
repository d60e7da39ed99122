import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import { NotFoundError, type Logger } from '@tollgate/platform';

/** console/dist beside the gateway's package, from src/http or dist/http alike (in the repository and in the image). */
export const CONSOLE_DIST = path.resolve(import.meta.dirname, '../../../console/dist');

/**
 * The web console at /console: its hashed assets cached for a year, and every other path under
 * it answered with index.html (the console routes in the browser), never cached, so a new
 * release is picked up on the next load. Served under the API's own CSP (default-src 'self').
 */
export function serveConsole(dir: string, log: Logger): RequestHandler {
  const index = path.join(dir, 'index.html');
  if (!fs.existsSync(index)) {
    log.warn({ dir }, 'the web console is not built: /console answers 503 (npm run build -w @tollgate/console)');
    return (_req, res) => {
      res
        .status(503)
        .type('text/plain')
        .send('The Tollgate console is not built on this gateway: run `npm run build -w @tollgate/console`.\n');
    };
  }
  const router = express.Router({ caseSensitive: true, strict: false });
  router.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  // A file no release has: 404, never index.html in a script's place.
  router.use('/assets', (_req, _res, next) => next(new NotFoundError('No such console file')));
  router.get(/.*/, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
