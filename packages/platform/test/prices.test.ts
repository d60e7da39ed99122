import test from 'ava';
import { ValidationError } from '../src/errors.js';
import { findModelPrice, type ModelPrice } from '../src/prices.js';
import { isTokenPriced, validApiPath } from '../src/providers.js';
import { price } from '../../../test/support/prices.js';

const models = new Map([
  ['gpt-4o', price(2_500_000, 10_000_000)],
  ['gpt-4o-mini', price(150_000, 600_000)],
  ['gpt-4o-2024-05-13', price(5_000_000, 15_000_000)],
  ['o3', price(2_000_000, 8_000_000)],
  ['claude-sonnet-4', price(3_000_000, 15_000_000)],
]);

test("when a model has an entry of its own, then that is its price, a dated snapshot's own entry too", (t) => {
  t.deepEqual(findModelPrice(models, 'gpt-4o'), price(2_500_000, 10_000_000));
  t.deepEqual(findModelPrice(models, 'gpt-4o-mini'), price(150_000, 600_000));
  t.deepEqual(findModelPrice(models, 'gpt-4o-2024-05-13'), price(5_000_000, 15_000_000), 'not the price of gpt-4o');
});

test('when a model is a dated snapshot or the -latest alias of a priced model, then it has that model’s price', (t) => {
  t.deepEqual(findModelPrice(models, 'gpt-4o-2024-08-06'), price(2_500_000, 10_000_000), 'YYYY-MM-DD');
  t.deepEqual(findModelPrice(models, 'claude-sonnet-4-20250514'), price(3_000_000, 15_000_000), 'YYYYMMDD');
  t.deepEqual(findModelPrice(models, 'gpt-4o-latest'), price(2_500_000, 10_000_000), '-latest');
  t.deepEqual(findModelPrice(models, 'gpt-4o-mini-2024-07-18'), price(150_000, 600_000), 'gpt-4o-mini, not gpt-4o');
});

test('when a model is only a prefix of, or an undated variant of, a priced model, then it has no price', (t) => {
  for (const model of [
    'o3-pro',
    'o3-mini',
    'gpt-4',
    'gpt-4o-2024-08',
    'gpt-4o-240806',
    'gpt-4o-2024-08-06-latest',
    'gpt-4o-latest-2024-08-06',
    'gpt-4o2024-08-06',
    'gpt-4o-LATEST',
    '',
  ]) {
    t.is(findModelPrice(models, model), undefined, model);
  }
  t.is(findModelPrice(undefined, 'gpt-4o'), undefined, 'an unknown provider');
  t.is(findModelPrice(new Map<string, ModelPrice>(), 'gpt-4o-2024-08-06'), undefined, 'a provider without entries');
});

test('when entries are not bare prices, then the entry itself is returned', (t) => {
  const entries = new Map([['gpt-4o', { price: price(1), source: 'admin' }]]);
  t.is(findModelPrice(entries, 'gpt-4o-2024-08-06'), entries.get('gpt-4o'));
});

test('a provider API path a price per call is set for has no empty, dot or foreign segment, and is not one priced by tokens', (t) => {
  t.is(validApiPath('/images/generations/'), 'images/generations');
  t.is(validApiPath('v1/audio/speech'), 'v1/audio/speech');
  for (const bad of ['', 'a//b', 'a/../b', '..', 'a/./b', 'a b', 'a:b', 'a?b', 'x'.repeat(201)])
    t.throws(() => validApiPath(bad), { instanceOf: ValidationError }, bad);
  t.true(isTokenPriced('openai', 'chat/completions'));
  t.true(isTokenPriced('my_llm', 'embeddings'), 'an unknown provider speaks the OpenAI API');
  t.true(isTokenPriced('anthropic', 'v1/messages'));
  t.false(isTokenPriced('anthropic', 'chat/completions'));
  t.false(isTokenPriced('openai', 'images/generations'));
});
