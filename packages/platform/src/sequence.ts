/**
 * The last number of a contiguous sequence (every n up to the last exists, none after
 * it), searched from a known member by probing: gallops forward by doubling steps, then
 * bisects. A hint k behind the end costs about 2·log2(k) probes, each one lookup by key.
 * `known` is a member (0 stands for "none yet" and is never probed).
 *
 * Append-only logs keyed by (owner, sequence) use this to find their head on any
 * database: a unique key is all it needs, no sort or range query.
 */
export async function findLast(known: number, exists: (n: number) => Promise<boolean>): Promise<number> {
  let low = known;
  let step = 1;
  let high: number;
  for (;;) {
    const probe = low + step;
    if (!(await exists(probe))) {
      high = probe;
      break;
    }
    low = probe;
    step *= 2;
  }
  // Invariant: low exists (or is `known`), high does not.
  while (high - low > 1) {
    const mid = low + Math.floor((high - low) / 2);
    if (await exists(mid)) low = mid;
    else high = mid;
  }
  return low;
}
