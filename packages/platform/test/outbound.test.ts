import http from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { guardedLookup } from '../src/outbound.js';

// The connect-time half of the outbound guard: a name is looked up, and a name that resolves
// only to internal addresses is refused before any byte is sent (`localhost` stands in for a
// public name re-pointed at this machine: the lookup sees only where it resolves to).
async function get(allowPrivate: boolean): Promise<number | string> {
  const server = http.createServer((_req, res) => res.end('reached'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve) => {
      const req = http.get({ host: 'localhost', port, family: 4, lookup: guardedLookup({ allowPrivate }) }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
  } finally {
    server.close();
  }
}

test('when a name resolves only to internal addresses, then the connection is refused before anything is sent', async (t) => {
  t.is(await get(false), 'ENOTFOUND');
});

test('when private targets are allowed (development), then the same name connects', async (t) => {
  t.is(await get(true), 200);
});
