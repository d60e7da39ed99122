import { ValidationError } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageInput {
  limit?: number;
  cursor?: string;
}

export interface Page {
  limit: number;
  /** The sort key of the last item of the previous page, if any. */
  after?: string;
}

export function readPage(input: PageInput | null | undefined): Page {
  const limit = input?.limit || DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ValidationError('limit must be between 1 and 100', { limit: 'must be an integer from 1 to 100' });
  }
  if (!input?.cursor) return { limit };
  try {
    const decoded = JSON.parse(Buffer.from(input.cursor, 'base64url').toString('utf8')) as { a?: unknown };
    if (typeof decoded.a !== 'string' || decoded.a.length > 200) throw new Error('bad cursor');
    return { limit, after: decoded.a };
  } catch {
    throw new ValidationError('cursor is invalid', { cursor: 'is not a cursor returned by this list' });
  }
}

/** The cursor of the page after the item whose sort key is `key` (readPage reads it back as `after`). */
export function cursorAfter(key: string): string {
  return Buffer.from(JSON.stringify({ a: key })).toString('base64url');
}

/** Takes limit+1 fetched items; returns the page and the cursor for the next one ("" when done). */
export function pageOf<T>(items: T[], page: Page, keyOf: (item: T) => string): { items: T[]; next_cursor: string } {
  if (items.length <= page.limit) return { items, next_cursor: '' };
  const shown = items.slice(0, page.limit);
  const last = shown[shown.length - 1];
  return { items: shown, next_cursor: cursorAfter(keyOf(last)) };
}
