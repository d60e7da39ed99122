import test from 'ava';
import { pageOf, readPage } from '../src/pagination.js';
import { ValidationError } from '../src/errors.js';

test('when no limit is given, then the page size is 20; 0, 101 and fractions are rejected', (t) => {
  t.is(readPage(undefined).limit, 20);
  t.is(readPage({ limit: 100 }).limit, 100);
  for (const limit of [101, -1, 1.5]) t.throws(() => readPage({ limit }), { instanceOf: ValidationError });
});

test('when a page is full, then its cursor leads to the item after the last one shown', (t) => {
  const items = ['a', 'b', 'c'];
  const first = pageOf(items, readPage({ limit: 2 }), (x) => x);
  t.deepEqual(first.items, ['a', 'b']);
  t.is(readPage({ limit: 2, cursor: first.next_cursor }).after, 'b');
  t.is(pageOf(['a'], readPage({ limit: 2 }), (x) => x).next_cursor, '');
  t.throws(() => readPage({ cursor: 'not-a-cursor' }), { instanceOf: ValidationError });
});
