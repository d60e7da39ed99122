import './zod-openapi.js';
import { z } from 'zod';
import { BUDGET_PERIODS, microsToUsd, ROLES, type BudgetPeriod } from '@tollgate/platform';
import type { BudgetState__Output } from '@tollgate/proto/gen/tollgate/budget/v1/BudgetState';
import type { User__Output } from '@tollgate/proto/gen/tollgate/identity/v1/User';

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

export const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().openapi({ description: "The email's local part when no name was given" }),
    role: z.enum(ROLES),
    disabled: z.boolean(),
    locked: z.boolean().openapi({ description: 'Locked after repeated failed logins (POST /v1/users/{id}/unlock clears it)' }),
    created_at: z.string(),
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
  };
}
