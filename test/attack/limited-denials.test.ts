import test from 'ava';
import { createLogger } from '@tollgate/platform';
import { loadConfig as loadGatewayConfig, start as startGateway } from '@tollgate/gateway';
import { startStack, type Stack } from '../support/stack.js';
import { httpClient } from '../support/http.js';
import { auditEvents } from '../support/identity-edge.js';
import { createUserAndLogin, loginAsAdmin } from '../support/session.js';
import { testEnv } from '../support/env.js';

// A caller over its rate limit is refused before anything else: its requests are 429, and those
// that would have been denied are not written to the audit log one by one (no audit flood).
let stack: Stack;
test.before(async () => {
  stack = await startStack({ services: ['audit', 'identity', 'token'] });
});
test.after.always(() => stack?.close());

test('when a caller over its IP limit keeps calling a route it may not, then 429s follow its limit and only the denials within it are audited', async (t) => {
  const admin = await loginAsAdmin(stack);
  const member = await createUserAndLogin(stack, admin, 'member');
  const created = await stack.http.post('/v1/tokens', { token: member.access_token, json: { name: 'limited', scopes: ['tokens:read'] } });
  t.is(created.status, 201, created.text);
  const token = created.body.token as string;
  const tokenId = created.body.id as string;
  // Its own gateway and limit keys, so that the stack's other requests do not count against it.
  const limit = 3;
  const strict = await startGateway(
    loadGatewayConfig({
      ...stack.env.gateway,
      GATEWAY_PORT: '0',
      RATE_LIMIT_IP_PER_MIN: String(limit),
      RATE_LIMIT_PREFIX: 'tg-limited-denials',
    }),
    createLogger('gateway-strict', testEnv.logLevel),
  );
  const http = httpClient(strict.url, strict.ca);
  try {
    const statuses: number[] = [];
    for (let i = 0; i < limit + 4; i++) statuses.push((await http.get('/v1/audit/events', { token })).status);
    t.deepEqual(statuses, [...Array<number>(limit).fill(403), 429, 429, 429, 429]);
    const mine = (events: { actor: { id: string | null } }[]) => events.filter((e) => e.actor.id === tokenId);
    const denied = await auditEvents(stack, admin.access_token, 'authz.denied', (e) => mine(e).length >= limit);
    t.is(mine(denied).length, limit);
    // Nothing more arrives later.
    await new Promise((r) => setTimeout(r, 1_500));
    t.is(mine(await auditEvents(stack, admin.access_token, 'authz.denied')).length, limit);
  } finally {
    http.close();
    await strict.stop();
  }
});
