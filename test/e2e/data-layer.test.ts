import test from 'ava';
import type { Stack } from '../support/stack.js';
import { addProviderKey, budgetRpc, createAgent, people, startMoneyStack, type People } from '../support/factories.js';

// The embedded database's server has a fixed pool, and each of its updates holds two of
// its connections at once: the services' own pools are sized so that all of them together
// can never exhaust it. Here 200 writes of every kind arrive at once, through the gateway.
let stack: Stack;
let p: People;
test.before(async () => {
  stack = await startMoneyStack({
    gateway: {
      GRPC_DEADLINE_MS: '60000',
      RATE_LIMIT_IP_PER_MIN: '100000',
      RATE_LIMIT_TOKEN_PER_MIN: '100000',
      RATE_LIMIT_PRINCIPAL_PER_MIN: '100000',
    },
  });
  p = await people(stack);
  await addProviderKey(stack, p.admin, 'openai', 'sk-live-e2e-burst-key-0123456789abcdef');
});
test.after.always(() => stack?.close());

test('when 200 writes of every kind arrive at once through the gateway, then every one is answered and stored, and nothing hangs', async (t) => {
  const agents = await Promise.all(Array.from({ length: 4 }, () => createAgent(stack, p.member, 10)));
  const leases = await Promise.all(
    agents.map(async (a) => {
      const res = await stack.http.post(`/v1/agents/${a.id}/handshake`, { token: a.token, json: { provider: 'openai', requested_usd: 5 } });
      t.is(res.status, 200, res.text);
      return res.body.lease_id as string;
    }),
  );
  const tokensBefore = (await stack.http.get('/v1/tokens?limit=100', { token: p.member2.access_token })).body.items.length;

  const started = Date.now();
  const writes = Array.from({ length: 200 }, (_, i) => {
    const agent = agents[i % agents.length];
    switch (i % 4) {
      case 0:
        return stack.http.post('/v1/tokens', { token: p.member2.access_token, json: { name: `burst-${i}`, scopes: ['tokens:read'] } });
      case 1:
        return stack.http.post('/v1/usage', {
          token: agent.token,
          json: {
            lease_id: leases[i % agents.length],
            request_id: `burst-${i}`,
            provider: 'openai',
            model: 'gpt-4o',
            input_tokens: 10,
            output_tokens: 10,
            cost_usd: 0.01,
          },
        });
      case 2:
        return stack.http.patch(`/v1/agents/${agent.id}`, { token: p.member.access_token, json: { description: `burst ${i}` } });
      default:
        return stack.http.post('/v1/budget-requests', {
          token: p.member.access_token,
          json: { agent_id: agent.id, requested_budget_usd: 1, justification: `burst ${i}` },
        });
    }
  });
  const answers = await Promise.all(writes);
  t.log(`200 writes answered in ${Date.now() - started} ms`);
  t.deepEqual(
    answers.filter((r) => r.status >= 300).map((r) => `${r.status} ${r.text.slice(0, 120)}`),
    [],
  );

  // Stored: 50 tokens, 50 charges of $0.01 (12 or 13 per agent), 50 requests.
  const tokens = await stack.http.get('/v1/tokens?limit=100', { token: p.member2.access_token });
  t.is(tokens.body.items.length, tokensBefore + 50);
  const rpc = budgetRpc(stack);
  try {
    let spent = 0;
    for (const a of agents) {
      const r = await rpc.call.Reconcile({ id: a.id }, { principal: { type: 'service', id: 'e2e' } });
      t.true(r.ok);
      spent += r.ledger_spent_micros;
    }
    t.is(spent, 500_000);
  } finally {
    rpc.close();
  }
  const requests = await stack.http.get('/v1/budget-requests?status=pending&limit=100', { token: p.manager.access_token });
  t.is(requests.body.items.length, 50);
  // And the database still answers at once.
  const ready = await stack.http.get('/health/ready');
  t.is(ready.status, 200);
});
