import test from 'ava';
import jwt from 'jsonwebtoken';
import { startStack, type Stack } from '../support/stack.js';
import { createUserAndLogin, loginAsAdmin } from '../support/session.js';
import { stolenSigningKey } from '../support/stolen-key.js';

let stack: Stack;
test.before(async () => {
  stack = await startStack({ services: ['audit', 'identity'] });
});
test.after.always(() => stack?.close());

const kidOf = (token: string) => jwt.decode(token, { complete: true })?.header.kid ?? '';

test.serial('when an admin rotates the signing key, then new tokens use the new key and nobody is logged out', async (t) => {
  const admin = await loginAsAdmin(stack);
  const before = kidOf(admin.access_token);

  const res = await stack.http.post('/v1/auth/signing-keys/rotate', { token: admin.access_token });
  t.is(res.status, 200);
  t.is(res.body.alg, 'ES256');
  t.not(res.body.kid, before);

  // the token signed with the old key still works
  t.is((await stack.http.get('/v1/auth/me', { token: admin.access_token })).status, 200);
  // both keys are published
  const jwks = await stack.http.get('/.well-known/jwks.json');
  t.deepEqual(jwks.body.keys.map((k: { kid: string }) => k.kid).sort(), [before, res.body.kid].sort());
  // a fresh login is signed with the new key and is accepted at once
  const again = await loginAsAdmin(stack);
  t.is(kidOf(again.access_token), res.body.kid);
  t.is((await stack.http.get('/v1/auth/me', { token: again.access_token })).status, 200);
});

test.serial('when a non-admin tries to rotate the signing key, then 403 and the key stays', async (t) => {
  const admin = await loginAsAdmin(stack);
  const member = await createUserAndLogin(stack, admin, 'member');
  const res = await stack.http.post('/v1/auth/signing-keys/rotate', { token: member.access_token });
  t.is(res.status, 403);
  t.is(kidOf((await loginAsAdmin(stack)).access_token), kidOf(member.access_token));
});

test.serial(
  'when a token signed with the real key has no expiry, lives longer than identity issues, or names another user with a live session, then 401',
  async (t) => {
    const admin = await loginAsAdmin(stack);
    const member = await createUserAndLogin(stack, admin, 'member');
    const { kid, key } = await stolenSigningKey(stack);
    const sid = (jwt.decode(member.access_token) as { sid: string }).sid;
    const sign = (claims: Record<string, unknown>, opts: jwt.SignOptions = { expiresIn: 600 }) =>
      jwt.sign({ sid, typ: 'access', role: 'member', ...claims }, key, {
        algorithm: 'ES256',
        keyid: kid,
        issuer: 'tollgate',
        audience: 'tollgate-api',
        subject: member.user.id,
        ...opts,
      });
    const me = (token: string) => stack.http.get('/v1/auth/me', { token });

    t.is((await me(sign({}))).status, 200, 'made like identity makes them, it passes: the refusals below are about the claims');
    t.is((await me(sign({}, {}))).status, 401, 'no exp');
    t.is((await me(sign({}, { expiresIn: 10 * 365 * 86_400 }))).status, 401, 'ten years');
    t.is((await me(sign({}, { expiresIn: 600, noTimestamp: true }))).status, 401, 'no iat');
    // The member's session is checked and cached by the request above; the same sid naming the admin is not that session.
    t.is((await me(member.access_token)).status, 200);
    const asAdmin = jwt.sign({ sid, typ: 'access', role: 'admin' }, key, {
      algorithm: 'ES256',
      keyid: kid,
      issuer: 'tollgate',
      audience: 'tollgate-api',
      subject: admin.user.id,
      expiresIn: 600,
    });
    t.is((await me(asAdmin)).status, 401);
  },
);

test.serial('when a token names a signing key nobody knows, then 401 at once', async (t) => {
  const { key } = await stolenSigningKey(stack);
  const token = jwt.sign({ sid: 'x', typ: 'access', role: 'admin' }, key, {
    algorithm: 'ES256',
    keyid: 'no-such-key',
    issuer: 'tollgate',
    audience: 'tollgate-api',
    subject: 'usr_x',
    expiresIn: 600,
  });
  const started = Date.now();
  const res = await stack.http.get('/v1/auth/me', { token });
  t.is(res.status, 401);
  t.true(Date.now() - started < 500, `answered after ${Date.now() - started} ms`);
});
