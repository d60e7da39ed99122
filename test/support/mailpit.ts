// What reached an address, read from the test run's Mailpit over its REST API
// (scripts/run-tests.ts starts it and sets TEST_MAILPIT_URL; with SMTP_URL, MAILPIT_URL names it).
// The run's Mailpit is shared by every test file: give each test its own addresses, and
// delete only its own mail (deleteMailsTo), never all of it.

import { testEnv } from './env.js';

/** A received mail. Addresses only (no display names); `text` has \n line ends (a text-only mail's ends with one). */
export interface Mail {
  id: string;
  subject: string;
  from: string;
  to: string[];
  text: string;
  /** '' for a text-only mail. */
  html: string;
}

interface Address {
  Name: string;
  Address: string;
}
/** GET /api/v1/messages and /api/v1/search: newest first. */
interface MessageList {
  messages_count: number;
  messages: { ID: string; Subject: string; To: Address[] | null }[];
}
/** GET /api/v1/message/{ID}. */
interface Message {
  ID: string;
  Subject: string;
  From: Address | null;
  To: Address[] | null;
  Text: string;
  HTML: string;
}

/** The test run's Mailpit (http://127.0.0.1:<port>), or the one the caller names. */
function baseUrl(apiUrl?: string): string {
  const url = apiUrl ?? testEnv.mailpitUrl;
  if (!url) throw new Error('TEST_MAILPIT_URL is not set: run the tests with `npm test` (with SMTP_URL, set MAILPIT_URL to its Mailpit)');
  return url.replace(/\/$/, '');
}

async function api<T>(path: string, apiUrl?: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`${baseUrl(apiUrl)}/api/v1/${path}`, init);
  if (!res.ok) throw new Error(`Mailpit ${init?.method ?? 'GET'} /api/v1/${path}: ${res.status} ${await res.text()}`);
  return (res.headers.get('content-type') ?? '').includes('json') ? ((await res.json()) as T) : (undefined as T);
}

const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The mails to `to` (exactly that address: Mailpit's search also matches parts of one), oldest first. */
async function listTo(to: string, apiUrl?: string): Promise<MessageList['messages']> {
  const list = await api<MessageList>(`search?query=${encodeURIComponent(`to:"${to}"`)}&limit=1000`, apiUrl);
  return list.messages.filter((m) => (m.To ?? []).some((addr) => sameAddress(addr.Address, to))).reverse();
}

/** One mail by its Mailpit ID. */
async function getMail(id: string, apiUrl?: string): Promise<Mail> {
  const m = await api<Message>(`message/${encodeURIComponent(id)}`, apiUrl);
  return {
    id: m.ID,
    subject: m.Subject,
    from: m.From?.Address ?? '',
    to: (m.To ?? []).map((addr) => addr.Address),
    text: m.Text.replace(/\r\n/g, '\n'),
    html: m.HTML,
  };
}

/** Every mail to `to` so far, oldest first. `apiUrl`: another Mailpit than the test run's. */
export async function mailsTo(to: string, apiUrl?: string): Promise<Mail[]> {
  const list = await listTo(to, apiUrl);
  return Promise.all(list.map((m) => getMail(m.ID, apiUrl)));
}

/**
 * The newest mail to `to` (whose subject matches `subject`, when given), once there is one:
 * polls every 50 ms, and fails after timeoutMs (default 10 s) naming what did arrive there.
 */
export async function waitForMail(to: string, opts: { subject?: RegExp; timeoutMs?: number; apiUrl?: string } = {}): Promise<Mail> {
  const until = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    const list = await listTo(to, opts.apiUrl);
    const found = list.findLast((m) => !opts.subject || opts.subject.test(m.Subject));
    if (found) return getMail(found.ID, opts.apiUrl);
    if (Date.now() > until) {
      const what = list.length ? `only ${list.map((m) => JSON.stringify(m.Subject)).join(', ')}` : 'nothing';
      throw new Error(`no mail to ${to}${opts.subject ? ` with a subject matching ${String(opts.subject)}` : ''}: ${what} arrived`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Deletes the mails to `to` (and no other test's). */
export async function deleteMailsTo(to: string, apiUrl?: string): Promise<void> {
  const ids = (await listTo(to, apiUrl)).map((m) => m.ID);
  if (!ids.length) return;
  await api('messages', apiUrl, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ IDs: ids }) });
}
