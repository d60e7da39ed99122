import {
  ConflictError,
  NotFoundError,
  pageOf,
  readPage,
  ValidationError,
  type AuditEmitter,
  type CallContext,
  type KeyedMutex,
  type PageInput,
} from '@tollgate/platform';
import { assertCanRead, assertCanWrite } from './access.js';
import type { SecretBox } from './keyring.js';
import {
  isProviderKeyId,
  maskApiKey,
  newProviderKeyId,
  validApiKey,
  validBaseUrl,
  validName,
  validProvider,
  type ProviderKeyRecord,
} from './provider-key.js';
import type { ProviderKeyPatch, ProviderKeyRepository } from './provider-key-repository.js';

export type Caller = Pick<CallContext, 'principal' | 'requestId' | 'ip' | 'userAgent'>;

export interface ProviderKeysDeps {
  store: ProviderKeyRepository;
  box: SecretBox;
  audit: AuditEmitter;
  /** One change at a time per key (FerretDB's findAndModify is not atomic). */
  mutex: KeyedMutex;
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
    assertCanWrite(caller.principal);
    const provider = validProvider(input.provider);
    const name = validName(input.name);
    const apiKey = validApiKey(input.apiKey);
    const baseUrl = validBaseUrl(input.baseUrl, provider);
    const now = this.#now();
    const id = newProviderKeyId(now.getTime());
    const record: ProviderKeyRecord = {
      id,
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

  async list(input: { provider: string; page: PageInput | null | undefined }, caller: Caller) {
    assertCanRead(caller.principal);
    const page = readPage(input.page);
    const provider = input.provider ? validProvider(input.provider) : undefined;
    const items = await this.deps.store.list({ provider, after: page.after, limit: page.limit + 1 });
    return pageOf(items, page, (r) => r.id);
  }

  async get(id: string, caller: Caller): Promise<ProviderKeyRecord> {
    assertCanRead(caller.principal);
    return this.#find(id);
  }

  async update(input: UpdateKeyInput, caller: Caller): Promise<ProviderKeyRecord> {
    assertCanWrite(caller.principal);
    return this.deps.mutex.run(input.id, async () => {
      const current = await this.#find(input.id);
      const patch: ProviderKeyPatch = {};
      if (input.name !== undefined) patch.name = validName(input.name);
      if (input.disabled !== undefined) patch.disabled = input.disabled;
      if (input.baseUrl !== undefined) patch.base_url = validBaseUrl(input.baseUrl, current.provider);
      if (Object.keys(patch).length === 0) return current;
      const updated = await this.deps.store.update(current.id, patch, this.#now());
      if (!updated) throw new NotFoundError('Provider key not found');
      await this.deps.audit.emit(
        { action: 'provider_key.updated', resource: { type: RESOURCE, id: current.id }, details: { provider: current.provider, ...patch } },
        caller,
      );
      return updated;
    });
  }

  async rotate(id: string, apiKeyRaw: string, caller: Caller): Promise<ProviderKeyRecord> {
    assertCanWrite(caller.principal);
    const apiKey = validApiKey(apiKeyRaw);
    return this.deps.mutex.run(id, async () => {
      const current = await this.#find(id);
      const now = this.#now();
      const rotated = await this.deps.store.replaceSecret(
        current.id,
        current.secret,
        { secret: this.deps.box.seal(apiKey, current.id), masked: maskApiKey(apiKey), rotated_at: now },
        now,
      );
      if (!rotated) throw new ConflictError('The key changed meanwhile, try again');
      await this.deps.audit.emit(
        { action: 'provider_key.rotated', resource: { type: RESOURCE, id: current.id }, details: { provider: current.provider } },
        caller,
      );
      return rotated;
    });
  }

  async delete(id: string, caller: Caller): Promise<void> {
    assertCanWrite(caller.principal);
    await this.deps.mutex.run(id, async () => {
      const current = await this.#find(id);
      if (!(await this.deps.store.delete(current.id))) throw new NotFoundError('Provider key not found');
      await this.deps.audit.emit(
        { action: 'provider_key.deleted', resource: { type: RESOURCE, id: current.id }, details: { provider: current.provider, name: current.name } },
        caller,
      );
    });
  }

  async #find(id: string): Promise<ProviderKeyRecord> {
    if (!id) throw new ValidationError('id is required', { id: 'is required' });
    const record = isProviderKeyId(id) ? await this.deps.store.findById(id) : null;
    if (!record) throw new NotFoundError('Provider key not found');
    return record;
  }
}
