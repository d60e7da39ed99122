import net from 'node:net';
import test from 'ava';
import { freePort } from '../src/ports.js';

test('parallel picks never hand out the same port, and each one can be bound', async (t) => {
  const ports = await Promise.all(Array.from({ length: 200 }, () => freePort()));
  t.is(new Set(ports).size, ports.length);
  for (const port of ports) t.true(port < 32_768, `${port} is below the kernel's ephemeral range`);
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(ports[0], '127.0.0.1', resolve);
  });
  await new Promise((resolve) => server.close(resolve));
});
