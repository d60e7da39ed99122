import { ROLE_SCOPES, type AuditEmitter } from '@tollgate/platform';
import type { Logger } from 'pino';
import type { SecretDigester } from './secret-digest.js';
import type { ParsedToken } from './token-format.js';
import type { NewToken, TokenRepository } from './token-repository.js';

export interface BootstrapDeps {
  store: Pick<TokenRepository, 'exists' | 'insert'>;
  digester: SecretDigester;
  audit: AuditEmitter;
  /** The user who will own the token: the bootstrap admin, as identity knows it; null when there is none yet. */
  findOwner: () => Promise<string | null>;
  log: Logger;
  /** Delay between attempts while identity is unreachable or has no admin yet. */
  retryMs?: number;
}

export type SeedOutcome = 'seeded' | 'present' | 'no_owner';

/**
 * BOOTSTRAP_TOKEN lets an installation start with a known admin API token (CI, first
 * setup). It is stored once, the first time its id is not in the store: a token that
 * was later revoked or rotated is never brought back by a restart. It belongs to the
 * bootstrap admin, holds every admin scope, and does not expire — revoke it once real
 * tokens exist.
 */
export async function seedBootstrapToken(token: ParsedToken, deps: BootstrapDeps): Promise<SeedOutcome> {
  if (await deps.store.exists(token.id)) return 'present';
  const ownerId = await deps.findOwner();
  if (!ownerId) return 'no_owner';
  const now = new Date();
  const record: NewToken = {
    id: token.id,
    kind: 'personal',
    owner_id: ownerId,
    agent_id: '',
    name: 'bootstrap',
    description: 'Seeded from BOOTSTRAP_TOKEN',
    scopes: [...ROLE_SCOPES.admin],
    status: 'active',
    digest: deps.digester.digest(token.secret),
    prev_digest: null,
    prev_expires_at: null,
    rotated_at: null,
    expires_at: null,
    created_at: now,
    updated_at: now,
    revoked_at: null,
  };
  if (!(await deps.store.insert(record))) return 'present';
  await deps.audit.emit({
    action: 'token.seeded',
    actor: { type: 'service', id: 'token' },
    resource: { type: 'token', id: token.id },
    details: { owner_id: ownerId, scopes: record.scopes, expires_at: null },
  });
  return 'seeded';
}

/**
 * Seeds at start-up and, while identity is unreachable or has no admin yet, keeps
 * trying in the background, so the token service never waits on identity to serve.
 */
export class BootstrapSeeder {
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(
    private readonly token: ParsedToken,
    private readonly deps: BootstrapDeps,
  ) {}

  /** The first attempt; later ones are scheduled if it could not finish. */
  async start(): Promise<SeedOutcome | 'retrying'> {
    const outcome = await this.#attempt();
    if (outcome === 'retrying' || outcome === 'no_owner') this.#schedule();
    return outcome;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
  }

  async #attempt(): Promise<SeedOutcome | 'retrying'> {
    try {
      const outcome = await seedBootstrapToken(this.token, this.deps);
      if (outcome === 'seeded') this.deps.log.info({ token_id: this.token.id }, 'bootstrap token seeded');
      if (outcome === 'no_owner') this.deps.log.warn('bootstrap token not seeded yet: identity has no admin');
      return outcome;
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'bootstrap token not seeded yet, will retry');
      return 'retrying';
    }
  }

  #schedule() {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.#attempt().then((o) => {
        if (o === 'retrying' || o === 'no_owner') this.#schedule();
      });
    }, this.deps.retryMs ?? 5_000);
    this.#timer.unref();
  }
}
