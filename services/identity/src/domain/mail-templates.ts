import escapeHtml from 'escape-html';

/** A mail ready to send: both parts rendered from one template. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** Every mail Tollgate sends, by name, with what it needs (all values are escaped in the HTML part). */
export interface MailTemplates {
  magic_link: { link: string; minutes: number; ip: string; userAgent: string };
  password_reset: { link: string; minutes: number; ip: string; userAgent: string };
  password_changed: { at: string; ip: string; userAgent: string };
  /** `until`: when the lock ends (empty: until an admin unlocks it). */
  account_locked: { failures: number; until: string; ip: string; userAgent: string };
  new_sign_in: { at: string; method: string; ip: string; userAgent: string };
  passkey_added: { name: string; at: string; ip: string; userAgent: string };
  passkey_removed: { name: string; at: string; ip: string; userAgent: string };
  /** To the new address, which must confirm itself. */
  email_change: { link: string; email: string; hours: number; ip: string; userAgent: string };
  /** To the old address, once the new one is confirmed. */
  email_changed: { email: string; at: string; ip: string; userAgent: string };
  temporary_password: { at: string };
}
export type MailTemplateName = keyof MailTemplates;

/** One mail's content, before the layout: paragraphs of plain text and at most one button. */
interface Content {
  subject: string;
  heading: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  /** Small print under the button, e.g. why the reader got this mail. */
  footnote: string;
}

/** Where a request came from, as a mail says it: its IP and (the start of) its user agent. */
export const originOf = (caller: { ip?: string; userAgent?: string }) => ({
  ip: caller.ip ?? '',
  userAgent: (caller.userAgent ?? '').slice(0, 200),
});

const from = (v: { ip: string; userAgent: string }) => `${v.ip || 'an unknown address'}${v.userAgent ? ` (${v.userAgent})` : ''}`;

const TEMPLATES: { [K in MailTemplateName]: (v: MailTemplates[K]) => Content } = {
  magic_link: (v) => ({
    subject: 'Your Tollgate sign-in link',
    heading: 'Sign in to Tollgate',
    paragraphs: [`Use the button below to sign in. The link works once, within ${v.minutes} minutes.`, `It was asked for from ${from(v)}.`],
    action: { label: 'Sign in', url: v.link },
    footnote: 'If you did not ask for it, ignore this mail: nobody can sign in without the link.',
  }),
  password_reset: (v) => ({
    subject: 'Reset your Tollgate password',
    heading: 'Choose a new password',
    paragraphs: [
      `Use the button below to set a new password. The link works once, within ${v.minutes} minutes, and signs you out everywhere.`,
      `It was asked for from ${from(v)}.`,
    ],
    action: { label: 'Set a new password', url: v.link },
    footnote: 'If you did not ask for it, ignore this mail: your password stays as it is.',
  }),
  password_changed: (v) => ({
    subject: 'Your Tollgate password was changed',
    heading: 'Your password was changed',
    paragraphs: [`The password of your Tollgate account was changed at ${v.at}, from ${from(v)}, and every session of yours was ended.`],
    footnote: 'If this was not you, ask an administrator to disable your account and reset your password at once.',
  }),
  account_locked: (v) => ({
    subject: 'Your Tollgate account is locked',
    heading: 'Your account is locked',
    paragraphs: [
      `After ${v.failures} wrong passwords in a row, the last from ${from(v)}, nobody can sign in to your account with a password ${
        v.until ? `until ${v.until}` : 'until an administrator unlocks it'
      }.`,
      'If these were not your attempts, someone is guessing your password: once you are back in, change it.',
    ],
    footnote: 'An administrator can unlock the account earlier.',
  }),
  new_sign_in: (v) => ({
    subject: 'New sign-in to your Tollgate account',
    heading: 'A new sign-in',
    paragraphs: [`Your account was signed in to at ${v.at} with ${v.method}, from ${from(v)}: a device it had not been used from before.`],
    footnote: 'If this was not you, change your password at once and end your other sessions (tollgate logout --all).',
  }),
  passkey_added: (v) => ({
    subject: 'A passkey was added to your Tollgate account',
    heading: 'A new passkey',
    paragraphs: [`The passkey "${v.name}" was added to your account at ${v.at}, from ${from(v)}. It can now sign in as you.`],
    footnote: 'If this was not you, delete the passkey (tollgate passkey delete) and ask an administrator to end your sessions.',
  }),
  passkey_removed: (v) => ({
    subject: 'A passkey was removed from your Tollgate account',
    heading: 'A passkey was removed',
    paragraphs: [`The passkey "${v.name}" was removed from your account at ${v.at}, from ${from(v)}. It no longer signs in as you.`],
    footnote: 'If this was not you, someone is signed in as you: ask an administrator to end your sessions.',
  }),
  email_change: (v) => ({
    subject: 'Confirm your new Tollgate email address',
    heading: 'Confirm your new address',
    paragraphs: [
      `Your Tollgate account asked to use ${v.email} as its address from now on. The button below confirms it; the link works once, within ${v.hours} hours.`,
      `It was asked for from ${from(v)}.`,
    ],
    action: { label: 'Confirm this address', url: v.link },
    footnote: 'If you did not ask for it, ignore this mail: the account keeps its address.',
  }),
  email_changed: (v) => ({
    subject: 'Your Tollgate email address was changed',
    heading: 'Your address was changed',
    paragraphs: [`Your Tollgate account uses ${v.email} from ${v.at} on, as confirmed from ${from(v)}. Mail for it no longer comes here.`],
    footnote: 'If this was not you, ask an administrator to disable your account at once.',
  }),
  temporary_password: (v) => ({
    subject: 'An administrator set a temporary Tollgate password',
    heading: 'A temporary password',
    paragraphs: [
      `An administrator set a temporary password for your Tollgate account at ${v.at}, and every session of yours was ended.`,
      'They will tell you the password; you choose a new one when you next sign in with it.',
    ],
    footnote: 'If you did not expect this, ask your administrators about it.',
  }),
};

/** Renders a template into the one layout, as plain text and as HTML. */
export function renderMail<K extends MailTemplateName>(name: K, vars: MailTemplates[K]): RenderedMail {
  const c = TEMPLATES[name](vars);
  const text = [
    c.heading,
    '',
    ...c.paragraphs.flatMap((p) => [p, '']),
    ...(c.action ? [`${c.action.label}: ${c.action.url}`, ''] : []),
    c.footnote,
    '',
    '— Tollgate',
  ].join('\n');
  const e = escapeHtml;
  // Inline styles only: mail clients drop <style> blocks and external sheets.
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${e(c.subject)}</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328">
<table role="presentation" width="100%" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">
<tr><td>
<h1 style="font-size:20px;margin:0 0 16px">${e(c.heading)}</h1>
${c.paragraphs.map((p) => `<p style="font-size:15px;line-height:1.5;margin:0 0 12px">${e(p)}</p>`).join('\n')}
${
  c.action
    ? `<p style="margin:24px 0"><a href="${e(c.action.url)}" style="background:#0b5fff;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600">${e(c.action.label)}</a></p>
<p style="font-size:13px;color:#57606a;word-break:break-all">${e(c.action.url)}</p>`
    : ''
}
<p style="font-size:13px;color:#57606a;margin:24px 0 0">${e(c.footnote)}</p>
</td></tr></table>
</body></html>
`;
  return { subject: c.subject, text, html };
}
