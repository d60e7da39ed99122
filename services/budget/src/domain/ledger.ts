import { cursorAfter, pageOf, readPage, ValidationError, type PageInput } from '@tollgate/platform';
import type { ChargeOp, JournalOp } from './book.js';
import type { LimitChange } from './records.js';
import type { JournalEntry, JournalRepository } from './repositories.js';

/**
 * A page reads at most this many journal entries: an agent whose recent entries are mostly holds
 * and escrow resizes gets a short page with a cursor, never a walk down its whole journal.
 */
export const MAX_ENTRIES_PER_PAGE = 256;

/** One op of an agent's journal that spends or sets what may be spent; holds and their kin are how spend is reserved, not spend. */
export type LedgerRow = { id: string; at: Date } & (
  { kind: 'charge'; charge: ChargeOp } | { kind: 'limit'; change: LimitChange } | { kind: 'period'; started_at: Date; closed_spent: number }
);

/** A place in the ledger: the entry's seq and the op's index in it. Rows before it are the next page. */
interface Position {
  seq: number;
  op: number;
}

const idOf = (p: Position) => `${p.seq}.${p.op}`;

function decodeCursor(after: string): Position {
  const match = /^([1-9]\d{0,15})\.(\d{1,6})$/.exec(after);
  if (!match || !Number.isSafeInteger(Number(match[1]))) {
    throw new ValidationError('cursor is invalid', { cursor: 'is not a cursor returned by this list' });
  }
  return { seq: Number(match[1]), op: Number(match[2]) };
}

function rowOf(entry: JournalEntry, op: JournalOp, index: number): LedgerRow | null {
  const place = { id: idOf({ seq: entry.seq, op: index }), at: entry.at };
  switch (op.type) {
    case 'charge':
      return { ...place, kind: 'charge', charge: op };
    case 'limit':
      return { ...place, kind: 'limit', change: op.change };
    case 'period':
      return { ...place, kind: 'period', started_at: op.started_at, closed_spent: op.closed_spent };
    default:
      return null;
  }
}

/** The entry's rows newest first, those before op `before` only. */
function rowsOf(entry: JournalEntry, before: number): LedgerRow[] {
  const rows: LedgerRow[] = [];
  for (let i = Math.min(entry.ops.length, before) - 1; i >= 0; i--) {
    const row = rowOf(entry, entry.ops[i], i);
    if (row) rows.push(row);
  }
  return rows;
}

/**
 * A page of an agent's ledger, newest first, read down from `head` (the journal's head, caught
 * up) by key: what a page costs depends on its limit and MAX_ENTRIES_PER_PAGE, never on how long
 * the journal is. Entries are never changed, so a cursor (the last row's place) pages without
 * duplicates or gaps whatever is appended meanwhile.
 */
export async function ledgerPage(
  journal: JournalRepository,
  agentId: string,
  head: number,
  pageInput: PageInput | null | undefined,
): Promise<{ items: LedgerRow[]; next_cursor: string }> {
  const page = readPage(pageInput);
  const from = page.after ? decodeCursor(page.after) : { seq: head + 1, op: 0 };
  const top = Math.min(from.seq, head);
  const found: LedgerRow[] = [];
  let lowest = top + 1;
  for await (const entry of journal.entriesBackFrom(agentId, top)) {
    found.push(...rowsOf(entry, entry.seq === from.seq ? from.op : Infinity));
    lowest = entry.seq;
    if (found.length > page.limit || top - lowest + 1 >= MAX_ENTRIES_PER_PAGE) break;
  }
  // Cut short by MAX_ENTRIES_PER_PAGE: the next page starts below entry `lowest` (before its op 0).
  if (found.length <= page.limit && lowest > 1) return { items: found, next_cursor: cursorAfter(idOf({ seq: lowest, op: 0 })) };
  return pageOf(found, page, (r) => r.id);
}
