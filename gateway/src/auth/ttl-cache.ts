/** A small map whose entries live ttlMs; bounded so a flood of distinct keys can't grow it forever. */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {}

  get(key: string): V | undefined {
    return this.peek(key)?.value;
  }

  /** The entry and whether it is in the second half of its life (time to fetch a fresh one ahead of need). */
  peek(key: string): { value: V; aging: boolean } | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const now = Date.now();
    if (e.until <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return { value: e.value, aging: e.until - now < this.ttlMs / 2 };
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
    this.entries.delete(key);
  }

  /** Drop every entry whose value matches (e.g. all sessions of one user). */
  deleteWhere(match: (value: V) => boolean): void {
    for (const [k, e] of this.entries) if (match(e.value)) this.entries.delete(k);
  }
}
