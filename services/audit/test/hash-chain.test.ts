import test from 'ava';
import { canonicalJson, ChainWalker, GENESIS, GENESIS_HASH, link } from '../src/domain/hash-chain.js';
import { isSecretKey, redactSecrets } from '../src/domain/redact.js';
import { validateEvent } from '../src/domain/validate.js';
import type { EventInput } from '../src/domain/event.js';

const input = (id: string, action = 'auth.logout'): EventInput => ({
  id,
  at: new Date('2025-01-02T03:04:05.678Z'),
  source: 'identity',
  actor: { type: 'user', id: 'u1' },
  action,
  resource: { type: 'session', id: 's1' },
  outcome: 'success',
  ip: '',
  user_agent: '',
  request_id: '',
  details_json: '{}',
});

test('when objects differ only in key order, then their canonical JSON is the same', (t) => {
  t.is(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' } }), '{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}');
  t.is(canonicalJson({ a: 1, b: undefined }), '{"a":1}');
  t.throws(() => canonicalJson({ n: Number.NaN }));
  t.throws(() => canonicalJson({ d: new Date() }));
});

test('when events are linked, then each hash covers its fields, seq and predecessor', (t) => {
  const first = link(GENESIS, input('e1'));
  const second = link(first, input('e2'));
  t.is(first.seq, 1);
  t.is(first.prev_hash, GENESIS_HASH);
  t.is(second.prev_hash, first.hash);
  t.regex(first.hash, /^[0-9a-f]{64}$/);
  t.is(link(GENESIS, input('e1')).hash, first.hash, 'deterministic');
  t.not(link(GENESIS, input('e1', 'auth.login.failed')).hash, first.hash);
  t.not(link({ seq: 1, hash: GENESIS_HASH }, input('e1')).hash, first.hash, 'the seq is covered');

  const walker = new ChainWalker(GENESIS);
  t.is(walker.step(first), null);
  t.is(walker.step(second), null);
  t.is(new ChainWalker(GENESIS).step(second), 'seq_gap');
  t.is(new ChainWalker(GENESIS).step({ ...first, outcome: 'failure' }), 'hash_mismatch');
  t.is(new ChainWalker({ seq: 0, hash: 'f'.repeat(64) }).step(first), 'prev_hash_mismatch');
  t.is(new ChainWalker(GENESIS).step({ ...first, at: new Date('nope') }), 'malformed');
});

test('when details hold secret-named keys or credential-looking values, then they are redacted at any depth', (t) => {
  for (const k of [
    'password',
    'new_password',
    'Token',
    'access_token',
    'refresh_token',
    'api_key',
    'apiKey',
    'X-API-Key',
    'secret',
    'client_secret',
    'Authorization',
    'cookie',
    'set-cookie',
  ]) {
    t.true(isSecretKey(k), k);
  }
  for (const k of ['token_id', 'input_tokens', 'reason', 'key_id', 'masked']) t.false(isSecretKey(k), k);

  const { value, paths } = redactSecrets({ a: [{ password: 'x' }], b: 'Bearer abc', c: 'ip_v1:xyz', ok: 'fine' });
  t.deepEqual(value, { a: [{ password: '[redacted]' }], b: '[redacted]', c: '[redacted]', ok: 'fine' });
  t.deepEqual(paths, ['$.a[0].password', '$.b', '$.c']);

  // A "__proto__" key from JSON stays data; it does not change the object's prototype.
  const proto = redactSecrets(JSON.parse('{"__proto__":{"polluted":true}}')).value as Record<string, unknown>;
  t.is(({} as Record<string, unknown>).polluted, undefined);
  t.is(canonicalJson(proto), '{"__proto__":{"polluted":true}}');
});

test('when an event carries a lone surrogate, then it is stored well-formed so its hash survives the database', (t) => {
  const { event } = validateEvent(
    {
      id: 'e1',
      at: '',
      actor: { type: 'user', id: 'u\uD800' },
      action: 'auth.login.failed',
      resource: { type: 'user', id: 'x' },
      outcome: '',
      ip: '',
      user_agent: 'ua\uDC00',
      request_id: '',
      details_json: '{"email":"a\\ud800"}',
    },
    'identity',
  );
  t.is(event.actor.id, 'u\uFFFD');
  t.is(event.user_agent, 'ua\uFFFD');
  t.is(event.outcome, 'success');
  t.is(event.details_json, '{"email":"a\\ud800"}');
});
