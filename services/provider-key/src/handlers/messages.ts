import type { ProviderKeyInfo } from '@tollgate/proto/gen/tollgate/providerkey/v1/ProviderKeyInfo';
import type { ProviderKeyRecord } from '../domain/provider-key.js';

/** The public view of a key: metadata and the mask, never the sealed secret. */
export function toInfo(r: ProviderKeyRecord): ProviderKeyInfo {
  return {
    id: r.id,
    provider: r.provider,
    name: r.name,
    masked: r.masked,
    base_url: r.base_url,
    disabled: r.disabled,
    created_at: r.created_at.toISOString(),
    rotated_at: r.rotated_at ? r.rotated_at.toISOString() : '',
  };
}
