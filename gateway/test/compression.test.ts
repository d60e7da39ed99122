import http from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import express from 'express';
import { compressAnswers } from '../src/http/compression.js';

// What is compressed, by its type and path. None of the gateway's own routes sends server-sent
// events, so an app of its own serves each kind of answer, each large enough to be compressed.
const BIG = 'x'.repeat(4_096);
let server: http.Server;
let base: string;
test.before(async () => {
  const app = express();
  app.use(compressAnswers(1_024));
  app.get('/events', (_req, res) => {
    res.setHeader('Content-Type', 'text/event-stream');
    res.end(`data: ${BIG}\n\n`);
  });
  app.get('/ndjson', (_req, res) => {
    res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    res.end(`${JSON.stringify({ BIG })}\n`);
  });
  app.get('/json', (_req, res) => res.json({ BIG }));
  app.get(/^\/v1\/proxy\//i, (_req, res) => res.json({ BIG }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.after.always(() => server?.close());

const encodingOf = (path: string) =>
  new Promise<string | undefined>((resolve, reject) => {
    http
      .get(`${base}${path}`, { headers: { 'accept-encoding': 'gzip, br' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers['content-encoding']));
      })
      .on('error', reject);
  });

test('when answers over the threshold go to a client that accepts br, then JSON and NDJSON are compressed, events and the proxy never', async (t) => {
  t.is(await encodingOf('/json'), 'br');
  t.is(await encodingOf('/ndjson'), 'br');
  t.is(await encodingOf('/events'), undefined);
  t.is(await encodingOf('/v1/proxy/openai/chat/completions'), undefined);
  t.is(await encodingOf('/V1/Proxy/openai/chat/completions'), undefined, 'routed as the proxy: case does not matter');
});
