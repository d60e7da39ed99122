import test from 'ava';
import { createServiceClient, type Principal, type ServiceClient } from '@tollgate/platform';
import { loadIdentity } from '@tollgate/proto';
import type { IdentityDefinition } from '@tollgate/proto/gen/tollgate/identity/v1/Identity';
import { codeOf } from '../../../test/support/errors.js';
import { as, gateway, newUser, PASSWORD, startIdentity, uniqueEmail, userOf, type IdentityHarness } from './harness.js';

// Two replicas of the identity service on one database; concurrent calls alternate between them.
const THRESHOLD = 5;
let h: IdentityHarness;
let replicas: ServiceClient<IdentityDefinition>['call'][];
let admin: Principal;
let close: () => Promise<void>;

test.before(async () => {
  h = await startIdentity({ LOCKOUT_THRESHOLD: String(THRESHOLD), LOCKOUT_SECONDS: '0' });
  const replica = await h.stack.startReplica('identity');
  const second = createServiceClient(loadIdentity().Identity, replica.addr, {
    issuer: 'test',
    secret: h.stack.secrets.SERVICE_TOKEN_SECRET,
  });
  replicas = [h.identity, second.call];
  admin = userOf(await h.loginAdmin());
  close = async () => {
    second.close();
    await replica.stop();
    await h.close();
  };
});
test.after.always(() => close?.());

const on = (i: number) => replicas[i % 2];

test('when 40 wrong passwords race on two replicas with an admin role change and rename, then exactly the threshold is counted, the lock is audited once, and the admin changes stay', async (t) => {
  const user = await newUser(h, admin);
  const [role, rename, ...logins] = await Promise.all([
    codeOf(on(0).UpdateUser({ id: user.id, role: 'viewer' }, as(admin))),
    codeOf(on(1).UpdateUser({ id: user.id, name: 'Renamed During Attack' }, as(admin))),
    ...Array.from({ length: 40 }, (_, i) => codeOf(on(i).Login({ email: user.email, password: `wrong-password-${i}` }, as(gateway)))),
  ]);
  t.deepEqual([role, rename], ['ok', 'ok']);
  t.true(logins.every((c) => c === 'invalid_credentials'));

  const failures = (await h.audit('auth.login.failed')).filter((e) => e.resource.id === user.id);
  t.is(failures.length, 40);
  const counted = failures.filter((e) => e.details.reason === 'bad_password');
  t.deepEqual(counted.map((e) => e.details.failed_attempts).sort(), [1, 2, 3, 4, 5]);
  t.is(failures.filter((e) => e.details.reason === 'locked').length, 40 - THRESHOLD);
  const locks = (await h.audit('auth.account.locked')).filter((e) => e.resource.id === user.id);
  t.is(locks.length, 1);
  t.like(locks[0], { details: { failed_attempts: THRESHOLD, threshold: THRESHOLD } });

  for (const identity of replicas) {
    t.like(await identity.GetUser({ id: user.id }, as(admin)), {
      role: 'viewer',
      name: 'Renamed During Attack',
      locked: true,
      disabled: false,
    });
    t.is(await codeOf(identity.Login({ email: user.email, password: PASSWORD }, as(gateway))), 'invalid_credentials');
  }
  await on(1).UnlockUser({ id: user.id }, as(admin));
  t.is((await on(0).Login({ email: user.email, password: PASSWORD }, as(gateway))).user?.role, 'viewer');
});

test('when a correct password races failures at the lock threshold, then at most one lock results and it is never lifted by the success; the right password in the last free slot ends the series', async (t) => {
  for (let round = 0; round < 4; round++) {
    const user = await newUser(h, admin);
    for (let i = 0; i < THRESHOLD - 2; i++) await codeOf(on(i).Login({ email: user.email, password: `wrong-${i}` }, as(gateway)));
    // Six more failures. The success lands before the lock (the rest lock a new series, or are refused while
    // it is checked in the last slot and the series ends unlocked) or after it (and fails as locked).
    await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => codeOf(on(i).Login({ email: user.email, password: `wrong-late-${i}` }, as(gateway)))),
      codeOf(on(round).Login({ email: user.email, password: PASSWORD }, as(gateway))),
    ]);
    const locks = (await h.audit('auth.account.locked')).filter((e) => e.resource.id === user.id).length;
    t.true(locks <= 1, `${locks} locks`);
    for (const identity of replicas) t.is((await identity.GetUser({ id: user.id }, as(admin))).locked, locks === 1);
    // A series never answers more wrong guesses than the threshold (a success may start a new one).
    const answered = (await h.audit('auth.login.failed')).filter((e) => e.resource.id === user.id && e.details.reason === 'bad_password');
    t.true(
      answered.every((e) => Number(e.details.failed_attempts) <= THRESHOLD),
      JSON.stringify(answered.map((e) => e.details.failed_attempts)),
    );
  }
});

test('when the same refresh token is presented 10 times at once on two replicas, then one refresh wins, the rest are reuse, and the family is revoked', async (t) => {
  const user = await newUser(h, admin);
  const auth = await h.identity.Login({ email: user.email, password: PASSWORD }, as(gateway));
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      on(i)
        .Refresh({ refresh_token: auth.refresh_token }, as(gateway))
        .then(
          (r) => ({ code: 'ok', token: r.refresh_token }),
          async (err: unknown) => ({ code: await codeOf(Promise.reject(err)), token: '' }),
        ),
    ),
  );
  t.deepEqual(results.map((r) => r.code).sort(), ['ok', ...Array(9).fill('refresh_token_reused')]);
  const [winner] = results.filter((r) => r.code === 'ok');
  t.is(await h.db.collection('refresh_tokens').countDocuments({ session_id: auth.session_id }), 2, 'one successor was issued');
  for (const identity of replicas) {
    t.false((await identity.CheckSession({ session_id: auth.session_id }, as(gateway))).active);
    t.is(await codeOf(identity.Refresh({ refresh_token: winner.token }, as(gateway))), 'token_revoked');
  }
  const reuse = (await h.audit('auth.refresh.reuse_detected')).filter((e) => e.resource.id === auth.session_id);
  t.is(reuse.length, 9, 'each reuse is audited');
});

test('when logout-all races refreshes, session checks and renames on two replicas, then every session stays revoked', async (t) => {
  for (let round = 0; round < 4; round++) {
    const user = await newUser(h, admin);
    const logins = await Promise.all(
      Array.from({ length: 3 }, () => h.identity.Login({ email: user.email, password: PASSWORD }, as(gateway))),
    );
    // Old enough that each check writes last use.
    await h.db.collection('sessions').updateMany({ user_id: user.id }, { $set: { last_used_at: new Date(Date.now() - 10 * 60_000) } });
    const me = as(userOf(logins[0]));
    await Promise.all([
      on(round).LogoutAll({}, me),
      codeOf(on(round + 1).UpdateUser({ id: user.id, name: `name ${round}` }, as(admin))),
      ...logins.flatMap((l, i) => [
        codeOf(on(i).Refresh({ refresh_token: l.refresh_token }, as(gateway))),
        on(i + 1).CheckSession({ session_id: l.session_id }, as(gateway)),
      ]),
    ]);
    for (const identity of replicas) {
      for (const l of logins) t.false((await identity.CheckSession({ session_id: l.session_id }, as(gateway))).active);
      t.deepEqual((await identity.ListSessions({}, me)).items, []);
    }
  }
});

test('when admins change one user on two replicas at once while it fails logins and changes its password, then no change is lost', async (t) => {
  for (let round = 0; round < 4; round++) {
    const user = await newUser(h, admin);
    const auth = await h.identity.Login({ email: user.email, password: PASSWORD }, as(gateway));
    const newPassword = `a-new-passphrase-${round}`;
    const codes = await Promise.all([
      codeOf(on(round).UpdateUser({ id: user.id, role: 'manager' }, as(admin))),
      codeOf(on(round + 1).UpdateUser({ id: user.id, name: `Name ${round}` }, as(admin))),
      codeOf(on(round).ChangePassword({ current_password: PASSWORD, new_password: newPassword }, as(userOf(auth)))),
      ...Array.from({ length: 3 }, (_, i) => codeOf(on(i).Login({ email: user.email, password: `wrong-${i}` }, as(gateway)))),
      codeOf(on(round + 1).UpdateUser({ id: user.id, disabled: true }, as(admin))),
    ]);
    t.deepEqual([codes[0], codes[1], codes[6]], ['ok', 'ok', 'ok']);
    for (const identity of replicas) {
      t.like(await identity.GetUser({ id: user.id }, as(admin)), { role: 'manager', name: `Name ${round}`, disabled: true });
    }
    // The password change, when acknowledged, is the password now.
    await on(round).UpdateUser({ id: user.id, disabled: false }, as(admin));
    const password = codes[2] === 'ok' ? newPassword : PASSWORD;
    t.is((await on(round + 1).Login({ email: user.email, password }, as(gateway))).user?.role, 'manager');
  }
});

test.serial('when two admins demote each other at once on two replicas, then at least one active admin always remains', async (t) => {
  const other = await h.identity.CreateUser({ email: uniqueEmail('admin'), password: PASSWORD, role: 'admin', name: '' }, as(admin));
  const otherAdmin = userOf(await h.identity.Login({ email: other.email, password: PASSWORD }, as(gateway)));
  for (let round = 0; round < 4; round++) {
    const change = round % 2 === 0 ? { role: 'manager' } : { disabled: true };
    const codes = await Promise.all([
      codeOf(on(round).UpdateUser({ id: admin.id, ...change }, as(otherAdmin))),
      codeOf(on(round + 1).UpdateUser({ id: other.id, ...change }, as(admin))),
    ]);
    t.true(codes.every((c) => c === 'ok' || c === 'conflict'));
    t.true(codes.includes('conflict'), 'both cannot succeed');
    const admins = (await h.identity.ListUsers({ role: 'admin', page: { limit: 100 } }, as(admin))).items.filter((u) => !u.disabled);
    t.true(admins.length >= 1);
    // Restore both for the next round (as whichever admin is still active).
    const acting = admins.some((u) => u.id === admin.id) ? admin : otherAdmin;
    for (const id of [admin.id, other.id]) await h.identity.UpdateUser({ id, role: 'admin', disabled: false }, as(acting));
  }
});
