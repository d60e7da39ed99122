import type { RedisClient } from '../redis.js';
import { RateLimitedError, type Logger } from '@tollgate/platform';
import { Coalescer, farFromLimit, Views, type View } from '../rate-limit/headroom.js';

/** An agent's limits on its proxied calls. */
export interface AgentCallLimits {
  maxParallelCalls: number;
  tokensPerMinute: number;
}

const MINUTE_MS = 60_000;
/** A minute's token count outlives its minute, so a call that ends late (or a clock a little off) still counts in it. */
const MINUTE_COUNT_TTL_SECONDS = 120;

/** What an admission decides; the script below returns the same numbers. */
const ADMITTED = 0;
const TOO_MANY_CALLS = 1;
const TOKENS_PER_MINUTE = 2;
type Verdict = typeof ADMITTED | typeof TOO_MANY_CALLS | typeof TOKENS_PER_MINUTE;

/**
 * Applies what a gateway has to tell about an agent's calls, and decides one admission if asked.
 * KEYS: the agent's places in flight (a ZSET of call ids scored by when each frees itself), the
 * minute's token count. ARGV: now, the longest ttl of the places it takes, the tokens to count,
 * the number of places taken already (admitted by the gateway's view), each one's id and expiry,
 * the number of places given back, their ids; then, for an admission, the call's id and expiry,
 * max parallel and tokens per minute.
 * The key lives as long as its longest place: a call with a shorter ttl never shortens it.
 * Returns the verdict (ADMITTED when none was asked), the agent's calls in flight and the minute's tokens after it.
 */
const APPLY = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local taken = tonumber(ARGV[4])
local added = taken > 0
for i = 0, taken - 1 do redis.call('ZADD', KEYS[1], ARGV[6 + 2 * i], ARGV[5 + 2 * i]) end
local freedAt = 5 + 2 * taken
for i = 1, tonumber(ARGV[freedAt]) do redis.call('ZREM', KEYS[1], ARGV[freedAt + i]) end
local tokens
if tonumber(ARGV[3]) > 0 then
  tokens = redis.call('INCRBY', KEYS[2], ARGV[3])
  redis.call('EXPIRE', KEYS[2], ${MINUTE_COUNT_TTL_SECONDS})
else
  tokens = tonumber(redis.call('GET', KEYS[2]) or '0')
end
local verdict = ${ADMITTED}
local asked = freedAt + tonumber(ARGV[freedAt]) + 1
if ARGV[asked] then
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[asked + 2]) then verdict = ${TOO_MANY_CALLS}
  elseif tokens >= tonumber(ARGV[asked + 3]) then verdict = ${TOKENS_PER_MINUTE}
  else
    redis.call('ZADD', KEYS[1], ARGV[asked + 1], ARGV[asked])
    added = true
  end
end
if added and redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {verdict, redis.call('ZCARD', KEYS[1]), tokens}`;

/** What this gateway has to tell Redis about an agent's calls and has not sent yet. */
interface Unsent {
  /** Places taken, by call id: when each frees itself. */
  taken: Map<string, number>;
  /** Places given back that Redis was told of. */
  freed: string[];
  tokens: number;
  /** The UTC minute of `tokens`. */
  minute: number;
}

/** What Redis last answered for an agent (rate-limit/headroom.ts); `unanswered` counts its places unsent or on their way. */
interface AgentView extends View {
  inFlight: number;
  /** The UTC minute of `tokens`. */
  minute: number;
  tokens: number;
  /** Tokens unsent or on their way. */
  tokensUnanswered: number;
  unsent: Unsent;
  /** The agent's limits as its last call named them; null before any. */
  limits: AgentCallLimits | null;
  /** The calls this gateway admitted that have not ended: only those are kept in memory when Redis cannot be reached. */
  open: Set<string>;
}

/** A call asking to be admitted, decided by the script. */
interface Admission {
  callId: string;
  until: number;
  limits: AgentCallLimits;
}

type Apply = (callsKey: string, minuteKey: string, ...args: (string | number)[]) => Promise<number[]>;
type ScriptedRedis = RedisClient & { tollgateCalls: Apply };

const minuteOf = (now: number) => Math.floor(now / MINUTE_MS);
const nothingUnsent = (now: number): Unsent => ({ taken: new Map(), freed: [], tokens: 0, minute: minuteOf(now) });

/**
 * The per-agent limits on proxied calls, across gateway replicas: calls in flight at once,
 * and tokens per UTC minute. Redis holds them, changed by one script, so replicas racing for an
 * agent's last place never both get it. A call waits for the script's verdict only when the
 * agent may be near a limit (rate-limit/headroom.ts). Far from both, the call goes on, and what
 * it changes (its place, then its place given back and its tokens) goes to Redis with the
 * agent's other changes once per COALESCE_MS: a call that begins and ends within one tick
 * costs Redis only its tokens. Near a limit, every change goes at once, with what was unsent.
 * When Redis is unreachable the same limits apply per process (looser across replicas) and
 * calls never fail because of it.
 *
 * Time is the gateway's clock, not Redis TIME: the minute names a key, and a script's keys are
 * named before it runs; the replicas' clocks are NTP-synced, and the fallback reads the same clock.
 */
export class CallLimits {
  readonly #redis: ScriptedRedis;
  readonly #local = new LocalCallLimits();
  readonly #views = new Views<AgentView>(() => ({
    answeredAt: 0,
    unanswered: 0,
    inFlight: 0,
    minute: 0,
    tokens: 0,
    tokensUnanswered: 0,
    unsent: nothingUnsent(Date.now()),
    limits: null,
    open: new Set(),
  }));
  /** Agents with unsent changes, sent at the next tick. */
  readonly #due = new Coalescer<AgentView>((agentId, view) => this.#sendUnanswered(agentId, view, Date.now()));
  /** Said once an outage, not once a call. */
  #inMemory = false;

  constructor(
    redis: RedisClient,
    private readonly keyPrefix: string,
    private readonly log: Logger,
  ) {
    redis.defineCommand('tollgateCalls', { numberOfKeys: 2, lua: APPLY });
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
    view.limits = limits;
    if (this.#farFromLimits(view, now)) {
      view.unanswered++;
      view.open.add(callId);
      view.unsent.taken.set(callId, now + ttlMs);
      this.#due.later(agentId, view);
      return;
    }
    const v = await this.#send(agentId, view, now, { callId, until: now + ttlMs, limits });
    if (v === TOO_MANY_CALLS) throw new RateLimitedError(1, undefined, 'agent_calls');
    if (v === TOKENS_PER_MINUTE)
      throw new RateLimitedError(Math.max(1, Math.ceil((MINUTE_MS - (now % MINUTE_MS)) / 1000)), undefined, 'agent_tokens');
  }

  /** The call ended: frees its place and counts `tokens` in the current UTC minute. Never throws (what it sends is fire and forget). */
  end(agentId: string, callId: string, tokens: number): void {
    const now = Date.now();
    // Freed in both places, as begin may have taken it in memory; a place in a Redis that cannot be reached frees itself at its ttl.
    this.#local.free(agentId, callId);
    const view = this.#views.of(agentId, now);
    view.open.delete(callId);
    const { unsent } = view;
    // A place Redis was never told of is simply not told.
    if (unsent.taken.delete(callId)) view.unanswered--;
    else unsent.freed.push(callId);
    if (tokens > 0) {
      // Tokens are counted in the minute the call ended: a minute's unsent ones go to its own key first.
      if (unsent.tokens > 0 && unsent.minute !== minuteOf(now)) this.#sendUnanswered(agentId, view, now);
      view.unsent.tokens += tokens;
      view.unsent.minute = minuteOf(now);
      view.tokensUnanswered += tokens;
    }
    // Near a limit, a freed place or the tokens counted matter to every replica's next admission now.
    if (this.#farFromLimits(view, now)) this.#due.later(agentId, view);
    else this.#sendUnanswered(agentId, view, now);
  }

  /** The view is recent and, with what is unsent or on its way, leaves half of both of the agent's limits. */
  #farFromLimits(view: AgentView, now: number): boolean {
    return (
      view.limits !== null &&
      this.#views.fresh(view, now) &&
      view.minute === minuteOf(now) &&
      farFromLimit(view.inFlight + view.unanswered, view.limits.maxParallelCalls) &&
      farFromLimit(view.tokens + view.tokensUnanswered, view.limits.tokensPerMinute)
    );
  }

  /** Sends the agent's changes now, nobody waiting for the answer. */
  #sendUnanswered(agentId: string, view: AgentView, now: number): void {
    void this.#send(agentId, view, now);
  }

  /**
   * Sends the agent's unsent changes now, deciding `admission` (a call near a limit) after them.
   * Never rejects: when Redis cannot be reached, what it was not told is kept in memory, and
   * memory decides the admission.
   */
  async #send(agentId: string, view: AgentView, now: number, admission?: Admission): Promise<Verdict> {
    // An admission is decided on this minute's tokens: an earlier minute's unsent ones go to their own key first.
    if (admission && view.unsent.tokens > 0 && view.unsent.minute !== minuteOf(now)) this.#sendUnanswered(agentId, view, now);
    const { taken, freed, tokens } = view.unsent;
    const minute = tokens > 0 ? view.unsent.minute : minuteOf(now);
    view.unsent = nothingUnsent(now);
    this.#due.drop(agentId);
    if (!admission && taken.size === 0 && freed.length === 0 && tokens === 0) return ADMITTED;
    let ttl = 0;
    const args: (string | number)[] = [now, 0, tokens, taken.size];
    for (const [callId, until] of taken) {
      args.push(callId, until);
      ttl = Math.max(ttl, until - now);
    }
    args.push(freed.length, ...freed);
    if (admission) {
      args.push(admission.callId, admission.until, admission.limits.maxParallelCalls, admission.limits.tokensPerMinute);
      ttl = Math.max(ttl, admission.until - now);
      view.unanswered++;
    }
    args[1] = ttl;
    const placed = taken.size + (admission ? 1 : 0);
    try {
      const [verdict, inFlight, counted] = await this.#redis.tollgateCalls(...this.#keys(agentId, minute), ...args);
      this.#answer(view, inFlight, counted, minute);
      this.#inMemory = false;
      if (admission && verdict === ADMITTED) view.open.add(admission.callId);
      return verdict as Verdict;
    } catch (err) {
      this.#fallBack(err as Error);
      for (const [callId, until] of taken) if (view.open.has(callId)) this.#local.take(agentId, callId, until);
      this.#local.count(agentId, tokens, minute);
      if (!admission) return ADMITTED;
      const verdict = this.#local.begin(agentId, admission.callId, admission.limits, admission.until, now);
      if (verdict === ADMITTED) view.open.add(admission.callId);
      return verdict;
    } finally {
      view.unanswered -= placed;
      view.tokensUnanswered -= tokens;
    }
  }

  /** Redis's counts after a script, of `minute`'s tokens: answers come in the order sent, so each one is the latest. */
  #answer(view: AgentView, inFlight: number, tokens: number, minute: number): void {
    view.inFlight = inFlight;
    view.minute = minute;
    view.tokens = tokens;
    view.answeredAt = Date.now();
  }

  /** A script's keys must live on one Redis Cluster node: the agent in braces (a hash tag) puts both in its slot. */
  #keys(agentId: string, minute: number): [string, string] {
    return [`${this.keyPrefix}:calls:{${agentId}}`, `${this.keyPrefix}:tpm:{${agentId}}:${minute}`];
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

  /** Admits the call (its place freeing itself at `until`) unless the agent is at a limit. */
  begin(agentId: string, callId: string, limits: AgentCallLimits, until: number, now: number): Verdict {
    this.#sweep(now);
    const places = this.#places.get(agentId);
    if (places) dropExpired(places, now);
    if ((places?.size ?? 0) >= limits.maxParallelCalls) return TOO_MANY_CALLS;
    const used = this.#tokens.get(agentId);
    if (used?.minute === minuteOf(now) && used.tokens >= limits.tokensPerMinute) return TOKENS_PER_MINUTE;
    this.take(agentId, callId, until);
    return ADMITTED;
  }

  /** Holds a place for a call admitted already (by a view of Redis that could not be told). */
  take(agentId: string, callId: string, until: number): void {
    const places = this.#places.get(agentId) ?? new Map<string, number>();
    places.set(callId, until);
    this.#places.set(agentId, places);
  }

  free(agentId: string, callId: string): void {
    const places = this.#places.get(agentId);
    if (places?.delete(callId) && places.size === 0) this.#places.delete(agentId);
  }

  count(agentId: string, tokens: number, minute: number): void {
    if (tokens <= 0) return;
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
