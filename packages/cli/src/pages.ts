import type { CallOptions } from './client.js';
import type { CliContext } from './context.js';
import { UsageError } from './errors.js';
import { integer } from './options.js';

/** A page of a list as the API answers it. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** The paging options every `list` command takes. */
export interface PageOptions {
  limit?: string;
  cursor?: string;
  all?: boolean;
}

/**
 * A list as asked: one page (from --cursor, --limit long), or with --all every page from the
 * first on (a cursor seen before ends the walk). `query` holds the list's own filters. A page
 * may be short, even empty, and still have a next_cursor (the audit log scans a bounded window):
 * --all follows it to the end.
 */
export async function readList<T>(ctx: CliContext, path: string, query: CallOptions['query'], opts: PageOptions): Promise<Page<T>> {
  // Usage errors first: nothing is asked of the session or the gateway for a wrong command line.
  if (opts.all && opts.cursor) throw new UsageError('--all and --cursor cannot be combined');
  const limit = opts.limit === undefined ? undefined : integer(opts.limit, '--limit', 1, 100);
  const client = await ctx.client();
  const read = (cursor: string | undefined) => client.call<Page<T>>('GET', path, { query: { ...query, limit, cursor } });
  let page = await read(opts.cursor);
  const items = [...page.items];
  const seen = new Set<string>();
  while (opts.all && page.next_cursor && !seen.has(page.next_cursor)) {
    seen.add(page.next_cursor);
    page = await read(page.next_cursor);
    items.push(...page.items);
  }
  return { items, next_cursor: opts.all ? null : page.next_cursor };
}
