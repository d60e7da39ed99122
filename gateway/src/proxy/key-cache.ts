import type { OutgoingCall } from '@tollgate/platform';
import type { ResolveForProxyResponse__Output } from '@tollgate/proto/gen/tollgate/providerkey/v1/ResolveForProxyResponse';
import type { Clients } from '../clients.js';

/**
 * Decrypted provider keys, kept in memory for at most `ttlMs` (a second by default), so a
 * rotation or a disable takes effect within it; the provider-key service audits each
 * resolution, not each call.
 */
export class KeyCache {
  readonly #keys = new Map<string, { at: number; key: Promise<ResolveForProxyResponse__Output> }>();

  constructor(
    private readonly clients: Clients,
    private readonly ttlMs: number,
  ) {}

  resolve(provider: string, agentId: string, call: OutgoingCall): Promise<ResolveForProxyResponse__Output> {
    const now = Date.now();
    const cached = this.#keys.get(provider);
    if (cached && now - cached.at < this.ttlMs) return cached.key;
    const key = this.clients.providerKey.call.ResolveForProxy({ provider, agent_id: agentId }, call);
    this.#keys.set(provider, { at: now, key });
    // A failed resolution is not kept.
    key.catch(() => {
      if (this.#keys.get(provider)?.key === key) this.#keys.delete(provider);
    });
    return key;
  }
}
