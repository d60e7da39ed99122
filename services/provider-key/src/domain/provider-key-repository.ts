import type { ProviderKeyRecord } from './provider-key.js';

export type ProviderKeyPatch = Partial<Pick<ProviderKeyRecord, 'name' | 'disabled' | 'base_url'>>;

/** What a change makes of the current state: the next state, DELETED, or NO_CHANGE. */
export const DELETED = Symbol('deleted');
export const NO_CHANGE = Symbol('no change');
export type KeyChange = (current: ProviderKeyRecord) => ProviderKeyRecord | typeof DELETED | typeof NO_CHANGE;

export interface Committed {
  before: ProviderKeyRecord;
  /** The committed state; null when the change deleted the key. */
  after: ProviderKeyRecord | null;
}

/**
 * Storage of provider keys; every function returns plain records, always the latest
 * committed state of each key.
 */
export interface ProviderKeyRepository {
  /** Stores a new key as its version 1. */
  insert(record: ProviderKeyRecord): Promise<void>;
  findById(id: string): Promise<ProviderKeyRecord | null>;
  /** Ordered by id (creation order); `after` is the last id of the previous page. */
  list(opts: { provider?: string; after?: string; limit: number }): Promise<ProviderKeyRecord[]>;
  /** The newest enabled key of a provider. */
  findUsable(provider: string): Promise<ProviderKeyRecord | null>;
  /**
   * Applies `change` to the latest state of the key and commits the result as the next
   * version, re-applying it to the newer state whenever another writer (any replica)
   * committed first. `change` may run more than once and must only compute. Resolves to
   * null when the key does not exist (or was deleted), and to `after === before` when the
   * change was NO_CHANGE.
   */
  commit(id: string, change: KeyChange): Promise<Committed | null>;
}
