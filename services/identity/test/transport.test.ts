import test from 'ava';
import * as grpc from '@grpc/grpc-js';
import jwt from 'jsonwebtoken';
import { ASSERTION_METADATA_KEY, mintAssertion } from '@tollgate/platform';
import { loadIdentity } from '@tollgate/proto';
import type { IdentityClient } from '@tollgate/proto/gen/tollgate/identity/v1/Identity';
import { startIdentity, type IdentityHarness } from './harness.js';

let h: IdentityHarness;
let raw: IdentityClient;

test.before(async () => {
  h = await startIdentity();
  raw = new (loadIdentity().Identity)(h.stack.addrs.identity, grpc.credentials.createInsecure());
});

test.after.always(async () => {
  raw?.close();
  await h?.close();
});

function login(md: grpc.Metadata): Promise<grpc.ServiceError | null> {
  return new Promise((resolve) => {
    raw.Login({ email: h.admin.email, password: h.admin.password }, md, { deadline: Date.now() + 5_000 }, (err) => resolve(err));
  });
}

const withAssertion = (value: string) => {
  const md = new grpc.Metadata();
  md.set(ASSERTION_METADATA_KEY, value);
  return md;
};

test('when a raw gRPC call carries no caller assertion, then it is UNAUTHENTICATED', async (t) => {
  const err = await login(new grpc.Metadata());
  t.is(err?.code, grpc.status.UNAUTHENTICATED);
  t.false(String(err?.details).includes('jwt'));
});

test('when the assertion is forged, expired, unsigned or a user access token, then the call is UNAUTHENTICATED', async (t) => {
  const secret = h.stack.secrets.SERVICE_TOKEN_SECRET;
  const claims = { sub: 'gateway', pt: 'service' };
  const forged = [
    mintAssertion({ type: 'service', id: 'gateway' }, 'another-secret-that-is-long-enough-000', 'attacker'),
    jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 5 }, secret, { algorithm: 'HS256', audience: 'tollgate-internal' }),
    jwt.sign(claims, '', { algorithm: 'none', audience: 'tollgate-internal' } as jwt.SignOptions),
    (await h.loginAdmin()).access_token,
    'not-a-jwt',
  ];
  for (const value of forged) t.is((await login(withAssertion(value)))?.code, grpc.status.UNAUTHENTICATED);
});

test('when the assertion is genuine, then the same raw call goes through', async (t) => {
  const md = withAssertion(mintAssertion({ type: 'service', id: 'gateway' }, h.stack.secrets.SERVICE_TOKEN_SECRET, 'test'));
  t.is(await login(md), null);
});
