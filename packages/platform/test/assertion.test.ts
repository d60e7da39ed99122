import test from 'ava';
import jwt from 'jsonwebtoken';
import { mintAssertion, verifyAssertion } from '../src/auth/assertion.js';
import { UnauthenticatedError } from '../src/errors.js';

const secret = 's'.repeat(40);

test('when an assertion is minted with the shared secret, then it verifies to the same principal', (t) => {
  const token = mintAssertion({ type: 'token', id: 'u1', role: 'member', scopes: ['tokens:read'], tokenId: 't1' }, secret, 'gateway');
  t.like(verifyAssertion(token, secret), { type: 'token', id: 'u1', role: 'member', scopes: ['tokens:read'], tokenId: 't1' });
});

test('when an assertion is forged, expired, unsigned or for another audience, then it is rejected', (t) => {
  const claims = { sub: 'u1', pt: 'user', role: 'admin' };
  const forged = jwt.sign(claims, 'x'.repeat(40), { algorithm: 'HS256', audience: 'tollgate-internal' });
  const expired = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 }, secret, {
    algorithm: 'HS256',
    audience: 'tollgate-internal',
  });
  const none = jwt.sign(claims, '', { algorithm: 'none', audience: 'tollgate-internal' } as jwt.SignOptions);
  const otherAud = jwt.sign(claims, secret, { algorithm: 'HS256', audience: 'somebody-else' });
  for (const token of [forged, expired, none, otherAud, '', 'garbage']) {
    t.throws(() => verifyAssertion(token, secret), { instanceOf: UnauthenticatedError });
  }
});

test('when a verified assertion is presented again, then it is still checked against the secret and its expiry', async (t) => {
  const token = mintAssertion({ type: 'service', id: 'budget' }, secret, 'budget');
  t.is(verifyAssertion(token, secret).id, 'budget');
  t.is(mintAssertion({ type: 'service', id: 'budget' }, secret, 'budget'), token, 'reused while fresh');
  t.throws(() => verifyAssertion(token, 'y'.repeat(40)), { instanceOf: UnauthenticatedError });
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the JWT claim `sub`, not String.prototype.sub (the payload type includes string)
  const shortLived = jwt.sign({ sub: 'u1', pt: 'user', exp: Math.floor(Date.now() / 1000) + 1 }, secret, {
    algorithm: 'HS256',
    audience: 'tollgate-internal',
  });
  t.is(verifyAssertion(shortLived, secret).id, 'u1');
  await new Promise((r) => setTimeout(r, 2_100));
  t.throws(() => verifyAssertion(shortLived, secret), { instanceOf: UnauthenticatedError });
});
