import type { HttpResponse, RequestOptions } from './http.js';
import type { Stack } from './stack.js';

/** A parsed Set-Cookie header. */
export interface SetCookie {
  name: string;
  value: string;
  /** Attribute names lower-cased, with their values ('' for flags). */
  attrs: Record<string, string>;
}

export function setCookies(res: HttpResponse): Map<string, SetCookie> {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const out = new Map<string, SetCookie>();
  for (const line of list) {
    const [pair, ...attrParts] = line.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    const attrs: Record<string, string> = {};
    for (const a of attrParts) {
      const i = a.indexOf('=');
      attrs[(i < 0 ? a : a.slice(0, i)).toLowerCase()] = i < 0 ? '' : a.slice(i + 1);
    }
    out.set(pair.slice(0, eq), { name: pair.slice(0, eq), value: decodeURIComponent(pair.slice(eq + 1)), attrs });
  }
  return out;
}

let clients = 0;

/**
 * One end client of the gateway: its own address (X-Forwarded-For, for a gateway started
 * with TRUST_PROXY=loopback) and user agent, so per-IP login limits and session records
 * belong to it alone.
 */
export function edgeClient(stack: Stack, label = 'e2e') {
  const n = ++clients;
  const ip = `198.18.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
  const userAgent = `${label}-client-${n}/1.0`;
  const send = (method: string, path: string, opts: RequestOptions = {}) =>
    stack.http.request(method, path, { ...opts, headers: { 'x-forwarded-for': ip, 'user-agent': userAgent, ...opts.headers } });
  return {
    ip,
    userAgent,
    request: send,
    get: (path: string, opts?: RequestOptions) => send('GET', path, opts),
    post: (path: string, opts?: RequestOptions) => send('POST', path, opts),
    put: (path: string, opts?: RequestOptions) => send('PUT', path, opts),
    patch: (path: string, opts?: RequestOptions) => send('PATCH', path, opts),
    delete: (path: string, opts?: RequestOptions) => send('DELETE', path, opts),
  };
}

export type EdgeClient = ReturnType<typeof edgeClient>;

export interface ApiAuditEvent {
  id: string;
  action: string;
  outcome: string;
  actor: { type: string; id: string | null };
  resource: { type: string; id: string | null };
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
}

/**
 * Audit events with this action as the API shows them to an admin, waiting (services
 * deliver through an outbox) until `ready` holds or the time is up.
 */
export async function auditEvents(
  stack: Stack,
  adminToken: string,
  action: string,
  ready: (events: ApiAuditEvent[]) => boolean = (e) => e.length > 0,
  timeoutMs = 15_000,
): Promise<ApiAuditEvent[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await stack.http.get(`/v1/audit/events?action=${encodeURIComponent(action)}&limit=100`, { token: adminToken });
    if (res.status !== 200) throw new Error(`audit query failed: ${res.status} ${res.text}`);
    const events = res.body.items as ApiAuditEvent[];
    if (ready(events) || Date.now() > until) return events;
    await new Promise((r) => setTimeout(r, 200));
  }
}
