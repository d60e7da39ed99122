import type { Logger } from 'pino';
import type { IntrospectionView, TokenRepository } from './token-repository.js';

const MAX_ENTRIES = 50_000;
/** More changes than this in one poll: drop the whole cache instead of reading them. */
const MAX_CHANGES = 1_000;

/** The ordered log of changed token ids that every replica appends to (store/change-feed.ts). */
export interface ChangeFeed {
  /** The position of the latest change (0: none yet). */
  last(): Promise<number>;
  append(tokenId: string): Promise<void>;
  /** The ids changed at positions from..to. */
  read(from: number, to: number): Promise<string[]>;
}

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
 * next request), and within `syncMs` in every other replica, which follows the change
 * feed (one key lookup per poll when nothing changed). `maxAgeMs` bounds staleness even
 * if a poll is missed or a change never reached the feed (its writer died in between).
 * Unknown ids are not cached, so a token created elsewhere works immediately.
 */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  /** Loads under way; an invalidation marks its load stale, so what it read is not cached. */
  readonly #inflight = new Map<string, { promise: Promise<IntrospectionView | null>; stale: boolean }>();
  #timer: NodeJS.Timeout | null = null;
  /** The feed position this cache has caught up with. */
  #seen = 0;

  constructor(
    private readonly store: Pick<TokenRepository, 'findForIntrospection'>,
    private readonly feed: ChangeFeed,
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

  async start(): Promise<void> {
    if (this.opts.maxAgeMs === 0) return;
    this.#seen = await this.feed.last();
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
    const last = await this.feed.last();
    if (last === this.#seen) return;
    if (last - this.#seen > MAX_CHANGES) {
      this.#entries.clear();
      for (const load of this.#inflight.values()) load.stale = true;
      this.#inflight.clear();
    } else {
      for (const id of await this.feed.read(this.#seen + 1, last)) this.invalidate(id);
    }
    this.#seen = last;
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
