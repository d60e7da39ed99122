import {
  AGENT_SCOPES,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  pageOf,
  readPage,
  ValidationError,
  type AuditEmitter,
  type CallContext,
  type KeyedMutex,
  type PageInput,
  type Scope,
} from '@tollgate/platform';
import { actingUser, canSee, isAgentTokenIssuer } from './access.js';
import { assertGrantable, parseScopes } from './scopes.js';
import type { SecretDigester } from './secret-digest.js';
import {
  DAY_MS,
  isUsable,
  MAX_DESCRIPTION_LENGTH,
  MAX_EXPIRES_IN_DAYS,
  MAX_GRACE_SECONDS,
  MAX_NAME_LENGTH,
  TOKEN_STATUSES,
  type TokenRecord,
  type TokenStatus,
} from './token.js';
import { formatToken, isTokenId, newSecret, newTokenId, type TokenKind } from './token-format.js';
import type { TokenPatch, TokenRepository } from './token-repository.js';

/** Who is calling, as the audit log and the access rules need it. */
export type Caller = Pick<CallContext, 'principal' | 'requestId' | 'ip' | 'userAgent'>;

export interface LifecycleDeps {
  store: TokenRepository;
  digester: SecretDigester;
  audit: AuditEmitter;
  /** Shared with the expiry sweeper: one change at a time per token. */
  mutex: KeyedMutex;
  defaultTtlDays: number;
  /** 0: agent credentials do not expire (they live as long as the agent). */
  agentTtlDays: number;
  /** Told after every change to a token (the introspection cache drops it). */
  changed?: (id: string) => void;
  now?: () => Date;
}

export interface CreateInput {
  name: string;
  description: string;
  scopes: string[];
  expiresInDays: number;
  neverExpires: boolean;
}

export interface CreateAgentInput {
  agentId: string;
  ownerId: string;
  name: string;
  scopes: string[];
}

export interface UpdateInput {
  id: string;
  name?: string;
  description?: string;
  /** undefined: leave the scopes as they are. */
  scopes?: string[];
}

export interface ListInput {
  ownerId: string;
  status: string;
  page: PageInput | null | undefined;
}

/** A token with its full string, which exists only in this response. */
export interface IssuedToken {
  record: TokenRecord;
  token: string;
}

const RESOURCE = 'token';
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/; // eslint-disable-line no-control-regex

function validName(raw: string, field = 'name'): string {
  const name = raw.trim();
  if (name.length === 0 || name.length > MAX_NAME_LENGTH || CONTROL_CHARS.test(name)) {
    throw new ValidationError(`${field} must be 1 to ${MAX_NAME_LENGTH} printable characters`, {
      [field]: `must be 1 to ${MAX_NAME_LENGTH} printable characters`,
    });
  }
  return name;
}

function validDescription(raw: string): string {
  const description = raw.trim();
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    throw new ValidationError(`description must be at most ${MAX_DESCRIPTION_LENGTH} characters`, {
      description: `must be at most ${MAX_DESCRIPTION_LENGTH} characters`,
    });
  }
  return description;
}

function nonEmptyScopes(names: string[]): Scope[] {
  if (names.length === 0) throw new ValidationError('At least one scope is required', { scopes: 'at least one scope is required' });
  return parseScopes(names);
}

function encodeCursor(t: TokenRecord): string {
  return `${t.created_at.getTime()}.${t.id}`;
}

function decodeCursor(after: string): { createdAt: Date; id: string } {
  const [ms, id] = after.split('.');
  const at = Number(ms);
  if (!Number.isSafeInteger(at) || !id || !isTokenId(id)) {
    throw new ValidationError('cursor is invalid', { cursor: 'is not a cursor returned by this list' });
  }
  return { createdAt: new Date(at), id };
}

/**
 * The life of an API token: issue, list, read, change, revoke, rotate. Every change
 * is audited with the caller as actor and never the secret; changes to one token are
 * serialised (KeyedMutex) and conditional on its status (no transactions on FerretDB).
 */
export class TokenLifecycle {
  readonly #now: () => Date;

  constructor(private readonly deps: LifecycleDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  async create(input: CreateInput, caller: Caller): Promise<IssuedToken> {
    const actor = actingUser(caller.principal, 'tokens:write');
    const name = validName(input.name);
    const description = validDescription(input.description);
    const scopes = nonEmptyScopes(input.scopes);
    assertGrantable(scopes, caller.principal);

    const now = this.#now();
    let expiresAt: Date | null;
    if (input.neverExpires) {
      if (input.expiresInDays) {
        throw new ValidationError('Give either expires_in_days or never_expires', { never_expires: 'conflicts with expires_in_days' });
      }
      if (!actor.isAdmin) throw new ForbiddenError('Only admins may create tokens that never expire', 'forbidden', { never_expires: true });
      expiresAt = null;
    } else {
      const days = input.expiresInDays || this.deps.defaultTtlDays;
      if (!Number.isInteger(days) || days < 1 || days > MAX_EXPIRES_IN_DAYS) {
        throw new ValidationError(`expires_in_days must be from 1 to ${MAX_EXPIRES_IN_DAYS}`, {
          expires_in_days: `must be an integer from 1 to ${MAX_EXPIRES_IN_DAYS}`,
        });
      }
      expiresAt = new Date(now.getTime() + days * DAY_MS);
    }
    return this.#issue('personal', { owner_id: actor.userId, agent_id: '', name, description, scopes, expires_at: expiresAt }, caller, now);
  }

  /** The budget service mints an agent's credential when it creates the agent. */
  async createForAgent(input: CreateAgentInput, caller: Caller): Promise<IssuedToken> {
    if (!isAgentTokenIssuer(caller.principal)) throw new ForbiddenError('Only the budget service mints agent tokens');
    const problems: Record<string, string> = {};
    if (!/^[\w-]{1,64}$/.test(input.agentId)) problems.agent_id = 'is required (1 to 64 letters, digits, - or _)';
    if (!/^[\w-]{1,64}$/.test(input.ownerId)) problems.owner_id = 'is required (1 to 64 letters, digits, - or _)';
    if (Object.keys(problems).length > 0) throw new ValidationError('Invalid agent token request', problems);
    const name = validName(input.name || `agent ${input.agentId}`);
    const scopes = parseScopes(input.scopes.length > 0 ? input.scopes : AGENT_SCOPES);
    const now = this.#now();
    const expiresAt = this.deps.agentTtlDays > 0 ? new Date(now.getTime() + this.deps.agentTtlDays * DAY_MS) : null;
    return this.#issue(
      'agent',
      { owner_id: input.ownerId, agent_id: input.agentId, name, description: '', scopes, expires_at: expiresAt },
      caller,
      now,
    );
  }

  async list(input: ListInput, caller: Caller): Promise<{ items: TokenRecord[]; next_cursor: string }> {
    const actor = actingUser(caller.principal, 'tokens:read');
    const ownerId = input.ownerId || actor.userId;
    if (ownerId !== actor.userId && !actor.isAdmin) throw new ForbiddenError("Only admins may list other users' tokens");
    let status: TokenStatus | undefined;
    if (input.status) {
      if (!(TOKEN_STATUSES as readonly string[]).includes(input.status)) {
        throw new ValidationError('status must be active, revoked or expired', { status: 'must be active, revoked or expired' });
      }
      status = input.status as TokenStatus;
    }
    const page = readPage(input.page);
    const items = await this.deps.store.list({
      ownerId,
      status,
      after: page.after ? decodeCursor(page.after) : undefined,
      limit: page.limit + 1,
    });
    return pageOf(items, page, encodeCursor);
  }

  async get(id: string, caller: Caller): Promise<TokenRecord> {
    if (caller.principal.type === 'user' || caller.principal.type === 'token') actingUser(caller.principal, 'tokens:read');
    return this.#visible(id, caller);
  }

  async update(input: UpdateInput, caller: Caller): Promise<TokenRecord> {
    actingUser(caller.principal, 'tokens:write');
    const patch: TokenPatch = {};
    if (input.name !== undefined) patch.name = validName(input.name);
    if (input.description !== undefined) patch.description = validDescription(input.description);
    if (input.scopes !== undefined) {
      patch.scopes = nonEmptyScopes(input.scopes);
      assertGrantable(patch.scopes, caller.principal);
    }
    return this.deps.mutex.run(input.id, async () => {
      const current = await this.#visible(input.id, caller);
      if (!isUsable(current, this.#now().getTime())) throw new ConflictError('Only an active token can be changed');
      if (Object.keys(patch).length === 0) return current;
      const updated = await this.deps.store.update(current.id, 'active', patch, this.#now());
      this.deps.changed?.(current.id);
      if (!updated) throw new ConflictError('Only an active token can be changed');
      await this.deps.audit.emit(
        {
          action: 'token.updated',
          resource: { type: RESOURCE, id: current.id },
          details: {
            owner_id: current.owner_id,
            changed: Object.keys(patch),
            ...(patch.scopes ? { scopes: patch.scopes, previous_scopes: current.scopes } : {}),
          },
        },
        caller,
      );
      return updated;
    });
  }

  /** Revocation is immediate: Introspect reads the status on every call. Revoking twice is a no-op. */
  async revoke(id: string, caller: Caller): Promise<void> {
    if (!isAgentTokenIssuer(caller.principal)) actingUser(caller.principal, 'tokens:write');
    await this.deps.mutex.run(id, async () => {
      const current = await this.#visible(id, caller);
      if (current.status !== 'active') return;
      const now = this.#now();
      const revoked = await this.deps.store.update(
        id,
        'active',
        { status: 'revoked', revoked_at: now, prev_digest: null, prev_expires_at: null },
        now,
      );
      this.deps.changed?.(id);
      if (!revoked) return;
      await this.deps.audit.emit(
        {
          action: 'token.revoked',
          resource: { type: RESOURCE, id },
          details: { kind: current.kind, owner_id: current.owner_id, ...(current.agent_id ? { agent_id: current.agent_id } : {}) },
        },
        caller,
      );
    });
  }

  /**
   * A new secret for the same token id. With a grace period the old secret keeps
   * working until it ends (for rolling deploys); without one it dies at once.
   */
  async rotate(id: string, graceSeconds: number, caller: Caller): Promise<IssuedToken> {
    actingUser(caller.principal, 'tokens:write');
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
      throw new ValidationError(`grace_seconds must be from 0 to ${MAX_GRACE_SECONDS}`, {
        grace_seconds: `must be an integer from 0 to ${MAX_GRACE_SECONDS}`,
      });
    }
    return this.deps.mutex.run(id, async () => {
      const current = await this.#visible(id, caller);
      const now = this.#now();
      if (!isUsable(current, now.getTime())) throw new ConflictError('Only an active token can be rotated');
      const secret = newSecret();
      const graceEnds = graceSeconds > 0 ? new Date(now.getTime() + graceSeconds * 1000) : null;
      const rotated = await this.deps.store.update(
        id,
        'active',
        { digest: this.deps.digester.digest(secret), prev_digest: graceEnds ? current.digest : null, prev_expires_at: graceEnds },
        now,
      );
      this.deps.changed?.(id);
      if (!rotated) throw new ConflictError('Only an active token can be rotated');
      await this.deps.audit.emit(
        {
          action: 'token.rotated',
          resource: { type: RESOURCE, id },
          details: { kind: current.kind, owner_id: current.owner_id, grace_seconds: graceSeconds },
        },
        caller,
      );
      return { record: rotated, token: formatToken(current.kind, id, secret) };
    });
  }

  async #visible(id: string, caller: Caller): Promise<TokenRecord> {
    const token = isTokenId(id) ? await this.deps.store.findById(id) : null;
    if (!token || !canSee(caller.principal, token)) throw new NotFoundError('Token not found');
    return token;
  }

  async #issue(
    kind: TokenKind,
    fields: Pick<TokenRecord, 'owner_id' | 'agent_id' | 'name' | 'description' | 'scopes' | 'expires_at'>,
    caller: Caller,
    // The instant the expiry was computed from, so expires_at - created_at is exactly the TTL.
    now: Date = this.#now(),
  ): Promise<IssuedToken> {
    const secret = newSecret();
    for (let attempt = 0; attempt < 3; attempt++) {
      const record: TokenRecord = {
        id: newTokenId(),
        kind,
        ...fields,
        status: 'active',
        digest: this.deps.digester.digest(secret),
        prev_digest: null,
        prev_expires_at: null,
        created_at: now,
        updated_at: now,
        last_used_at: null,
        revoked_at: null,
      };
      if (!(await this.deps.store.insert(record))) continue; // a 95-bit id collided: draw another
      await this.deps.audit.emit(
        {
          action: 'token.created',
          resource: { type: RESOURCE, id: record.id },
          details: {
            kind,
            owner_id: record.owner_id,
            ...(record.agent_id ? { agent_id: record.agent_id } : {}),
            name: record.name,
            scopes: record.scopes,
            expires_at: record.expires_at?.toISOString() ?? null,
          },
        },
        caller,
      );
      return { record, token: formatToken(kind, record.id, secret) };
    }
    throw new ConflictError('Could not allocate a token id, try again');
  }
}
