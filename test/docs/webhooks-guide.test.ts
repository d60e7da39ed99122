import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';

// docs/webhooks.md shows the receiver the webhook tests run (test/e2e/webhooks.test.ts), word for word.
test('docs/webhooks.md shows docs/examples/webhook-receiver.mjs as it is', (t) => {
  const docs = path.resolve(import.meta.dirname, '../../docs');
  const guide = fs.readFileSync(path.join(docs, 'webhooks.md'), 'utf8');
  const example = fs.readFileSync(path.join(docs, 'examples/webhook-receiver.mjs'), 'utf8');
  t.true(guide.includes('```js\n' + example + '```'));
});
