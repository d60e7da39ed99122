import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startStack, type Stack } from '../../../test/support/stack.js';
import { cli, gatewayEnv, loginAdmin, workspace } from './cli.js';

// The shortest access-token lifetime identity accepts (ACCESS_TOKEN_TTL_SECONDS ≥ 30).
const TTL_SECONDS = 30;

let stack: Stack;
test.before(async () => {
  stack = await startStack({ env: { identity: { ACCESS_TOKEN_TTL_SECONDS: String(TTL_SECONDS) }, gateway: gatewayEnv } });
});
test.after.always(() => stack?.close());

const stored = (configDir: string) => JSON.parse(readFileSync(path.join(configDir, 'credentials.json'), 'utf8'));

test('when the access token has expired, then the CLI refreshes it once, saves the rotated pair, and parallel invocations share one refresh', async (t) => {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  await loginAdmin(stack, ws);
  const before = stored(ws.configDir);

  await sleep((TTL_SECONDS + 2) * 1000);
  const expired = await stack.http.get('/v1/auth/me', { token: before.access_token });
  t.is(expired.status, 401);
  t.is(expired.body.error.code, 'token_expired', 'precondition: the stored access token has expired');

  // Three at once: without the credentials lock each would present the same refresh
  // token, and the gateway would take the second use as theft and end the session.
  const runs = await Promise.all([
    cli(['token', 'list', '--json'], { env: ws.env }),
    cli(['whoami'], { env: ws.env }),
    cli(['token', 'list'], { env: ws.env }),
  ]);
  for (const r of runs) t.is(r.code, 0, r.stderr);

  const after = stored(ws.configDir);
  t.not(after.access_token, before.access_token);
  t.not(after.refresh_token, before.refresh_token, 'the rotated refresh token was saved');
  t.is(after.gateway, before.gateway);
  t.is((await stack.http.get('/v1/auth/me', { token: after.access_token })).status, 200);

  const again = await cli(['whoami'], { env: ws.env });
  t.is(again.code, 0, again.stderr);
  t.is(stored(ws.configDir).refresh_token, after.refresh_token, 'a valid access token is used as is');
});
