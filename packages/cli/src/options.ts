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
