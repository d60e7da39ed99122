import test from 'ava';
import { randomBytes } from 'node:crypto';
import { decryptIpToken, IP_TOKEN_PREFIX, IpTokenError, sealIpToken, type IpTokenPayload } from '../src/index.js';

const key = randomBytes(32);
const agentId = 'agt_0123456789';
const payload: IpTokenPayload = {
  apiKey: 'sk-test-abcdefghijklmnopqrstuvwxyz0123',
  baseUrl: 'https://api.openai.com/v1',
  provider: 'openai',
  keyId: 'pk_1',
};
const inOneHour = () => new Date(Date.now() + 3_600_000);

// Layout of the decoded body: expires_at (8) ‖ nonce (12) ‖ ciphertext ‖ tag (16).
const regions = (len: number) => ({
  header: [0, 8],
  nonce: [8, 20],
  ciphertext: [20, len - 16],
  tag: [len - 16, len],
});

function body(token: string): Buffer {
  return Buffer.from(token.slice(IP_TOKEN_PREFIX.length), 'base64url');
}

function rebuild(raw: Buffer): string {
  return IP_TOKEN_PREFIX + raw.toString('base64url');
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof IpTokenError ? err.code : `not an IpTokenError: ${String(err)}`;
  }
}

test('when a token is sealed and opened with the same key and agent, then the payload and expiry come back', (t) => {
  const expiresAt = inOneHour();
  const token = sealIpToken(payload, key, { agentId, expiresAt });
  t.true(token.startsWith('ip_v1:'));
  t.false(token.includes(payload.apiKey));
  const opened = decryptIpToken(token, key, { agentId });
  t.deepEqual(opened, { ...payload, expiresAt });
});

test('when the key is given as base64 text, then it opens the same token', (t) => {
  const token = sealIpToken(payload, key.toString('base64'), { agentId, expiresAt: inOneHour() });
  t.is(decryptIpToken(token, key.toString('base64'), { agentId }).apiKey, payload.apiKey);
  t.is(decryptIpToken(token, key, { agentId }).apiKey, payload.apiKey);
});

test('when the same payload is sealed twice, then the tokens differ (fresh nonce)', (t) => {
  const expiresAt = inOneHour();
  t.not(sealIpToken(payload, key, { agentId, expiresAt }), sealIpToken(payload, key, { agentId, expiresAt }));
});

test('when the token is opened with another key, then it is refused as invalid', (t) => {
  const token = sealIpToken(payload, key, { agentId, expiresAt: inOneHour() });
  t.is(
    code(() => decryptIpToken(token, randomBytes(32), { agentId })),
    'invalid',
  );
});

test('when the token is opened by another agent, then it is refused as invalid', (t) => {
  const token = sealIpToken(payload, key, { agentId, expiresAt: inOneHour() });
  t.is(
    code(() => decryptIpToken(token, key, { agentId: 'agt_other' })),
    'invalid',
  );
  t.is(
    code(() => decryptIpToken(token, key, { agentId: `${agentId}x` })),
    'invalid',
  );
  t.is(
    code(() => decryptIpToken(token, key, { agentId: '' })),
    'invalid',
  );
});

test('when the token has expired, then it is refused as expired', (t) => {
  const expiresAt = new Date(Date.now() + 60_000);
  const token = sealIpToken(payload, key, { agentId, expiresAt });
  t.is(decryptIpToken(token, key, { agentId, now: expiresAt.getTime() - 1 }).keyId, 'pk_1');
  t.is(
    code(() => decryptIpToken(token, key, { agentId, now: expiresAt })),
    'expired',
  );
  t.is(
    code(() => decryptIpToken(token, key, { agentId, now: new Date(expiresAt.getTime() + 1) })),
    'expired',
  );
  const past = sealIpToken(payload, key, { agentId, expiresAt: new Date(Date.now() - 1_000) });
  t.is(
    code(() => decryptIpToken(past, key, { agentId })),
    'expired',
  );
});

test('when any bit of any region (expiry, nonce, ciphertext, tag) is flipped, then the token is refused', (t) => {
  const token = sealIpToken(payload, key, { agentId, expiresAt: inOneHour() });
  const raw = body(token);
  for (const [name, [from, to]] of Object.entries(regions(raw.length))) {
    for (let i = from; i < to; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const flipped = Buffer.from(raw);
        flipped[i] ^= 1 << bit;
        const result = code(() => decryptIpToken(rebuild(flipped), key, { agentId }));
        if (result !== 'invalid') t.fail(`${name} byte ${i} bit ${bit}: ${result}`);
      }
    }
  }
  t.pass();
});

test('when the expiry is pushed into the future, then the token is refused', (t) => {
  const token = sealIpToken(payload, key, { agentId, expiresAt: new Date(Date.now() - 1_000) });
  const raw = body(token);
  raw.writeBigUInt64BE(BigInt(Date.now() + 86_400_000), 0);
  t.is(
    code(() => decryptIpToken(rebuild(raw), key, { agentId })),
    'invalid',
  );
});

test('when any character of the token text is changed, then the token is refused', (t) => {
  const token = sealIpToken(payload, key, { agentId, expiresAt: inOneHour() });
  for (let i = 0; i < token.length; i++) {
    for (const replacement of ['A', 'B', 'g', '_', '-', '0', '=', ' ']) {
      if (token[i] === replacement) continue;
      const changed = token.slice(0, i) + replacement + token.slice(i + 1);
      if (code(() => decryptIpToken(changed, key, { agentId })) === undefined) t.fail(`char ${i} -> ${replacement} accepted`);
    }
  }
  t.pass();
});

test('when the prefix is wrong, missing, or the body is truncated or extended, then the token is refused as malformed or invalid', (t) => {
  const token = sealIpToken(payload, key, { agentId, expiresAt: inOneHour() });
  const bodyText = token.slice(IP_TOKEN_PREFIX.length);
  t.is(
    code(() => decryptIpToken(`ip_v2:${bodyText}`, key, { agentId })),
    'malformed',
  );
  t.is(
    code(() => decryptIpToken(bodyText, key, { agentId })),
    'malformed',
  );
  t.is(
    code(() => decryptIpToken('ip_v1:', key, { agentId })),
    'malformed',
  );
  t.is(
    code(() => decryptIpToken(`${token}=`, key, { agentId })),
    'malformed',
  );
  t.is(
    code(() => decryptIpToken(`${token}AAAA`, key, { agentId })),
    'invalid',
  );
  t.is(
    code(() => decryptIpToken(rebuild(body(token).subarray(0, -1)), key, { agentId })),
    'invalid',
  );
  t.not(
    code(() => decryptIpToken(token.slice(0, -4), key, { agentId })),
    undefined,
  );
  t.is(
    code(() => decryptIpToken(rebuild(body(token).subarray(0, 30)), key, { agentId })),
    'malformed',
  );
  t.is(
    code(() => decryptIpToken(undefined as unknown as string, key, { agentId })),
    'malformed',
  );
});

test('when the key is not 32 bytes, then decryption refuses to run', (t) => {
  const token = sealIpToken(payload, key, { agentId, expiresAt: inOneHour() });
  t.is(
    code(() => decryptIpToken(token, randomBytes(16), { agentId })),
    'invalid',
  );
  t.is(
    code(() => decryptIpToken(token, '', { agentId })),
    'invalid',
  );
});
