import { z } from 'zod';
import { env, keyringVar, parseConfig, serviceBaseSchema } from '@tollgate/platform';

const aes256Key = z
  .string()
  .transform((v) => Buffer.from(v, 'base64'))
  .refine((key) => key.length === 32, 'must be the base64 encoding of exactly 32 bytes');

const keyringVars = {
  /**
   * `kid:base64(32 bytes)[,kid2:base64(32 bytes)...]`. The first key encrypts new and
   * rotated provider keys; every listed key can decrypt (so an old key stays listed
   * until `reencrypt` has moved every record to the active one).
   */
  PROVIDER_KEY_ENCRYPTION_KEYS: keyringVar,
};

export const configSchema = serviceBaseSchema.extend({
  ...keyringVars,
  /** Encrypts IP tokens (base64 of 32 bytes); agent runtimes hold the same key. */
  IP_TOKEN_KEY: aes256Key,
  /** Lifetime of an IP token when the caller does not ask for one. */
  IP_TOKEN_TTL_SECONDS: env.int(10, 86_400).default(900),
  /** The longest lifetime a caller may ask for. */
  IP_TOKEN_MAX_TTL_SECONDS: env.int(10, 7 * 86_400).default(86_400),
  /** Development only: base URLs may use http and point at loopback or private addresses (local stand-in providers). */
  OUTBOUND_ALLOW_PRIVATE: env.bool.default(false),
});

export type ProviderKeyConfig = z.infer<typeof configSchema>;

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Readonly<ProviderKeyConfig> {
  return parseConfig(configSchema, environment);
}

/** What the re-encryption command needs: the database and the keyring, no server. */
export const reencryptConfigSchema = z.object({
  LOG_LEVEL: env.logLevel(),
  MONGO_URL: serviceBaseSchema.shape.MONGO_URL,
  MONGO_DB: serviceBaseSchema.shape.MONGO_DB,
  ...keyringVars,
});

export type ReencryptConfig = z.infer<typeof reencryptConfigSchema>;

export function loadReencryptConfig(environment: NodeJS.ProcessEnv = process.env): Readonly<ReencryptConfig> {
  return parseConfig(reencryptConfigSchema, environment);
}
