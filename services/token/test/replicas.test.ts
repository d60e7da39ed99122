import test from 'ava';
import { createServiceClient, type Principal, type ServiceClient } from '@tollgate/platform';
import { loadToken } from '@tollgate/proto';
import type { TokenDefinition } from '@tollgate/proto/gen/tollgate/token/v1/Token';
import { codeOf } from '../../../test/support/errors.js';
import { as, eventually, gateway, sleep, startTokenStack, type TokenHarness } from './harness.js';

// Two replicas of the token service on one database; concurrent calls alternate between them.
const SYNC_MS = 100;
let h: TokenHarness;
let replicas: ServiceClient<TokenDefinition>['call'][];
let close: () => Promise<void>;

test.before(async () => {
  h = await startTokenStack({ TOKEN_CACHE_SYNC_MS: String(SYNC_MS), LAST_USED_FLUSH_MS: '50', TOKEN_SWEEP_INTERVAL_MS: '100' });
  const replica = await h.stack.startReplica('token');
  const second = createServiceClient(loadToken().Token, replica.addr, { issuer: 'test', secret: h.stack.secrets.SERVICE_TOKEN_SECRET });
  replicas = [h.token, second.call];
  close = async () => {
    second.close();
    await replica.stop();
    await h.close();
  };
});
test.after.always(() => close?.());

const onBoth = <T>(call: (token: ServiceClient<TokenDefinition>['call']) => Promise<T>) => Promise.all(replicas.map(call));
const activeOn = (token: ServiceClient<TokenDefinition>['call'], secret: string) =>
  token.Introspect({ token: secret }, as(gateway)).then((r) => r.active);

test('when rotations of one token race on two replicas, then exactly one commits a new secret, the others conflict, and only that secret works', async (t) => {
  const member = await h.user('member');
  const created = await h.issue(member);
  const id = created.token!.id;
  await onBoth((r) => activeOn(r, created.secret));

  const outcomes = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      replicas[i % 2].RotateToken({ id, grace_seconds: 0 }, as(member)).then(
        (res) => ({ code: 'ok', secret: res.secret }),
        async (err: unknown) => ({ code: await codeOf(Promise.reject(err)), secret: '' }),
      ),
    ),
  );
  t.deepEqual(outcomes.map((o) => o.code).sort(), ['ok', ...Array(11).fill('conflict')].sort());
  const [winner] = outcomes.filter((o) => o.code === 'ok');
  t.is((await h.audit('token.rotated', id)).length, 1);

  // Within the sync interval both replicas agree: the winner's secret works, the old one does not.
  await sleep(3 * SYNC_MS);
  for (const token of replicas) {
    t.true(await activeOn(token, winner.secret));
    t.false(await activeOn(token, created.secret));
  }
  // Later, one at a time, rotations succeed again.
  const next = await replicas[1].RotateToken({ id, grace_seconds: 0 }, as(member));
  t.true(await activeOn(replicas[1], next.secret));
});

test('when a revocation races rotations, updates and last-use writes on two replicas, then the token ends revoked every time and both replicas refuse it', async (t) => {
  const owner = await h.user('member');
  for (let round = 0; round < 8; round++) {
    const created = await h.issue(owner, ['tokens:read', 'agents:read']);
    const id = created.token!.id;
    await onBoth((r) => activeOn(r, created.secret));
    const [revoker, other] = round % 2 === 0 ? replicas : [...replicas].reverse();

    const uses = replicas.flatMap((r) => Array.from({ length: 5 }, () => activeOn(r, created.secret)));
    const [revoked, ...rest] = await Promise.all([
      codeOf(revoker.RevokeToken({ id }, as(owner))),
      other.RotateToken({ id, grace_seconds: 60 }, as(owner)).then(
        (r) => r.secret,
        () => '',
      ),
      codeOf(other.UpdateToken({ id, scopes: ['tokens:read'], set_scopes: true }, as(owner))),
      codeOf(revoker.UpdateToken({ id, name: `renamed ${round}` }, as(owner))),
      ...uses,
    ]);
    t.is(revoked, 'ok');
    const secrets = [created.secret, rest[0]].filter(Boolean);
    const revokedAt = Date.now();

    for (const token of replicas) t.is((await token.GetToken({ id }, as(owner))).status, 'revoked');
    await eventually(
      async () => {
        for (const token of replicas) for (const secret of secrets) if (await activeOn(token, secret)) return false;
        return true;
      },
      2_000,
      10,
    );
    t.true(Date.now() - revokedAt < 1_000, 'refused everywhere within the cache sync interval');
    t.is((await h.audit('token.revoked', id)).length, 1);
  }
  // The last-use writes landed too, without undoing any revocation.
  const listed = await h.token.ListTokens({ page: { limit: 100 } }, as(owner));
  t.true(listed.items.every((i) => i.status === 'revoked'));
  t.true(listed.items.some((i) => i.last_used_at !== ''));
});

test('when two replicas sweep while tokens expire and some are revoked at the same time, then each token is audited token.expired or token.revoked exactly once', async (t) => {
  const owner: Principal = await h.user('member');
  const tokens = await Promise.all(Array.from({ length: 10 }, () => h.issue(owner)));
  const ids = tokens.map((c) => c.token!.id);
  const [kept, ...due] = ids;
  await Promise.all([
    ...due.map((id) => h.backdateExpiry(id, 1_000)),
    ...due.slice(0, 4).map((id, i) => codeOf(replicas[i % 2].RevokeToken({ id }, as(owner)))),
  ]);

  await eventually(async () => {
    const statuses = await Promise.all(due.map(async (id) => (await h.token.GetToken({ id }, as(owner))).status));
    return statuses.every((s) => s === 'expired' || s === 'revoked');
    // Sweeps run every 100 ms; the bound is for a loaded machine, not the sweep's speed.
  }, 15_000);
  await sleep(500); // several more sweep periods on both replicas
  const expired = await h.audit('token.expired');
  const revoked = await h.audit('token.revoked');
  for (const id of due) {
    const ends = [...expired, ...revoked].filter((e) => e.resource.id === id);
    t.is(ends.length, 1, `one terminal event for ${id}`);
    t.is((await h.token.GetToken({ id }, as(owner))).status, ends[0].action === 'token.expired' ? 'expired' : 'revoked');
  }
  t.is((await h.token.GetToken({ id: kept }, as(owner))).status, 'active');
  t.false(expired.some((e) => e.resource.id === kept));
});
