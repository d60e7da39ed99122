import { sealIpToken } from '@tollgate/sdk';
import { NotFoundError, ValidationError, validProviderName, type AuditEmitter, type Caller } from '@tollgate/platform';
import type { SecretBox } from '@tollgate/platform';
import { type ProviderKeyRecord } from './provider-key.js';
import type { ProviderKeyRepository } from './provider-key-repository.js';

export interface KeyUseDeps {
  store: ProviderKeyRepository;
  box: SecretBox;
  audit: AuditEmitter;
  ipTokenKey: Buffer;
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
  now?: () => Date;
}

export interface IssuedIpToken {
  ipToken: string;
  keyId: string;
  expiresAt: Date;
}

/** A key the proxy holds: which one, and at which version. */
export interface KnownKey {
  keyId: string;
  version: number;
}

/** The provider's key for the proxy, decrypted, or confirmed to be the one the proxy holds. */
export type ProxyKey = KnownKey & ({ unchanged: false; apiKey: string; baseUrl: string } | { unchanged: true });

const AGENT_ID = /^[\w-]{1,64}$/;
const RESOURCE = 'provider_key';

/**
 * The two ways a provider key is decrypted for use, both for Tollgate services only and
 * both audited as provider_key.accessed: sealed into an IP token for an agent runtime
 * (the budget service, at handshake), or handed to the gateway's proxy.
 */
export class KeyUse {
  readonly #now: () => Date;

  constructor(private readonly deps: KeyUseDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  /** `notAfter` (RFC 3339, optional) bounds the token's end: a lease's credential never outlives the lease. */
  async issueIpToken(
    input: { agentId: string; provider: string; ttlSeconds: number; notAfter?: string },
    caller: Caller,
  ): Promise<IssuedIpToken> {
    const agentId = validAgentId(input.agentId);
    const provider = validProviderName(input.provider);
    const ttl = input.ttlSeconds || this.deps.defaultTtlSeconds;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > this.deps.maxTtlSeconds) {
      throw new ValidationError(`ttl_seconds must be from 1 to ${this.deps.maxTtlSeconds}`, {
        ttl_seconds: `must be an integer from 1 to ${this.deps.maxTtlSeconds}`,
      });
    }
    const notAfter = input.notAfter ? Date.parse(input.notAfter) : Infinity;
    if (Number.isNaN(notAfter)) throw new ValidationError('not_after must be an RFC 3339 time', { not_after: 'must be an RFC 3339 time' });
    const now = this.#now().getTime();
    const expiresAt = new Date(Math.min(now + ttl * 1000, notAfter));
    if (expiresAt.getTime() <= now) throw new ValidationError('not_after has passed', { not_after: 'must be in the future' });
    const record = await this.#usable(provider);
    const apiKey = this.deps.box.open(record.secret, record.id);
    await this.#accessed(record, agentId, 'ip_token', caller);
    const ipToken = sealIpToken({ apiKey, baseUrl: record.base_url, provider, keyId: record.id }, this.deps.ipTokenKey, {
      agentId,
      expiresAt,
    });
    await this.deps.audit.emit(
      {
        action: 'ip_token.issued',
        actor: { type: 'agent', id: agentId },
        resource: { type: RESOURCE, id: record.id },
        details: { agent_id: agentId, provider, expires_at: expiresAt.toISOString(), via: caller.principal.id },
      },
      caller,
    );
    return { ipToken, keyId: record.id, expiresAt };
  }

  /**
   * With `known`, a key unchanged since the proxy got it is only confirmed: nothing is decrypted
   * or handed out, so nothing is audited (the proxy revalidates the key it holds every half
   * second, and the audit log records each time a key was handed out, not each check).
   */
  async resolveForProxy(input: { provider: string; agentId: string; known?: KnownKey }, caller: Caller): Promise<ProxyKey> {
    const agentId = validAgentId(input.agentId);
    const provider = validProviderName(input.provider);
    const record = await this.#usable(provider);
    if (record.id === input.known?.keyId && record.version === input.known.version) {
      return { keyId: record.id, version: record.version, unchanged: true };
    }
    const apiKey = this.deps.box.open(record.secret, record.id);
    await this.#accessed(record, agentId, 'proxy', caller);
    return { keyId: record.id, version: record.version, unchanged: false, apiKey, baseUrl: record.base_url };
  }

  async #usable(provider: string): Promise<ProviderKeyRecord> {
    const record = await this.deps.store.findUsable(provider);
    if (!record) throw new NotFoundError(`No enabled key for provider ${provider}`);
    return record;
  }

  /** The access is on the agent's behalf (its caller authenticated it); `via` names that service. */
  #accessed(record: ProviderKeyRecord, agentId: string, purpose: 'ip_token' | 'proxy', caller: Caller): Promise<void> {
    return this.deps.audit.emit(
      {
        action: 'provider_key.accessed',
        actor: { type: 'agent', id: agentId },
        resource: { type: RESOURCE, id: record.id },
        details: { provider: record.provider, agent_id: agentId, purpose, via: caller.principal.id },
      },
      caller,
    );
  }
}

function validAgentId(raw: string): string {
  if (!AGENT_ID.test(raw)) throw new ValidationError('agent_id is required', { agent_id: 'is required (1 to 64 letters, digits, - or _)' });
  return raw;
}
