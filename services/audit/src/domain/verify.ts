import type { ChainHead } from './event.js';
import { seqSpan, walk } from './event-pages.js';
import type { EventStore } from './event-store.js';
import { ChainWalker, GENESIS, type ChainFault } from './hash-chain.js';

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** The first event that does not fit the chain (the one after a deleted event). */
  firstBadId?: string;
  fault?: ChainFault;
}

/**
 * Recomputes the chain over the events whose `at` lies in [from, to] (all of them
 * without bounds). Emitters deliver late, so `at` is not monotonic in seq: the range
 * checked is every event from the lowest to the highest seq that falls in the window
 * (found as seqSpan says), linked to the event just before it. Events are read a page
 * at a time in seq order, never all at once. Stops at the first fault.
 */
export async function verifyChain(store: EventStore, from?: Date, to?: Date): Promise<VerifyResult> {
  let fromSeq = 1;
  let toSeq = (await store.head()).seq;
  let anchor: ChainHead = GENESIS;
  if (from || to) {
    const span = await seqSpan(store, from, to);
    if (!span) return { ok: true, checked: 0 };
    fromSeq = span.min;
    toSeq = span.max;
  }
  if (fromSeq > 1) {
    const before = await store.findBySeq(fromSeq - 1);
    // The predecessor is gone: the first event of the range cannot be linked.
    anchor = before ? { seq: before.seq, hash: before.hash } : { seq: fromSeq - 1, hash: '' };
  }

  const walker = new ChainWalker(anchor);
  let checked = 0;
  for await (const e of walk(store, fromSeq, toSeq)) {
    checked++;
    const fault = walker.step(e);
    if (fault) return { ok: false, checked, firstBadId: e.id, fault };
  }
  return { ok: true, checked };
}
