import { MICROS_PER_USD, ValidationError } from '@tollgate/platform';

/** `$10,000`, `$10,000.5`: a micro-dollar amount for people to read. */
export function formatUsd(micros: number): string {
  const whole = Math.floor(micros / MICROS_PER_USD);
  const frac = String(micros % MICROS_PER_USD)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return `$${whole.toLocaleString('en-US')}${frac ? `.${frac}` : ''}`;
}

/** The largest amount any counter may hold: exact integers in a double and in int64. */
export const MAX_MICROS = Number.MAX_SAFE_INTEGER;

/** A non-negative integer amount of micro-dollars, or a validation error naming the field. */
export function micros(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(`${field} must be a non-negative whole number of micro-dollars`, {
      [field]: 'must be a non-negative integer (micro-dollars)',
    });
  }
  return value;
}
