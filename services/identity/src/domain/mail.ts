import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { createOutbox } from '@tollgate/platform';
import { renderMail, type MailTemplateName, type MailTemplates, type RenderedMail } from './mail-templates.js';

/** A mail as queued: rendered when asked for, so a template change never alters one waiting. */
interface QueuedMail extends RenderedMail {
  template: MailTemplateName;
  to: string;
}

export interface Mailer {
  /** False without SMTP_URL: mail is dropped (logged), and what exists only to mail (links) is refused. */
  readonly configured: boolean;
  /** Queues the mail durably (the `mail_outbox` collection); it is sent, with retries, even if SMTP is down now. */
  send<K extends MailTemplateName>(to: string, template: K, vars: MailTemplates[K]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Outbound mail through SMTP (nodemailer), behind the platform's durable outbox: a mail is
 * stored before the request that caused it answers, and an SMTP server that is down delays
 * it and loses none. A mail the server refuses for good (5xx, a bad address) is set aside in
 * `mail_outbox_dead`. Delivery is at least once: a crash between the server's acceptance
 * and the outbox's delete sends that mail again.
 */
export function createMailer(opts: { conn: Connection; smtpUrl?: string; from: string; log: Logger; registry: Registry }): Mailer {
  const sent = new Counter({
    name: 'emails_sent_total',
    help: 'Mails the SMTP server accepted, by template',
    labelNames: ['template'],
    registers: [opts.registry],
  });
  const failed = new Counter({
    name: 'emails_failed_total',
    help: 'Mail sending attempts that failed, by template and whether the mail is tried again (retry) or set aside (refused)',
    labelNames: ['template', 'outcome'],
    registers: [opts.registry],
  });
  if (!opts.smtpUrl) {
    opts.log.warn('SMTP_URL is not set: no mail is sent, and sign-in links are refused');
    return {
      configured: false,
      send: (_to, template) => {
        opts.log.info({ template }, 'SMTP_URL is not set: a mail was not sent');
        return Promise.resolve();
      },
      stop: () => Promise.resolve(),
    };
  }
  const transport = nodemailer.createTransport(opts.smtpUrl, { from: opts.from });
  const refused = (err: unknown) => {
    const e = err as { responseCode?: number; code?: string };
    return (e.responseCode !== undefined && e.responseCode >= 500) || e.code === 'EENVELOPE';
  };
  const outbox = createOutbox<QueuedMail>({
    conn: opts.conn,
    name: 'mail_outbox',
    log: opts.log,
    registry: opts.registry,
    // One mail per delivery: a failure never sends again the ones before it.
    batchSize: 1,
    sink: {
      async deliver(mails) {
        for (const m of mails) {
          try {
            await transport.sendMail({ to: m.to, subject: m.subject, text: m.text, html: m.html });
          } catch (err) {
            failed.inc({ template: m.template, outcome: refused(err) ? 'refused' : 'retry' });
            throw err;
          }
          sent.inc({ template: m.template });
        }
      },
      refused,
      describe: (m) => ({ template: m.template }),
    },
  });
  return {
    configured: true,
    async send(to, template, vars) {
      await outbox.add(randomUUID(), { template, to, ...renderMail(template, vars) });
    },
    async stop() {
      await outbox.stop();
      transport.close();
    },
  };
}
