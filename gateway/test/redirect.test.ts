import test from 'ava';
import http from 'node:http';
import { freePort } from '@tollgate/devkit';
import { startStack, type Stack } from '../../test/support/stack.js';

let stack: Stack;
let redirectPort: number;
test.before(async () => {
  redirectPort = await freePort();
  stack = await startStack({ services: [], env: { gateway: { HTTP_REDIRECT_PORT: String(redirectPort) } } });
});
test.after.always(() => stack?.close());

test('when a client speaks plain HTTP to the redirect port, then it is sent to the same path over HTTPS', async (t) => {
  const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
    http
      .get({ host: '127.0.0.1', port: redirectPort, path: '/v1/auth/me?x=1', headers: { host: 'tollgate.example:80' } }, resolve)
      .on('error', reject),
  );
  res.resume();
  t.is(res.statusCode, 308);
  t.is(res.headers.location, `https://tollgate.example:${new URL(stack.url).port}/v1/auth/me?x=1`);
});
