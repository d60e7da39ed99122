import test from 'ava';
import { UnauthenticatedError } from '@tollgate/platform';
import { as, gateway, PASSWORD, startIdentity, uniqueEmail, userOf, type IdentityHarness } from './harness.js';

let h: IdentityHarness;

test.before(async () => {
  // Production argon2 cost, so the comparison is about the hash and not noise; no lockout in the way.
  h = await startIdentity({ ARGON2_MEMORY_KIB: '19456', LOCKOUT_THRESHOLD: '1000' });
});

test.after.always(async () => {
  await h?.close();
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timedFailure(email: string, password: string): Promise<number> {
  const started = process.hrtime.bigint();
  const err = await h.identity.Login({ email, password }, as(gateway)).catch((e: unknown) => e);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!(err instanceof UnauthenticatedError)) throw new Error('expected the login to fail');
  return ms;
}

test('when the email is unknown, then a failed login takes about as long as a wrong password for a real user', async (t) => {
  const admin = userOf(await h.loginAdmin());
  const user = await h.identity.CreateUser({ email: uniqueEmail(), password: PASSWORD, role: 'member', name: '' }, as(admin));
  const unknown: number[] = [];
  const wrong: number[] = [];
  // Interleaved, after a warm-up, so drift on a shared machine hits both alike.
  await timedFailure(uniqueEmail('warm'), PASSWORD);
  for (let i = 0; i < 12; i++) {
    unknown.push(await timedFailure(uniqueEmail('nobody'), PASSWORD));
    wrong.push(await timedFailure(user.email, `wrong-password-${i}`));
  }
  const ratio = median(unknown) / median(wrong);
  t.log(`median unknown ${median(unknown).toFixed(1)} ms, wrong password ${median(wrong).toFixed(1)} ms, ratio ${ratio.toFixed(2)}`);
  // Without the dummy hash an unknown email answers in a fraction of the time (ratio ≈ 0.1);
  // the band is wide because the machine is shared and FerretDB latency is noisy.
  t.true(ratio > 0.5 && ratio < 2, `ratio ${ratio}`);
});
