/**
 * Money inside Tollgate is integer micro-dollars (1 USD = 1,000,000). These are the only
 * conversions to and from the decimal USD the REST API speaks; they work on the decimal
 * text, never with floating-point arithmetic on amounts.
 */
export const MICROS_PER_USD = 1_000_000;

const DECIMAL = /^(0|[1-9]\d{0,14})(?:\.(\d{1,6}))?$/;

/** Decimal USD (a JSON number or string) → micros; null when not a non-negative amount with ≤ 6 decimals. */
export function usdToMicros(value: number | string): number | null {
  if (typeof value === 'number') return numberToMicros(value);
  const m = DECIMAL.exec(value.trim());
  if (!m) return null;
  const micros = Number(m[1]) * MICROS_PER_USD + Number((m[2] ?? '').padEnd(6, '0'));
  return Number.isSafeInteger(micros) ? micros : null;
}

/**
 * A JSON number is the nearest double to the decimal that was written: it stands for a whole
 * number of micros when it lies within that double's rounding error of one (0.000007 and
 * 7e-6 alike); 1.0000001 does not.
 */
function numberToMicros(value: number): number | null {
  if (!Number.isFinite(value) || value < 0) return null;
  const scaled = value * MICROS_PER_USD;
  const micros = Math.round(scaled);
  // Within the double's rounding error of a whole number of micros (relative: 1e-42 is not 0 micros).
  if (Math.abs(scaled - micros) > 4 * Number.EPSILON * scaled) return null;
  return Number.isSafeInteger(micros) ? micros : null;
}

/** Micros → decimal USD as a JSON number with at most 6 decimals (exact for amounts < 9e9 USD). */
export function microsToUsd(micros: number): number {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const whole = Math.floor(abs / MICROS_PER_USD);
  const frac = String(abs % MICROS_PER_USD).padStart(6, '0');
  return Number(`${sign}${whole}.${frac}`);
}

/** How often an agent's spend starts again: never, or at each calendar day, week (Monday) or month, UTC. */
export const BUDGET_PERIODS = ['none', 'day', 'week', 'month'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

export function isBudgetPeriod(value: string): value is BudgetPeriod {
  return (BUDGET_PERIODS as readonly string[]).includes(value);
}
