import type { SealedSecret } from './keyring.js';
import type { ProviderKeyRecord } from './provider-key.js';

export type ProviderKeyPatch = Partial<Pick<ProviderKeyRecord, 'name' | 'disabled' | 'base_url'>>;

export interface SecretChange {
  secret: SealedSecret;
  masked?: string;
  rotated_at?: Date;
}

/** Storage of provider keys; every function returns plain records. */
export interface ProviderKeyRepository {
  insert(record: ProviderKeyRecord): Promise<void>;
  findById(id: string): Promise<ProviderKeyRecord | null>;
  /** Ordered by id (creation order); `after` is the last id of the previous page. */
  list(opts: { provider?: string; after?: string; limit: number }): Promise<ProviderKeyRecord[]>;
  /** The newest enabled key of a provider. */
  findUsable(provider: string): Promise<ProviderKeyRecord | null>;
  update(id: string, patch: ProviderKeyPatch, now: Date): Promise<ProviderKeyRecord | null>;
  /**
   * Replaces the sealed secret only if the stored one is still `expected` (same nonce),
   * so a re-encryption never overwrites a rotation that happened meanwhile.
   */
  replaceSecret(id: string, expected: SealedSecret, change: SecretChange, now: Date): Promise<ProviderKeyRecord | null>;
  delete(id: string): Promise<boolean>;
}
