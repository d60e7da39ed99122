import {
  NotFoundError,
  pageOf,
  readPage,
  ValidationError,
  validName,
  validProviderName,
  type AuditEmitter,
  type Caller,
  type KeyedMutex,
  type OutboundPolicy,
  type PageInput,
} from '@tollgate/platform';
import type { SecretBox } from '@tollgate/platform';
import { isProviderKeyId, maskApiKey, newProviderKeyId, validApiKey, validBaseUrl, type ProviderKeyRecord } from './provider-key.js';
import { DELETED, NO_CHANGE, type ProviderKeyPatch, type ProviderKeyRepository } from './provider-key-repository.js';

export interface ProviderKeysDeps {
  store: ProviderKeyRepository;
  box: SecretBox;
  audit: AuditEmitter;
  /**
   * One change at a time per key in this process, so its own calls do not race each
   * other; across replicas the store's versioned commit decides.
   */
  mutex: KeyedMutex;
  /** Where base URLs may point (OUTBOUND_ALLOW_PRIVATE). */
  outbound: OutboundPolicy;
  now?: () => Date;
}

export interface CreateKeyInput {
  provider: string;
  name: string;
  apiKey: string;
  baseUrl: string;
}

export interface UpdateKeyInput {
  id: string;
  name?: string;
  disabled?: boolean;
  baseUrl?: string;
  /** Required with a new base URL: a stored key is only ever sent where it was entered for. */
  apiKey?: string;
}

const RESOURCE = 'provider_key';

/**
 * Managing provider keys. The plaintext key exists only in the create/rotate request
 * and inside SecretBox; records, responses and audit details hold the sealed form and
 * the mask, never the key.
 */
export class ProviderKeys {
  readonly #now: () => Date;

  constructor(private readonly deps: ProviderKeysDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  async create(input: CreateKeyInput, caller: Caller): Promise<ProviderKeyRecord> {
    const provider = validProviderName(input.provider);
    const name = validName(input.name);
    const apiKey = validApiKey(input.apiKey);
    const baseUrl = validBaseUrl(input.baseUrl, provider, this.deps.outbound);
    const now = this.#now();
    const id = newProviderKeyId(now.getTime());
    const record: ProviderKeyRecord = {
      id,
      version: 1,
      provider,
      name,
      base_url: baseUrl,
      disabled: false,
      masked: maskApiKey(apiKey),
      secret: this.deps.box.seal(apiKey, id),
      created_at: now,
      updated_at: now,
      rotated_at: null,
    };
    await this.deps.store.insert(record);
    await this.deps.audit.emit(
      { action: 'provider_key.created', resource: { type: RESOURCE, id }, details: { provider, name, base_url: baseUrl } },
      caller,
    );
    return record;
  }

  async list(input: { provider: string; page: PageInput | null | undefined }) {
    const page = readPage(input.page);
    const provider = input.provider ? validProviderName(input.provider) : undefined;
    const items = await this.deps.store.list({ provider, after: page.after, limit: page.limit + 1 });
    return pageOf(items, page, (r) => r.id);
  }

  async get(id: string): Promise<ProviderKeyRecord> {
    return this.#find(id);
  }

  async update(input: UpdateKeyInput, caller: Caller): Promise<ProviderKeyRecord> {
    let patch: ProviderKeyPatch = {};
    const { before, after } = await this.#commit(input.id, (current) => {
      patch = {};
      if (input.name !== undefined) patch.name = validName(input.name);
      if (input.disabled !== undefined) patch.disabled = input.disabled;
      const baseUrl = input.baseUrl === undefined ? current.base_url : validBaseUrl(input.baseUrl, current.provider, this.deps.outbound);
      if (baseUrl !== current.base_url) patch.base_url = baseUrl;
      const rekey = this.#rekey(current, input.baseUrl !== undefined, input.apiKey);
      return Object.keys(patch).length === 0 && !rekey.secret ? NO_CHANGE : { ...current, ...patch, ...rekey, updated_at: this.#now() };
    });
    if (after === before) return before;
    await this.deps.audit.emit(
      {
        action: 'provider_key.updated',
        resource: { type: RESOURCE, id: after.id },
        details: {
          provider: after.provider,
          ...patch,
          ...(after.secret !== before.secret ? { key_replaced: true } : {}),
          version: after.version,
        },
      },
      caller,
    );
    return after;
  }

  /**
   * base_url and api_key go together: a key is set to a base URL only with the key entered
   * again, so whoever can edit a key but not read it cannot send it to a host of their choosing.
   */
  #rekey(current: ProviderKeyRecord, baseUrlGiven: boolean, apiKeyRaw: string | undefined): Partial<ProviderKeyRecord> {
    if (!baseUrlGiven && apiKeyRaw === undefined) return {};
    if (apiKeyRaw === undefined)
      throw new ValidationError('A base_url needs the api_key entered again', { api_key: 'is required with base_url' });
    if (!baseUrlGiven)
      throw new ValidationError('api_key is taken together with base_url; rotate replaces a key', { base_url: 'is required with api_key' });
    const apiKey = validApiKey(apiKeyRaw);
    return { secret: this.deps.box.seal(apiKey, current.id), masked: maskApiKey(apiKey), rotated_at: this.#now() };
  }

  async rotate(id: string, apiKeyRaw: string, caller: Caller): Promise<ProviderKeyRecord> {
    const apiKey = validApiKey(apiKeyRaw);
    const { after } = await this.#commit(id, (current) => {
      const now = this.#now();
      return { ...current, secret: this.deps.box.seal(apiKey, current.id), masked: maskApiKey(apiKey), rotated_at: now, updated_at: now };
    });
    await this.deps.audit.emit(
      {
        action: 'provider_key.rotated',
        resource: { type: RESOURCE, id: after.id },
        details: { provider: after.provider, version: after.version },
      },
      caller,
    );
    return after;
  }

  async delete(id: string, caller: Caller): Promise<void> {
    const { before } = await this.#commit(id, () => DELETED);
    await this.deps.audit.emit(
      {
        action: 'provider_key.deleted',
        resource: { type: RESOURCE, id: before.id },
        details: { provider: before.provider, name: before.name, version: before.version + 1 },
      },
      caller,
    );
  }

  /** Commits a change to the key's latest state (see ProviderKeyRepository.commit); the key must exist. */
  async #commit<C extends ProviderKeyRecord | typeof DELETED | typeof NO_CHANGE>(
    id: string,
    change: (current: ProviderKeyRecord) => C,
  ): Promise<{ before: ProviderKeyRecord; after: C extends typeof DELETED ? null : ProviderKeyRecord }> {
    if (!id) throw new ValidationError('id is required', { id: 'is required' });
    const committed = isProviderKeyId(id) ? await this.deps.mutex.run(id, () => this.deps.store.commit(id, change)) : null;
    if (!committed) throw new NotFoundError('Provider key not found');
    return committed as { before: ProviderKeyRecord; after: C extends typeof DELETED ? null : ProviderKeyRecord };
  }

  async #find(id: string): Promise<ProviderKeyRecord> {
    if (!id) throw new ValidationError('id is required', { id: 'is required' });
    const record = isProviderKeyId(id) ? await this.deps.store.findById(id) : null;
    if (!record) throw new NotFoundError('Provider key not found');
    return record;
  }
}
