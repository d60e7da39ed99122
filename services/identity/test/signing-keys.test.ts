import test from 'ava';
import { createDecipheriv, createPrivateKey, createPublicKey, type JsonWebKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createLogger, ForbiddenError, type Principal } from '@tollgate/platform';
import type { Jwk__Output } from '@tollgate/proto/gen/tollgate/identity/v1/Jwk';
import { createSigner } from '../src/domain/signing-keys.js';
import { createSigningKeyStore } from '../src/store/signing-key-store.js';
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

interface AccessClaims {
  iss: string;
  aud: string;
  sub: string;
  sid: string;
  role: string;
  typ: string;
  iat: number;
  exp: number;
}

/** Verifies like the gateway does: the kid looked up in the JWKS, ES256 only, issuer and audience pinned. */
function verifyWithJwks(token: string, keys: Jwk__Output[]): AccessClaims {
  const header = jwt.decode(token, { complete: true })?.header;
  const jwk = keys.find((k) => k.kid === header?.kid);
  if (!jwk) throw new Error(`kid ${header?.kid} is not in the JWKS`);
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } as JsonWebKey, format: 'jwk' });
  return jwt.verify(token, key, { algorithms: ['ES256'], issuer: 'tollgate', audience: 'tollgate-api' }) as AccessClaims;
}

const jwks = async () => (await h.identity.GetJwks({}, as(gateway))).keys;

test('when a user signs in, then the access token is an ES256 JWT that verifies with the JWKS and carries kid, iss, aud, sub, sid, role and typ', async (t) => {
  const email = uniqueEmail();
  const user = await h.identity.CreateUser({ email, password: PASSWORD, role: 'manager', name: '' }, as(admin));
  const auth = await h.identity.Login({ email, password: PASSWORD }, as(gateway));
  const keys = await jwks();
  for (const k of keys) {
    t.like(k, { kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    t.regex(k.x, /^[A-Za-z0-9_-]{43}$/);
    t.false('d' in k);
  }
  const header = jwt.decode(auth.access_token, { complete: true })!.header;
  t.like(header, { alg: 'ES256' });
  t.truthy(header.kid);

  const claims = verifyWithJwks(auth.access_token, keys);
  t.like(claims, { iss: 'tollgate', aud: 'tollgate-api', sub: user.id, sid: auth.session_id, role: 'manager', typ: 'access' });
  t.is(claims.exp - claims.iat, 900);

  const jwk = keys.find((k) => k.kid === header.kid)!;
  const publicKey = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } as JsonWebKey, format: 'jwk' });
  for (const wrong of [{ audience: 'somebody-else' }, { issuer: 'somebody-else' }]) {
    t.throws(
      () => jwt.verify(auth.access_token, publicKey, { algorithms: ['ES256'], issuer: 'tollgate', audience: 'tollgate-api', ...wrong }),
      {
        any: true,
        name: 'JsonWebTokenError',
      },
    );
  }
});

test('when an admin rotates the signing key, then new tokens use the new kid and tokens signed before still verify', async (t) => {
  const before = await h.loginAdmin();
  const oldKid = jwt.decode(before.access_token, { complete: true })!.header.kid;

  await t.throwsAsync(h.identity.RotateSigningKey({}, as(gateway)), { instanceOf: ForbiddenError });
  const manager = userOf(
    await (async () => {
      const email = uniqueEmail('manager');
      await h.identity.CreateUser({ email, password: PASSWORD, role: 'manager', name: '' }, as(admin));
      return h.identity.Login({ email, password: PASSWORD }, as(gateway));
    })(),
  );
  await t.throwsAsync(h.identity.RotateSigningKey({}, as(manager)), { instanceOf: ForbiddenError });

  const rotated = await h.identity.RotateSigningKey({}, as(admin));
  t.not(rotated.kid, oldKid);
  t.like(rotated, { kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });

  const after = await h.loginAdmin();
  t.is(jwt.decode(after.access_token, { complete: true })!.header.kid, rotated.kid);
  const keys = await jwks();
  t.true(keys.some((k) => k.kid === oldKid));
  t.is(verifyWithJwks(before.access_token, keys).sid, before.session_id);
  t.is(verifyWithJwks(after.access_token, keys).sid, after.session_id);
  t.like((await h.audit('identity.signing_key.rotated')).at(-1), { actor: { type: 'user', id: admin.id }, resource: { id: rotated.kid } });

  const stored = await h.db.collection('signing_keys').findOne({ _id: oldKid as never });
  t.like(stored, { status: 'retired', private_key: null });
});

test.serial(
  'when signing keys are stored, then the private half is AES-256-GCM sealed under JWT_KEY_ENCRYPTION_KEY and a restart keeps using it',
  async (t) => {
    const [active] = await h.db
      .collection<{ _id: string; public_jwk: { x: string }; private_key: { iv: string; data: string; tag: string } }>('signing_keys')
      .find({ status: 'active' })
      .toArray();
    t.falsy((active.private_key as unknown as { d?: string }).d);
    t.false(JSON.stringify(active).includes('PRIVATE KEY'));

    const decipher = createDecipheriv(
      'aes-256-gcm',
      Buffer.from(h.stack.secrets.JWT_KEY_ENCRYPTION_KEY, 'base64'),
      Buffer.from(active.private_key.iv, 'base64'),
    );
    decipher.setAAD(Buffer.from(active._id));
    decipher.setAuthTag(Buffer.from(active.private_key.tag, 'base64'));
    const der = Buffer.concat([decipher.update(Buffer.from(active.private_key.data, 'base64')), decipher.final()]);
    const publicHalf = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' });
    t.is(publicHalf.x, active.public_jwk.x);

    await h.stack.stop('identity');
    await h.stack.start('identity');
    const auth = await h.loginAdmin();
    t.is(jwt.decode(auth.access_token, { complete: true })!.header.kid, active._id);
  },
);

test('when JWT_KEY_ENCRYPTION_KEY cannot open the stored keys, then loading them fails and says which variable is wrong', async (t) => {
  // The signer over the service's real key collection, as start() builds it, with another key.
  const signer = createSigner({
    store: createSigningKeyStore(h.db),
    encryptionKey: Buffer.alloc(32, 7),
    issuer: 'tollgate',
    audience: 'tollgate-api',
    accessTtlSeconds: 900,
    log: createLogger('identity-test', 'silent'),
  });
  const err = await t.throwsAsync(signer.init());
  t.regex(err.message, /JWT_KEY_ENCRYPTION_KEY cannot decrypt/);
});
