import type { OutgoingCall } from '@tollgate/platform';
import type { ResolveForProxyResponse__Output } from '@tollgate/proto/gen/tollgate/providerkey/v1/ResolveForProxyResponse';
import type { Clients } from '../clients.js';
import { TtlCache } from '../auth/ttl-cache.js';

/** The most providers whose keys are kept fresh between calls. */
const WARM_PROVIDERS = 100;

/**
 * Decrypted provider keys, kept in memory for at most `ttlMs` (a second by default), so a
 * rotation or a disable takes effect within it; the provider-key service audits each
 * resolution, not each call. A key in use — or used within `keepWarmMs` — is resolved again
 * in the background before it expires, so no call waits for a resolution (a 10 ms round trip
 * with its audit) after the first.
 */
export class KeyCache {
  readonly #keys: TtlCache<ResolveForProxyResponse__Output>;

  constructor(
    private readonly clients: Clients,
    ttlMs: number,
    keepWarmMs: number,
  ) {
    this.#keys = new TtlCache(ttlMs, undefined, { ms: keepWarmMs, max: WARM_PROVIDERS });
  }

  stop(): void {
    this.#keys.stop();
  }

  resolve(provider: string, agentId: string, call: OutgoingCall): Promise<ResolveForProxyResponse__Output> {
    return this.#keys.through(provider, () => this.clients.providerKey.call.ResolveForProxy({ provider, agent_id: agentId }, call));
  }
}
