import test from 'ava';
import { PASSWORD, uniqueEmail } from '../support/factories.js';
import { edgeClient } from '../support/identity-edge.js';
import { redisKeys, startRedisCluster } from '../support/redis-ha.js';
import { startStack } from '../support/stack.js';

// The gateway on a Redis Cluster (REDIS_URL=redis-cluster://…): its limits hold through the whole mesh.
test('with REDIS_URL naming a Redis Cluster, a client failing logins is limited (429 with Retry-After) and others are not', async (t) => {
  const cluster = await startRedisCluster();
  t.teardown(() => cluster.stop());
  const stack = await startStack({ services: ['audit', 'identity'], redisUrl: cluster.url, env: { gateway: { TRUST_PROXY: 'loopback' } } });
  t.teardown(() => stack.close());

  const guesser = edgeClient(stack, 'cluster-guesser');
  for (let i = 0; i < 5; i++) {
    t.is((await guesser.post('/v1/auth/login', { json: { email: uniqueEmail('x'), password: PASSWORD } })).status, 401);
  }
  const limited = await guesser.post('/v1/auth/login', { json: { email: uniqueEmail('x'), password: PASSWORD } });
  t.is(limited.status, 429);
  t.truthy(limited.headers['retry-after']);
  const admin = await edgeClient(stack, 'cluster-admin').post('/v1/auth/login', {
    json: { email: stack.secrets.BOOTSTRAP_ADMIN_EMAIL, password: stack.secrets.BOOTSTRAP_ADMIN_PASSWORD },
  });
  t.is(admin.status, 200);
  // Counted in the cluster, not in a gateway's memory (its fallback when Redis is unreachable).
  const prefix = stack.env.gateway.RATE_LIMIT_PREFIX;
  const keys = await Promise.all(cluster.nodes.map((n) => redisKeys(n.port, `${prefix}*`)));
  t.true(keys.flat().length > 0);
});
