import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import path from 'node:path';
import { ApiClient, type Auth } from './client.js';
import { DEFAULT_GATEWAY, DEFAULT_TIMEOUT_SECONDS, type CliEnvironment } from './config.js';
import { CredentialStore, type Credentials } from './credentials.js';
import { NotLoggedInError, UsageError } from './errors.js';
import { Output } from './output.js';

/** How a command reaches its context (global options resolved). */
export type ContextOf = (cmd: Command) => CliContext;

/** What POST /v1/tokens/introspect answers (RFC 7662 style: inactive reveals nothing else). */
export interface Introspection {
  active: boolean;
  id?: string;
  owner_id?: string;
  scopes?: string[];
  expires_at?: string | null;
}

/** The options every command accepts (declared on the root program). */
export interface GlobalOptions {
  gateway?: string;
  ca?: string;
  json?: boolean;
  timeout?: string;
}

/** The origin of a gateway URL; anything but a plain http(s) origin is a usage error. */
export function gatewayOrigin(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${source} is not a URL: ${value} — use e.g. ${DEFAULT_GATEWAY}`);
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username ||
    url.password ||
    (url.pathname !== '/' && url.pathname !== '') ||
    url.search
  ) {
    throw new UsageError(`${source} must be a gateway origin like ${DEFAULT_GATEWAY}, not ${value}`);
  }
  return url.origin;
}

/**
 * Everything a command needs, resolved once: option > environment > stored login >
 * default. Stored tokens are only ever used with the gateway they were issued by.
 */
export class CliContext {
  readonly out: Output;
  readonly store: CredentialStore;
  readonly timeoutMs: number;
  #stored: Credentials | undefined | null = null;

  constructor(
    readonly env: CliEnvironment,
    readonly options: GlobalOptions,
  ) {
    this.out = new Output(options.json === true);
    this.store = new CredentialStore(env.configDir);
    const seconds = options.timeout === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(options.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600)
      throw new UsageError('--timeout must be a number of seconds from 1 to 3600');
    this.timeoutMs = Math.round(seconds * 1000);
  }

  async stored(): Promise<Credentials | undefined> {
    if (this.#stored === null) this.#stored = await this.store.load();
    return this.#stored;
  }

  /** The gateway named by --gateway or TOLLGATE_URL, if either was given. */
  explicitGateway(): string | undefined {
    if (this.options.gateway) return gatewayOrigin(this.options.gateway, '--gateway');
    if (this.env.gatewayUrl) return gatewayOrigin(this.env.gatewayUrl, 'TOLLGATE_URL');
    return undefined;
  }

  async gateway(): Promise<string> {
    return this.explicitGateway() ?? (await this.stored().catch(() => undefined))?.gateway ?? DEFAULT_GATEWAY;
  }

  /** Absolute path of the CA to trust: --ca, TOLLGATE_CA, or the one used at login to this gateway. */
  async caFile(gateway: string): Promise<string | undefined> {
    const given = this.options.ca ?? this.env.caFile;
    if (given) return path.resolve(given);
    const stored = await this.stored().catch(() => undefined);
    return stored?.gateway === gateway ? stored.ca : undefined;
  }

  #readCa(file: string | undefined): string | undefined {
    if (!file) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(
        `cannot read the CA file ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}) — check --ca or TOLLGATE_CA`,
      );
    }
  }

  async #client(gateway: string, auth: Auth): Promise<ApiClient> {
    const caFile = await this.caFile(gateway);
    return new ApiClient({
      gateway,
      ca: this.#readCa(caFile),
      caFile,
      timeoutMs: this.timeoutMs,
      auth,
      notify: (m) => this.out.note(`tollgate: ${m}`),
    });
  }

  /** A client that sends no credentials (login). */
  async anonymousClient(): Promise<ApiClient> {
    return this.#client(await this.gateway(), { kind: 'none' });
  }

  /** A client acting as TOLLGATE_TOKEN, else as the stored login for this gateway. */
  async client(): Promise<ApiClient> {
    const gateway = await this.gateway();
    if (this.env.apiToken) return this.#client(gateway, { kind: 'api-token', token: this.env.apiToken });
    return this.sessionClient(gateway);
  }

  /** A client acting as the stored login, whatever TOLLGATE_TOKEN says (logout). */
  async sessionClient(gateway: string): Promise<ApiClient> {
    return this.#client(gateway, { kind: 'session', store: this.store, credentials: await this.session(gateway) });
  }

  /** The stored login for `gateway`, or a NotLoggedInError that says how to get one. */
  async session(gateway: string): Promise<Credentials> {
    const stored = await this.stored();
    if (!stored) throw new NotLoggedInError();
    if (stored.gateway !== gateway) {
      throw new NotLoggedInError(
        `not logged in to ${gateway} (you are logged in to ${stored.gateway}) — run \`tollgate login --gateway ${gateway}\``,
      );
    }
    return stored;
  }
}
