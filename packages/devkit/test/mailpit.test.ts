import { randomBytes } from 'node:crypto';
import path from 'node:path';
import test from 'ava';
import nodemailer from 'nodemailer';
import { mailpitBinary, startMailpit } from '@tollgate/devkit';
import { testEnv } from '../../../test/support/env.js';
import { deleteMailsTo, mailsTo, waitForMail } from '../../../test/support/mailpit.js';

const root = path.resolve(import.meta.dirname, '../../..');

test('startMailpit: what is sent to its SMTP URL comes back over its API, text and HTML', async (t) => {
  const mailpit = await startMailpit({ bin: mailpitBinary(root, testEnv.mailpitBin) });
  t.teardown(() => mailpit.stop());
  t.regex(mailpit.smtpUrl, /^smtp:\/\/127\.0\.0\.1:\d+$/);
  t.regex(mailpit.apiUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.is(mailpit.url, mailpit.smtpUrl);

  // As identity sends: any credentials are accepted over plain SMTP.
  const transport = nodemailer.createTransport({ url: mailpit.smtpUrl.replace('smtp://', 'smtp://user:secret@') });
  t.teardown(() => transport.close());
  const to = 'alice@example.test';
  await transport.sendMail({
    from: 'Tollgate <no-reply@tollgate.local>',
    to: `Alice <${to}>`,
    subject: 'Verify your address',
    text: 'Open this link:\nhttps://localhost/verify?t=abc',
    html: '<p>Open <a href="https://localhost/verify?t=abc">this link</a></p>',
  });
  await transport.sendMail({ from: 'no-reply@tollgate.local', to: 'malice@example.test', subject: 'Not for Alice', text: 'x' });

  const mail = await waitForMail(to, { subject: /verify/i, apiUrl: mailpit.apiUrl });
  t.like(mail, {
    subject: 'Verify your address',
    from: 'no-reply@tollgate.local',
    to: [to],
    text: 'Open this link:\nhttps://localhost/verify?t=abc',
    html: '<p>Open <a href="https://localhost/verify?t=abc">this link</a></p>',
  });
  t.truthy(mail.id);
  // Exactly that address: malice@… contains alice@….
  t.deepEqual(
    (await mailsTo(to, mailpit.apiUrl)).map((m) => m.subject),
    ['Verify your address'],
  );
  await t.throwsAsync(waitForMail(to, { subject: /reset/i, timeoutMs: 200, apiUrl: mailpit.apiUrl }), {
    message: /no mail to alice@example\.test with a subject matching \/reset\/i: only "Verify your address" arrived/,
  });
});

// The harness: `npm test` hands every test process its Mailpit (TEST_SMTP_URL, TEST_MAILPIT_URL), shared by all.
test("the test run's Mailpit: mail sent to TEST_SMTP_URL is read without naming it, and deleted per address", async (t) => {
  const smtpUrl = process.env.TEST_SMTP_URL;
  if (!smtpUrl || !process.env.TEST_MAILPIT_URL) {
    t.pass('no TEST_SMTP_URL / TEST_MAILPIT_URL (SMTP_URL without MAILPIT_URL)');
    return;
  }
  const transport = nodemailer.createTransport({ url: smtpUrl });
  t.teardown(() => transport.close());
  const to = `t${randomBytes(5).toString('hex')}@example.test`;
  await transport.sendMail({ from: 'no-reply@tollgate.local', to, subject: 'first', text: 'one' });
  await transport.sendMail({ from: 'no-reply@tollgate.local', to, subject: 'second', text: 'two' });

  const mail = await waitForMail(to);
  t.like(mail, { subject: 'second', html: '', to: [to] });
  t.is(mail.text.trimEnd(), 'two');
  t.deepEqual(
    (await mailsTo(to)).map((m) => m.subject),
    ['first', 'second'],
  );
  await deleteMailsTo(to);
  t.deepEqual(await mailsTo(to), []);
});
