import test from 'ava';
import { ConfigError } from '@tollgate/platform';
import { loadConfig } from '../src/app.js';
import { DEFAULT_PRICE_TABLE_FILE } from '../src/config.js';
import { applyOp, decide, emptyState, remainingOf, type EscrowCharge, type EscrowSyncIntent } from '../src/domain/book.js';
import { formatUsd } from '../src/domain/money.js';
import { PriceTable } from '../src/domain/prices.js';
import { readFileSync } from 'node:fs';

const base = { GRPC_PORT: '0', MONGO_URL: 'mongodb://127.0.0.1:27017', SERVICE_TOKEN_SECRET: 'x'.repeat(43) };
const table = PriceTable.parse(readFileSync(DEFAULT_PRICE_TABLE_FILE, 'utf8'), 'shipped');

test('when the config gives USD amounts, then they are held as exact micro-dollars', (t) => {
  const c = loadConfig(base);
  t.is(c.MAX_BUDGET_USD, 10_000_000_000);
  t.is(c.MAX_BUDGET_REQUEST_USD, 10_000_000_000);
  t.is(c.DEFAULT_LEASE_USD, 1_000_000);
  t.is(c.PRICE_TABLE_FILE, DEFAULT_PRICE_TABLE_FILE);
  const custom = loadConfig({ ...base, MAX_BUDGET_REQUEST_USD: '2500.000001', DEFAULT_LEASE_USD: '0.25' });
  t.is(custom.MAX_BUDGET_REQUEST_USD, 2_500_000_001);
  t.is(custom.DEFAULT_LEASE_USD, 250_000);
});

test('when a money variable is not a USD amount, then start-up fails naming it', (t) => {
  for (const [name, value] of [
    ['MAX_BUDGET_USD', '-1'],
    ['MAX_BUDGET_REQUEST_USD', '1e4'],
    ['MAX_BUDGET_REQUEST_USD', '0'],
    ['DEFAULT_LEASE_USD', '0.0000001'],
    ['DEFAULT_LEASE_USD', '0'],
  ]) {
    const err = t.throws(() => loadConfig({ ...base, [name]: value }), { instanceOf: ConfigError });
    t.true(err.message.includes(name), `${name}=${value}: ${err.message}`);
  }
});

test('when an amount is shown to people, then it is grouped and keeps only the decimals it has', (t) => {
  t.is(formatUsd(10_000_000_000), '$10,000');
  t.is(formatUsd(2_500_500_000), '$2,500.5');
  t.is(formatUsd(1), '$0.000001');
  t.is(formatUsd(0), '$0');
});

test('when a model is priced, then integer micro-dollars per million tokens are applied and rounded up', (t) => {
  t.is(table.costMicros('openai', 'gpt-4o', 1_000_000, 0), 2_500_000);
  t.is(table.costMicros('openai', 'gpt-4o', 0, 1_000_000), 10_000_000);
  t.is(table.costMicros('openai', 'gpt-4o', 1, 0), 3, '2.5 micro-dollars round up');
  t.is(table.costMicros('openai', 'gpt-4o', 0, 0), 0);
  // Which entry prices a model is the platform's rule (findModelPrice, tested there): here only that the table uses it.
  t.is(
    table.costMicros('openai', 'gpt-4o-mini-2024-07-18', 1_000_000, 1_000_000),
    750_000,
    'a dated snapshot: priced as gpt-4o-mini, not gpt-4o',
  );
  t.is(table.costMicros('openai', 'gpt-4', 10 ** 12, 10 ** 12), 90_000_000_000_000, 'large counts stay exact');
  t.throws(() => table.costMicros('openai', 'davinci', 1, 1), { message: /No price/ });
  t.throws(() => table.costMicros('acme', 'gpt-4o', 1, 1), { message: /No price/ });
});

test('when a price table is malformed, then it is refused', (t) => {
  t.throws(() => PriceTable.parse('{', 'x'), { message: /not valid JSON/ });
  t.throws(() => PriceTable.parse('{"openai":{"m":{"input_per_million_micros":1.5,"output_per_million_micros":1}}}', 'x'), {
    message: /invalid/,
  });
  t.throws(() => PriceTable.parse('{"openai":{"m":{"input_per_million_micros":1}}}', 'x'), { message: /invalid/ });
});

const budgetOf = (limit: number) => {
  const b = emptyState('agt_x');
  applyOp(b, { type: 'open', limit, profile: { name: 'x', description: '', disabled: false } });
  return b;
};
const sync = (id: string, seq: number, want: number, charges: EscrowCharge[] = []): EscrowSyncIntent => ({
  type: 'sync_escrow',
  id,
  seq,
  charges,
  want,
  expires_at: new Date(Date.now() + 60_000),
  renew_before: new Date(Date.now() + 30_000),
});
const callCost = (holdId: string, cost: number, whole_hold = ''): EscrowCharge => ({
  hold_id: holdId,
  request_id: `req-${holdId}`,
  provider: 'openai',
  model: 'gpt-4.1',
  input_tokens: 10,
  output_tokens: 20,
  cost_micros: cost,
  whole_hold,
});

test('when a gateway opens an escrow, then it gets what it asks within what remains, and a repeated sync changes nothing', (t) => {
  const b = budgetOf(50_000);
  t.like(decide(b, sync('e1', 1, 30_000)).outcome, { type: 'sync_escrow', status: 'open', escrow: 30_000 });
  t.is(b.held, 30_000);
  t.is(decide(b, sync('e1', 1, 30_000)).ops.length, 0, 'a repeat');
  t.like(decide(b, sync('e2', 1, 30_000)).outcome, { status: 'open', escrow: 20_000 }, 'another replica gets what remains, no more');
  t.is(remainingOf(b), 0);
  t.like(decide(b, sync('e1', 2, 45_000)).outcome, { escrow: 30_000 }, 'nothing left to grow into');
  t.is(decide(b, sync('e1', 3, 30_000)).ops.length, 0, 'a heartbeat that changes nothing writes nothing');
});

test('when a sync charges its calls, then each is taken from the escrow (past it and past the budget when the cost ran beyond), once, and the escrow is resized', (t) => {
  const b = budgetOf(50_000);
  decide(b, sync('e1', 1, 20_000));
  const charged = decide(b, sync('e1', 2, 5_000, [callCost('hld_a', 4_000), callCost('hld_b', 1_000, 'the client went away')]));
  t.like(charged.outcome, { status: 'open', escrow: 5_000 });
  t.deepEqual({ spent: b.spent, held: b.held, remaining: remainingOf(b) }, { spent: 5_000, held: 5_000, remaining: 40_000 });
  t.like(charged.ops[0], {
    type: 'charge',
    op_id: 'call:hld_a',
    request_id: 'req-hld_a',
    hold_id: 'hld_a',
    escrow_id: 'e1',
    from_hold: 4_000,
    from_free: 0,
  });
  t.like(charged.ops[1], { whole_hold: 'the client went away' });
  decide(b, sync('e1', 2, 5_000, [callCost('hld_a', 4_000), callCost('hld_b', 1_000)]));
  t.is(b.spent, 5_000, 'a repeated sync is not charged twice');

  // Pricing drift: 50,000 charged from an escrow of 5,000 with 40,000 left beside it.
  const over = decide(b, sync('e1', 3, 1_000, [callCost('hld_c', 50_000)]));
  t.like(over.outcome, { type: 'sync_escrow', escrow: 0, charges: [{ overrun: 5_000 }] });
  t.is(b.spent, 55_000);
  t.is(remainingOf(b), -5_000, 'what the provider was paid is spent: the budget is below zero');
});

test('when an escrow is closed, then what it held goes back and later syncs of it charge nothing', (t) => {
  const b = budgetOf(10_000);
  decide(b, sync('e1', 1, 8_000));
  t.like(decide(b, sync('e1', 2, 0, [callCost('hld_a', 1_000)])).outcome, { status: 'closed', escrow: 0 });
  t.deepEqual({ spent: b.spent, held: b.held }, { spent: 1_000, held: 0 });
  t.like(decide(b, sync('e1', 3, 5_000, [callCost('hld_b', 1_000)])).outcome, { status: 'closed', escrow: 0 });
  t.is(b.spent, 1_000);
});

test('when an agent is disabled, then no escrow opens and an open one does not grow, but its charges are taken', (t) => {
  const b = budgetOf(10_000);
  decide(b, sync('e1', 1, 2_000));
  decide(b, { type: 'profile', patch: { disabled: true } });
  t.like(decide(b, sync('e1', 2, 9_000, [callCost('hld_a', 500)])).outcome, { status: 'disabled', escrow: 1_500 });
  t.is(b.spent, 500);
  t.like(decide(b, sync('e2', 1, 2_000)).outcome, { status: 'disabled', escrow: 0 });
  t.falsy(b.holds.e2);
});

test('when an escrow nobody synced expires, then it is charged whole and closed, once', (t) => {
  const b = budgetOf(10_000);
  decide(b, sync('e1', 1, 3_000));
  t.like(decide(b, { type: 'charge_whole', id: 'e1', reason: 'expired' }).outcome, { op: { cost_micros: 3_000, whole_hold: 'expired' } });
  t.deepEqual({ spent: b.spent, held: b.held }, { spent: 3_000, held: 0 });
  t.is(decide(b, { type: 'charge_whole', id: 'e1', reason: 'expired' }).ops.length, 0);
  t.like(
    decide(b, sync('e1', 2, 3_000, [callCost('hld_a', 100)])).outcome,
    { status: 'closed' },
    "its gateway's late charges are paid already",
  );
  t.is(b.spent, 3_000);
});

test('when a usage report goes beyond its lease, then all of it is charged and what went past the budget is an overrun', (t) => {
  const b = budgetOf(1_000);
  decide(b, { type: 'hold', id: 'l1', requested: 600, provider: 'openai', expires_at: new Date() });
  t.like(
    decide(b, {
      type: 'charge',
      op_id: 'u1',
      request_id: 'r1',
      hold_id: 'l1',
      provider: 'openai',
      model: 'm',
      input_tokens: 0,
      output_tokens: 0,
      cost_micros: 1_500,
    }).outcome,
    { charged: 1_500, overrun: 500 },
  );
  t.is(b.spent, 1_500);
});
