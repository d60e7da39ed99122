import type { Logger } from 'pino';
import type { IntrospectionView, TokenRepository } from './token-repository.js';

const MAX_ENTRIES = 50_000;
/** More changes than this in one poll: drop the whole cache instead. */
const MAX_CHANGES = 10_000;
/** Changes are read back this far before the last poll, to absorb clock skew between replicas and slow writes. */
const OVERLAP_MS = 5_000;

export interface TokenCacheOptions {
  /** The longest a cached token is trusted without being re-read; 0 disables the cache. */
  maxAgeMs: number;
  /** How often other replicas' changes are picked up (tokens changed since the last poll are dropped). */
  syncMs: number;
  log: Logger;
}

interface Entry {
  view: IntrospectionView;
  loadedAt: number;
}

/**
 * Introspect's read-through cache of token records, so the hot path does not wait on
 * the database. It stays correct because time-based checks (expiry, rotation grace)
 * are evaluated on every call against the cached times, and every change drops the
 * entry: at once in the replica that made it (revocation is effective on the very
 * next request), and within `syncMs` in every other replica, which polls for tokens
 * whose updated_at moved. `maxAgeMs` bounds staleness even if a poll is missed.
 * Unknown ids are not cached, so a token created elsewhere works immediately.
 */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  /** Loads under way; an invalidation marks its load stale, so what it read is not cached. */
  readonly #inflight = new Map<string, { promise: Promise<IntrospectionView | null>; stale: boolean }>();
  #timer: NodeJS.Timeout | null = null;
  #polledFrom = new Date(Date.now() - OVERLAP_MS);

  constructor(
    private readonly store: Pick<TokenRepository, 'findForIntrospection' | 'changedSince'>,
    private readonly opts: TokenCacheOptions,
  ) {}

  async findForIntrospection(id: string): Promise<IntrospectionView | null> {
    if (this.opts.maxAgeMs === 0) return this.store.findForIntrospection(id);
    const entry = this.#entries.get(id);
    if (entry && Date.now() - entry.loadedAt < this.opts.maxAgeMs) return entry.view;
    const running = this.#inflight.get(id);
    if (running) return running.promise;
    const loadedAt = Date.now();
    const load = { promise: this.store.findForIntrospection(id), stale: false };
    this.#inflight.set(id, load);
    try {
      const view = await load.promise;
      if (view && !load.stale) this.#put(id, { view, loadedAt });
      return view;
    } finally {
      if (this.#inflight.get(id) === load) this.#inflight.delete(id);
    }
  }

  /** Forget a token this replica just changed. */
  invalidate(id: string): void {
    this.#entries.delete(id);
    const load = this.#inflight.get(id);
    if (load) {
      load.stale = true;
      this.#inflight.delete(id);
    }
  }

  start(): void {
    if (this.opts.maxAgeMs === 0) return;
    const tick = () => {
      this.#timer = setTimeout(() => {
        this.sync()
          .catch((err: unknown) => this.opts.log.warn({ err: (err as Error).message }, 'token cache sync failed'))
          .finally(() => {
            if (this.#timer) tick();
          });
      }, this.opts.syncMs);
      this.#timer.unref();
    };
    tick();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Drops every cached token changed (by any replica) since the last poll. */
  async sync(): Promise<void> {
    const startedAt = Date.now();
    const changed = await this.store.changedSince(this.#polledFrom, MAX_CHANGES + 1);
    if (changed.length > MAX_CHANGES) this.#entries.clear();
    for (const id of changed) this.invalidate(id);
    this.#polledFrom = new Date(startedAt - OVERLAP_MS);
  }

  #put(id: string, entry: Entry) {
    if (this.#entries.size >= MAX_ENTRIES) {
      // Map iteration is insertion order: drop the oldest tenth.
      let drop = MAX_ENTRIES / 10;
      for (const key of this.#entries.keys()) {
        this.#entries.delete(key);
        if (--drop === 0) break;
      }
    }
    this.#entries.delete(id);
    this.#entries.set(id, entry);
  }
}
