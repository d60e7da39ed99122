import {
  AGENT_SCOPES,
  ConflictError,
  ForbiddenError,
  MAX_DESCRIPTION_LENGTH,
  NotFoundError,
  pageOf,
  readPage,
  ServiceUnavailableError,
  ValidationError,
  validName,
  validText,
  type AuditEmitter,
  type Caller,
  type PageInput,
  type Scope,
} from '@tollgate/platform';
import { actingUser, canSee } from './access.js';
import { assertGrantable, parseScopes } from './scopes.js';
import type { SecretDigester } from './secret-digest.js';
import {
  DAY_MS,
  EXPIRY_NOTICE_MS,
  isUsable,
  MAX_EXPIRES_IN_DAYS,
  MAX_GRACE_SECONDS,
  TOKEN_STATUSES,
  visibleStatus,
  type TokenChange,
  type TokenRecord,
  type TokenState,
  type TokenStatus,
  type TokenWithLastUse,
} from './token.js';
import { formatToken, isTokenId, newSecret, newTokenId, type TokenKind } from './token-format.js';
import { OWNER_BUCKET_SIZE, type NewToken, type TokenRepository } from './token-repository.js';

export interface LifecycleDeps {
  store: TokenRepository;
  lastUsed: { find(ids: readonly string[]): Promise<Map<string, Date>> };
  digester: SecretDigester;
  audit: AuditEmitter;
  defaultTtlDays: number;
  /** 0: agent credentials do not expire (they live as long as the agent). */
  agentTtlDays: number;
  /** Told after every committed change to a token (the introspection caches drop it). */
  changed?: (id: string) => Promise<void>;
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
  record: TokenWithLastUse;
  token: string;
}

const RESOURCE = 'token';
/** A list page reads at most this many buckets of the owner's tokens; a sparse status filter may give a short page with a cursor. */
const MAX_BUCKETS_PER_PAGE = 8;
const validDescription = (raw: string) => validText(raw, 'description', { required: false, max: MAX_DESCRIPTION_LENGTH });

function nonEmptyScopes(names: string[]): Scope[] {
  if (names.length === 0) throw new ValidationError('At least one scope is required', { scopes: 'at least one scope is required' });
  return parseScopes(names);
}

/** List cursors name an owner_seq: the next page holds the owner's tokens placed before it. */
function decodeCursor(after: string): number {
  const below = Number(after);
  if (!/^[1-9]\d{0,15}$/.test(after) || !Number.isSafeInteger(below)) {
    throw new ValidationError('cursor is invalid', { cursor: 'is not a cursor returned by this list' });
  }
  return below;
}

/** The cursor pageOf gives to a page that ends with the token placed at `below`. */
const cursorBelow = (below: number) => pageOf([below, below], { limit: 1 }, String).next_cursor;

/**
 * The life of an API token: issue, list, read, change, revoke, rotate, expire. Every
 * change is audited with the caller as actor and never the secret. Each change commits
 * the token's next version (a unique insert: see TokenRepository), so of changes made
 * at once, on any replicas, exactly one takes each version; the others read the token
 * again and decide anew. Revocation and expiry end the log: nothing commits after them.
 */
export class TokenLifecycle {
  readonly #now: () => Date;

  constructor(private readonly deps: LifecycleDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  async create(input: CreateInput, caller: Caller): Promise<IssuedToken> {
    const actor = actingUser(caller.principal);
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

  async list(input: ListInput, caller: Caller): Promise<{ items: TokenWithLastUse[]; next_cursor: string }> {
    const actor = actingUser(caller.principal);
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
    // Newest first: owner_seq descending, one bucket (one equality query) at a time.
    let below = page.after ? decodeCursor(page.after) : (await this.deps.store.lastOwnerSeq(ownerId)) + 1;
    const now = this.#now().getTime();
    const found: TokenRecord[] = [];
    for (let read = 0; below > 1 && found.length <= page.limit && read < MAX_BUCKETS_PER_PAGE; read++) {
      const bucket = Math.floor((below - 1) / OWNER_BUCKET_SIZE);
      const candidates = (await this.deps.store.ownerBucket(ownerId, bucket)).filter((t) => t.owner_seq < below);
      candidates.sort((a, b) => b.owner_seq - a.owner_seq);
      // Only what the page can show is brought to its latest version (all of it when a status filters).
      const tokens = await this.deps.store.current(status ? candidates : candidates.slice(0, page.limit + 1 - found.length));
      found.push(...tokens.filter((t) => !status || visibleStatus(t, now) === status));
      below = bucket * OWNER_BUCKET_SIZE;
    }
    const { items, next_cursor } =
      found.length <= page.limit && below > 1
        ? { items: found, next_cursor: cursorBelow(below) }
        : pageOf(found, page, (t) => String(t.owner_seq));
    return { items: await this.#withLastUse(items), next_cursor };
  }

  async get(id: string, caller: Caller): Promise<TokenWithLastUse> {
    return this.#withLastUseOf(await this.#visible(id, caller));
  }

  async update(input: UpdateInput, caller: Caller): Promise<TokenWithLastUse> {
    actingUser(caller.principal);
    const patch: Partial<TokenState> = {};
    if (input.name !== undefined) patch.name = validName(input.name);
    if (input.description !== undefined) patch.description = validDescription(input.description);
    if (input.scopes !== undefined) {
      patch.scopes = nonEmptyScopes(input.scopes);
      assertGrantable(patch.scopes, caller.principal);
    }
    for (;;) {
      const current = await this.#visible(input.id, caller);
      if (!isUsable(current, this.#now().getTime())) throw new ConflictError('Only an active token can be changed');
      if (Object.keys(patch).length === 0) return this.#withLastUseOf(current);
      const updated = await this.#commit(current, 'updated', patch);
      if (!updated) continue; // a change made at the same time came first: apply this one on top of it
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
      return this.#withLastUseOf(updated);
    }
  }

  /**
   * Revocation is immediate: this replica's Introspect drops the token at once, the
   * others within their cache sync interval. Revoking twice is a no-op; a revocation
   * that loses a race to another change is committed right after it.
   */
  async revoke(id: string, caller: Caller): Promise<void> {
    for (;;) {
      const current = await this.#visible(id, caller);
      if (current.status !== 'active') return;
      const now = this.#now();
      const revoked = await this.#commit(current, 'revoked', {
        status: 'revoked',
        revoked_at: now,
        prev_digest: null,
        prev_expires_at: null,
      });
      if (!revoked) continue;
      await this.deps.audit.emit(
        {
          action: 'token.revoked',
          resource: { type: RESOURCE, id },
          details: { kind: current.kind, owner_id: current.owner_id, ...(current.agent_id ? { agent_id: current.agent_id } : {}) },
        },
        caller,
      );
      return;
    }
  }

  /**
   * A new secret for the same token id. With a grace period the old secret keeps
   * working until it ends (for rolling deploys); without one it dies at once. Of
   * rotations made at once exactly one succeeds and the others are a conflict, so no
   * caller is handed a secret that a simultaneous rotation replaced: a rotation
   * committed after this one began ran at the same time as it.
   */
  async rotate(id: string, graceSeconds: number, caller: Caller): Promise<IssuedToken> {
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
      throw new ValidationError(`grace_seconds must be from 0 to ${MAX_GRACE_SECONDS}`, {
        grace_seconds: `must be an integer from 0 to ${MAX_GRACE_SECONDS}`,
      });
    }
    const begun = this.#now();
    for (;;) {
      const current = await this.#visible(id, caller);
      if (current.rotated_at && current.rotated_at > begun)
        throw new ConflictError('The token was rotated by another request at the same time');
      const now = this.#now();
      if (!isUsable(current, now.getTime())) throw new ConflictError('Only an active token can be rotated');
      const secret = newSecret();
      const graceEnds = graceSeconds > 0 ? new Date(now.getTime() + graceSeconds * 1000) : null;
      const rotated = await this.#commit(current, 'rotated', {
        digest: this.deps.digester.digest(secret),
        prev_digest: graceEnds ? current.digest : null,
        prev_expires_at: graceEnds,
        rotated_at: now,
      });
      if (!rotated) continue;
      await this.deps.audit.emit(
        {
          action: 'token.rotated',
          resource: { type: RESOURCE, id },
          details: { kind: current.kind, owner_id: current.owner_id, grace_seconds: graceSeconds },
        },
        caller,
      );
      return { record: await this.#withLastUseOf(rotated), token: formatToken(current.kind, id, secret) };
    }
  }

  /** Marks a token past its expiry `expired` and audits it; true when this call did (the expiry sweeper). */
  async expire(id: string, now: Date): Promise<boolean> {
    for (;;) {
      const current = await this.deps.store.findById(id);
      if (current?.status !== 'active' || !current.expires_at || current.expires_at > now) return false;
      if (!(await this.#commit(current, 'expired', { status: 'expired' }))) continue;
      await this.deps.audit.emit({
        action: 'token.expired',
        actor: { type: 'service', id: 'token' },
        resource: { type: RESOURCE, id },
        details: { kind: current.kind, owner_id: current.owner_id, expired_at: now.toISOString() },
      });
      return true;
    }
  }

  /**
   * Audits `token.expiring` once for an active token that expires within EXPIRY_NOTICE_MS (webhooks
   * tell its owner); true when this call did. Taken by a unique insert before the event is emitted:
   * a crash between the two loses the notice rather than doubling it.
   */
  async noticeExpiring(id: string, now: Date): Promise<boolean> {
    const current = await this.deps.store.findById(id);
    if (current?.status !== 'active' || !current.expires_at || current.expires_at <= now) return false;
    if (current.expires_at.getTime() - now.getTime() > EXPIRY_NOTICE_MS) return false;
    if (!(await this.deps.store.claimExpiryNotice(id, now))) return false;
    await this.deps.audit.emit({
      action: 'token.expiring',
      actor: { type: 'service', id: 'token' },
      resource: { type: RESOURCE, id },
      details: {
        kind: current.kind,
        name: current.name,
        owner_id: current.owner_id,
        agent_id: current.agent_id || null,
        expires_at: current.expires_at.toISOString(),
      },
    });
    return true;
  }

  /** Commits `current`'s next version with `patch` applied; null when another change committed that version first. */
  async #commit(current: TokenRecord, change: TokenChange, patch: Partial<TokenState>): Promise<TokenRecord | null> {
    const next: TokenRecord = { ...current, ...patch, updated_at: this.#now(), version: current.version + 1 };
    if (!(await this.deps.store.commit(next, change))) return null;
    await this.deps.changed?.(current.id);
    return next;
  }

  async #withLastUse(tokens: TokenRecord[]): Promise<TokenWithLastUse[]> {
    const times = await this.deps.lastUsed.find(tokens.map((t) => t.id));
    return tokens.map((t) => ({ ...t, last_used_at: times.get(t.id) ?? null }));
  }

  async #withLastUseOf(token: TokenRecord): Promise<TokenWithLastUse> {
    return (await this.#withLastUse([token]))[0];
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
      const token: NewToken = {
        id: newTokenId(),
        kind,
        ...fields,
        status: 'active',
        digest: this.deps.digester.digest(secret),
        prev_digest: null,
        prev_expires_at: null,
        rotated_at: null,
        created_at: now,
        updated_at: now,
        revoked_at: null,
      };
      const record = await this.deps.store.insert(token);
      if (!record) continue; // a 95-bit id collided: draw another
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
      return { record: { ...record, last_used_at: null }, token: formatToken(kind, record.id, secret) };
    }
    throw new ServiceUnavailableError('Could not allocate a token id, try again');
  }
}
