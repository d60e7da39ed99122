import { z } from 'zod';
import { env, parseConfig, serviceAddresses, serviceBaseSchema, SERVICE_REGISTRY } from '@tollgate/platform';
import { parseToken } from './domain/token-format.js';

export const configSchema = serviceBaseSchema.extend({
  /** HMAC key for secret digests; changing it invalidates every stored token. */
  TOKEN_PEPPER: env.secret(32),
  ...serviceAddresses(SERVICE_REGISTRY.token.calls),
  /** A full personal token (tg_pat_…) to store at first start for the bootstrap admin. */
  BOOTSTRAP_TOKEN: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || parseToken(v)?.kind === 'personal', 'must be a well-formed tg_pat_ token'),
  /** Which admin owns the bootstrap token, by user id (checked with identity GetUser)… */
  BOOTSTRAP_TOKEN_OWNER_ID: z
    .string()
    .optional()
    .transform((v) => (v ? v.trim() : undefined)),
  /** …or by email (found with identity ListUsers role=admin); default: the earliest-created admin. */
  BOOTSTRAP_TOKEN_OWNER_EMAIL: z
    .string()
    .optional()
    .transform((v) => (v ? v.trim().toLowerCase() : undefined))
    .refine((v) => v === undefined || /^[^\s@]+@[^\s@]+$/.test(v), 'must be an email address'),
  TOKEN_DEFAULT_TTL_DAYS: env.int(1, 366).default(90),
  /** Lifetime of agent credentials in days; 0 = as long as the agent (until revoked). */
  AGENT_TOKEN_TTL_DAYS: env.int(0, 3660).default(0),
  TOKEN_SWEEP_INTERVAL_MS: env.int(100, 86_400_000).default(60_000),
  /** Last-use times are written in one bulk update at most this often. */
  LAST_USED_FLUSH_MS: env.int(50, 3_600_000).default(10_000),
  /** Introspect's token cache: the longest a cached token is trusted (0 = no cache, read the database every call). */
  TOKEN_CACHE_MS: env.int(0, 60_000).default(5_000),
  /** How often changes made by other replicas are picked up by the token cache. */
  TOKEN_CACHE_SYNC_MS: env.int(50, 10_000).default(250),
  /** How long an owner's role and status are trusted before identity is asked again (≤ 1 s). */
  OWNER_CACHE_MS: env.int(0, 1_000).default(500),
});

export type Config = Readonly<z.infer<typeof configSchema>>;

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  return parseConfig(configSchema, source);
}
