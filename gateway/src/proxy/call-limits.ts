import type { RedisClient } from '../redis.js';
import { RateLimitedError, type Logger } from '@tollgate/platform';
import { farFromLimit, Views, type View } from '../rate-limit/headroom.js';

/** An agent's limits on its proxied calls. */
export interface AgentCallLimits {
  maxParallelCalls: number;
  tokensPerMinute: number;
}

const MINUTE_MS = 60_000;
/** A minute's token count outlives its minute, so a call that ends late (or a clock a little off) still counts in it. */
const MINUTE_COUNT_TTL_SECONDS = 120;

/** What a begin decides; the scripts below return the same numbers. */
const ADMITTED = 0;
const TOO_MANY_CALLS = 1;
const TOKENS_PER_MINUTE = 2;
type Verdict = typeof ADMITTED | typeof TOO_MANY_CALLS | typeof TOKENS_PER_MINUTE;

/**
 * KEYS: the agent's places in flight (a ZSET of call ids scored by when each frees itself), this
 * minute's token count. ARGV: call id, now, its place's expiry, ttl, max parallel, tokens per minute.
 * The key lives as long as its longest place: a call with a shorter ttl never shortens it.
 * Returns the verdict, the agent's calls in flight and this minute's tokens after it.
 */
const BEGIN = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local inFlight = redis.call('ZCARD', KEYS[1])
local tokens = tonumber(redis.call('GET', KEYS[2]) or '0')
if inFlight >= tonumber(ARGV[5]) then return {${TOO_MANY_CALLS}, inFlight, tokens} end
if tokens >= tonumber(ARGV[6]) then return {${TOKENS_PER_MINUTE}, inFlight, tokens} end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return {${ADMITTED}, inFlight + 1, tokens}`;

/** KEYS as for BEGIN. ARGV: call id, the call's tokens. Returns the agent's calls in flight and this minute's tokens after it. */
const END = `
redis.call('ZREM', KEYS[1], ARGV[1])
local tokens = tonumber(redis.call('GET', KEYS[2]) or '0')
if tonumber(ARGV[2]) > 0 then
  tokens = redis.call('INCRBY', KEYS[2], ARGV[2])
  redis.call('EXPIRE', KEYS[2], ${MINUTE_COUNT_TTL_SECONDS})
end
return {redis.call('ZCARD', KEYS[1]), tokens}`;

/** What Redis last answered for an agent (rate-limit/headroom.ts); `unanswered` counts its begins on their way. */
interface AgentView extends View {
  inFlight: number;
  /** The UTC minute of `tokens`. */
  minute: number;
  tokens: number;
  /** Tokens of ends on their way. */
  tokensUnanswered: number;
}

type Script = (callsKey: string, minuteKey: string, ...args: (string | number)[]) => Promise<number[]>;
type ScriptedRedis = RedisClient & { tollgateCallBegin: Script; tollgateCallEnd: Script };

const minuteOf = (now: number) => Math.floor(now / MINUTE_MS);

/**
 * The per-agent limits on proxied calls, across gateway replicas: calls in flight at once,
 * and tokens per UTC minute. Each operation is one script, so replicas racing for an agent's
 * last place never both get it, and it goes out in the same auto-pipelined write as the
 * request's other limits. A call waits for the script's verdict only when the agent may be
 * near a limit (rate-limit/headroom.ts); far from both, it goes on and its place is taken
 * alongside. When Redis is unreachable the same limits apply per process (looser across
 * replicas) and calls never fail because of it.
 *
 * Time is the gateway's clock, not Redis TIME: the minute names a key, and a script's keys are
 * named before it runs; the replicas' clocks are NTP-synced, and the fallback reads the same clock.
 */
export class CallLimits {
  readonly #redis: ScriptedRedis;
  readonly #local = new LocalCallLimits();
  readonly #views = new Views<AgentView>(() => ({ answeredAt: 0, unanswered: 0, inFlight: 0, minute: 0, tokens: 0, tokensUnanswered: 0 }));
  /** Said once an outage, not once a call. */
  #inMemory = false;

  constructor(
    redis: RedisClient,
    private readonly keyPrefix: string,
    private readonly log: Logger,
  ) {
    redis.defineCommand('tollgateCallBegin', { numberOfKeys: 2, lua: BEGIN });
    redis.defineCommand('tollgateCallEnd', { numberOfKeys: 2, lua: END });
    this.#redis = redis as ScriptedRedis;
  }

  /**
   * Admits one call of the agent: takes a place among its calls in flight (the place frees itself
   * after `ttlMs` if `end` is never called — a gateway that died), unless the agent already has
   * maxParallelCalls in flight (RateLimitedError with retry-after 1 s) or has used tokensPerMinute
   * tokens in the current UTC minute (RateLimitedError with retry-after = seconds until the next minute, at least 1).
   */
  async begin(agentId: string, callId: string, limits: AgentCallLimits, ttlMs: number): Promise<void> {
    const now = Date.now();
    const view = this.#views.of(agentId, now);
    const ahead =
      this.#views.fresh(view, now) &&
      view.minute === minuteOf(now) &&
      farFromLimit(view.inFlight + view.unanswered, limits.maxParallelCalls) &&
      farFromLimit(view.tokens + view.tokensUnanswered, limits.tokensPerMinute);
    const verdict = this.#begin(view, agentId, callId, limits, ttlMs, now);
    if (ahead) return;
    const v = await verdict;
    if (v === TOO_MANY_CALLS) throw new RateLimitedError(1, undefined, 'agent_calls');
    if (v === TOKENS_PER_MINUTE)
      throw new RateLimitedError(Math.max(1, Math.ceil((MINUTE_MS - (now % MINUTE_MS)) / 1000)), undefined, 'agent_tokens');
  }

  /** The call ended: frees its place and counts `tokens` in the current UTC minute. Never throws, never rejects (fire and forget). */
  end(agentId: string, callId: string, tokens: number): void {
    const now = Date.now();
    // Freed in both places, as begin may have taken it in memory; a place in a Redis that cannot be reached frees itself at its ttl.
    this.#local.free(agentId, callId);
    const view = this.#views.of(agentId, now);
    view.tokensUnanswered += tokens;
    this.#redis
      .tollgateCallEnd(...this.#keys(agentId, now), callId, tokens)
      .then(
        ([inFlight, counted]) => this.#answer(view, inFlight, counted, now),
        (err: unknown) => {
          this.#fallBack(err as Error);
          this.#local.count(agentId, tokens, now);
        },
      )
      .finally(() => (view.tokensUnanswered -= tokens));
  }

  /** The begin script's verdict, or the in-memory one when Redis cannot be reached. Never rejects. */
  async #begin(view: AgentView, agentId: string, callId: string, limits: AgentCallLimits, ttlMs: number, now: number): Promise<Verdict> {
    view.unanswered++;
    try {
      const args = [callId, now, now + ttlMs, ttlMs, limits.maxParallelCalls, limits.tokensPerMinute];
      const [verdict, inFlight, tokens] = await this.#redis.tollgateCallBegin(...this.#keys(agentId, now), ...args);
      this.#answer(view, inFlight, tokens, now);
      this.#inMemory = false;
      return verdict as Verdict;
    } catch (err) {
      this.#fallBack(err as Error);
      return this.#local.begin(agentId, callId, limits, ttlMs, now);
    } finally {
      view.unanswered--;
    }
  }

  /** Redis's counts after a script that ran at `at`: answers come in the order sent, so each one is the latest. */
  #answer(view: AgentView, inFlight: number, tokens: number, at: number): void {
    view.inFlight = inFlight;
    view.minute = minuteOf(at);
    view.tokens = tokens;
    view.answeredAt = Date.now();
  }

  /** A script's keys must live on one Redis Cluster node: the agent in braces (a hash tag) puts both in its slot. */
  #keys(agentId: string, now: number): [string, string] {
    return [`${this.keyPrefix}:calls:{${agentId}}`, `${this.keyPrefix}:tpm:{${agentId}}:${minuteOf(now)}`];
  }

  #fallBack(err: Error): void {
    if (!this.#inMemory) this.log.warn({ err: err.message }, 'call limits cannot reach redis; they apply per process');
    this.#inMemory = true;
  }
}

/** The same limits within this process, for when Redis is unreachable. */
class LocalCallLimits {
  /** Agent → its calls in flight → when each one's place frees itself. */
  readonly #places = new Map<string, Map<string, number>>();
  /** Agent → its tokens in the last minute it used any. */
  readonly #tokens = new Map<string, { minute: number; tokens: number }>();
  #nextSweep = 0;

  begin(agentId: string, callId: string, limits: AgentCallLimits, ttlMs: number, now: number): Verdict {
    this.#sweep(now);
    const places = this.#places.get(agentId) ?? new Map<string, number>();
    dropExpired(places, now);
    if (places.size >= limits.maxParallelCalls) return TOO_MANY_CALLS;
    const used = this.#tokens.get(agentId);
    if (used?.minute === minuteOf(now) && used.tokens >= limits.tokensPerMinute) return TOKENS_PER_MINUTE;
    places.set(callId, now + ttlMs);
    this.#places.set(agentId, places);
    return ADMITTED;
  }

  free(agentId: string, callId: string): void {
    const places = this.#places.get(agentId);
    if (places?.delete(callId) && places.size === 0) this.#places.delete(agentId);
  }

  count(agentId: string, tokens: number, now: number): void {
    if (tokens <= 0) return;
    const minute = minuteOf(now);
    const used = this.#tokens.get(agentId);
    if (used?.minute === minute) used.tokens += tokens;
    else this.#tokens.set(agentId, { minute, tokens });
  }

  /** Once a minute, forgets the agents with nothing left in flight or counted, so memory stays bounded by the active ones. */
  #sweep(now: number): void {
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + MINUTE_MS;
    for (const [agentId, places] of this.#places) {
      dropExpired(places, now);
      if (places.size === 0) this.#places.delete(agentId);
    }
    const minute = minuteOf(now);
    for (const [agentId, used] of this.#tokens) if (used.minute < minute) this.#tokens.delete(agentId);
  }
}

function dropExpired(places: Map<string, number>, now: number): void {
  for (const [callId, until] of places) if (until <= now) places.delete(callId);
}
