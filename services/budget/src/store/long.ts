import mongoose from 'mongoose';

const { Long } = mongoose.mongo;

/**
 * Money is stored as BSON int64 and every increment is an int64 too: FerretDB wraps an
 * int32 `$inc` that overflows (2,147,483,647 micros is only $2,147), so no counter may
 * ever be an int32.
 */
export const int64 = (n: number) => Long.fromNumber(n);

/** A stored number back to a JS number (the driver hands out numbers, or Long beyond 2^53). */
export function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value instanceof Long) return value.toNumber();
  if (value === null || value === undefined) return 0;
  return Number(value);
}
