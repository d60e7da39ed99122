import test from 'ava';
import { createClients, type Clients } from '../src/clients.js';
import { loadConfig } from '../src/config.js';
import { IntrospectionBatch } from '../src/auth/introspection-batch.js';
import { TtlCache } from '../src/auth/ttl-cache.js';
import { startTokenStack, type TokenHarness } from '../../services/token/test/harness.js';

// The gateway's batched introspection against the real token service: background revalidations
// of many tokens go in one IntrospectMany, and a request that comes to wait for one never waits
// out the batching window.
let h: TokenHarness;
let clients: Clients;
/** IntrospectMany calls made by the gateway's client, and the tokens in each. */
const calls: number[] = [];

test.before(async () => {
  h = await startTokenStack();
  clients = createClients(loadConfig({ ...h.stack.env.gateway, TOKEN_ADDR: h.stack.addrs.token }));
  const many = clients.token.call.IntrospectMany;
  clients.token.call.IntrospectMany = (req, call) => {
    calls.push(req.tokens?.length ?? 0);
    return many(req, call);
  };
});
test.after.always(async () => {
  for (const c of Object.values(clients ?? {})) c.close();
  await h?.close();
});

test.serial('when 30 tokens are revalidated in the background, then they go in one call, each answered as itself', async (t) => {
  const member = await h.user('member');
  const live = await Promise.all(Array.from({ length: 29 }, () => h.issue(member)));
  const revoked = await h.issue(member);
  await h.token.RevokeToken({ id: revoked.token!.id }, { principal: member });
  calls.length = 0;
  const batch = new IntrospectionBatch(clients, 100);
  const answers = await Promise.all([...live, revoked].map((c) => batch.introspect(c.secret, false)));
  t.deepEqual(calls, [30], 'one IntrospectMany');
  t.deepEqual(
    answers.map((a) => a.id),
    [...live.map((c) => c.token!.id), ''],
  );
  t.true(answers.slice(0, 29).every((a) => a.active && a.owner_id === member.id));
  t.false(answers[29].active);
});

test.serial(
  'when a request waits for a token whose revalidation is still queued, then it is sent at once, not after the window',
  async (t) => {
    const member = await h.user('member');
    const created = await h.issue(member);
    // A window far longer than the cache's life: only hurrying gets the request its answer in time.
    const batch = new IntrospectionBatch(clients, 60_000);
    const cache = new TtlCache<{ active: boolean }>(300);
    const lookup = () =>
      cache.through('k', () => batch.introspect(created.secret, true), {
        refresh: () => batch.introspect(created.secret, false),
        hurry: () => batch.hurry(),
      });
    t.true((await lookup()).active);
    await new Promise((r) => setTimeout(r, 200));
    calls.length = 0;
    // Past half its life: served from the cache, its revalidation queued for the window.
    t.true((await lookup()).active);
    t.deepEqual(calls, [], 'the revalidation waits for company');
    await new Promise((r) => setTimeout(r, 150));
    // Expired: the request waits, and the queued revalidation goes now.
    const started = Date.now();
    t.true((await lookup()).active);
    t.true(Date.now() - started < 2_000, `answered after ${Date.now() - started} ms`);
    t.deepEqual(calls, [1]);
  },
);

test.serial(
  'when a token used within the keep-warm window is revoked between its calls, then its next call finds it revoked, without waiting for the token service',
  async (t) => {
    const member = await h.user('member');
    const created = await h.issue(member);
    const batch = new IntrospectionBatch(clients, 150);
    const cache = new TtlCache<{ active: boolean }>(600, undefined, { ms: 10_000, max: 10 });
    t.teardown(() => cache.stop());
    const lookup = () =>
      cache.through('k', () => batch.introspect(created.secret, true), {
        refresh: () => batch.introspect(created.secret, false),
        hurry: () => batch.hurry(),
      });
    t.true((await lookup()).active);
    // Four lives of the entry with no call: it is fetched again before each ends.
    calls.length = 0;
    await new Promise((r) => setTimeout(r, 2_400));
    t.true(calls.length >= 3, `${calls.length} revalidations in 2.4 s`);
    t.true(cache.holds('k'), 'still fresh with no call for 2.4 s');
    await h.token.RevokeToken({ id: created.token!.id }, { principal: member });
    await new Promise((r) => setTimeout(r, 1_200));
    calls.length = 0;
    t.false((await lookup()).active, 'the revocation is seen within two lives of the entry');
    t.deepEqual(calls, [], 'the call did not wait for an introspection');
  },
);
