import http from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import express from 'express';
import { expressShaped } from '../src/app.js';

// The gateway's server makes its requests and responses with the app's own prototypes, so that
// express's per-request Object.setPrototypeOf changes nothing (which kept their objects alive
// through young-generation GCs). What the server hands out must be born that way, and work as usual.
test('when the server makes a request and a response, then they have the app’s prototypes from the start and serve as usual', async (t) => {
  const app = express();
  app.get('/hello', (req, res) => res.json({ path: req.path, ip: typeof req.ip }));
  const born: boolean[] = [];
  const server = http.createServer(expressShaped(app), (req, res) => {
    born.push(Object.getPrototypeOf(req) === app.request && Object.getPrototypeOf(res) === app.response);
    app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/hello`);
    t.is(res.status, 200);
    t.deepEqual(await res.json(), { path: '/hello', ip: 'string' });
  }
  t.deepEqual(born, [true, true]);
});
