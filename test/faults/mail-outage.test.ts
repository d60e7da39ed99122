import path from 'node:path';
import test from 'ava';
import { freePort, mailpitBinary, startMailpit } from '@tollgate/devkit';
import { testEnv } from '../support/env.js';
import { newUser } from '../support/factories.js';
import { edgeClient } from '../support/identity-edge.js';
import { mailsTo, waitForMail } from '../support/mailpit.js';
import { startStack } from '../support/stack.js';

const root = path.resolve(import.meta.dirname, '../..');

test('when the SMTP server is down while mail is asked for, then the answer is the same, and the mail arrives once the server is up', async (t) => {
  // Identity's SMTP server is one this test starts late, on a port chosen now: nothing listens there yet.
  const smtpPort = await freePort();
  const stack = await startStack({
    services: ['audit', 'identity'],
    env: { gateway: { TRUST_PROXY: 'loopback' }, identity: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}` } },
  });
  t.teardown(() => stack.close());
  const admin = await edgeClient(stack, 'setup').post('/v1/auth/login', {
    json: { email: stack.secrets.BOOTSTRAP_ADMIN_EMAIL, password: stack.secrets.BOOTSTRAP_ADMIN_PASSWORD },
  });
  const user = await newUser(stack, admin.body.access_token);

  const res = await edgeClient(stack, 'outage').post('/v1/auth/magic-link', { json: { email: user.email } });
  t.is(res.status, 202);
  // The outbox's retries back off from 250 ms: let a few fail.
  await new Promise((r) => setTimeout(r, 2_000));

  const mailpit = await startMailpit({ bin: mailpitBinary(root, testEnv.mailpitBin), smtpPort });
  t.teardown(() => mailpit.stop());
  const mail = await waitForMail(user.email, { apiUrl: mailpit.apiUrl, timeoutMs: 15_000 });
  t.is(mail.subject, 'Your Tollgate sign-in link');
  const token = /#token=(\S+)/.exec(mail.text)?.[1];
  t.is((await edgeClient(stack, 'later').post('/v1/auth/magic-link/verify', { json: { token } })).status, 200, 'the delayed link works');
  await new Promise((r) => setTimeout(r, 500));
  t.is((await mailsTo(user.email, mailpit.apiUrl)).length, 1, 'sent once');
});
