import test from 'ava';
import {
  addProviderKey,
  codeOf,
  createAgent,
  errorOf,
  member,
  outboxEvents,
  startBudgetStack,
  stateOf,
  usd,
  type BudgetStack,
} from './helpers.js';

let s: BudgetStack;
test.before(async () => {
  s = await startBudgetStack();
  await addProviderKey(s, 'openai');
});
test.after.always(() => s?.close());

/** Right after a restart the budget service's channel may still be backing off: retry a little. */
async function eventually<T>(fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

test.serial('when the token service is down during CreateAgent, then the call fails and nothing is left behind', async (t) => {
  const agentsBefore = await s.db.collection('agents').countDocuments();
  const budgetsBefore = await s.db.collection('budgets').countDocuments();
  await s.stack.stop('token');
  try {
    const err = await errorOf(
      s.budget.CreateAgent({ name: 'orphan?', description: '', budget_micros: usd(5), providers: [] }, { principal: member }),
    );
    t.is(err.code, 'service_unavailable');
    t.is(await s.db.collection('agents').countDocuments(), agentsBefore);
    t.is(await s.db.collection('budgets').countDocuments(), budgetsBefore);
    t.is(await s.db.collection('agents').countDocuments({ name: 'orphan?' }), 0);
    t.false((await outboxEvents(s.db)).some((e) => e.action === 'agent.created' && e.details.name === 'orphan?'));
  } finally {
    await s.stack.start('token');
  }
  const again = await eventually(() =>
    s.budget.CreateAgent({ name: 'after recovery', description: '', budget_micros: usd(5), providers: [] }, { principal: member }),
  );
  t.regex(again.token, /^tg_agt_/);
});

test.serial('when the token service refuses the credential, then the agent and budget are removed', async (t) => {
  const budgetsBefore = await s.db.collection('budgets').countDocuments();
  // An owner id the token service rejects (it allows 1-64 letters, digits, - or _).
  const odd = { type: 'user' as const, id: 'usr.with.dots', role: 'member' as const };
  t.is(
    await codeOf(s.budget.CreateAgent({ name: 'refused', description: '', budget_micros: usd(1), providers: [] }, { principal: odd })),
    'validation_failed',
  );
  t.is(await s.db.collection('agents').countDocuments({ name: 'refused' }), 0);
  t.is(await s.db.collection('budgets').countDocuments(), budgetsBefore);
});

test.serial('when the provider-key service is down, then the handshake fails with 503 and the reservation is returned', async (t) => {
  const { agent, as } = await createAgent(s, usd(1));
  await s.stack.stop('provider-key');
  try {
    t.is(await codeOf(s.budget.Handshake({ agent_id: agent.id, provider: 'openai' }, { principal: as })), 'service_unavailable');
  } finally {
    await s.stack.start('provider-key');
  }
  t.is((await stateOf(s, agent.id)).reserved_micros, 0);
  const lease = await eventually(() => s.budget.Handshake({ agent_id: agent.id, provider: 'openai' }, { principal: as }));
  t.is(lease.granted_micros, 1_000_000);
});
