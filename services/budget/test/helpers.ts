import { randomBytes } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { AGENT_SCOPES, AppError, createServiceClient, type OutgoingCall, type Principal } from '@tollgate/platform';
import { loadBudget, loadProviderKey, loadToken } from '@tollgate/proto';
import { testEnv } from '../../../test/support/env.js';
import type { ChargeOp } from '../src/domain/book.js';
import type { BudgetState__Output } from '@tollgate/proto/gen/tollgate/budget/v1/BudgetState';
import { entryOf } from '../src/store/journal-store.js';
import { startStack, type Stack, type StackOptions } from '../../../test/support/stack.js';

export const admin: Principal = { type: 'user', id: 'usr_admin', role: 'admin' };
export const manager: Principal = { type: 'user', id: 'usr_manager', role: 'manager' };
export const manager2: Principal = { type: 'user', id: 'usr_manager2', role: 'manager' };
export const member: Principal = { type: 'user', id: 'usr_member', role: 'member' };
export const member2: Principal = { type: 'user', id: 'usr_member2', role: 'member' };
export const viewer: Principal = { type: 'user', id: 'usr_viewer', role: 'viewer' };
export const budgetService: Principal = { type: 'service', id: 'budget' };

export function tokenOf(owner: Principal, scopes: Principal['scopes']): Principal {
  return { type: 'token', id: owner.id, role: owner.role, scopes, tokenId: `tok_${owner.id}` };
}

/** The principal the gateway asserts for an agent's tg_agt_ token. */
export function agentPrincipal(agentId: string, ownerId = member.id): Principal {
  return { type: 'agent', id: agentId, ownerId, scopes: [...AGENT_SCOPES], tokenId: `tok_${agentId}` };
}

/** A long deadline for calls that queue behind many others on one budget. */
export const patient = (principal: Principal): OutgoingCall => ({ principal, deadlineMs: 120_000 });

export interface BudgetStack {
  stack: Stack;
  budget: ReturnType<typeof budgetClient>['call'];
  providerKey: ReturnType<typeof providerKeyClient>['call'];
  token: ReturnType<typeof tokenClient>['call'];
  db: Connection;
  close(): Promise<void>;
}

const clientOpts = (stack: Stack) => ({ issuer: 'test', secret: stack.secrets.SERVICE_TOKEN_SECRET });
/** A client of the stack's budget service, or of another replica of it at `addr`. */
export const budgetClient = (stack: Stack, addr = stack.addrs.budget) => createServiceClient(loadBudget().Budget, addr, clientOpts(stack));
const providerKeyClient = (stack: Stack) =>
  createServiceClient(loadProviderKey().ProviderKey, stack.addrs['provider-key'], clientOpts(stack));
const tokenClient = (stack: Stack) => createServiceClient(loadToken().Token, stack.addrs.token, clientOpts(stack));

/**
 * The budget service with its real neighbours (token, provider-key) and no audit
 * service, so audit events stay in the outbox where tests read them.
 */
export async function startBudgetStack(
  env: Record<string, string> = {},
  opts: Pick<StackOptions, 'env' | 'budgetClock'> = {},
): Promise<BudgetStack> {
  const stack = await startStack({
    services: ['token', 'provider-key', 'budget'],
    gateway: false,
    budgetClock: opts.budgetClock,
    // Members' agents here get budgets of any size; the self-service allowance has its own tests (agents.test.ts).
    env: { ...opts.env, budget: { SELF_SERVICE_BUDGET_USD: '10000', ...opts.env?.budget, ...env } },
  });
  const clients = [budgetClient(stack), providerKeyClient(stack), tokenClient(stack)] as const;
  const db = await mongoose.createConnection(testEnv.mongoUrl, { dbName: stack.env.budget.MONGO_DB }).asPromise();
  return {
    stack,
    budget: clients[0].call,
    providerKey: clients[1].call,
    token: clients[2].call,
    db,
    async close() {
      for (const c of clients) c.close();
      await db.close();
      await stack.close();
    },
  };
}

/** A budget stack with a second replica of the budget service on the same databases. */
export interface TwoReplicas extends BudgetStack {
  /** A client of the second replica. */
  other: ReturnType<typeof budgetClient>;
}

/** startBudgetStack() and a second budget replica; close() stops both. */
export async function startBudgetReplicas(): Promise<TwoReplicas> {
  const s = await startBudgetStack();
  const replica = await s.stack.startReplica('budget');
  const other = budgetClient(s.stack, replica.addr);
  return {
    ...s,
    other,
    async close() {
      other.close();
      await replica.stop();
      await s.close();
    },
  };
}

export { codeOf } from '../../../test/support/errors.js';

export async function errorOf(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

export const usd = (n: number) => Math.round(n * 1_000_000);

/** A budget's money, its period fields aside. */
export const moneyOf = ({ limit_micros, spent_micros, reserved_micros, remaining_micros }: BudgetState__Output) => ({
  limit_micros,
  spent_micros,
  reserved_micros,
  remaining_micros,
});

/** An agent's budget money as the service answers GetBudget, asked as the budget service itself (its period: periodOf). */
export const stateOf = async (s: BudgetStack, agentId: string) =>
  moneyOf(await s.budget.GetBudget({ id: agentId }, { principal: budgetService }));

/** An agent's budget period as the service answers GetBudget. */
export const periodOf = async (s: BudgetStack, agentId: string) => {
  const { period, period_started_at, resets_at } = await s.budget.GetBudget({ id: agentId }, { principal: budgetService });
  return { period, period_started_at, resets_at };
};

/** A ReportUsage request: an openai gpt-4o call of no tokens, with `extra` for what a test is about. */
export const usageReport = (
  leaseId: string,
  requestId: string,
  extra: Partial<{ provider: string; model: string; input_tokens: number; output_tokens: number; cost_micros: number }> = {},
) => ({
  lease_id: leaseId,
  request_id: requestId,
  provider: 'openai',
  model: 'gpt-4o',
  input_tokens: 0,
  output_tokens: 0,
  ...extra,
});

/** A charge as the journal records it, with the entry it is in. */
export type LedgerCharge = ChargeOp & { agent_id: string; seq: number; day: string; at: Date };

/** An agent's budget journal as stored, in order. */
export async function journalOf(db: Connection, agentId: string) {
  const entries = (await db.collection('budget_journal').find({ agent_id: agentId }).toArray()).map(entryOf);
  return entries.sort((a, b) => a.seq - b.seq);
}

/** Every charge in an agent's budget journal, in order: the usage ledger as stored. */
export async function ledgerOf(db: Connection, agentId: string): Promise<LedgerCharge[]> {
  const entries = await journalOf(db, agentId);
  return entries.flatMap((e) =>
    (e.ops as { type: string }[])
      .filter((op) => op.type === 'charge')
      .map((op) => ({ ...(op as ChargeOp), agent_id: agentId, seq: e.seq, day: e.day, at: e.at })),
  );
}

/** What a charge took from the budget. */
export const chargedOf = (c: Pick<LedgerCharge, 'from_hold' | 'from_free'>) => c.from_hold + c.from_free;

/** An agent with a budget, created by `owner` through the real token service. */
export async function createAgent(
  s: BudgetStack,
  budgetMicros: number,
  owner: Principal = member,
  extra: { providers?: string[]; name?: string } = {},
) {
  const res = await s.budget.CreateAgent(
    {
      name: extra.name ?? `agent-${Math.random().toString(36).slice(2, 8)}`,
      description: '',
      budget_micros: budgetMicros,
      providers: extra.providers ?? [],
    },
    { principal: owner },
  );
  return { agent: res.agent!, token: res.token, as: agentPrincipal(res.agent!.id, owner.id) };
}

/** Charges `micros` to an agent through a lease of its own (an openai provider key must exist), then releases the lease. */
export async function spend(s: BudgetStack, a: Awaited<ReturnType<typeof createAgent>>, micros: number) {
  const lease = await s.budget.Handshake({ agent_id: a.agent.id, provider: 'openai', requested_micros: micros }, { principal: a.as });
  await s.budget.ReportUsage(usageReport(lease.lease_id, `r-${randomBytes(4).toString('hex')}`, { cost_micros: micros }), {
    principal: a.as,
  });
  await s.budget.ReleaseLease({ lease_id: lease.lease_id }, { principal: a.as });
}

/** A provider key so handshakes can issue IP tokens. */
export async function addProviderKey(s: BudgetStack, provider: string, apiKey = `sk-test-${provider}-0123456789abcdef`) {
  return s.providerKey.CreateKey(
    { provider, name: provider, api_key: apiKey, base_url: provider === 'openai' ? '' : 'https://llm.example.com/v1' },
    { principal: admin },
  );
}
export { outboxEvents, type OutboxEvent } from '../../../test/support/outbox.js';
