import os from 'node:os';
import path from 'node:path';

export const DEFAULT_GATEWAY = 'https://localhost:8443';
export const DEFAULT_TIMEOUT_SECONDS = 30;

/** What the environment says; command-line options override it (see context.ts). */
export interface CliEnvironment {
  /** TOLLGATE_URL */
  gatewayUrl?: string;
  /** TOLLGATE_CA: PEM file of a CA to trust for the gateway (the dev certificate). */
  caFile?: string;
  /** TOLLGATE_TOKEN: an API token to act with instead of the stored login (scripts, CI). */
  apiToken?: string;
  /** Where credentials.json lives. */
  configDir: string;
  /** TOLLGATE_DEBUG=1 prints stack traces of unexpected errors. */
  debug: boolean;
}

const nonEmpty = (v: string | undefined): string | undefined => (v && v.trim() !== '' ? v.trim() : undefined);

/**
 * The only place the CLI reads process.env. The config directory is TOLLGATE_CONFIG_DIR,
 * else $XDG_CONFIG_HOME/tollgate, else ~/.config/tollgate. Per the XDG spec a relative
 * XDG_CONFIG_HOME is ignored.
 */
export function loadEnvironment(env: NodeJS.ProcessEnv = process.env): Readonly<CliEnvironment> {
  const xdg = nonEmpty(env.XDG_CONFIG_HOME);
  const home = nonEmpty(env.HOME) ?? os.homedir();
  const configDir =
    nonEmpty(env.TOLLGATE_CONFIG_DIR) ?? path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.config'), 'tollgate');
  return Object.freeze({
    gatewayUrl: nonEmpty(env.TOLLGATE_URL),
    caFile: nonEmpty(env.TOLLGATE_CA),
    apiToken: nonEmpty(env.TOLLGATE_TOKEN),
    configDir: path.resolve(configDir),
    debug: env.TOLLGATE_DEBUG === '1' || env.TOLLGATE_DEBUG === 'true',
  });
}

export const ENVIRONMENT_HELP = `Environment:
  TOLLGATE_URL         gateway URL (default ${DEFAULT_GATEWAY}); --gateway overrides it
  TOLLGATE_CA          PEM file of a CA to trust for the gateway; --ca overrides it
  TOLLGATE_TOKEN       act with this API token instead of the stored login
  TOLLGATE_CONFIG_DIR  where credentials are stored
                       (default $XDG_CONFIG_HOME/tollgate or ~/.config/tollgate)
  TOLLGATE_DEBUG=1     print stack traces of unexpected errors`;
