import test from 'ava';
import { createServiceClient } from '@tollgate/platform';
import { loadIdentity } from '@tollgate/proto';
import { startStack } from '../../test/support/stack.js';
import { run } from './support/helm.js';

// The break-glass command of deploy/README.md ("Rotate the JWT signing key"), run as the
// image runs it, against a real identity service and its audit log.

const script = 'deploy/docker/ops/rotate-signing-key.mjs';
const nodeArgs = ['--conditions=development', '--import', 'tsx', script];

test('when the break-glass rotation runs in an identity container, a new signing key is active and the old one still verifies', async (t) => {
  const stack = await startStack({ services: ['audit', 'identity'], gateway: false });
  t.teardown(() => stack.close());
  const identity = createServiceClient(loadIdentity().Identity, stack.addrs.identity, {
    issuer: 'test',
    secret: stack.secrets.SERVICE_TOKEN_SECRET,
  });
  t.teardown(() => identity.close());
  const asGateway = { principal: { type: 'service' as const, id: 'gateway' } };
  const before = (await identity.call.GetJwks({}, asGateway)).keys.map((k) => k.kid);

  const result = await run('node', nodeArgs, {
    GRPC_PORT: stack.env.identity.GRPC_PORT,
    SERVICE_TOKEN_SECRET: stack.secrets.SERVICE_TOKEN_SECRET,
    LOG_LEVEL: 'silent',
  });
  t.is(result.code, 0, result.stderr);
  const jwk = JSON.parse(result.stdout) as { kid: string; alg: string };
  t.is(jwk.alg, 'ES256');
  t.false(before.includes(jwk.kid));

  const after = (await identity.call.GetJwks({}, asGateway)).keys.map((k) => k.kid);
  t.true(after.includes(jwk.kid), 'the new key is published');
  for (const kid of before) t.true(after.includes(kid), 'tokens signed by the old key keep verifying');
});

test('when the break-glass rotation runs without the mesh secret, it refuses and says where to run it', async (t) => {
  const result = await run('node', nodeArgs, { GRPC_PORT: '', SERVICE_TOKEN_SECRET: '' });
  t.is(result.code, 2);
  t.regex(result.stderr, /inside an identity container/);
});
