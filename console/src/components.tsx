import type { ComponentChildren } from 'preact';
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
  useEffect(() => void fetchPage(null, false), [fetchPage]);
  return {
    items,
    error,
    busy,
    reload: () => fetchPage(null, false),
    more: next ? () => fetchPage(next, true) : null,
  };
}

export function MoreButton({ more, busy }: { more: (() => Promise<void>) | null; busy: boolean }) {
  if (!more) return null;
  return (
    <button type="button" class="secondary" disabled={busy} onClick={() => void more()}>
      {busy ? 'Loading…' : 'Load more'}
    </button>
  );
}
