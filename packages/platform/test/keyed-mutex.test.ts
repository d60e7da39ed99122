import test from 'ava';
import { KeyedMutex } from '../src/keyed-mutex.js';

test('when tasks share a key, then they run one at a time in order', async (t) => {
  const mutex = new KeyedMutex();
  const events: string[] = [];
  const task = (name: string, ms: number) => async () => {
    events.push(`start ${name}`);
    await new Promise((r) => setTimeout(r, ms));
    events.push(`end ${name}`);
    return name;
  };
  const results = await Promise.all([mutex.run('k', task('a', 20)), mutex.run('k', task('b', 1)), mutex.run('other', task('c', 1))]);
  t.deepEqual(results, ['a', 'b', 'c']);
  t.true(events.indexOf('end a') < events.indexOf('start b'));
  t.true(events.indexOf('start c') < events.indexOf('end a'));
});

test('when a task fails, then the next one with the same key still runs', async (t) => {
  const mutex = new KeyedMutex();
  await t.throwsAsync(
    mutex.run('k', async () => Promise.reject(new Error('boom'))),
    { message: 'boom' },
  );
  t.is(await mutex.run('k', async () => 42), 42);
});
