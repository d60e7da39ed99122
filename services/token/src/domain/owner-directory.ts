import type { Role } from '@tollgate/platform';

/** What token needs to know about a token's owner, as identity reports it now. */
export interface Owner {
  id: string;
  role: Role;
  disabled: boolean;
}

/** Asks identity for a user; null when the user does not exist (deleted). Throws when identity is unreachable. */
export type OwnerLookup = (id: string) => Promise<Owner | null>;

interface Entry {
  owner: Owner | null;
  /** When the lookup that produced this entry started: the answer is at least this fresh. */
  fetchedAt: number;
}

const MAX_ENTRIES = 10_000;

/**
 * A short-lived cache of owners in front of identity, so Introspect does not make a
 * gRPC call per request while a role change or a disabled account still takes effect
 * within `ttlMs`. An entry older than half its life is refreshed in the background
 * while it is still served, so a busy owner is never looked up on the hot path;
 * concurrent misses share one lookup.
 */
export class OwnerDirectory {
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<Owner | null>>();

  constructor(
    private readonly lookup: OwnerLookup,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(id: string): Promise<Owner | null> {
    const entry = this.#entries.get(id);
    if (entry) {
      const age = this.now() - entry.fetchedAt;
      if (age < this.ttlMs) {
        if (age >= this.ttlMs / 2) this.#fetch(id).catch(() => undefined);
        return entry.owner;
      }
    }
    return this.#fetch(id);
  }

  #fetch(id: string): Promise<Owner | null> {
    let pending = this.#inflight.get(id);
    if (!pending) {
      const startedAt = this.now();
      pending = this.lookup(id)
        .then((owner) => {
          if (this.ttlMs > 0) this.#store(id, { owner, fetchedAt: startedAt });
          return owner;
        })
        .finally(() => this.#inflight.delete(id));
      this.#inflight.set(id, pending);
    }
    return pending;
  }

  #store(id: string, entry: Entry) {
    if (this.#entries.size >= MAX_ENTRIES) {
      const cutoff = this.now() - this.ttlMs;
      for (const [key, e] of this.#entries) if (e.fetchedAt <= cutoff) this.#entries.delete(key);
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    }
    this.#entries.set(id, entry);
  }
}
