import test from 'ava';
import { createLogger, priceOf } from '@tollgate/platform';
import { createClients, type Clients } from '../src/clients.js';
import { loadConfig } from '../src/config.js';
import { Escrows } from '../src/proxy/escrows.js';
import { loginAsAdmin, type Session } from '../../test/support/session.js';
import { startStack, type Stack } from '../../test/support/stack.js';
import { budgetOf, createAgent } from '../../test/support/factories.js';

// The gateway's escrows against the real budget service: calls held in memory, their charges
// synced in batches into the ledger.
const PRICES = { input_per_million_micros: 150_000, output_per_million_micros: 600_000 };
const TERMS = { provider: 'openai', model: 'gpt-4o-mini', prices: PRICES, inputTokens: 200, maxOutputTokens: 50 };
const USAGE = { model: 'gpt-4o-mini', inputTokens: 40, outputTokens: 20 };

let stack: Stack;
let admin: Session;
let clients: Clients;
test.before(async () => {
  stack = await startStack();
  admin = await loginAsAdmin(stack);
  clients = createClients(loadConfig(stack.env.gateway));
});
test.after.always(async () => {
  for (const c of Object.values(clients ?? {})) c.close();
  await stack?.close();
});

const escrowsOf = (syncMs: number) =>
  new Escrows(clients, createLogger('gateway', 'silent'), { syncMs, idleMs: 200, defaultMaxOutputTokens: 1_000 });

test('when calls end faster than one sync carries their charges, then every charge reaches the ledger once and the escrow goes back when drained', async (t) => {
  const { id: agentId } = await createAgent(stack, admin, 100);
  // Syncs far apart: charges pile up past what one sync carries, and calls wait for the ledger past twice that.
  const escrows = escrowsOf(1_000);
  escrows.start();
  const calls = 3_000;
  for (let i = 0; i < calls; i++) escrows.settle(await escrows.hold(agentId, TERMS), USAGE, '', `req-${i}`);
  await escrows.drain(30_000);
  const budget = await budgetOf(stack, admin, agentId);
  t.is(Math.round(budget.spent_usd * 1e6), calls * priceOf(PRICES, 40, 20));
  t.is(budget.reserved_usd, 0);
});
