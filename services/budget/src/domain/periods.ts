import type { BudgetPeriod } from '@tollgate/platform';

/** The start of the calendar period (UTC) that `at` falls in. */
export function periodStart(period: Exclude<BudgetPeriod, 'none'>, at: Date): Date {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const d = at.getUTCDate();
  switch (period) {
    case 'day':
      return new Date(Date.UTC(y, m, d));
    case 'week':
      // ISO weeks start on Monday (getUTCDay: Sunday 0).
      return new Date(Date.UTC(y, m, d - ((at.getUTCDay() + 6) % 7)));
    case 'month':
      return new Date(Date.UTC(y, m, 1));
  }
}

/** The first period boundary after `at`; null for period none. */
export function nextBoundary(period: BudgetPeriod, at: Date): Date | null {
  if (period === 'none') return null;
  const start = periodStart(period, at);
  switch (period) {
    case 'day':
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + 1));
    case 'week':
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + 7));
    case 'month':
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  }
}
