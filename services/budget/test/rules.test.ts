import test from 'ava';
import { ConfigError } from '@tollgate/platform';
import { loadConfig } from '../src/app.js';
import { DEFAULT_PRICE_TABLE_FILE } from '../src/config.js';
import { splitCharge } from '../src/domain/charging.js';
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
  t.false(c.ALLOW_OVERAGE_BEYOND_LEASE);
  t.is(c.PRICE_TABLE_FILE, DEFAULT_PRICE_TABLE_FILE);
  const custom = loadConfig({ ...base, MAX_BUDGET_REQUEST_USD: '2500.000001', DEFAULT_LEASE_USD: '0.25', ALLOW_OVERAGE_BEYOND_LEASE: 'true' });
  t.is(custom.MAX_BUDGET_REQUEST_USD, 2_500_000_001);
  t.is(custom.DEFAULT_LEASE_USD, 250_000);
  t.true(custom.ALLOW_OVERAGE_BEYOND_LEASE);
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

test('when a cost is split, then the lease comes first and nothing beyond it or the budget is taken', (t) => {
  const slot = { granted: 100, unspent: 40, provider: 'openai', expires_at: new Date() };
  t.deepEqual(splitCharge({ cost: 30, remaining: 500, slot, withLease: true, allowOverage: false }), { fromLease: 30, fromRemaining: 0, unbilled: 0 });
  t.deepEqual(splitCharge({ cost: 70, remaining: 500, slot, withLease: true, allowOverage: false }), { fromLease: 40, fromRemaining: 0, unbilled: 30 });
  t.deepEqual(splitCharge({ cost: 70, remaining: 500, slot, withLease: true, allowOverage: true }), { fromLease: 40, fromRemaining: 30, unbilled: 0 });
  t.deepEqual(splitCharge({ cost: 70, remaining: 10, slot, withLease: true, allowOverage: true }), { fromLease: 40, fromRemaining: 10, unbilled: 20 });
  t.deepEqual(splitCharge({ cost: 70, remaining: 500, slot: undefined, withLease: true, allowOverage: false }), { fromLease: 0, fromRemaining: 0, unbilled: 70 });
  t.deepEqual(splitCharge({ cost: 70, remaining: 50, slot: undefined, withLease: false, allowOverage: false }), { fromLease: 0, fromRemaining: 50, unbilled: 20 });
});
