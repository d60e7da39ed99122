import type { OutgoingCall } from '@tollgate/platform';
import type { ResolveForProxyResponse__Output } from '@tollgate/proto/gen/tollgate/providerkey/v1/ResolveForProxyResponse';
import type { Clients } from '../clients.js';
import { TtlCache } from '../auth/ttl-cache.js';

/** The most providers whose keys are kept fresh between calls. */
const WARM_PROVIDERS = 100;

/**
 * Decrypted provider keys, kept in memory for at most `ttlMs` (a second by default) without
 * being confirmed, so a rotation or a disable takes effect within it; the provider-key service
 * audits each resolution, not each call. A key in use — or used within `keepWarmMs` — is
 * revalidated in the background before it expires, so no call waits for a resolution after
 * the first: the service confirms a key it has not changed since (its version) without
 * decrypting it or auditing, and hands out the new key when it has changed.
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
    /** The provider's key, or, given the one held, a confirmation that it is still that one. */
    const resolve = (held?: ResolveForProxyResponse__Output) =>
      this.clients.providerKey.call.ResolveForProxy(
        { provider, agent_id: agentId, known_key_id: held?.key_id, known_version: held?.version },
        call,
      );
    return this.#keys.through(provider, () => resolve(), {
      refresh: async () => {
        const held = this.#keys.peek(provider);
        const answer = await resolve(held);
        return answer.unchanged && held ? held : answer;
      },
    });
  }
}
