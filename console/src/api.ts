// The console's one door to the API: the access token lives in memory only; the refresh
// token is an httpOnly cookie (path /v1/auth) and the CSRF token its readable twin (double
// submit), so a reload or a new tab resumes the session with one refresh.

import type { components, paths } from './api-schema';

// The API's answers as its OpenAPI document states them: src/api-schema.ts is generated from the
// gateway's route schemas (`npm run api:schema`; test/docs/api-schema.test.ts fails when it is stale).

/** A named schema of the document, e.g. Schema<'Agent'>. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

type JsonOf<R> = R extends { content: { 'application/json': infer Body } } ? Body : never;
/** The JSON body a call answers with when it succeeds, e.g. Answer<'/v1/agents', 'get'>. */
export type Answer<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R }
  ? JsonOf<R[keyof R & (200 | 201 | 202)]>
  : never;

/** A page of a list: every list of the API answers its items and the next page's cursor (null on the last). */
export type Page<T> = Omit<Answer<'/v1/agents', 'get'>, 'items'> & { items: T[] };

export type User = Schema<'User'>;
type AuthResult = Schema<'AuthResult'>;

export type Role = User['role'];
export const ROLES = ['viewer', 'member', 'manager', 'admin'] as const satisfies readonly Role[];

/** The role `role` is at least `min` (viewer < member < manager < admin). */
export const atLeast = (role: Role, min: Role): boolean => ROLES.indexOf(role) >= ROLES.indexOf(min);

/** An answer other than 2xx: the API's error envelope, never a stack. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SessionState {
  user: User | null;
  /** Why the last session ended when the person did not sign out (shown on the sign-in page). */
  ended: string | null;
}

/** Refresh this long before the access token expires. */
const REFRESH_AHEAD_MS = 30_000;
const SESSION_ENDED = 'You were signed out because your session ended. Sign in again.';

let accessToken: string | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let state: SessionState = { user: null, ended: null };
const listeners = new Set<(s: SessionState) => void>();

export function session(): SessionState {
  return state;
}

export function onSession(listener: (s: SessionState) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function publish(next: SessionState): void {
  state = next;
  for (const l of listeners) l(state);
}

function csrfToken(): string | null {
  const m = /(?:^|;\s*)tg_csrf=([^;]+)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]) : null;
}

async function errorOf(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.message) return new ApiError(res.status, body.error.code ?? 'error', body.error.message);
  } catch {
    // Not the envelope (a proxy in the way): the status says enough.
  }
  return new ApiError(res.status, 'error', `The server answered ${res.status} ${res.statusText}`.trim());
}

async function send(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function adopt(result: AuthResult): User {
  accessToken = result.access_token;
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void refresh(), Math.max(5_000, result.expires_in * 1000 - REFRESH_AHEAD_MS));
  publish({ user: result.user, ended: null });
  return result.user;
}

function end(ended: string | null): void {
  accessToken = null;
  clearTimeout(refreshTimer);
  publish({ user: null, ended });
}

let refreshing: Promise<boolean> | null = null;

/** A new access token from the refresh cookie; false (and the session ended) when it is refused. */
export function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    const csrf = csrfToken();
    if (!csrf) {
      if (state.user) end(SESSION_ENDED);
      return false;
    }
    try {
      const res = await send('POST', '/v1/auth/refresh', {}, { 'x-csrf-token': csrf });
      if (res.ok) {
        adopt((await res.json()) as AuthResult);
        return true;
      }
      if (res.status === 401 || res.status === 403) end(state.user ? SESSION_ENDED : null);
      return false;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** On load: the session the cookies still hold, if any. */
export async function resume(): Promise<void> {
  if (!(await refresh())) publish({ user: null, ended: state.ended });
}

export async function signIn(email: string, password: string): Promise<User> {
  const res = await send('POST', '/v1/auth/login', { email, password }, {});
  if (!res.ok) throw await errorOf(res);
  return adopt((await res.json()) as AuthResult);
}

/** Signs in with a mailed link's token. */
export async function signInWithLink(token: string): Promise<User> {
  const res = await send('POST', '/v1/auth/magic-link/verify', { token }, {});
  if (!res.ok) throw await errorOf(res);
  return adopt((await res.json()) as AuthResult);
}

/** Signs in with a passkey: the browser lets the person pick one of theirs for this site; no address or password. */
export async function signInWithPasskey(): Promise<User> {
  const options = await publicCall<PublicKeyCredentialRequestOptionsJSON>('POST', '/v1/auth/passkeys/authentication/options', {});
  const credential = (await navigator.credentials.get({
    publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
  })) as PublicKeyCredential;
  return adopt(
    await publicCall<AuthResult>('POST', '/v1/auth/passkeys/authentication/verify', { response: credential.toJSON() as unknown }),
  );
}

/** Registers a new passkey for the signed-in person. */
export async function addPasskey(name: string): Promise<void> {
  const options = await api<PublicKeyCredentialCreationOptionsJSON>('POST', '/v1/auth/passkeys/registration/options', {});
  const credential = (await navigator.credentials.create({
    publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
  })) as PublicKeyCredential;
  await api('POST', '/v1/auth/passkeys/registration/verify', { response: credential.toJSON() as unknown, name });
}

export async function signOut(): Promise<void> {
  if (accessToken) await send('POST', '/v1/auth/logout', {}, { authorization: `Bearer ${accessToken}` }).catch(() => undefined);
  end(null);
}

/** A public call (no session): the mailed-link pages. */
export async function publicCall<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await send(method, path, body, {});
  if (!res.ok) throw await errorOf(res);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** A call with the session's access token; one refresh and one retry when it has expired meanwhile. */
async function authorized(method: string, path: string, body?: unknown): Promise<Response> {
  const call = () => send(method, path, body, accessToken ? { authorization: `Bearer ${accessToken}` } : {});
  let res = await call();
  if (res.status === 401 && (await refresh())) res = await call();
  if (res.status === 401) end(SESSION_ENDED);
  if (!res.ok) throw await errorOf(res);
  return res;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await authorized(method, path, body);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** A file the API makes (an export), as a Blob. */
export async function download(path: string): Promise<Blob> {
  return (await authorized('GET', path)).blob();
}
