import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, type Page } from './api';

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof ApiError ? error.message : 'Tollgate could not be reached. Check your connection and try again.';
  return (
    <p role="alert" class="error">
      {message}
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

/** What a person starts (a form's submit, a button): whether it runs, and its error to show. */
export function useAction() {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}

/** A form's submit event, kept from reloading the page, running `action`. */
export const onSubmit = (run: (action: () => Promise<unknown>) => Promise<void>, action: () => Promise<unknown>) => (e: Event) => {
  e.preventDefault();
  void run(action);
};

/**
 * A destructive action in two clicks: `label`, then the question with `confirm` (or Cancel).
 * `action` runs on the confirmation; its error shows beside it.
 */
export function ConfirmAction(props: { label: string; question: string; confirm: string; action: () => Promise<unknown> }) {
  const [confirming, setConfirming] = useState(false);
  const { error, busy, run } = useAction();
  if (!confirming)
    return (
      <button type="button" class="danger" onClick={() => setConfirming(true)}>
        {props.label}
      </button>
    );
  return (
    <span class="actions">
      <span>{props.question}</span>
      <button type="button" class="danger" disabled={busy} onClick={() => void run(props.action)}>
        {props.confirm}
      </button>
      <button type="button" class="secondary" onClick={() => setConfirming(false)}>
        Cancel
      </button>
      <ErrorNote error={error} />
    </span>
  );
}

/** A secret the API shows once (a new credential), with a copy button. */
export function ShownOnce({ secret, note, testId }: { secret: string; note: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div role="status" class="secret">
      <p>{note}</p>
      <code data-testid={testId}>{secret}</code>
      <button type="button" class="secondary" onClick={() => void navigator.clipboard.writeText(secret).then(() => setCopied(true))}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

/** One read (not a list): its answer, or its error. */
export function useLoaded<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    load().then(setData, setError);
  }, deps);
  return { data, error };
}

/** A list read page by page with the API's cursors. */
export function usePaged<T>(load: (cursor: string | null) => Promise<Page<T>>, deps: unknown[]) {
  const [items, setItems] = useState<T[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fetchPage = useCallback(async (cursor: string | null, append: boolean) => {
    setBusy(true);
    try {
      const page = await load(cursor);
      setItems((old) => (append && old ? [...old, ...page.items] : page.items));
      setNext(page.next_cursor);
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, deps);
  // A new query (a filter changed) shows nothing of the last one while it loads.
  useEffect(() => {
    setItems(null);
    void fetchPage(null, false);
  }, [fetchPage]);
  const paged: Paged<T> = {
    items,
    error,
    busy,
    reload: () => fetchPage(null, false),
    more: next ? () => fetchPage(next, true) : null,
  };
  return paged;
}

export interface Paged<T> {
  items: T[] | null;
  error: unknown;
  busy: boolean;
  reload: () => Promise<void>;
  more: (() => Promise<void>) | null;
}

/**
 * A paged list as a table: its error, an empty state saying what to do next, the rows (`rows`:
 * the loaded items narrowed, e.g. by a filter) and "Load more" while the API has another page.
 */
export function PagedTable<T>(props: {
  list: Paged<T>;
  rows?: T[];
  columns: (string | false)[];
  empty: ComponentChildren;
  row: (item: T) => JSX.Element;
}) {
  const { list } = props;
  const rows = props.rows ?? list.items ?? [];
  return (
    <>
      <ErrorNote error={list.error} />
      {list.items?.length === 0 && !list.more && <Empty>{props.empty}</Empty>}
      {rows.length > 0 && <Table columns={props.columns} rows={rows} row={props.row} />}
      <MoreButton more={list.more} busy={list.busy} />
    </>
  );
}

/** Rows under their column headings (`false`: a column this person does not get, e.g. Actions). */
export function Table<T>(props: { columns: (string | false)[]; rows: T[]; row: (item: T) => JSX.Element }) {
  return (
    <table>
      <thead>
        <tr>
          {props.columns
            .filter((c): c is string => c !== false)
            .map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
        </tr>
      </thead>
      <tbody>{props.rows.map(props.row)}</tbody>
    </table>
  );
}

export function MoreButton({ more, busy }: { more: (() => Promise<void>) | null; busy: boolean }) {
  if (!more) return null;
  return (
    <button type="button" class="secondary" disabled={busy} onClick={() => void more()}>
      {busy ? 'Loading…' : 'Load more'}
    </button>
  );
}
