import type { Hold } from './book.js';

export interface ChargeSplit {
  /** Taken from the lease's reservation. */
  fromLease: number;
  /** Taken from the unreserved rest of the budget. */
  fromRemaining: number;
  /** Not covered: recorded in the ledger, never charged. */
  unbilled: number;
}

/**
 * How a cost is covered. A report under an open lease spends the lease first, and goes
 * beyond it only when overage is allowed; a report without a lease (the gateway's proxy)
 * spends the unreserved budget. Nothing is ever taken that is not there, so a budget
 * cannot go below zero whatever is reported.
 */
export function splitCharge(opts: { cost: number; remaining: number; slot: Hold | undefined; withLease: boolean; allowOverage: boolean }): ChargeSplit {
  const fromLease = opts.slot ? Math.min(opts.cost, opts.slot.unspent) : 0;
  const beyond = opts.cost - fromLease;
  const fromRemaining = !opts.withLease || opts.allowOverage ? Math.min(beyond, Math.max(0, opts.remaining)) : 0;
  return { fromLease, fromRemaining, unbilled: opts.cost - fromLease - fromRemaining };
}
