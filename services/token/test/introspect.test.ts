import test from 'ava';
import { createLogger, createServiceClient, ValidationError } from '@tollgate/platform';
import { loadToken } from '@tollgate/proto';
import { loadConfig, start } from '../src/app.js';
import { formatToken, newSecret, parseToken } from '../src/domain/token-format.js';
import { as, eventually, gateway, sleep, startTokenStack, type TokenHarness } from './harness.js';

let h: TokenHarness;

test.before(async () => {
  h = await startTokenStack({ OWNER_CACHE_MS: '500' });
});

test.after.always(async () => {
  await h?.close();
});

const INACTIVE = { active: false, id: '', kind: '', owner_id: '', agent_id: '', scopes: [], expires_at: '', owner_role: '' };

const introspect = (token: string) => h.token.Introspect({ token }, as(gateway));

test('when a live token is introspected, then it is active with its id, owner, role and scopes', async (t) => {
  const member = await h.user('member');
  const created = await h.issue(member, ['agents:read', 'proxy:invoke']);
  const seen = await introspect(created.secret);
  t.deepEqual(seen, {
    active: true,
    id: created.token!.id,
    kind: 'personal',
    owner_id: member.id,
    agent_id: '',
    scopes: ['agents:read', 'proxy:invoke'],
    expires_at: created.token!.expires_at,
    owner_role: 'member',
  });
  // Any authenticated caller may introspect, not only the gateway.
  t.true((await h.token.Introspect({ token: created.secret }, as(member))).active);
});

test('when a token is malformed, unknown, or presents the wrong secret for a real id, then it is inactive and nothing else', async (t) => {
  const member = await h.user('member');
  const created = await h.issue(member);
  const { id } = parseToken(created.secret)!;
  const flipped = created.secret.slice(0, 20) + (created.secret[20] === 'a' ? 'b' : 'a') + created.secret.slice(21);
  for (const token of [
    '',
    'tg_pat_',
    'Bearer whatever',
    flipped,
    created.secret.replace('tg_pat_', 'tg_agt_'),
    formatToken('personal', 'AAAAAAAAAAAAAAAA', newSecret()), // well-formed, unknown id
    formatToken('personal', id, newSecret()), // real id, wrong secret
    formatToken('agent', id, parseToken(created.secret)!.secret), // real id and secret, wrong kind
  ]) {
    t.deepEqual(await introspect(token), INACTIVE, token);
  }
});

test('when a token has passed its expiry, then it is inactive even before the sweeper marks it', async (t) => {
  const member = await h.user('member');
  const created = await h.issue(member, ['tokens:read'], { expires_in_days: 1 });
  // Time travel, before any replica has the token cached.
  await h.backdateExpiry(created.token!.id, 1_000);
  t.deepEqual(await introspect(created.secret), INACTIVE);
  t.is((await h.token.GetToken({ id: created.token!.id }, as(member))).status, 'expired');
});

test('when a token is rotated without grace, then the old secret dies at once and the new one works', async (t) => {
  const member = await h.user('member');
  const created = await h.issue(member);
  const rotated = await h.token.RotateToken({ id: created.token!.id, grace_seconds: 0 }, as(member));
  t.not(rotated.secret, created.secret);
  t.is(parseToken(rotated.secret)?.id, created.token!.id, 'the token keeps its id');
  t.deepEqual(await introspect(created.secret), INACTIVE);
  t.true((await introspect(rotated.secret)).active);
  const audit = await h.audit('token.rotated', created.token!.id);
  t.like(audit[0], { actor: { type: 'user', id: member.id }, details: { grace_seconds: 0 } });
  t.false(audit[0].raw.includes(parseToken(rotated.secret)!.secret));
});

test('when a token is rotated with a grace period, then the old secret works until it ends, then dies', async (t) => {
  const member = await h.user('member');
  const created = await h.issue(member);
  const rotated = await h.token.RotateToken({ id: created.token!.id, grace_seconds: 1 }, as(member));
  const graceEnds = Date.now() + 1_000;
  t.true((await introspect(created.secret)).active);
  t.true((await introspect(rotated.secret)).active);
  await sleep(Math.max(0, graceEnds - Date.now()) + 100);
  t.deepEqual(await introspect(created.secret), INACTIVE);
  t.true((await introspect(rotated.secret)).active);

  // A second rotation replaces the secret in grace: only the latest old one survives.
  const again = await h.token.RotateToken({ id: created.token!.id, grace_seconds: 60 }, as(member));
  t.true((await introspect(rotated.secret)).active);
  t.true((await introspect(again.secret)).active);
  t.false((await introspect(created.secret)).active);
  // Revoking ends the grace too.
  await h.token.RevokeToken({ id: created.token!.id }, as(member));
  t.false((await introspect(rotated.secret)).active);
  t.false((await introspect(again.secret)).active);
});

test('when the grace period is out of range, then rotation is refused', async (t) => {
  const member = await h.user('member');
  const created = await h.issue(member);
  for (const grace_seconds of [-1, 86_401]) {
    const err = await t.throwsAsync(h.token.RotateToken({ id: created.token!.id, grace_seconds }, as(member)), {
      instanceOf: ValidationError,
    });
    t.truthy(err?.details?.grace_seconds);
  }
  t.true((await introspect(created.secret)).active);
});

test("when the owner's role is lowered, then the token's effective scopes narrow to the new role", async (t) => {
  const manager = await h.user('manager');
  const created = await h.issue(manager, ['users:read', 'keys:read', 'agents:read', 'budgets:read']);
  t.deepEqual((await introspect(created.secret)).scopes, ['users:read', 'agents:read', 'budgets:read', 'keys:read']);

  await h.identity.UpdateUser({ id: manager.id, role: 'viewer' }, as(h.admin));
  const narrowed = await eventually(
    async () => {
      const r = await introspect(created.secret);
      return r.owner_role === 'viewer' ? r : null;
    },
    1_500,
    20,
  );
  t.deepEqual(narrowed.scopes, ['agents:read', 'budgets:read']);
  t.true(narrowed.active);
  // The token itself keeps what it was given: promoting the owner back restores it.
  t.deepEqual((await h.token.GetToken({ id: created.token!.id }, as(h.admin))).scopes, [
    'users:read',
    'agents:read',
    'budgets:read',
    'keys:read',
  ]);
  await h.identity.UpdateUser({ id: manager.id, role: 'manager' }, as(h.admin));
  const restored = await eventually(
    async () => {
      const r = await introspect(created.secret);
      return r.owner_role === 'manager' ? r : null;
    },
    1_500,
    20,
  );
  t.deepEqual(restored.scopes, ['users:read', 'agents:read', 'budgets:read', 'keys:read']);
});

test('when the owner is disabled, then the token is inactive within a second; when re-enabled, it works again', async (t) => {
  const member = await h.user('member');
  const created = await h.issue(member);
  t.true((await introspect(created.secret)).active);
  await h.identity.UpdateUser({ id: member.id, disabled: true }, as(h.admin));
  const disabledAt = Date.now();
  await eventually(async () => !(await introspect(created.secret)).active, 1_000, 20);
  t.true(Date.now() - disabledAt <= 1_000);

  await h.identity.UpdateUser({ id: member.id, disabled: false }, as(h.admin));
  await eventually(async () => (await introspect(created.secret)).active, 1_000, 20);
  t.pass();
});

test('when the owner is deleted, then the token is inactive', async (t) => {
  const member = await h.user('member');
  const created = await h.issue(member);
  t.true((await introspect(created.secret)).active);
  await h.identity.DeleteUser({ id: member.id }, as(h.admin));
  await eventually(async () => !(await introspect(created.secret)).active, 1_000, 20);
  t.deepEqual(await introspect(created.secret), INACTIVE);
});

test('when a token is revoked through one replica, then another replica refuses it within its cache sync interval', async (t) => {
  const other = await start(
    loadConfig({ ...h.stack.env.token, GRPC_PORT: '0', TOKEN_CACHE_SYNC_MS: '100' }),
    createLogger('token-2', 'silent'),
  );
  const client = createServiceClient(loadToken().Token, `127.0.0.1:${other.port}`, {
    issuer: 'test',
    secret: h.stack.secrets.SERVICE_TOKEN_SECRET,
  });
  t.teardown(async () => {
    client.close();
    await other.stop();
  });
  const member = await h.user('member');
  const created = await h.issue(member);
  // Both replicas have the token cached as active.
  t.true((await client.call.Introspect({ token: created.secret }, as(gateway))).active);
  t.true((await introspect(created.secret)).active);

  await h.token.RevokeToken({ id: created.token!.id }, as(member));
  t.false((await introspect(created.secret)).active, 'the replica that revoked it refuses it on the very next call');
  const revokedAt = Date.now();
  await eventually(async () => !(await client.call.Introspect({ token: created.secret }, as(gateway))).active, 2_000, 10);
  t.true(Date.now() - revokedAt < 1_000);
});
