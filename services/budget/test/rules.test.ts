import test from 'ava';
import { ConfigError } from '@tollgate/platform';
import { loadConfig } from '../src/app.js';
import { DEFAULT_PRICE_TABLE_FILE } from '../src/config.js';
import { applyOp, decide, emptyState, type CallHoldIntent } from '../src/domain/book.js';
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
    t.true(err!.message.includes(name), `${name}=${value}: ${err!.message}`);
  }
});

test('when an amount is shown to people, then it is grouped and keeps only the decimals it has', (t) => {
  t.is(formatUsd(10_000_000_000), '$10,000');
  t.is(formatUsd(2_500_500_000), '$2,500.5');
  t.is(formatUsd(1), '$0.000001');
  t.is(formatUsd(0), '$0');
});

test('when a model is priced, then integer micro-dollars per million tokens are applied and rounded up', (t) => {
  t.is(table.cost('openai', 'gpt-4o', 1_000_000, 0), 2_500_000);
  t.is(table.cost('openai', 'gpt-4o', 0, 1_000_000), 10_000_000);
  t.is(table.cost('openai', 'gpt-4o', 1, 0), 3, '2.5 micro-dollars round up');
  t.is(table.cost('openai', 'gpt-4o', 0, 0), 0);
  t.is(table.cost('openai', 'gpt-4o-mini-2024-07-18', 1_000_000, 1_000_000), 750_000, 'longest prefix: gpt-4o-mini, not gpt-4o');
  t.is(table.cost('anthropic', 'claude-sonnet-4-20250514', 1_000_000, 0), 3_000_000);
  t.is(table.cost('openai', 'gpt-4', 10 ** 12, 10 ** 12), 90_000_000_000_000, 'large counts stay exact');
  t.throws(() => table.cost('openai', 'davinci', 1, 1), { message: /No price/ });
  t.throws(() => table.cost('acme', 'gpt-4o', 1, 1), { message: /No price/ });
});

test('when a price table is malformed, then it is refused', (t) => {
  t.throws(() => PriceTable.parse('{', 'x'), { message: /not valid JSON/ });
  t.throws(() => PriceTable.parse('{"openai":{"m":{"input_per_million_micros":1.5,"output_per_million_micros":1}}}', 'x'), { message: /invalid/ });
  t.throws(() => PriceTable.parse('{"openai":{"m":{"input_per_million_micros":1}}}', 'x'), { message: /invalid/ });
});

const budgetOf = (limit: number) => {
  const b = emptyState('agt_x');
  applyOp(b, { type: 'open', limit, profile: { name: 'x', description: '', disabled: false } });
  return b;
};
const gpt = { input_per_million_micros: 2_000_000, output_per_million_micros: 8_000_000 };
const call = (id: string, over: Partial<CallHoldIntent> = {}): CallHoldIntent => ({
  type: 'hold_call',
  id,
  provider: 'openai',
  model: 'gpt-4.1',
  prices: gpt,
  input_tokens: 1_000,
  max_output_tokens: 0,
  default_max_output_tokens: 4_096,
  expires_at: new Date(),
  minute: 1,
  default_max_parallel_calls: 3,
  default_tokens_per_minute: 1_000_000,
  ...over,
});

test("when a call is held, then its worst case is priced, an absent max_tokens is the largest that fits, and what cannot fit is refused", (t) => {
  const b = budgetOf(50_000);
  // 1,000 input tokens ≤ 2,000; 4,096 output tokens ≤ 32,768: 34,768 held.
  t.like(decide(b, call('c1')).outcome, { type: 'hold_call', granted: 34_768, max_output_tokens: 4_096, remaining: 50_000 - 34_768 });
  // 15,232 left: 13,232 for output → 1,654 tokens (13,232 µ$ at 8 µ$ each) → 2,000 + 13,232 held.
  t.like(decide(b, call('c2')).outcome, { granted: 15_232, max_output_tokens: 1_654, remaining: 0 });
  t.like(decide(b, call('c3')).outcome, { granted: 0, refused: 'exhausted' });
  t.like(decide(budgetOf(1_000_000), call('big', { max_output_tokens: 200_000 })).outcome, { granted: 0, refused: 'exhausted' }, 'a given max_tokens that does not fit is refused, not clamped');
  t.is(b.held, 50_000);
});

test('when calls are limited per agent, then calls in flight and tokens this minute are counted in the journal', (t) => {
  const b = budgetOf(10_000_000);
  for (const id of ['a', 'b', 'c']) t.like(decide(b, call(id)).outcome, { refused: undefined });
  t.like(decide(b, call('d')).outcome, { refused: 'too_many_calls' });
  decide(b, { type: 'settle', id: 'a', op_id: 'o1', request_id: 'r1', minute: 1, reason: '', usage: { model: 'gpt-4.1', input_tokens: 600_000, output_tokens: 400_000 } });
  t.like(decide(b, call('e')).outcome, { refused: 'tokens_per_minute' }, '1,000,000 tokens used this minute');
  t.like(decide(b, call('e', { minute: 2 })).outcome, { refused: undefined }, 'a new minute starts afresh');
});

test('when a call is settled, then its priced usage is charged — all of it, past the hold and the budget — and the rest released; unknown usage charges the whole hold', (t) => {
  const b = budgetOf(40_000);
  decide(b, call('c1'));
  t.like(decide(b, { type: 'settle', id: 'c1', op_id: 'o1', request_id: 'r1', minute: 1, reason: '', usage: { model: 'gpt-4.1', input_tokens: 10, output_tokens: 10 } }).outcome, {
    charged: 100,
    released: 34_668,
    overrun: 0,
    closed: true,
  });
  t.like(decide(b, { type: 'settle', id: 'c1', op_id: 'o1', request_id: 'r1', minute: 1, reason: '', usage: null }).outcome, { closed: false, charged: 0 }, 'settled once');
  decide(b, call('c2'));
  t.like(decide(b, { type: 'settle', id: 'c2', op_id: 'o2', request_id: 'r2', minute: 1, reason: 'client went away', usage: null }).outcome, { charged: 34_768, released: 0 });
  decide(b, call('c3', { max_output_tokens: 10 }));
  // Pricing drift: the answer ran past the hold (1,000 output tokens where 10 were held).
  const over = decide(b, { type: 'settle', id: 'c3', op_id: 'o3', request_id: 'r3', minute: 1, reason: '', usage: { model: 'gpt-4.1', input_tokens: 1_000, output_tokens: 1_000 } });
  t.like(over.outcome, { charged: 10_000, overrun: 10_000 - 2_080 - (40_000 - 100 - 34_768 - 2_080) });
  t.is(b.spent, 100 + 34_768 + 10_000);
  t.true(b.limit - b.spent - b.held < 0, 'what the provider was paid is spent: the budget is below zero');
  t.is(b.held, 0);
});

test('when a usage report goes beyond its lease, then all of it is charged and what went past the budget is an overrun', (t) => {
  const b = budgetOf(1_000);
  decide(b, { type: 'hold', id: 'l1', requested: 600, provider: 'openai', expires_at: new Date() });
  t.like(decide(b, { type: 'charge', op_id: 'u1', request_id: 'r1', hold_id: 'l1', provider: 'openai', model: 'm', input_tokens: 0, output_tokens: 0, cost_micros: 1_500 }).outcome, { charged: 1_500, overrun: 500 });
  t.is(b.spent, 1_500);
});
