import { UsageError } from './errors.js';

/** A whole-number option from `min` to `max`, or a UsageError naming the option (nothing is sent). */
export function integer(value: string, option: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max)
    throw new UsageError(`${option} must be a whole number from ${min} to ${max}, not "${value}"`);
  return n;
}

/** Commander collector for a repeatable list option: `--x a --x b,c` → ['a', 'b', 'c'], each once. */
export function collectList(value: string, previous: string[] = []): string[] {
  return [...new Set([...previous, ...value.split(/[\s,]+/).filter(Boolean)])];
}

/** A USD amount option (at most 6 decimals, as the API takes it), or a UsageError naming the option: '' is not $0. */
export function usdAmount(value: string, option: string): number {
  if (!/^\d+(\.\d{1,6})?$/.test(value.trim()))
    throw new UsageError(`${option} must be a USD amount like 12.5 (at most 6 decimals), not "${value}"`);
  return Number(value);
}

const AGO_UNITS_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A point in time as the API takes it (RFC 3339, UTC), or a UsageError naming the option:
 * an RFC 3339 timestamp with its offset (2025-01-31T12:00:00Z), a UTC date (2025-01-31,
 * its midnight), or a span before now (90s, 15m, 2h, 7d).
 */
export function instant(value: string, option: string, now = Date.now()): string {
  const v = value.trim();
  const ago = /^(\d{1,6})([smhd])$/.exec(v);
  if (ago) return new Date(now - Number(ago[1]) * AGO_UNITS_MS[ago[2]]).toISOString();
  const rfc3339 = /^(\d{4})-(\d\d)-(\d\d)([Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d))?$/.exec(v);
  const t = rfc3339 ? Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v.replace(' ', 'T')) : NaN;
  // Date.parse rolls 2025-02-30 over into March; a day the month does not have is refused.
  const day = rfc3339 ? new Date(Date.UTC(Number(rfc3339[1]), Number(rfc3339[2]) - 1, Number(rfc3339[3]))) : undefined;
  if (Number.isNaN(t) || day?.getUTCDate() !== Number(rfc3339?.[3])) {
    throw new UsageError(
      `${option} must be a time like 2025-01-31T12:00:00Z, a date like 2025-01-31, or a span ago like 15m, 2h or 7d, not "${value}"`,
    );
  }
  return new Date(t).toISOString();
}
