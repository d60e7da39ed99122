import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { TtlCache } from '../src/auth/ttl-cache.js';

// The cache's keep-warm rule on its own (the values are the test's; the real lookups are tested
// against the token service in introspection.test.ts): entries in use are fetched again before
// they expire, for a while after their last use, the most recently used first.

function counted() {
  const fetches = new Map<string, number>();
  return {
    fetches,
    fetch: (key: string) => () => {
      fetches.set(key, (fetches.get(key) ?? 0) + 1);
      return Promise.resolve(`${key}#${fetches.get(key)}`);
    },
  };
}

test('when an entry is not used again, then it is kept fresh for the keep-warm window and then left to expire', async (t) => {
  const { fetches, fetch } = counted();
  const cache = new TtlCache<string>(400, undefined, { ms: 1_400, max: 10 });
  t.teardown(() => cache.stop());
  t.is(await cache.through('a', fetch('a')), 'a#1');
  await sleep(1_100);
  t.true(cache.holds('a'), 'fresh well past its life, with no call');
  t.true(fetches.get('a')! >= 3, `fetched ${fetches.get('a')} times`);
  await sleep(1_800);
  t.false(cache.holds('a'), 'expired once unused for longer than the window');
  const settled = fetches.get('a');
  await sleep(600);
  t.is(fetches.get('a'), settled, 'no longer fetched');
});

test('when more entries are in use than it keeps warm, then only the most recently used are kept fresh', async (t) => {
  const { fetch } = counted();
  const cache = new TtlCache<string>(400, undefined, { ms: 5_000, max: 2 });
  t.teardown(() => cache.stop());
  for (const key of ['a', 'b', 'c']) await cache.through(key, fetch(key));
  await cache.through('a', fetch('a'));
  await sleep(900);
  t.deepEqual(
    ['a', 'b', 'c'].map((k) => cache.holds(k)),
    [true, false, true],
  );
});

test('when an entry is deleted, then it is not fetched again in the background', async (t) => {
  const { fetches, fetch } = counted();
  const cache = new TtlCache<string>(400, undefined, { ms: 5_000, max: 10 });
  t.teardown(() => cache.stop());
  await cache.through('a', fetch('a'));
  cache.delete('a');
  await sleep(800);
  t.is(fetches.get('a'), 1);
  t.false(cache.holds('a'));
});

test('when keep-warm is off, then an unused entry simply expires', async (t) => {
  const { fetches, fetch } = counted();
  const cache = new TtlCache<string>(200);
  await cache.through('a', fetch('a'));
  await sleep(350);
  t.false(cache.holds('a'));
  t.is(fetches.get('a'), 1);
});
