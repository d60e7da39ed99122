import test from 'ava';
import { formatToken, newSecret, newTokenId, parseToken } from '../src/domain/token-format.js';
import { as, eventually, gateway, sleep, startTokenStack } from './harness.js';

interface StoredToken {
  status: string;
  owner_id: string;
  scopes: string[];
  expires_at: Date | null;
}

test('when tokens pass their expiry, then the sweeper marks them expired and audits token.expired once each', async (t) => {
  const h = await startTokenStack({ TOKEN_SWEEP_INTERVAL_MS: '200' });
  t.teardown(() => h.close());
  const member = await h.user('member');
  const due = await h.issue(member);
  const live = await h.issue(member);
  const tokens = h.db.collection<StoredToken>('api_tokens');
  await h.backdateExpiry(due.token!.id, 60_000);

  await eventually(async () => (await tokens.findOne({ _id: due.token!.id as never }))?.status === 'expired', 5_000);
  const audit = await h.audit('token.expired', due.token!.id);
  t.is(audit.length, 1);
  t.like(audit[0], {
    actor: { type: 'service', id: 'token' },
    resource: { type: 'token', id: due.token!.id },
    details: { owner_id: member.id },
  });
  await sleep(500);
  t.is((await h.audit('token.expired', due.token!.id)).length, 1, 'later sweeps do not audit it again');
  t.is((await tokens.findOne({ _id: live.token!.id as never }))?.status, 'active');
  const expired = await h.token.ListTokens({ status: 'expired', page: { limit: 10 } }, as(member));
  t.deepEqual(
    expired.items.map((i) => i.id),
    [due.token!.id],
  );
});

test('when BOOTSTRAP_TOKEN is set, then it is stored once for the bootstrap admin, audited token.seeded, and not revived after revocation', async (t) => {
  const h = await startTokenStack();
  t.teardown(() => h.close());
  const bootstrap = formatToken('personal', newTokenId(), newSecret());
  await h.stack.stop('token');
  Object.assign(h.stack.env.token, { BOOTSTRAP_TOKEN: bootstrap, BOOTSTRAP_TOKEN_OWNER_ID: h.admin.id });
  await h.stack.start('token');

  const seen = await h.token.Introspect({ token: bootstrap }, as(gateway));
  t.true(seen.active);
  t.is(seen.owner_id, h.admin.id);
  t.is(seen.owner_role, 'admin');
  t.true(seen.scopes.includes('audit:read') && seen.scopes.includes('keys:write'));
  t.is(seen.expires_at, '');
  const audit = await h.audit('token.seeded');
  t.is(audit.length, 1);
  t.like(audit[0], { actor: { type: 'service', id: 'token' }, resource: { id: seen.id }, details: { owner_id: h.admin.id } });
  t.false(audit[0].raw.includes(parseToken(bootstrap)!.secret));

  await h.stack.stop('token');
  await h.stack.start('token');
  await sleep(300);
  t.is((await h.audit('token.seeded')).length, 1, 'a restart does not seed it again');

  await h.token.RevokeToken({ id: seen.id }, as(h.admin));
  await h.stack.stop('token');
  await h.stack.start('token');
  t.false((await h.token.Introspect({ token: bootstrap }, as(gateway))).active, 'a revoked bootstrap token stays revoked');
});

test('when the bootstrap owner is not an admin, then nothing is seeded and the service still serves', async (t) => {
  const h = await startTokenStack();
  t.teardown(() => h.close());
  const member = await h.user('member');
  const bootstrap = formatToken('personal', newTokenId(), newSecret());
  await h.stack.stop('token');
  Object.assign(h.stack.env.token, { BOOTSTRAP_TOKEN: bootstrap, BOOTSTRAP_TOKEN_OWNER_ID: member.id });
  await h.stack.start('token');
  t.false((await h.token.Introspect({ token: bootstrap }, as(gateway))).active);
  const created = await h.issue(member);
  t.true((await h.token.Introspect({ token: created.secret }, as(gateway))).active);
});

test('when a malformed BOOTSTRAP_TOKEN is configured, then the service refuses to start with a message naming it', async (t) => {
  const { loadConfig } = await import('../src/config.js');
  const base = { GRPC_PORT: '0', MONGO_URL: 'mongodb://127.0.0.1:1', SERVICE_TOKEN_SECRET: 'x'.repeat(32), TOKEN_PEPPER: 'p'.repeat(32) };
  const good = formatToken('personal', newTokenId(), newSecret());
  t.is(loadConfig({ ...base, BOOTSTRAP_TOKEN: good }).BOOTSTRAP_TOKEN, good);
  for (const bad of [good.slice(0, -1) + (good.endsWith('a') ? 'b' : 'a'), formatToken('agent', newTokenId(), newSecret())]) {
    const err = t.throws(() => loadConfig({ ...base, BOOTSTRAP_TOKEN: bad }));
    t.regex(err.message, /BOOTSTRAP_TOKEN/);
    t.false(err.message.includes(bad));
  }
  t.throws(() => loadConfig({ ...base, TOKEN_PEPPER: 'short' }), { message: /TOKEN_PEPPER/ });
  t.throws(() => loadConfig({ ...base, OWNER_CACHE_MS: '5000' }), { message: /OWNER_CACHE_MS/ });
});

test('when a token is used many times, then last_used_at is written in one flush, not per call', async (t) => {
  // An hour-long interval: the only flush is the one at shutdown.
  const h = await startTokenStack({ LAST_USED_FLUSH_MS: '3600000' });
  t.teardown(() => h.close());
  const member = await h.user('member');
  const a = await h.issue(member);
  const b = await h.issue(member);
  // Kept apart from the token, whose security state it must never overwrite.
  const lastUsed = h.db.collection<{ _id: string; last_used_at: Date }>('api_token_last_used');

  for (let i = 0; i < 25; i++) {
    await h.token.Introspect({ token: a.secret }, as(gateway));
    await h.token.Introspect({ token: b.secret }, as(gateway));
  }
  const lastCall = Date.now();
  t.is(await lastUsed.findOne({ _id: a.token!.id }), null, 'no write per introspection');
  t.is((await h.token.GetToken({ id: a.token!.id }, as(member))).last_used_at, '');

  await h.stack.stop('token'); // stop flushes what is pending
  for (const id of [a.token!.id, b.token!.id]) {
    const stored = await lastUsed.findOne({ _id: id });
    t.truthy(stored?.last_used_at);
    t.true(Math.abs(stored!.last_used_at.getTime() - lastCall) < 2_000);
  }

  // With a short interval the times arrive on their own, and never move backwards.
  h.stack.env.token.LAST_USED_FLUSH_MS = '200';
  await h.stack.start('token');
  const before = (await lastUsed.findOne({ _id: a.token!.id }))!.last_used_at;
  await h.token.Introspect({ token: a.secret }, as(gateway));
  const after = await eventually(async () => {
    const v = (await h.token.GetToken({ id: a.token!.id }, as(member))).last_used_at;
    return v && Date.parse(v) > before.getTime() ? v : null;
  }, 3_000);
  t.truthy(after);
});

test('when a token comes within 7 days of its expiry, then token.expiring is audited once, and not for tokens further off or no longer active', async (t) => {
  const h = await startTokenStack({ TOKEN_SWEEP_INTERVAL_MS: '200' });
  t.teardown(() => h.close());
  const member = await h.user('member');
  const soon = await h.issue(member, undefined, { expires_in_days: 7 });
  const later = await h.issue(member, undefined, { expires_in_days: 8 });
  // Revoked while still far off, then brought within reach: a sweep can never see it active within 7 days.
  const revoked = await h.issue(member, undefined, { expires_in_days: 30 });
  await h.token.RevokeToken({ id: revoked.token!.id }, as(member));
  await h.backdateExpiry(revoked.token!.id, -6 * 86_400_000);

  const audit = await h.audit('token.expiring', soon.token!.id);
  t.is(audit.length, 1);
  t.like(audit[0], {
    actor: { type: 'service', id: 'token' },
    resource: { type: 'token', id: soon.token!.id },
    details: { owner_id: member.id, kind: 'personal', expires_at: soon.token!.expires_at },
  });
  await sleep(800);
  t.is((await h.audit('token.expiring', soon.token!.id)).length, 1, 'later sweeps do not notice it again');
  t.is((await h.audit('token.expiring', later.token!.id, 0)).length, 0);
  t.is((await h.audit('token.expiring', revoked.token!.id, 0)).length, 0);
});
