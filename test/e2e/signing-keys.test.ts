import test from 'ava';
import jwt from 'jsonwebtoken';
import { startStack, type Stack } from '../support/stack.js';
import { createUserAndLogin, loginAsAdmin } from '../support/session.js';

let stack: Stack;
test.before(async () => {
  stack = await startStack({ services: ['audit', 'identity'] });
});
test.after.always(() => stack?.close());

const kidOf = (token: string) => (jwt.decode(token, { complete: true })?.header.kid as string) ?? '';

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
