import test from 'ava';
import { startStack, type Stack } from '../support/stack.js';
import { newUser, uniqueEmail } from '../support/factories.js';
import { edgeClient } from '../support/identity-edge.js';

// No enumeration by timing: asking for a sign-in link answers as fast for an address that has
// an account (a link made and mailed) as for one that has none. Its own stack, with the
// per-address limit out of the way (email-links.test.ts tests the limit).
let stack: Stack;
let adminToken: string;

test.before(async () => {
  stack = await startStack({
    services: ['audit', 'identity'],
    env: { gateway: { TRUST_PROXY: 'loopback', EMAIL_LINKS_PER_EMAIL: '1000', EMAIL_LINKS_PER_IP: '1000' } },
  });
  const res = await edgeClient(stack, 'setup').post('/v1/auth/login', {
    json: { email: stack.secrets.BOOTSTRAP_ADMIN_EMAIL, password: stack.secrets.BOOTSTRAP_ADMIN_PASSWORD },
  });
  adminToken = res.body.access_token;
});
test.after.always(() => stack?.close());

test('when the answers for a known and an unknown address are timed in pairs, then the median of their ratios is within 10 % of 1', async (t) => {
  const known = await newUser(stack, adminToken);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const timed = async (email: string) => {
    const started = process.hrtime.bigint();
    const res = await edgeClient(stack, 'timing').post('/v1/auth/magic-link', { json: { email } });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (res.status !== 202) throw new Error(`status ${res.status}`);
    return ms;
  };
  await timed(uniqueEmail('warm'));
  const knownTimes: number[] = [];
  const unknownTimes: number[] = [];
  /** Each pair's known / unknown time: the two answers of a pair meet the same load (the rest of a test run's bursts). */
  const ratios: number[] = [];
  // In pairs, in random order, so the machine's load falls on both alike; each answer is timed on its own: what an
  // address gets (a link and a mail, or an audit event) is made 50 ms after its answer (ISSUE_DELAY_MS), and would
  // otherwise slow down the next request — more often an unknown one, as it follows a known one in 3 pairs of 4.
  const settle = () => new Promise((r) => setTimeout(r, 120));
  for (let i = 0; i < 100; i++) {
    const knownFirst = Math.random() < 0.5;
    for (const isKnown of knownFirst ? [true, false] : [false, true]) {
      if (isKnown) knownTimes.push(await timed(known.email));
      else unknownTimes.push(await timed(`nobody-${i}@example.test`));
      await settle();
    }
    ratios.push(knownTimes[i] / unknownTimes[i]);
  }
  const ratio = median(ratios);
  t.log(
    `median known ${median(knownTimes).toFixed(2)} ms, unknown ${median(unknownTimes).toFixed(2)} ms, of pair ratios ${ratio.toFixed(3)}`,
  );
  t.true(ratio > 0.9 && ratio < 1.1, `ratio ${ratio.toFixed(3)}`);
});
