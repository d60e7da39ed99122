import test from 'ava';
import { randomUUID } from 'node:crypto';
import { startStack, type Stack } from '../support/stack.js';
import { createUserAndLogin, loginAsAdmin, type Session } from '../support/session.js';

// An audit outage loses nothing: identity keeps every login event in its outbox while
// the audit service is down and delivers each exactly once when it returns.
const OUTAGE_MS = 30_000;

let stack: Stack;
test.before(async () => {
  stack = await startStack({
    services: ['audit', 'identity'],
    // Login limits are not what this test is about: every attempt comes from 127.0.0.1.
    env: { gateway: { LOGIN_ATTEMPTS_PER_IP_PER_WINDOW: '1000', LOGIN_FAILURES_PER_WINDOW: '100' } },
  });
});
test.after.always(() => stack?.close());

interface ApiEvent {
  id: string;
  action: string;
  outcome: string;
  request_id: string | null;
  actor: { id: string | null };
}

/** Every event with this action, or null while the gateway still answers 503 (Retry-After). */
async function allEvents(admin: Session, action: string): Promise<ApiEvent[] | null> {
  const items: ApiEvent[] = [];
  let cursor = '';
  for (;;) {
    const res = await stack.http.get(
      `/v1/audit/events?action=${action}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      {
        token: admin.access_token,
      },
    );
    if (res.status === 503) return null;
    if (res.status !== 200) throw new Error(`listing ${action}: ${res.status} ${res.text}`);
    items.push(...(res.body.items as ApiEvent[]));
    if (!res.body.next_cursor) return items;
    cursor = res.body.next_cursor as string;
  }
}

test('when the audit service is down for 30 s while users log in, then every login event arrives exactly once after it returns', async (t) => {
  t.timeout(150_000);
  const admin = await loginAsAdmin(stack);
  const users: string[] = [];
  for (let i = 0; i < 3; i++) {
    const email = `outage-${i}-${randomUUID().slice(0, 6)}@example.test`;
    await createUserAndLogin(stack, admin, 'member', email);
    users.push(email);
  }

  await stack.stop('audit');
  const down = await stack.http.get('/v1/audit/events', { token: admin.access_token });
  t.is(down.status, 503, 'the gateway answers for a missing audit service');
  t.truthy(down.headers['retry-after']);

  // Log in during the outage: successes as the admin, failures for the new users.
  const succeeded: string[] = [];
  const failed: string[] = [];
  const until = Date.now() + OUTAGE_MS;
  let round = 0;
  while (Date.now() < until) {
    const ok = `outage-ok-${round}-${randomUUID()}`;
    const res = await stack.http.post('/v1/auth/login', {
      json: { email: stack.secrets.BOOTSTRAP_ADMIN_EMAIL, password: stack.secrets.BOOTSTRAP_ADMIN_PASSWORD },
      headers: { 'x-request-id': ok },
    });
    t.is(res.status, 200, 'logging in does not depend on the audit service');
    succeeded.push(ok);
    if (round % 4 === 0 && failed.length < users.length * 3) {
      const bad = `outage-bad-${round}-${randomUUID()}`;
      const email = users[failed.length % users.length];
      const r = await stack.http.post('/v1/auth/login', {
        json: { email, password: 'not-the-password-1' },
        headers: { 'x-request-id': bad },
      });
      t.is(r.status, 401);
      failed.push(bad);
    }
    round++;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  t.true(succeeded.length >= 20, `${succeeded.length} logins during the outage`);

  await stack.start('audit');
  const expected = new Set([...succeeded, ...failed]);
  const deadline = Date.now() + 45_000;
  let seen: ApiEvent[] = [];
  for (;;) {
    const ok = await allEvents(admin, 'auth.login.succeeded');
    const bad = await allEvents(admin, 'auth.login.failed');
    if (ok && bad) {
      seen = [...ok, ...bad].filter((e) => e.request_id && expected.has(e.request_id));
      if (new Set(seen.map((e) => e.request_id)).size === expected.size) break;
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }

  const perRequest = new Map<string, number>();
  for (const e of seen) perRequest.set(e.request_id!, (perRequest.get(e.request_id!) ?? 0) + 1);
  const missing = [...expected].filter((id) => !perRequest.has(id));
  const repeated = [...perRequest].filter(([, n]) => n !== 1);
  t.deepEqual(missing, [], 'every login of the outage is in the log');
  t.deepEqual(repeated, [], 'and each exactly once');
  t.is(seen.filter((e) => e.action === 'auth.login.failed').length, failed.length);
  t.true(seen.filter((e) => e.action === 'auth.login.failed').every((e) => e.outcome === 'failure'));

  const verify = await stack.http.get('/v1/audit/verify', { token: admin.access_token });
  t.like(verify.body, { ok: true, first_bad_id: null });
});
