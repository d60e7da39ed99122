/**
 * Another way to fetch an entry again before it expires (slower, or cheaper given the value
 * held), and, if it can be hurried, how to hurry it once someone waits for it.
 */
export interface BackgroundFetch<V> {
  refresh(): Promise<V>;
  hurry?(): void;
}

/** Entries kept fresh while they are in use (see TtlCache). */
export interface KeepWarm {
  /** How long after its last use an entry is still fetched again before it expires. */
  ms: number;
  /** The most entries kept fresh at once (the most recently used). */
  max: number;
}

/**
 * A small map whose entries live ttlMs; bounded so a flood of distinct keys can't grow it
 * forever. `through` fetches what is missing — one fetch per key at a time, and again in the
 * background once an entry is past half its life, so a busy caller never waits for one.
 * With `keepWarm`, an entry used within `keepWarm.ms` is also fetched again before it expires
 * when nobody asks for it meanwhile: a caller coming back every few seconds (an agent between
 * two LLM calls) finds it fresh too, while the entry is still never older than ttlMs.
 * Deleting drops the fetches in flight too: an answer fetched before a deletion is not cached.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  /** Fetches in flight, and whether each is a background one. */
  private readonly fetching = new Map<string, { promise: Promise<V>; background: boolean }>();
  /** Keys in use, least recently used first, with when and how to fetch them again. */
  private readonly warm = new Map<string, { usedAt: number; refresh: () => Promise<V> }>();
  private readonly sweeper: NodeJS.Timeout | null = null;
  /** Bumped by each deletion: a fetch begun before one is not cached. */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
    private readonly keepWarm: KeepWarm = { ms: 0, max: 0 },
  ) {
    if (keepWarm.ms > 0 && ttlMs > 0) {
      this.sweeper = setInterval(() => this.refreshWarm(), Math.max(1, Math.floor(ttlMs / 4)));
      this.sweeper.unref();
    }
  }

  /** Stops keeping entries fresh. */
  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  /**
   * The value for `key`: cached, or fetched (a fetch in flight for it is shared). `background`
   * says how to fetch it again in the background when that may take its time (by default, the
   * same way as `fetch`), and how to hurry that fetch when a caller comes to wait for it.
   */
  async through(key: string, fetch: () => Promise<V>, background?: BackgroundFetch<V>): Promise<V> {
    const e = this.entries.get(key);
    const now = Date.now();
    const refresh = background ? () => background.refresh() : fetch;
    if (this.sweeper) this.used(key, now, refresh);
    if (e && e.until > now) {
      if (e.until - now < this.ttlMs / 2) this.fetchOnce(key, refresh, true).catch(() => undefined);
      return e.value;
    }
    if (e) this.entries.delete(key);
    if (this.fetching.get(key)?.background) background?.hurry?.();
    return this.fetchOnce(key, fetch, false);
  }

  /** The value `through` would answer for `key` at once, from the cache. */
  peek(key: string): V | undefined {
    const e = this.entries.get(key);
    return e && e.until > Date.now() ? e.value : undefined;
  }

  /** Whether `through` would answer `key` at once, from the cache. */
  holds(key: string): boolean {
    return this.peek(key) !== undefined;
  }

  set(key: string, value: V): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, until: Date.now() + this.ttlMs });
  }

  delete(key: string): void {
    this.forgetFetches();
    this.entries.delete(key);
  }

  /** Drop every entry whose value matches (e.g. all sessions of one user). */
  deleteWhere(match: (value: V) => boolean): void {
    this.forgetFetches();
    for (const [k, e] of this.entries) if (match(e.value)) this.entries.delete(k);
  }

  private fetchOnce(key: string, fetch: () => Promise<V>, background: boolean): Promise<V> {
    const inFlight = this.fetching.get(key);
    if (inFlight) return inFlight.promise;
    const generation = this.generation;
    const promise = fetch().then((value) => {
      if (generation === this.generation) this.set(key, value);
      return value;
    });
    this.fetching.set(key, { promise, background });
    const forget = () => this.fetching.get(key)?.promise === promise && this.fetching.delete(key);
    void promise.then(forget, forget);
    return promise;
  }

  private used(key: string, now: number, refresh: () => Promise<V>): void {
    // Deleted and set again: the map stays in order of last use.
    this.warm.delete(key);
    this.warm.set(key, { usedAt: now, refresh });
    if (this.warm.size > this.keepWarm.max) this.warm.delete(this.warm.keys().next().value!);
  }

  /**
   * Fetches again, in the background, every entry in use that is past a quarter of its life:
   * sweeps come every quarter, and a fetch may wait another quarter for company (the token
   * introspections), so the answer is back before the entry ends.
   */
  private refreshWarm(): void {
    const now = Date.now();
    for (const [key, w] of this.warm) {
      if (now - w.usedAt < this.keepWarm.ms) break;
      this.warm.delete(key);
    }
    for (const [key, w] of this.warm) {
      const until = this.entries.get(key)?.until ?? 0;
      if (until > now && until - now < (this.ttlMs * 3) / 4) this.fetchOnce(key, w.refresh, true).catch(() => undefined);
    }
  }

  private forgetFetches(): void {
    this.generation++;
    this.fetching.clear();
  }
}
