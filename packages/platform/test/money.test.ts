import test from 'ava';
import { microsToUsd, usdToMicros } from '../src/money.js';

test('when decimal USD has at most 6 decimals, then it converts to exact micros', (t) => {
  t.is(usdToMicros(10000), 10_000_000_000);
  t.is(usdToMicros('10000.000001'), 10_000_000_001);
  t.is(usdToMicros(10000.000001), 10_000_000_001);
  t.is(usdToMicros(0.1), 100_000);
  t.is(usdToMicros('0'), 0);
  // A number stands for the decimal it was written as, whatever the double's rounding: 7e-6, 7 × 0.000001.
  t.is(usdToMicros(7e-6), 7);
  t.is(usdToMicros(7 * 0.000001), 7);
  t.is(usdToMicros(1e9), 1e15);
  t.is(usdToMicros(0.1 + 0.2), 300_000);
  t.is(usdToMicros(0.000001), 1);
});

test('when an amount is negative, NaN, infinite, in exponent form or too precise, then it is refused', (t) => {
  for (const bad of [
    -1,
    Number.NaN,
    Infinity,
    1e21,
    '1e3',
    '0.0000001',
    0.0000001,
    1.0000001,
    4.315524635467245,
    // Nearly zero is not zero micros.
    2.5890419884777833e-42,
    1.0000000001e-6,
    '',
    'abc',
    '01',
    '1.',
    '-0.5',
  ]) {
    t.is(usdToMicros(bad), null, String(bad));
  }
});

test('when micros are shown as USD, then no float error creeps in', (t) => {
  t.is(microsToUsd(10_000_000_001), 10000.000001);
  t.is(microsToUsd(300_000), 0.3);
  t.is(microsToUsd(0), 0);
  t.is(microsToUsd(-1_500_000), -1.5);
});
