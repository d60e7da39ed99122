import { firstSeqOf, pageOf, type ChainedEvent, type EventFilter } from './event.js';
import type { EventStore } from './event-store.js';

/**
 * How many pages one Query reads at most (EVENTS_PER_PAGE seqs each). A filter that
 * matches rarely would otherwise read the whole log for one page of results; instead the
 * answer stops here, possibly short or empty, with a cursor to continue from.
 */
export const QUERY_MAX_PAGES = 16;

export interface NewestFirst {
  events: ChainedEvent[];
  /** Set when the read stopped at QUERY_MAX_PAGES: more may match below this seq. */
  continueBelow?: number;
}

/** The pages of the log that can hold events of a time window (both ends inclusive). */
interface PageSpan {
  first: number;
  last: number;
}

const inWindow = (e: ChainedEvent, f: Pick<EventFilter, 'from' | 'to'>) => (!f.from || e.at >= f.from) && (!f.to || e.at <= f.to);

/**
 * Up to `limit` matching events with seq below `beforeSeq`, newest first: page by page
 * down from the head (or the window's last page), each page one equality query.
 */
export async function newestFirst(store: EventStore, filter: EventFilter, limit: number, beforeSeq?: number): Promise<NewestFirst> {
  const head = await store.head();
  const top = Math.min(head.seq, (beforeSeq ?? Number.POSITIVE_INFINITY) - 1);
  const span = top < 1 ? null : await windowPages(store, head.seq, filter);
  if (!span) return { events: [] };
  const found: ChainedEvent[] = [];
  for (let page = Math.min(pageOf(top), span.last), read = 0; page >= span.first; page--, read++) {
    if (read === QUERY_MAX_PAGES) return { events: found, continueBelow: firstSeqOf(page + 1) };
    const events = await store.page(page, filter);
    found.push(...events.filter((e) => e.seq <= top && inWindow(e, filter)).reverse());
    if (found.length >= limit) return { events: found.slice(0, limit) };
  }
  return { events: found };
}

/** The matching events oldest first (chain order), a page at a time. */
export async function* oldestFirst(store: EventStore, filter: EventFilter): AsyncGenerator<ChainedEvent> {
  const head = await store.head();
  const span = await windowPages(store, head.seq, filter);
  if (!span) return;
  for (let page = span.first; page <= span.last; page++) {
    for (const e of await store.page(page, filter)) if (e.seq <= head.seq && inWindow(e, filter)) yield e;
  }
}

/** Every stored event with seq in [fromSeq, toSeq], in seq order, a page at a time. */
export async function* walk(store: EventStore, fromSeq: number, toSeq: number): AsyncGenerator<ChainedEvent> {
  for (let page = pageOf(fromSeq); page <= pageOf(toSeq); page++) {
    for (const e of await store.page(page, {})) if (e.seq >= fromSeq && e.seq <= toSeq) yield e;
  }
}

/**
 * The lowest and highest seq of the events whose `at` lies in [from, to], looked for in
 * the pages windowPages picks: the first page from the bottom and the first from the
 * top that hold such an event.
 */
export async function seqSpan(store: EventStore, from?: Date, to?: Date): Promise<{ min: number; max: number } | null> {
  const head = await store.head();
  const span = await windowPages(store, head.seq, { from, to });
  if (!span) return null;
  let min: number | undefined;
  for (let page = span.first; page <= span.last && min === undefined; page++) {
    min = (await store.page(page, {})).find((e) => e.seq <= head.seq && inWindow(e, { from, to }))?.seq;
  }
  if (min === undefined) return null;
  for (let page = span.last; page >= pageOf(min); page--) {
    const max = (await store.page(page, {})).findLast((e) => e.seq <= head.seq && inWindow(e, { from, to }))?.seq;
    if (max !== undefined) return { min, max };
  }
  return { min, max: min };
}

/**
 * Which pages a time window covers, by bisection over pages instead of a scan. `at` is
 * the emitter's clock when the event happened and the log is appended in arrival order,
 * so `at` grows with seq except for events delivered late (an outbox catching up after
 * an outage). Reading whole pages absorbs single late events: the first page is the
 * first whose newest `at` reaches `from` (before it, every event is older), the last is
 * the last whose oldest `at` is not after `to` (a late event only moves it later).
 * A page made only of events delivered later than newer ones already stored can fall
 * outside; an unbounded Query, Export or Verify still covers it.
 * Costs about 2·log2(pages) page reads when both ends are given, none without a window.
 */
async function windowPages(store: EventStore, headSeq: number, window: Pick<EventFilter, 'from' | 'to'>): Promise<PageSpan | null> {
  if (headSeq < 1) return null;
  const lastPage = pageOf(headSeq);
  const ats = async (page: number) => (await store.page(page, {})).map((e) => e.at.getTime());
  let first = 0;
  let last = lastPage;
  if (window.from) {
    const from = window.from.getTime();
    first = await firstPageWhere(0, lastPage, async (p) => Math.max(...(await ats(p))) >= from);
  }
  if (window.to) {
    const to = window.to.getTime();
    last = (await firstPageWhere(first, lastPage, async (p) => Math.min(...(await ats(p))) > to)) - 1;
  }
  return first <= last ? { first, last } : null;
}

/** The first page in [low, high] for which `holds` is true (it is false before it), or high + 1. */
async function firstPageWhere(low: number, high: number, holds: (page: number) => Promise<boolean>): Promise<number> {
  let lo = low;
  let hi = high + 1;
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (await holds(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
