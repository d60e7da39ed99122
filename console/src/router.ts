import { useEffect, useState } from 'preact/hooks';

/** The console's pages live under /console/; the gateway answers every one of them with index.html. */
export const BASE = '/console/';

export function currentPage(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '';
  return path.replace(/\/+$/, '');
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

export function navigate(page: string): void {
  history.pushState(null, '', BASE + page);
  listeners.forEach((l) => l());
}

/** The page in the address bar, following navigation. */
export function usePage(): string {
  const [page, setPage] = useState(currentPage());
  useEffect(() => {
    const l = () => setPage(currentPage());
    listeners.add(l);
    return () => listeners.delete(l);
  }, []);
  return page;
}

/** A mailed link's token: from the fragment (it never reaches a server log), removed from the address bar once read. */
export function takeLinkToken(): string | null {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (token) history.replaceState(null, '', location.pathname);
  return token;
}
