import test from 'ava';
import { ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError, type Principal } from '@tollgate/platform';
import { as, gateway, PASSWORD, startIdentity, uniqueEmail, userOf, type IdentityHarness } from './harness.js';

let h: IdentityHarness;
let admin: Principal;

test.before(async () => {
  h = await startIdentity();
  admin = userOf(await h.loginAdmin());
});

test.after.always(async () => {
  await h?.close();
});

async function createAndLogin(role: 'admin' | 'manager' | 'member' | 'viewer', email = uniqueEmail(role)) {
  const user = await h.identity.CreateUser({ email, password: PASSWORD, role, name: '' }, as(admin));
  const auth = await h.identity.Login({ email, password: PASSWORD }, as(gateway));
  return { user, auth, principal: userOf(auth) };
}

test.serial(
  'when the service starts with BOOTSTRAP_ADMIN_* and no admin exists, then that admin is created once and audited',
  async (t) => {
    const first = await h.audit('identity.admin.bootstrapped');
    t.is(first.length, 1);
    t.like(first[0], { actor: { type: 'service', id: 'identity' }, resource: { type: 'user' }, details: { email: h.admin.email } });
    t.false(first[0].raw.includes(h.admin.password));

    await h.stack.stop('identity');
    await h.stack.start('identity');

    t.is((await h.audit('identity.admin.bootstrapped')).length, 1);
    const admins = await h.identity.ListUsers({ role: 'admin', page: { limit: 100 } }, as(admin));
    t.deepEqual(
      admins.items.map((u) => u.email),
      [h.admin.email],
    );
  },
);

test.serial(
  'when the only active admin is demoted, disabled or deleted, then it is refused with a conflict until another admin exists',
  async (t) => {
    const self = admin.id;
    for (const attempt of [
      () => h.identity.UpdateUser({ id: self, role: 'member' }, as(admin)),
      () => h.identity.UpdateUser({ id: self, disabled: true }, as(admin)),
      () => h.identity.DeleteUser({ id: self }, as(admin)),
    ]) {
      const err = await t.throwsAsync(attempt(), { instanceOf: ConflictError });
      t.is(err?.code, 'conflict');
    }

    const second = await createAndLogin('admin');
    const demoted = await h.identity.UpdateUser({ id: second.user.id, role: 'manager' }, as(admin));
    t.is(demoted.role, 'manager');
    await t.throwsAsync(h.identity.DeleteUser({ id: self }, as(admin)), { instanceOf: ConflictError });

    // A second *active* admin lifts the protection; a disabled one does not count.
    const third = await h.identity.CreateUser({ email: uniqueEmail('admin'), password: PASSWORD, role: 'admin', name: '' }, as(admin));
    await h.identity.UpdateUser({ id: third.id, disabled: true }, as(admin));
    await t.throwsAsync(h.identity.UpdateUser({ id: self, role: 'member' }, as(admin)), { instanceOf: ConflictError });
    await h.identity.UpdateUser({ id: third.id, disabled: false }, as(admin));
    await h.identity.DeleteUser({ id: third.id }, as(admin));
    t.pass();
  },
);

test('when an admin creates a user, then the email is lower-cased, the name falls back to the local part, and user.created is audited', async (t) => {
  const email = uniqueEmail('Mixed.Case');
  const user = await h.identity.CreateUser({ email: `  ${email.toUpperCase()} `, password: PASSWORD, role: 'member', name: '' }, as(admin));
  t.like(user, { email: email.toLowerCase(), name: email.toLowerCase().split('@')[0], role: 'member', disabled: false, locked: false });
  t.regex(user.created_at, /^\d{4}-\d{2}-\d{2}T/);

  const named = await h.identity.CreateUser({ email: uniqueEmail(), password: PASSWORD, role: 'viewer', name: 'Ada Lovelace' }, as(admin));
  t.is(named.name, 'Ada Lovelace');

  const events = (await h.audit('user.created')).filter((e) => e.resource.id === user.id);
  t.is(events.length, 1);
  t.like(events[0], { actor: { type: 'user', id: admin.id }, details: { role: 'member' }, ip: '203.0.113.7' });
  t.false(events[0].raw.includes(PASSWORD));
  const stored = await h.db.collection('users').findOne({ email: email.toLowerCase() });
  t.regex(String(stored?.password_hash), /^\$argon2id\$/);
});

test('when an email is already taken, in any letter case, then CreateUser fails with a conflict', async (t) => {
  const email = uniqueEmail('dup');
  await h.identity.CreateUser({ email, password: PASSWORD, role: 'member', name: '' }, as(admin));
  const err = await t.throwsAsync(
    h.identity.CreateUser({ email: email.toUpperCase(), password: PASSWORD, role: 'viewer', name: '' }, as(admin)),
    { instanceOf: ConflictError },
  );
  t.is(err?.code, 'conflict');
});

test('when the password, email or role break the rules, then CreateUser fails validation naming the field', async (t) => {
  const cases: [Record<string, string>, string][] = [
    [{ password: 'short-11chr' }, 'password'],
    [{ password: 'x'.repeat(257) }, 'password'],
    [{ email: 'not-an-email' }, 'email'],
    [{ email: "a@b.c' || 1" }, 'email'],
    [{ role: 'superuser' }, 'role'],
    [{ role: '' }, 'role'],
  ];
  for (const [override, field] of cases) {
    const req = { email: uniqueEmail(), password: PASSWORD, role: 'member', name: '', ...override };
    const err = await t.throwsAsync(h.identity.CreateUser(req, as(admin)), { instanceOf: ValidationError });
    t.truthy(err?.details?.[field], `${JSON.stringify(override)} names ${field}`);
  }
  const exactly12 = await h.identity.CreateUser({ email: uniqueEmail(), password: 'twelve-chars', role: 'member', name: '' }, as(admin));
  t.is(exactly12.role, 'member');
});

test('when someone other than an admin manages users, then CreateUser, UpdateUser, DeleteUser and UnlockUser are forbidden', async (t) => {
  const target = await h.identity.CreateUser({ email: uniqueEmail('target'), password: PASSWORD, role: 'viewer', name: '' }, as(admin));
  const manager = (await createAndLogin('manager')).principal;
  const callers: Principal[] = [
    manager,
    (await createAndLogin('member')).principal,
    { type: 'token', id: admin.id, role: 'admin', scopes: ['users:read'], tokenId: 'tok1' },
    { type: 'agent', id: 'agent1', role: 'admin', scopes: ['proxy:invoke'] },
    gateway,
  ];
  for (const caller of callers) {
    await t.throwsAsync(h.identity.CreateUser({ email: uniqueEmail(), password: PASSWORD, role: 'admin', name: '' }, as(caller)), {
      instanceOf: ForbiddenError,
    });
    await t.throwsAsync(h.identity.UpdateUser({ id: target.id, role: 'admin' }, as(caller)), { instanceOf: ForbiddenError });
    await t.throwsAsync(h.identity.DeleteUser({ id: target.id }, as(caller)), { instanceOf: ForbiddenError });
    await t.throwsAsync(h.identity.UnlockUser({ id: target.id }, as(caller)), { instanceOf: ForbiddenError });
  }
  t.is((await h.identity.GetUser({ id: target.id }, as(admin))).role, 'viewer');
});

test('when an admin API token with users:write creates a user, then it is allowed and audited with the token as actor', async (t) => {
  const token: Principal = { type: 'token', id: admin.id, role: 'admin', scopes: ['users:write'], tokenId: 'tok-admin' };
  const user = await h.identity.CreateUser({ email: uniqueEmail('by-token'), password: PASSWORD, role: 'member', name: '' }, as(token));
  const [event] = (await h.audit('user.created')).filter((e) => e.resource.id === user.id);
  t.deepEqual(event.actor, { type: 'token', id: 'tok-admin' });
});

test('when users are listed, then admins and managers page through them with a cursor and others are forbidden', async (t) => {
  const manager = (await createAndLogin('manager')).principal;
  const member = (await createAndLogin('member')).principal;
  const listed: string[] = [];
  for (let i = 0; i < 3; i++) {
    listed.push(
      (await h.identity.CreateUser({ email: uniqueEmail('listed'), password: PASSWORD, role: 'viewer', name: '' }, as(admin))).id,
    );
  }
  const seen: string[] = [];
  let cursor = '';
  do {
    const page = await h.identity.ListUsers({ page: { limit: 2, cursor } }, as(manager));
    t.true(page.items.length <= 2);
    seen.push(...page.items.map((u) => u.id));
    cursor = page.next_cursor;
  } while (cursor);
  t.is(new Set(seen).size, seen.length);
  t.true(listed.every((id) => seen.includes(id)));
  // Other tests in this file create users concurrently; they may only appear after what was seen.
  const all = (await h.identity.ListUsers({ page: { limit: 100 } }, as(admin))).items.map((u) => u.id);
  t.deepEqual(
    all.filter((id) => seen.includes(id)),
    seen,
  );
  // Creation order: the users this test created one after another appear in that order.
  t.deepEqual(
    seen.filter((id) => listed.includes(id)),
    listed,
  );

  const viewers = await h.identity.ListUsers({ role: 'viewer', page: { limit: 100 } }, as(admin));
  t.true(viewers.items.length >= 3);
  t.true(viewers.items.every((u) => u.role === 'viewer'));

  await t.throwsAsync(h.identity.ListUsers({}, as(member)), { instanceOf: ForbiddenError });
  await t.throwsAsync(h.identity.ListUsers({ role: '{"$ne":""}' }, as(admin)), { instanceOf: ValidationError });
  await t.throwsAsync(h.identity.ListUsers({ page: { limit: 101 } }, as(admin)), { instanceOf: ValidationError });
  await t.throwsAsync(h.identity.ListUsers({ page: { cursor: 'garbage' } }, as(admin)), { instanceOf: ValidationError });
});

test('when a user is read, then admins, managers, the user themself and services may, other members may not', async (t) => {
  const member = await createAndLogin('member');
  const other = await createAndLogin('member');
  const manager = await createAndLogin('manager');
  for (const caller of [admin, manager.principal, member.principal, { type: 'service', id: 'token' } as Principal]) {
    t.is((await h.identity.GetUser({ id: member.user.id }, as(caller))).email, member.user.email);
  }
  await t.throwsAsync(h.identity.GetUser({ id: member.user.id }, as(other.principal)), { instanceOf: ForbiddenError });
  await t.throwsAsync(h.identity.GetUser({ id: 'ffffffffffffffffffffffff' }, as(admin)), { instanceOf: NotFoundError });
});

test("when an admin changes a user's role, then every session of the user is revoked and user.role_changed is audited", async (t) => {
  const member = await createAndLogin('member');
  const second = await h.identity.Login({ email: member.user.email, password: PASSWORD }, as(gateway));

  const updated = await h.identity.UpdateUser({ id: member.user.id, role: 'manager' }, as(admin));
  t.is(updated.role, 'manager');
  t.is(updated.email, member.user.email);

  for (const auth of [member.auth, second]) {
    t.false((await h.identity.CheckSession({ session_id: auth.session_id }, as(gateway))).active);
    const err = await t.throwsAsync(h.identity.Refresh({ refresh_token: auth.refresh_token }, as(gateway)), {
      instanceOf: UnauthenticatedError,
    });
    t.is(err?.code, 'token_revoked');
  }
  const [event] = (await h.audit('user.role_changed')).filter((e) => e.resource.id === member.user.id);
  t.like(event, { actor: { type: 'user', id: admin.id }, details: { from: 'member', to: 'manager', sessions_revoked: 2 } });

  // A new login carries the new role.
  const again = await h.identity.Login({ email: member.user.email, password: PASSWORD }, as(gateway));
  t.is(again.user?.role, 'manager');
});

test('when an admin disables a user, then their sessions end, login fails as invalid_credentials, and re-enabling restores login', async (t) => {
  const member = await createAndLogin('member');
  const disabled = await h.identity.UpdateUser({ id: member.user.id, disabled: true }, as(admin));
  t.true(disabled.disabled);
  t.false((await h.identity.CheckSession({ session_id: member.auth.session_id }, as(gateway))).active);
  const err = await t.throwsAsync(h.identity.Login({ email: member.user.email, password: PASSWORD }, as(gateway)), {
    instanceOf: UnauthenticatedError,
  });
  t.is(err?.code, 'invalid_credentials');
  const [event] = (await h.audit('user.updated')).filter((e) => e.resource.id === member.user.id);
  t.like(event, { details: { changed: ['disabled'], disabled: true, sessions_revoked: 1 } });

  await h.identity.UpdateUser({ id: member.user.id, disabled: false }, as(admin));
  t.truthy((await h.identity.Login({ email: member.user.email, password: PASSWORD }, as(gateway))).access_token);
});

test('when only the name changes, then the role and sessions stay and CheckSession shows the new name', async (t) => {
  const member = await createAndLogin('member');
  const updated = await h.identity.UpdateUser({ id: member.user.id, name: 'Grace Hopper' }, as(admin));
  t.like(updated, { name: 'Grace Hopper', role: 'member', disabled: false });
  const check = await h.identity.CheckSession({ session_id: member.auth.session_id }, as(gateway));
  t.true(check.active);
  t.is(check.user?.name, 'Grace Hopper');
  t.is((await h.audit('user.role_changed')).filter((e) => e.resource.id === member.user.id).length, 0);
});

test('when an admin deletes a user, then the user and their sessions are gone and user.deleted is audited', async (t) => {
  const member = await createAndLogin('member');
  await h.identity.DeleteUser({ id: member.user.id }, as(admin));
  await t.throwsAsync(h.identity.GetUser({ id: member.user.id }, as(admin)), { instanceOf: NotFoundError });
  t.false((await h.identity.CheckSession({ session_id: member.auth.session_id }, as(gateway))).active);
  await t.throwsAsync(h.identity.DeleteUser({ id: member.user.id }, as(admin)), { instanceOf: NotFoundError });
  const [event] = (await h.audit('user.deleted')).filter((e) => e.resource.id === member.user.id);
  t.like(event, { actor: { type: 'user', id: admin.id }, details: { email: member.user.email, role: 'member' } });
});

test('when inputs look like query operators or SQL, then they are treated as plain strings', async (t) => {
  const odd = `$where.${Date.now()}@example.test`;
  const created = await h.identity.CreateUser({ email: odd, password: PASSWORD, role: 'viewer', name: '{"$gt": ""}' }, as(admin));
  t.is(created.name, '{"$gt": ""}');
  t.is((await h.identity.Login({ email: odd, password: PASSWORD }, as(gateway))).user?.id, created.id);

  for (const email of ['{"$ne": null}', "a@b.c' || 1", '" OR 1=1 --', '{"$gt": ""}']) {
    const err = await t.throwsAsync(h.identity.Login({ email, password: PASSWORD }, as(gateway)), { instanceOf: UnauthenticatedError });
    t.is(err?.code, 'invalid_credentials');
  }
  await t.throwsAsync(h.identity.GetUser({ id: '{"$ne": null}' }, as(admin)), { instanceOf: NotFoundError });
});
