import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { RedisClient } from '../redis.js';
import { ForbiddenError, IpRules, type IpRuleAction, type IpRuleScope, type Logger } from '@tollgate/platform';
import type { Clients } from '../clients.js';
import type { GatewayAudit } from '../audit-sink.js';
import { GATEWAY } from './request-context.js';

/** How often the rules' version is asked for: a change reaches every gateway within about this long. */
const POLL_MS = 500;
/** At most one ip.denied audit event per address per this long, across the gateways. */
const DENIAL_AUDIT_SECONDS = 60;
/** Addresses this gateway remembers having audited (beyond it, denials go unaudited until entries expire). */
const MAX_AUDITED_ADDRESSES = 10_000;

/**
 * The gateway's copy of the identity service's IP rules. It asks for their version every
 * POLL_MS (one primary-key read) and fetches the rules only when it changed, compiling them
 * and swapping the compiled set in whole: a request is judged by one set, never half of two.
 * Fail static: while identity cannot be reached the last rules stay in force (a warning once
 * per outage); before the first fetch there are none.
 */
export class IpRuleMirror {
  #rules = new IpRules([]);
  #version: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #failing = false;
  /** Until when this gateway has audited a denial of each address. */
  readonly #audited = new Map<string, number>();

  constructor(
    private readonly clients: Clients,
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    private readonly log: Logger,
  ) {}

  get rules(): IpRules {
    return this.#rules;
  }

  /** Fetches the rules now, then polls; resolves after the first attempt (or `timeoutMs`), whether it worked or not. */
  async start(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const first = this.#poll();
    await Promise.race([first, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  /**
   * Whether a denial of `ip` is the first in DENIAL_AUDIT_SECONDS across the gateways (a key set
   * in Redis only if absent), so that a flood does not flood the audit log. This gateway's own
   * memory answers first: a flood from one address costs a Redis call a minute, not one a
   * request. While Redis is down that memory alone decides.
   */
  async firstDenial(ip: string): Promise<boolean> {
    const now = Date.now();
    if ((this.#audited.get(ip) ?? 0) > now) return false;
    if (this.#audited.size >= MAX_AUDITED_ADDRESSES) for (const [key, until] of this.#audited) if (until <= now) this.#audited.delete(key);
    if (this.#audited.size >= MAX_AUDITED_ADDRESSES) return false;
    this.#audited.set(ip, now + DENIAL_AUDIT_SECONDS * 1000);
    try {
      return (await this.redis.set(`${this.keyPrefix}:ip-denied:${ip}`, '1', 'EX', DENIAL_AUDIT_SECONDS, 'NX')) === 'OK';
    } catch {
      return true;
    }
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  async #poll(): Promise<void> {
    await this.#fetch();
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#poll(), POLL_MS);
    this.#timer.unref();
  }

  async #fetch(): Promise<void> {
    const call = { principal: GATEWAY, requestId: `ip-rules-${randomUUID()}`, routine: true };
    try {
      const { version } = await this.clients.identity.call.GetIpRulesVersion({}, call);
      if (version !== this.#version) {
        const res = await this.clients.identity.call.ListIpRules({}, call);
        this.#rules = new IpRules(
          res.items.map((r) => ({ cidr: r.cidr, action: r.action as IpRuleAction, scope: r.scope as IpRuleScope })),
        );
        this.#version = res.version;
      }
      if (this.#failing) this.log.info('IP rules fetched again');
      this.#failing = false;
    } catch (err) {
      if (!this.#failing)
        this.log.warn({ err: (err as Error).message }, 'IP rules not fetched; the last ones stay in force until they are');
      this.#failing = true;
    }
  }
}

/**
 * Refuses (403 ip_denied) a client whose address the IP rules refuse for the request's scopes,
 * before anything else is spent on it (no rate-limit count, no authentication). Health probes
 * are never filtered. `isAdmin` says whether the request is for an admin-only route; it is asked
 * only while admin rules exist. Denials are audited as ip.denied, sampled by firstDenial.
 */
export function ipFilter(deps: { ipRules: IpRuleMirror; audit: GatewayAudit }, isAdmin: (req: Request) => boolean) {
  return (req: Request, _res: Response, next: NextFunction) => {
    // Express matches paths whatever their letter case: so does the filter, or /V1/PROXY/… would pass a proxy rule.
    const path = req.path.toLowerCase();
    if (path === '/health' || path.startsWith('/health/')) {
      next();
      return;
    }
    const rules = deps.ipRules.rules;
    const scopes: IpRuleScope[] = ['all'];
    if (rules.has('proxy') && path.startsWith('/v1/proxy/')) scopes.push('proxy');
    if (rules.has('admin') && isAdmin(req)) scopes.push('admin');
    const ip = req.ctx.ip;
    if (!rules.refuses(ip, scopes)) {
      next();
      return;
    }
    void deps.ipRules.firstDenial(ip).then((audit) => {
      if (audit)
        deps.audit.emit(
          { action: 'ip.denied', outcome: 'denied', resource: { type: 'route', id: `${req.method} ${req.path}` }, details: { ip, scopes } },
          req.ctx,
        );
    });
    next(new ForbiddenError('Requests from your IP address are not allowed here', 'ip_denied'));
  };
}
