import { setTimeout as sleep } from 'node:timers/promises';
import { apiErrorFrom, retryAfterSeconds } from './api-errors.js';
import { credentialsFrom } from './auth-result.js';
import type { Credentials, CredentialStore } from './credentials.js';
import { CliError, NetworkError, NotLoggedInError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { send, type RawResponse } from './transport.js';
import { VERSION } from './version.js';

/**
 * When a failed attempt may be repeated:
 * - `idempotent`: repeating has the same effect as doing it once (GET, PATCH, DELETE,
 *   introspect, logout), so any transient failure — even after the request went out — and
 *   502/503/504 are retried.
 * - `unsent-only`: repeating could do it twice (create, rotate, login, refresh), so only a
 *   failure that provably happened before the request left (see transport.ts) is retried.
 */
export type RetryPolicy = 'idempotent' | 'unsent-only';

export type Auth =
  { kind: 'none' } | { kind: 'api-token'; token: string } | { kind: 'session'; store: CredentialStore; credentials: Credentials };

export interface ClientOptions {
  /** The gateway origin, e.g. https://localhost:8443. */
  gateway: string;
  /** PEM of an extra CA to trust. */
  ca?: string;
  /** Path of that CA, kept with refreshed credentials. */
  caFile?: string;
  timeoutMs: number;
  auth: Auth;
  /** Progress notes for humans (retries); goes to stderr. */
  notify: (message: string) => void;
  maxAttempts?: number;
}

export interface CallOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  retry?: RetryPolicy;
}

const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 4_000;
const RETRYABLE_STATUS = new Set([502, 503, 504]);

/** Exponential backoff with jitter: ~250 ms, 500 ms, 1 s, … capped at 4 s. */
function backoffMs(attempt: number): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * The gateway's REST API over HTTPS. Errors come back as CliError subclasses carrying
 * the exit status; an expired access token is refreshed once with the stored refresh
 * token and the rotated pair is saved before the call is repeated.
 */
export class ApiClient {
  readonly gateway: string;
  #auth: Auth;
  readonly #opts: ClientOptions;

  constructor(opts: ClientOptions) {
    this.gateway = opts.gateway;
    this.#auth = opts.auth;
    this.#opts = opts;
  }

  get auth(): Auth {
    return this.#auth;
  }

  /** The parsed JSON answer of a 2xx (undefined for 204); anything else throws. */
  async call<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
    const res = await this.#authorized(method, path, opts);
    if (res.status < 200 || res.status >= 300) throw apiErrorFrom(res, this.#auth.kind === 'api-token');
    if (res.status === 204 || res.text === '') return undefined as T;
    try {
      return JSON.parse(res.text) as T;
    } catch {
      throw new CliError(`the gateway answered HTTP ${res.status} with a body that is not JSON`, ExitCode.Unexpected, 'bad_response');
    }
  }

  /**
   * A GET whose 2xx body is written to `sink` as it arrives instead of being parsed (exports,
   * which can be larger than memory); anything else throws as call() does. It is repeated
   * (idempotent) only while nothing has been written to `sink`.
   */
  async download(path: string, sink: NodeJS.WritableStream, opts: Pick<CallOptions, 'query'> = {}): Promise<void> {
    const res = await this.#authorized('GET', path, { ...opts, retry: 'idempotent' }, sink);
    if (res.status < 200 || res.status >= 300) throw apiErrorFrom(res, this.#auth.kind === 'api-token');
  }

  /** One exchange with the credentials, refreshing an expired session once and repeating it. */
  async #authorized(method: string, path: string, opts: CallOptions, sink?: NodeJS.WritableStream): Promise<RawResponse> {
    const res = await this.#exchange(method, path, opts, this.#bearer(), sink);
    if (res.status === 401 && this.#auth.kind === 'session' && this.#errorCode(res) === 'token_expired') {
      const renewed = await this.#refresh(this.#auth.store, this.#auth.credentials);
      this.#auth = { ...this.#auth, credentials: renewed };
      return this.#exchange(method, path, opts, renewed.access_token, sink);
    }
    return res;
  }

  #bearer(): string | undefined {
    if (this.#auth.kind === 'api-token') return this.#auth.token;
    if (this.#auth.kind === 'session') return this.#auth.credentials.access_token;
    return undefined;
  }

  #errorCode(res: RawResponse): string | undefined {
    try {
      return (JSON.parse(res.text) as { error?: { code?: string } }).error?.code;
    } catch {
      return undefined;
    }
  }

  /**
   * Refresh tokens rotate on every use and presenting a used one revokes the session, so
   * this runs under the credentials lock and first re-reads the file: when another
   * tollgate process has refreshed meanwhile, its pair is used instead of refreshing again.
   */
  async #refresh(store: CredentialStore, used: Credentials): Promise<Credentials> {
    return store.withLock(async () => {
      const current = await store.load();
      if (current?.gateway !== used.gateway) throw new NotLoggedInError();
      if (current.refresh_token !== used.refresh_token) return current;
      const res = await this.#exchange(
        'POST',
        '/v1/auth/refresh',
        { body: { refresh_token: current.refresh_token }, retry: 'unsent-only' },
        undefined,
      );
      if (res.status === 401) {
        throw new NotLoggedInError(`your session has expired (${this.#errorCode(res) ?? 'unauthenticated'}) — run \`tollgate login\``);
      }
      if (res.status !== 200) throw apiErrorFrom(res, false);
      let answer: unknown;
      try {
        answer = JSON.parse(res.text);
      } catch {
        answer = undefined;
      }
      const renewed = credentialsFrom(answer, current.gateway, current.ca ?? this.#opts.caFile);
      await store.save(renewed);
      return renewed;
    });
  }

  async #exchange(
    method: string,
    path: string,
    opts: CallOptions,
    bearer: string | undefined,
    sink?: NodeJS.WritableStream,
  ): Promise<RawResponse> {
    const url = new URL(path, this.gateway);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': `tollgate-cli/${VERSION} node/${process.version}` };
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    if (bearer) headers.authorization = `Bearer ${bearer}`;

    const policy = opts.retry ?? (method === 'POST' ? 'unsent-only' : 'idempotent');
    const maxAttempts = this.#opts.maxAttempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= maxAttempts;
      let res: RawResponse;
      try {
        const req = { url, method, headers, body, ca: this.#opts.ca, timeoutMs: this.#opts.timeoutMs };
        res = await send(req, sink);
      } catch (err) {
        if (!(err instanceof NetworkError) || last || !err.transient || (err.sent && policy !== 'idempotent')) throw err;
        const wait = backoffMs(attempt);
        this.#opts.notify(
          `${err.message.split(' — ')[0]}; retrying in ${(wait / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${maxAttempts})`,
        );
        await sleep(wait);
        continue;
      }
      const retryAfter = retryAfterSeconds(res);
      if (policy === 'idempotent' && RETRYABLE_STATUS.has(res.status) && !last && (retryAfter ?? 0) * 1000 <= MAX_DELAY_MS) {
        const wait = Math.max(backoffMs(attempt), (retryAfter ?? 0) * 1000);
        this.#opts.notify(
          `the gateway answered HTTP ${res.status}; retrying in ${(wait / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${maxAttempts})`,
        );
        await sleep(wait);
        continue;
      }
      return res;
    }
  }
}
