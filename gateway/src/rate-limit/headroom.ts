/**
 * Redis counts every request against its limits, but a request waits for Redis's answer only
 * when it may be near one. Per key, a gateway keeps what Redis last answered and how much it
 * has sent since without an answer. While that answer is recent and, with the unanswered ones
 * added, leaves more than half the limit, the request goes on at once and is counted alongside
 * (a window limiter sends the points of such requests together, within COALESCE_MS).
 *
 * Answers come back in the order sent on the gateway's one Redis connection. So on one gateway a
 * limit is never passed. Across gateways, one whose view is stale can let through only the
 * requests that reach it within one Redis round trip (plus that wait), before the answer that
 * shows the limit.
 * A request that is near a limit, or whose key this gateway has not seen lately, waits, as
 * every request used to.
 */

/**
 * How long what requests far from their limits count waits to go to Redis together: one
 * write per key per tick, not one per request (four window limits and an agent's call limits
 * pass every proxied call, three of them per agent). A tenth of a second is far inside
 * VIEW_FRESH_MS, the staleness a replica's view of another's counts allows anyway, and it
 * makes an agent calling 100 times a second cost Redis ten writes per key a second, not 50
 * (the gateway's CPU per proxied call at saturation: 0.57 → 0.49 ms against 20 ms ticks).
 */
export const COALESCE_MS = 100;

/** How long an answer from Redis stands for a key's count. */
export const VIEW_FRESH_MS = 2_000;

/** What Redis last answered for one key, and what this gateway has sent since that has no answer yet. */
export interface View {
  /** When the last answer came; 0 before any. */
  answeredAt: number;
  /** Requests (or points) sent to Redis and not answered yet. */
  unanswered: number;
}

/** True when `used` (what is counted or on its way) leaves room for `needed` more with half of `limit` to spare. */
export function farFromLimit(used: number, limit: number, needed = 1): boolean {
  return used + needed <= limit / 2;
}

/** The views of one limit, by key. Memory stays bounded by the keys seen within the last VIEW_FRESH_MS. */
export class Views<V extends View> {
  readonly #byKey = new Map<string, V>();
  #nextSweep = 0;

  constructor(private readonly empty: () => V) {}

  /** The key's view, made empty on first use; stale views of other keys are dropped now and then. */
  of(key: string, now: number): V {
    this.#sweep(now);
    let view = this.#byKey.get(key);
    if (!view) {
      view = this.empty();
      this.#byKey.set(key, view);
    }
    return view;
  }

  /** The view was answered recently enough to stand for the key's count. */
  fresh(view: V, now: number): boolean {
    return now - view.answeredAt <= VIEW_FRESH_MS;
  }

  #sweep(now: number): void {
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + VIEW_FRESH_MS;
    for (const [key, view] of this.#byKey) if (view.unanswered === 0 && !this.fresh(view, now)) this.#byKey.delete(key);
  }
}

/**
 * What waits for the next tick, by key: each key's latest value goes to `send` once per
 * COALESCE_MS, all of them in the same turn (so their writes share one auto-pipelined Redis write).
 */
export class Coalescer<V> {
  readonly #due = new Map<string, V>();
  #tickDue = false;

  constructor(private readonly send: (key: string, value: V) => void) {}

  /** Sends `value` for `key` at the next tick. */
  later(key: string, value: V): void {
    this.#due.set(key, value);
    if (this.#tickDue) return;
    this.#tickDue = true;
    setTimeout(() => {
      this.#tickDue = false;
      const due = [...this.#due];
      this.#due.clear();
      for (const [k, v] of due) this.send(k, v);
    }, COALESCE_MS).unref();
  }

  /** The key is being sent now: nothing of it is left for the tick. */
  drop(key: string): void {
    this.#due.delete(key);
  }
}
