import { NotFoundError, ValidationError, type AuditEmitter, type Caller } from '@tollgate/platform';
import type { BudgetState, EscrowCharge, EscrowStatus, EscrowSyncIntent } from './book.js';
import type { BudgetBook } from './budget-book.js';
import type { BudgetMetrics } from './metrics.js';
import { micros } from './money.js';
import type { ProjectBudgets } from './project-budgets.js';
import type { AgentRepository, CallHoldIndex } from './repositories.js';
import { knownId, validModel, validProvider, validRequestId, validTokens } from './rules.js';
import { audited, overrunEvent } from './usage.js';

export interface EscrowsDeps {
  book: BudgetBook;
  agents: AgentRepository;
  index: CallHoldIndex;
  /** An agent in a project with a budget escrows from both (see #syncOne). */
  projectBudgets: ProjectBudgets;
  audit: AuditEmitter;
  metrics: BudgetMetrics;
  /** An escrow its gateway stopped syncing is charged whole this long after its last renewal. */
  ttlMs: number;
  defaultMaxParallelCalls: number;
  defaultTokensPerMinute: number;
  now?: () => Date;
}

export interface EscrowSync {
  agentId: string;
  escrowId: string;
  seq: number;
  charges: EscrowCharge[];
  want: number;
}

/** An escrow after its sync, with what its gateway needs to decide the agent's calls. */
export interface EscrowState {
  agentId: string;
  status: EscrowStatus | 'not_found';
  escrow: number;
  remaining: number;
  expiresAt: Date | null;
  providers: string[];
  maxParallelCalls: number;
  tokensPerMinute: number;
}

const MINUTE_MS = 60_000;
/** The most syncs one call carries (a gateway syncs every agent it has work for at once). */
export const MAX_SYNCS = 1_000;
/** The most charges one sync carries. */
const MAX_CHARGES = 1_000;
/** Agents whose allowed providers and project are kept in memory (they never change after creation). */
const REMEMBERED_AGENTS = 100_000;

/**
 * The escrows of proxied calls. A gateway replica sets money aside per agent (an escrow, a
 * hold in the agent's journal) and decides each call's own worst-case hold inside it in
 * memory — no round trip on a call's way to the provider. Its syncs charge the calls' costs
 * from the escrow and resize it; an escrow whose gateway stops syncing (it died) is charged
 * whole when it expires, so nothing is ever free. Every decision is an op in the journal.
 */
export class Escrows {
  readonly #now: () => Date;
  readonly #known = new Map<string, { providers: string[]; projectId: string }>();

  constructor(private readonly deps: EscrowsDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  /** Syncs many agents' escrows at once (their entries are written together); answers in the same order. */
  async sync(syncs: EscrowSync[], caller: Caller): Promise<EscrowState[]> {
    if (syncs.length > MAX_SYNCS) throw new ValidationError(`At most ${MAX_SYNCS} escrows per sync`, { escrows: `at most ${MAX_SYNCS}` });
    const valid = syncs.map(validSync);
    return Promise.all(valid.map((s) => this.#syncOne(s, caller)));
  }

  /**
   * Charges whole every escrow (and call hold of older journals) of the agent — or project — that
   * expired unsynced (the sweeper); a project's part of a lease that expired is released.
   */
  async chargeExpired(agentId: string): Promise<number> {
    const state = await this.deps.book.current(agentId);
    if (!state) return 0;
    const now = this.#now().getTime();
    const leases = knownId('prj', agentId)
      ? Object.entries(state.holds)
          .filter(([, h]) => (h.kind ?? 'lease') === 'lease' && h.expires_at.getTime() <= now)
          .map(([id]) => id)
      : [];
    if (leases.length > 0)
      await this.deps.book.submit(
        agentId,
        leases.map((id) => ({ intent: { type: 'release', id, reason: 'expired' } })),
      );
    const expired = expiredHolds(state, now);
    for (const id of expired) {
      const reason = 'its gateway stopped syncing: charged whole at its expiry';
      const [decided] = await this.deps.book.submit(agentId, [{ intent: { type: 'charge_whole', id, reason } }]);
      const outcome = decided.outcome;
      if (outcome.type !== 'charge_whole') throw new Error(`a whole charge was decided as ${outcome.type}`);
      if (outcome.op) {
        const details = { hold_id: id, reason, charged_micros: outcome.op.cost_micros };
        await audited(this.deps.audit, {
          action: 'budget.call.charged_whole',
          outcome: 'failure',
          resource: { type: 'budget', id: agentId },
          details,
        });
      }
    }
    return expired.length + leases.length;
  }

  /**
   * One escrow's sync. An agent in a project with a budget escrows from both, each level atomic
   * in its own journal: its project's part (the escrow's mirror, same id) is charged and resized
   * first, then the agent's within what the project gave, then the project's part shrinks to
   * what the agent got. A crash between leaves the project holding more than the agent, never
   * less, and the gateway's retry of the same sync finishes it (each step is a repeat then).
   */
  async #syncOne(sync: EscrowSync, caller: Caller): Promise<EscrowState> {
    const agent = await this.#agentOf(sync.agentId);
    // A deleted agent's open escrows still take their calls' charges and shrink as their gateways hand them back; none opens.
    if (!agent || (agent.deleted && sync.seq === 1)) return this.#notFound(sync.agentId);
    const { providers } = agent;
    const now = this.#now();
    const expiresAt = new Date(now.getTime() + this.deps.ttlMs);
    const intent: EscrowSyncIntent = {
      type: 'sync_escrow',
      id: sync.escrowId,
      seq: sync.seq,
      charges: sync.charges,
      want: sync.want,
      expires_at: expiresAt,
      renew_before: new Date(now.getTime() + this.deps.ttlMs / 2),
    };
    const project = (await this.#mirrored(agent.projectId, sync)) ? agent.projectId : '';
    // Indexed before the escrow can expire then, so that an expiry is never missed.
    await Promise.all([
      this.deps.index.add(sync.agentId, minuteOf(expiresAt)),
      project && this.deps.index.add(project, minuteOf(expiresAt)),
    ]);
    const part = project ? await this.#projectPart(project, { ...intent, seq: 2 * sync.seq, mirror: true }) : null;
    let decided;
    try {
      [decided] = await this.deps.book.submit(sync.agentId, [
        { intent: part ? { ...intent, want: Math.min(sync.want, part.escrow) } : intent },
      ]);
    } catch (err) {
      if (err instanceof NotFoundError) return this.#notFound(sync.agentId);
      throw err;
    }
    const outcome = decided.outcome;
    if (outcome.type !== 'sync_escrow') throw new Error(`an escrow sync was decided as ${outcome.type}`);
    if (part && outcome.escrow < part.escrow)
      await this.#projectPart(project, { ...intent, seq: 2 * sync.seq + 1, charges: [], want: outcome.escrow, mirror: true });
    // A disabled agent opens no escrow; a deleted one (disabled for good) is unknown here, as everywhere.
    if (outcome.status === 'disabled' && sync.seq === 1 && !agent.deleted && (await this.#deleted(sync.agentId)))
      return this.#notFound(sync.agentId);
    this.deps.metrics.held(sync.want, outcome.escrow);
    const asAgent = { ...caller, principal: { type: 'agent' as const, id: sync.agentId } };
    for (const { op, overrun } of outcome.charges) {
      this.deps.metrics.settled(op);
      if (op.whole_hold) {
        const details = { hold_id: op.hold_id, request_id: op.request_id, reason: op.whole_hold, charged_micros: op.cost_micros };
        await audited(
          this.deps.audit,
          { action: 'budget.call.charged_whole', outcome: 'failure', resource: { type: 'budget', id: sync.agentId }, details },
          asAgent,
        );
      }
      if (overrun > 0) await audited(this.deps.audit, overrunEvent(sync.agentId, op, overrun), asAgent);
    }
    return {
      agentId: sync.agentId,
      status: outcome.status,
      escrow: outcome.escrow,
      // What the agent may still get: the lesser of its own and its project's.
      remaining: Math.min(decided.after.remaining, part?.remaining ?? Infinity),
      expiresAt: outcome.expires_at,
      providers,
      maxParallelCalls: outcome.profile.max_parallel_calls || this.deps.defaultMaxParallelCalls,
      tokensPerMinute: outcome.profile.tokens_per_minute || this.deps.defaultTokensPerMinute,
    };
  }

  /**
   * Whether the escrow has a part in its agent's project: the project has a budget, and the
   * escrow is being opened or is open (charges that reach a closed escrow are charged nowhere).
   */
  async #mirrored(projectId: string, sync: EscrowSync): Promise<boolean> {
    if (!(await this.deps.projectBudgets.has(projectId))) return false;
    return sync.seq === 1 || (await this.deps.book.current(sync.agentId))?.holds[sync.escrowId]?.kind === 'escrow';
  }

  /** A step of a project's part of an escrow: its size and the project's remaining after it. */
  async #projectPart(projectId: string, intent: EscrowSyncIntent): Promise<{ escrow: number; remaining: number }> {
    const [decided] = await this.deps.book.submit(projectId, [{ intent }]);
    if (decided.outcome.type !== 'sync_escrow') throw new Error(`an escrow sync was decided as ${decided.outcome.type}`);
    return { escrow: decided.outcome.escrow, remaining: decided.after.remaining };
  }

  #notFound(agentId: string): EscrowState {
    return {
      agentId,
      status: 'not_found',
      escrow: 0,
      remaining: 0,
      expiresAt: null,
      providers: [],
      maxParallelCalls: 0,
      tokensPerMinute: 0,
    };
  }

  /** The agent was deleted since it was remembered (then it is forgotten). */
  async #deleted(agentId: string): Promise<boolean> {
    if ((await this.deps.agents.findById(agentId))?.status !== 'deleted') return false;
    this.#known.delete(agentId);
    return true;
  }

  /**
   * The providers an agent may use (empty: any) and its project, read once per active agent:
   * they are fixed when it is created. Null: no such agent. A deleted agent is never remembered
   * (its escrows only wind down).
   */
  async #agentOf(agentId: string): Promise<{ providers: string[]; projectId: string; deleted: boolean } | null> {
    const known = this.#known.get(agentId);
    if (known) return { ...known, deleted: false };
    const agent = await this.deps.agents.findById(agentId);
    if (!agent || (agent.status !== 'active' && agent.status !== 'deleted')) return null;
    const found = { providers: agent.providers, projectId: agent.project_id };
    if (agent.status === 'deleted') return { ...found, deleted: true };
    if (this.#known.size >= REMEMBERED_AGENTS) this.#known.clear();
    this.#known.set(agentId, found);
    return { ...found, deleted: false };
  }
}

export const minuteOf = (at: Date) => Math.floor(at.getTime() / MINUTE_MS);

function validSync(s: EscrowSync): EscrowSync {
  if (!knownId('agt', s.agentId)) throw new ValidationError('agent_id is not an agent id', { agent_id: 'must be an agent id' });
  if (!knownId('hld', s.escrowId)) throw new ValidationError('escrow_id is not a hold id', { escrow_id: 'must be a hold id (hld_…)' });
  if (!Number.isSafeInteger(s.seq) || s.seq < 1) throw new ValidationError('seq must be 1 or more', { seq: 'must be an integer from 1' });
  if (s.charges.length > MAX_CHARGES)
    throw new ValidationError(`At most ${MAX_CHARGES} charges per sync`, { charges: `at most ${MAX_CHARGES}` });
  return {
    agentId: s.agentId,
    escrowId: s.escrowId,
    seq: s.seq,
    want: micros(s.want, 'want_micros'),
    charges: s.charges.map((c) => {
      if (!knownId('hld', c.hold_id)) throw new ValidationError('hold_id is not a hold id', { hold_id: 'must be a hold id (hld_…)' });
      return {
        hold_id: c.hold_id,
        request_id: validRequestId(c.request_id),
        provider: validProvider(c.provider),
        model: validModel(c.model),
        input_tokens: validTokens(c.input_tokens, 'input_tokens'),
        output_tokens: validTokens(c.output_tokens, 'output_tokens'),
        cost_micros: micros(c.cost_micros, 'cost_micros'),
        whole_hold: c.whole_hold.slice(0, 500),
      };
    }),
  };
}

function expiredHolds(state: BudgetState, now: number): string[] {
  return Object.entries(state.holds)
    .filter(([, h]) => (h.kind === 'escrow' || h.kind === 'call') && h.expires_at.getTime() <= now)
    .map(([id]) => id);
}
