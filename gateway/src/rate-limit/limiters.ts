import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RequestHandler, Response } from 'express';
import { keyedDigest, RateLimitedError } from '@tollgate/platform';
import type { GatewayConfig } from '../config.js';
import type { RedisClient } from '../redis.js';
import { Coalescer, farFromLimit, Views, type View } from './headroom.js';

/**
 * A Redis limiter with an in-memory insurance limiter: when Redis is unreachable the
 * same limits apply per process (looser across replicas) and requests never fail
 * because of it. It returns to Redis as soon as Redis answers again.
 */
export function limiter(redis: RedisClient, keyPrefix: string, points: number, durationSec: number): RateLimiterAbstract {
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points,
    duration: durationSec,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${keyPrefix}:mem`, points, duration: durationSec }),
  });
}

/** What a limit needs of its limiter: its points per window, and consuming them (rejecting with a RateLimiterRes when over). */
export type PointLimiter = Pick<RateLimiterAbstract, 'points' | 'consume'>;

interface WindowView extends View {
  /** Points counted in the key's window at the last answer. */
  used: number;
  /** When that window ends. */
  resetAt: number;
  /** Points of requests let through far from the limit that wait to go to Redis together. */
  pending: number;
}

/**
 * A limiter every request passes (global, per IP, per principal, per token): each consume is
 * counted in Redis, but waits for Redis only near the limit (rate-limit/headroom.ts). Far from
 * it, the request is answered from the view (what Redis last counted, plus what is on its way
 * or pending) and its points go to Redis with the key's others within COALESCE_MS.
 */
export class HeadroomLimiter implements PointLimiter {
  readonly points: number;
  readonly #views = new Views<WindowView>(() => ({ answeredAt: 0, unanswered: 0, used: 0, resetAt: 0, pending: 0 }));
  /** Keys with pending points: sent at the next tick, and those requests are answered already (a refusal shows in the view for the next one). */
  readonly #pending = new Coalescer<WindowView>((key, view) => {
    const points = view.pending;
    view.pending = 0;
    this.#count(key, view, points).catch(() => undefined);
  });

  constructor(private readonly limiter: RateLimiterAbstract) {
    this.points = limiter.points;
  }

  consume(key: string | number, points = 1): Promise<RateLimiterRes> {
    const now = Date.now();
    const k = String(key);
    const view = this.#views.of(k, now);
    const counted = view.used + view.unanswered + view.pending;
    if (this.#views.fresh(view, now) && now < view.resetAt && farFromLimit(counted, this.points, points)) {
      view.pending += points;
      this.#pending.later(k, view);
      return Promise.resolve(new RateLimiterRes(this.points - counted - points, view.resetAt - now, counted + points, false));
    }
    // Near the limit (or no recent answer): counted now with whatever of the key is pending, and waited for.
    const sent = points + view.pending;
    view.pending = 0;
    this.#pending.drop(k);
    return this.#count(k, view, sent);
  }

  #count(key: string, view: WindowView, points: number): Promise<RateLimiterRes> {
    view.unanswered += points;
    const answer = (res: RateLimiterRes) => {
      const at = Date.now();
      view.unanswered -= points;
      view.used = res.consumedPoints;
      view.resetAt = at + res.msBeforeNext;
      view.answeredAt = at;
    };
    return this.limiter.consume(key, points).then(
      (res) => {
        answer(res);
        return res;
      },
      (rejection: unknown) => {
        if (rejection instanceof RateLimiterRes) answer(rejection);
        else view.unanswered -= points;
        throw rejection;
      },
    );
  }
}

export interface Consumed {
  limit: number;
  res: RateLimiterRes;
}

/** Which limit refused a request, as rate_limit_hits_total names it. */
export type LimitName = 'global' | 'ip' | 'caller' | 'token' | 'route' | 'login' | 'email_link';

/** Consume one point; 429 (with the numbers, and which limit it was) when the key is over its limit. */
export async function consume(name: LimitName, l: PointLimiter, key: string, points = 1): Promise<Consumed> {
  try {
    return { limit: l.points, res: await l.consume(key, points) };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      throw new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)), l.points, name);
    }
    throw rejection;
  }
}

/**
 * Starts the request's global and per-IP limits as it arrives, without waiting for them: they
 * are awaited where the request is answered (callerLimits), by a route together with the
 * caller's own limits and its admission, so that all of them go out in one Redis write.
 */
export function startCallerLimits(limiters: Pick<Limiters, 'global' | 'ip'>): RequestHandler {
  return (req, res, next) => {
    const limits = Promise.all([consume('global', limiters.global, 'all'), consume('ip', limiters.ip, req.ctx.ip)]);
    // A refusal is answered by whoever awaits it; never an unhandled rejection meanwhile.
    limits.catch(() => undefined);
    res.locals.callerLimits = limits;
    next();
  };
}

/** The request's global and per-IP limits (none outside /v1): rejects with RateLimitedError when over one. */
export function callerLimits(res: Response): Promise<Consumed[]> {
  return (res.locals.callerLimits as Promise<Consumed[]> | undefined) ?? Promise.resolve([]);
}

/** X-RateLimit-* from the tightest limiter this request consumed. */
export function setRateLimitHeaders(res: Response, consumed: Consumed[]): void {
  if (consumed.length === 0) return;
  const tightest = consumed.reduce((a, b) => (b.res.remainingPoints / b.limit < a.res.remainingPoints / a.limit ? b : a));
  res.setHeader('X-RateLimit-Limit', String(tightest.limit));
  res.setHeader('X-RateLimit-Remaining', String(Math.max(0, tightest.res.remainingPoints)));
  res.setHeader('X-RateLimit-Reset', String(Math.ceil((Date.now() + tightest.res.msBeforeNext) / 1000)));
}

/** X-RateLimit-* from the tightest of the limits the route consumed (res.locals.rateLimits) and these, consumed in its handler. */
export function addRateLimitHeaders(res: Response, consumed: Consumed[]): void {
  setRateLimitHeaders(res, [...((res.locals.rateLimits as Consumed[] | undefined) ?? []), ...consumed]);
}

/** The kinds of link a person can have mailed. */
export type EmailLinkKind = 'magic-link' | 'password-reset' | 'email-change';

export interface Limiters {
  redis: RedisClient;
  global: PointLimiter;
  ip: PointLimiter;
  principal: PointLimiter;
  token: PointLimiter;
  login: LoginGuard;
  /** Links by mail of one kind: per client IP and per address (a keyed digest of it); 429 with Retry-After past either. */
  emailLink(kind: EmailLinkKind, ip: string, email: string): Promise<Consumed[]>;
  /** A per-route limiter, created once per route definition. */
  route(name: string, points: number, durationSec: number): RateLimiterAbstract;
}

/**
 * Login protection. Failed attempts are counted per client IP (5 per 5 minutes by default:
 * a guesser locks out itself, not the account's owner) and per account over an hour from
 * all clients together (100 by default, ASVS 2.2.1). All attempts per IP are capped too.
 */
export interface LoginGuard {
  /**
   * Before the password is checked: counts the attempt as a failure of its IP and its account
   * up front (429 past either limit), so parallel guesses cannot all be checked before one is
   * counted. The attempt then takes the count back if it succeeds or was never checked.
   */
  begin(ip: string, account: string): Promise<LoginAttempt>;
}

export interface LoginAttempt {
  consumed: Consumed[];
  /** The password was right, or never checked (a dependency failed): this attempt's points come back. */
  notFailed(): Promise<void>;
}

export function createLimiters(config: GatewayConfig, redis: RedisClient): Limiters {
  const p = config.RATE_LIMIT_PREFIX;
  const window = config.LOGIN_WINDOW_SECONDS;
  const failIp = limiter(redis, `${p}:login-fail-ip`, config.LOGIN_FAILURES_PER_WINDOW, window);
  const failAccount = limiter(redis, `${p}:login-fail-acct-hour`, config.LOGIN_ACCOUNT_FAILURES_PER_HOUR, 3_600);
  const attemptsIp = limiter(redis, `${p}:login-ip`, config.LOGIN_ATTEMPTS_PER_IP_PER_WINDOW, window);
  // A keyed digest, never the text: what was typed as an email may be a password in the wrong field.
  const digest = keyedDigest(config.SERVICE_TOKEN_SECRET, 'tollgate login limiter key');
  const accountKey = (account: string) => digest(account.trim().toLowerCase());
  const linkLimiters = (kind: EmailLinkKind) => ({
    ip: limiter(redis, `${p}:${kind}-ip`, config.EMAIL_LINKS_PER_IP, config.EMAIL_LINK_WINDOW_SECONDS),
    email: limiter(redis, `${p}:${kind}-email`, config.EMAIL_LINKS_PER_EMAIL, config.EMAIL_LINK_WINDOW_SECONDS),
  });
  const links = {
    'magic-link': linkLimiters('magic-link'),
    'password-reset': linkLimiters('password-reset'),
    'email-change': linkLimiters('email-change'),
  };

  const login: LoginGuard = {
    async begin(ip, account) {
      const key = accountKey(account);
      const consumed = [await consume('login', attemptsIp, ip)];
      const taken = await Promise.allSettled([consume('login', failIp, ip), consume('login', failAccount, key)]);
      const refused = taken.find((r) => r.status === 'rejected');
      if (refused) {
        // Over one limit: nothing is checked, so the other limiter's point comes back.
        if (taken[0].status === 'fulfilled') await failIp.reward(ip, 1).catch(() => undefined);
        if (taken[1].status === 'fulfilled') await failAccount.reward(key, 1).catch(() => undefined);
        throw refused.reason;
      }
      return {
        consumed,
        async notFailed() {
          await Promise.all([failIp.reward(ip, 1).catch(() => undefined), failAccount.reward(key, 1).catch(() => undefined)]);
        },
      };
    },
  };

  const routes = new Map<string, RateLimiterAbstract>();
  return {
    redis,
    // Every request passes these: they wait for Redis only near their limits.
    global: new HeadroomLimiter(limiter(redis, `${p}:global`, config.RATE_LIMIT_GLOBAL_PER_SEC, 1)),
    ip: new HeadroomLimiter(limiter(redis, `${p}:ip`, config.RATE_LIMIT_IP_PER_MIN, 60)),
    principal: new HeadroomLimiter(limiter(redis, `${p}:principal`, config.RATE_LIMIT_PRINCIPAL_PER_MIN, 60)),
    token: new HeadroomLimiter(limiter(redis, `${p}:token`, config.RATE_LIMIT_TOKEN_PER_MIN, 60)),
    login,
    async emailLink(kind, ip, email) {
      return [await consume('email_link', links[kind].ip, ip), await consume('email_link', links[kind].email, accountKey(email))];
    },
    route(name, points, durationSec) {
      let l = routes.get(name);
      if (!l) {
        l = limiter(redis, `${p}:route:${name}`, points, durationSec);
        routes.set(name, l);
      }
      return l;
    },
  };
}
