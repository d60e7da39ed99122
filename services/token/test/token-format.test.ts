import test from 'ava';
import { formatToken, newSecret, newTokenId, parseToken, SECRET_LENGTH, TOKEN_LENGTH, tokenPrefix } from '../src/domain/token-format.js';
import { SecretDigester } from '../src/domain/secret-digest.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

test('when a token is formatted, then parsing it gives back its kind, id and secret', (t) => {
  for (const kind of ['personal', 'agent'] as const) {
    const id = newTokenId();
    const secret = newSecret();
    const token = formatToken(kind, id, secret);
    t.is(token.length, TOKEN_LENGTH);
    t.true(token.startsWith(kind === 'personal' ? 'tg_pat_' : 'tg_agt_'));
    t.true(token.startsWith(tokenPrefix(kind, id)));
    t.regex(token, /^tg_(pat|agt)_[0-9A-Za-z]+$/);
    t.deepEqual(parseToken(token), { kind, id, secret });
  }
});

test('when any single character of a token is changed, then the checksum rejects it', (t) => {
  const token = formatToken('personal', newTokenId(), newSecret());
  for (let i = 0; i < token.length; i++) {
    const original = token[i];
    const replacement = ALPHABET[(ALPHABET.indexOf(original) + 1 + (i % 61)) % 62] ?? 'x';
    const flipped = token.slice(0, i) + (replacement === original ? '_' : replacement) + token.slice(i + 1);
    t.is(parseToken(flipped), null, `position ${i}`);
  }
});

test('when the kind is swapped or the token is truncated, padded or not a token, then it is rejected', (t) => {
  const token = formatToken('personal', newTokenId(), newSecret());
  t.is(parseToken(token.replace('tg_pat_', 'tg_agt_')), null);
  t.is(parseToken(token.slice(0, -1)), null);
  t.is(parseToken(`${token}0`), null);
  t.is(parseToken(` ${token.slice(1)}`), null);
  for (const junk of ['', 'tg_pat_', 'Bearer x', 'eyJhbGciOiJFUzI1NiJ9.e30.sig', 'x'.repeat(10_000)]) t.is(parseToken(junk), null);
});

test('when secrets are generated, then they are long enough to carry at least 160 bits and do not repeat', (t) => {
  t.true(SECRET_LENGTH * Math.log2(62) >= 160);
  const seen = new Set(Array.from({ length: 2_000 }, newSecret));
  t.is(seen.size, 2_000);
  // Every base62 character turns up: the sampling is not stuck on part of the alphabet.
  t.is(new Set([...seen].join('')).size, 62);
});

test('when a secret is digested, then only that secret matches and the digest is keyed by the pepper', (t) => {
  const a = new SecretDigester('a'.repeat(32));
  const b = new SecretDigester('b'.repeat(32));
  const secret = newSecret();
  const digest = a.digest(secret);
  t.regex(digest, /^[0-9a-f]{64}$/);
  t.false(digest.includes(secret));
  t.true(a.matchesAny(secret, [digest]));
  t.true(a.matchesAny(secret, ['0'.repeat(64), digest]));
  t.false(a.matchesAny(newSecret(), [digest]));
  t.false(b.matchesAny(secret, [digest]));
  t.false(a.matchesAny(secret, [null, 'not-hex']));
});
