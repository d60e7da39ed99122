import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  /** host:port to dial instead of the target. */
  addr: string;
  /** While stalled, bytes wait in the proxy, both ways (a dependency that stopped answering); they flow again after. */
  stall(on: boolean): void;
  close(): Promise<void>;
}

/** A TCP proxy on loopback in front of `target()` (host:port, read per connection), for tests of slow dependencies. */
export async function startTcpProxy(target: () => string): Promise<TcpProxy> {
  let stalled = false;
  const sockets = new Set<net.Socket>();
  const held: (() => void)[] = [];
  const server = net.createServer((client) => {
    const addr = target();
    const upstream = net.connect(Number(addr.slice(addr.lastIndexOf(':') + 1)), addr.slice(0, addr.lastIndexOf(':')));
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    const pass = (to: net.Socket) => (chunk: Buffer) => {
      if (stalled) held.push(() => to.write(chunk));
      else to.write(chunk);
    };
    client.on('data', pass(upstream));
    upstream.on('data', pass(client));
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    addr: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    stall(on) {
      stalled = on;
      if (!on) for (const write of held.splice(0)) write();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
