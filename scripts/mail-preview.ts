import fs from 'node:fs';
import path from 'node:path';
import { renderMail, type MailTemplateName, type MailTemplates } from '@tollgate/identity/mail-templates';

// `npm run mail:preview`: renders every mail template with sample values into
// .data/mail-preview/<template>.html and .txt, to open in a browser and an editor.
const SAMPLES: { [K in MailTemplateName]: MailTemplates[K] } = {
  magic_link: {
    link: 'https://localhost:8443/console/magic-link#token=tg_ml_sample',
    minutes: 15,
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0 <script>alert(1)</script>',
  },
  password_reset: {
    link: 'https://localhost:8443/console/reset-password#token=tg_pr_sample',
    minutes: 30,
    ip: '203.0.113.7',
    userAgent: 'curl/8.5.0',
  },
  password_changed: { at: '2026-12-05T18:00:00.000Z', ip: '203.0.113.7', userAgent: 'curl/8.5.0' },
  new_sign_in: { at: '2026-12-05T18:00:00.000Z', method: 'a password', ip: '192.0.2.44', userAgent: 'tollgate-cli/0.1.0' },
  account_locked: { failures: 100, until: '2026-12-05T18:15:00.000Z', ip: '198.51.100.23', userAgent: 'python-requests/2.32' },
  passkey_added: { name: 'Laptop "work" & more', at: '2026-12-05T18:00:00.000Z', ip: '203.0.113.7', userAgent: 'Chrome/156' },
  passkey_removed: { name: 'Old phone', at: '2026-12-05T18:00:00.000Z', ip: '203.0.113.7', userAgent: 'tollgate-cli/0.1.0' },
  email_change: {
    link: 'https://localhost:8443/console/confirm-email#token=tg_ec_sample',
    email: 'new.address@example.com',
    hours: 24,
    ip: '203.0.113.7',
    userAgent: 'curl/8.5.0',
  },
  email_changed: { email: 'new.address@example.com', at: '2026-12-05T18:00:00.000Z', ip: '203.0.113.7', userAgent: 'curl/8.5.0' },
  temporary_password: { at: '2026-12-05T18:00:00.000Z' },
};

const dir = path.resolve(import.meta.dirname, '../.data/mail-preview');
fs.mkdirSync(dir, { recursive: true });
for (const name of Object.keys(SAMPLES) as MailTemplateName[]) {
  const mail = renderMail(name, SAMPLES[name]);
  fs.writeFileSync(path.join(dir, `${name}.html`), mail.html);
  fs.writeFileSync(path.join(dir, `${name}.txt`), `Subject: ${mail.subject}\n\n${mail.text}`);
  process.stdout.write(`${name}: ${path.join(dir, `${name}.html`)} (and .txt)\n`);
}
