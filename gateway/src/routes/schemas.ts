import './zod-openapi.js';
import { z } from 'zod';
import { BUDGET_PERIODS, microsToUsd, ROLES, type BudgetPeriod } from '@tollgate/platform';
import type { BudgetHistory__Output } from '@tollgate/proto/gen/tollgate/budget/v1/BudgetHistory';
import type { BudgetState__Output } from '@tollgate/proto/gen/tollgate/budget/v1/BudgetState';
import type { LimitChange__Output } from '@tollgate/proto/gen/tollgate/budget/v1/LimitChange';
import { nullable, requiredText, toMicros, usdAmount } from './fields.js';
import type { User__Output } from '@tollgate/proto/gen/tollgate/identity/v1/User';
import type { AuthResult__Output } from '@tollgate/proto/gen/tollgate/identity/v1/AuthResult';
import type { Agent__Output } from '@tollgate/proto/gen/tollgate/budget/v1/Agent';
import type { ApiToken__Output } from '@tollgate/proto/gen/tollgate/token/v1/ApiToken';

/** Response shapes several API areas answer with: each area module stands on these, never on another area's module. */

/** The error envelope of every error answer. */
export const errorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      request_id: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('Error');

export const budgetSchema = z
  .object({
    limit_usd: z.number(),
    spent_usd: z.number().openapi({ description: 'Spent in the current period' }),
    reserved_usd: z.number().openapi({ description: 'Held for calls in flight and open leases' }),
    remaining_usd: z.number(),
    period: z
      .enum(BUDGET_PERIODS)
      .openapi({ description: 'How often the spend starts again: never, or at each calendar day, week (Monday) or month, UTC' }),
    period_started_at: z
      .string()
      .nullable()
      .openapi({ description: "When the current period began: the agent's creation, the last reset or the last boundary" }),
    resets_at: z.string().nullable().openapi({ description: 'The next period boundary; null for period none' }),
  })
  .openapi('Budget');

export function toBudget(b: BudgetState__Output | null | undefined) {
  return {
    limit_usd: microsToUsd(b?.limit_micros ?? 0),
    spent_usd: microsToUsd(b?.spent_micros ?? 0),
    reserved_usd: microsToUsd(b?.reserved_micros ?? 0),
    remaining_usd: microsToUsd(b?.remaining_micros ?? 0),
    period: (b?.period || 'none') as BudgetPeriod,
    period_started_at: b?.period_started_at || null,
    resets_at: b?.resets_at || null,
  };
}

/** A limit change as the budget history and the ledger show it; inline, not a component: OpenAPI 3.0 cannot make a reference nullable. */
export const limitChangeSchema = z.object({
  old_limit_usd: z.number(),
  new_limit_usd: z.number(),
  approver_id: z.string(),
  request_id: z.string(),
  reason: z.string(),
  at: z.string(),
  kind: z.enum(['request', 'set', 'reset']).openapi({
    description:
      "request: an approved budget request (request_id is its id); set, reset: a manager's change (request_id is the change's id)",
  }),
  period: z.enum(BUDGET_PERIODS).openapi({ description: 'The period after the change' }),
  closed_spent_usd: z.number().openapi({ description: "A reset's: what the period it closed had spent (0 otherwise)" }),
});

export function toLimitChange(h: LimitChange__Output): z.infer<typeof limitChangeSchema> {
  return {
    old_limit_usd: microsToUsd(h.old_limit_micros),
    new_limit_usd: microsToUsd(h.new_limit_micros),
    approver_id: h.approver_id,
    request_id: h.request_id,
    reason: h.reason,
    at: h.at,
    kind: h.kind as 'request' | 'set' | 'reset',
    period: (h.period || 'none') as BudgetPeriod,
    closed_spent_usd: microsToUsd(h.closed_spent_micros),
  };
}

export const budgetHistorySchema = z.object({ items: z.array(limitChangeSchema) }).openapi('BudgetHistory');

export function toBudgetHistory(res: BudgetHistory__Output): z.infer<typeof budgetHistorySchema> {
  return { items: res.items.map(toLimitChange) };
}

/** A manager's change of a budget's limit and/or period (an agent's or a project's). */
export const setBudgetBody = z.object({
  limit_usd: usdAmount({ maximum: 9_007_199_254, note: 'no less than spent + reserved when lowering' }).optional(),
  period: z.enum(BUDGET_PERIODS).optional(),
  reason: requiredText,
});

/** The budget service's fields for a set budget body. */
export function setBudgetFields(body: z.infer<typeof setBudgetBody>) {
  return {
    limit_micros: body.limit_usd === undefined ? undefined : toMicros(body.limit_usd, 'limit_usd'),
    period: body.period,
    reason: body.reason,
  };
}

export const setBudgetRule = {
  holds: (b: z.infer<typeof setBudgetBody>) => b.limit_usd !== undefined || b.period !== undefined,
  field: 'limit_usd',
  message: 'give limit_usd, period or both',
  schema: { anyOf: [{ required: ['limit_usd'] }, { required: ['period'] }] },
};

/** Replaces a budget's alert thresholds. */
export const alertThresholdsField = z
  .array(z.number().int().min(1).max(100))
  .max(10)
  .optional()
  .openapi({
    description:
      'Replaces the alert thresholds: percentages of the limit (e.g. [50, 80, 100]) whose crossing is audited ' +
      '`budget.threshold`, once a period each; [] for none',
  });

export const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().openapi({ description: "The email's local part when no name was given" }),
    role: z.enum(ROLES),
    disabled: z.boolean(),
    locked: z.boolean().openapi({ description: 'Locked after repeated failed logins (POST /v1/users/{id}/unlock clears it)' }),
    created_at: z.string(),
    last_login_at: z
      .string()
      .nullable()
      .openapi({ description: 'When the user last signed in (a password, a sign-in link or a passkey); null: never' }),
    password_login: z.boolean().openapi({
      description: 'false: passwords do not sign this user in (sign-in links and passkeys do); set by admins (PATCH /v1/users/{id})',
    }),
    must_change_password: z.boolean().openapi({
      description: 'An admin set a temporary password: the next password login must send new_password',
    }),
  })
  .openapi('User');

export function toUser(u: User__Output): z.infer<typeof userSchema> {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role as (typeof ROLES)[number],
    disabled: u.disabled,
    locked: u.locked,
    created_at: u.created_at,
    last_login_at: u.last_login_at || null,
    password_login: u.password_login,
    must_change_password: u.must_change_password,
  };
}

/** A login session, as its owner and admins see it. */
export const sessionSchema = z
  .object({
    id: z.string(),
    created_at: z.string(),
    last_used_at: z.string(),
    ip: z.string(),
    user_agent: z.string(),
    current: z.boolean().openapi({ description: 'The session of the access token making this request' }),
  })
  .openapi('Session');

export const tokenSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['personal', 'agent']),
    prefix: z.string().openapi({ description: 'The public part of the token (tg_pat_<id>), safe to show and log' }),
    owner_id: z.string(),
    agent_id: z.string().nullable(),
    name: z.string(),
    description: z.string(),
    scopes: z.array(z.string()),
    status: z.enum(['active', 'revoked', 'expired']),
    expires_at: z.string().nullable().openapi({ description: 'null: never expires' }),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
  })
  .openapi('ApiToken');

export function toToken(t: ApiToken__Output) {
  return {
    id: t.id,
    kind: t.kind as 'personal' | 'agent',
    prefix: t.prefix,
    owner_id: t.owner_id,
    agent_id: nullable(t.agent_id),
    name: t.name,
    description: t.description,
    scopes: t.scopes,
    status: t.status as 'active' | 'revoked' | 'expired',
    expires_at: nullable(t.expires_at),
    created_at: t.created_at,
    last_used_at: nullable(t.last_used_at),
  };
}

export const agentSchema = z
  .object({
    id: z.string(),
    owner_id: z.string(),
    name: z.string(),
    description: z.string(),
    providers: z.array(z.string()).openapi({ description: 'Providers the agent may use; empty: any' }),
    disabled: z.boolean(),
    token_id: z.string().nullable().openapi({ description: "The id of the agent's tg_agt_ credential" }),
    created_at: z.string(),
    budget: budgetSchema,
    max_parallel_calls: z
      .number()
      .int()
      .openapi({ description: "Proxied calls in flight at once; 0: the service's default (MAX_PARALLEL_CALLS)" }),
    tokens_per_minute: z
      .number()
      .int()
      .openapi({ description: "Tokens a minute through the proxy; 0: the service's default (TOKENS_PER_MINUTE)" }),
    alert_thresholds: z.array(z.number().int()).openapi({
      description: 'Percentages of the limit whose crossing is audited `budget.threshold`, once a period each (ascending)',
    }),
    project_id: z.string().nullable().openapi({
      description: 'The project it belongs to (null: none). Its members see it; outside them only its owner, managers and admins do',
    }),
  })
  .openapi('Agent');

export function toAgent(a: Agent__Output) {
  return {
    id: a.id,
    owner_id: a.owner_id,
    name: a.name,
    description: a.description,
    providers: a.providers,
    disabled: a.disabled,
    token_id: nullable(a.token_id),
    created_at: a.created_at,
    budget: toBudget(a.budget),
    max_parallel_calls: a.max_parallel_calls,
    tokens_per_minute: a.tokens_per_minute,
    alert_thresholds: a.alert_thresholds,
    project_id: nullable(a.project_id),
  };
}

export const authResultSchema = z
  .object({
    access_token: z.string().openapi({ description: 'ES256 JWT; send as Authorization: Bearer' }),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int().openapi({ description: 'Seconds until the access token expires' }),
    refresh_token: z.string().openapi({ description: 'Single use: every refresh returns a new one' }),
    csrf_token: z.string().openapi({ description: 'Send as X-CSRF-Token with the cookie refresh flow' }),
    user: userSchema,
  })
  .openapi('AuthResult');

export function toAuthResult(r: AuthResult__Output): z.infer<typeof authResultSchema> {
  return {
    access_token: r.access_token,
    token_type: 'Bearer',
    expires_in: r.expires_in,
    refresh_token: r.refresh_token,
    csrf_token: r.csrf_token,
    user: toUser(r.user!),
  };
}
