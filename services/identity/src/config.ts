import { z } from 'zod';
import { env, parseConfig, serviceBaseSchema } from '@tollgate/platform';

/** An unset variable and an empty one mean the same: not configured. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const aes256Key = z
  .string()
  .transform((v) => Buffer.from(v, 'base64'))
  .refine((key) => key.length === 32, 'must be the base64 encoding of exactly 32 bytes');

export const configSchema = serviceBaseSchema
  .extend({
    /** Encrypts the signing keys' private halves at rest (AES-256-GCM). */
    JWT_KEY_ENCRYPTION_KEY: aes256Key,
    JWT_ISSUER: z.string().min(1).default('tollgate'),
    JWT_AUDIENCE: z.string().min(1).default('tollgate-api'),
    ACCESS_TOKEN_TTL_SECONDS: env.int(30, 86_400).default(900),
    REFRESH_TOKEN_TTL_SECONDS: env.int(60, 90 * 86_400).default(604_800),
    BOOTSTRAP_ADMIN_EMAIL: optional(z.email('must be an email address')),
    BOOTSTRAP_ADMIN_PASSWORD: optional(z.string().min(12, 'must be at least 12 characters').max(256)),
    /**
     * Consecutive failed logins that lock an account for everyone: high, because anyone can
     * cause them. The gateway's short lock per client IP and its hourly ceiling per account
     * (LOGIN_FAILURES_PER_WINDOW, LOGIN_ACCOUNT_FAILURES_PER_HOUR) stop guessing long before.
     */
    LOCKOUT_THRESHOLD: env.int(1, 1_000).default(100),
    /** How long a lock lasts; 0 keeps it until an admin unlocks the account. */
    LOCKOUT_SECONDS: env.int(0, 30 * 86_400).default(900),
    /** argon2id memory cost (OWASP minimum for argon2id: 19 MiB). Tests lower it. */
    ARGON2_MEMORY_KIB: env.int(1_024, 1_048_576).default(19_456),
    SESSION_SWEEP_INTERVAL_MS: env.int(1_000, 86_400_000).default(3_600_000),
    /** Outbound mail (sign-in links, notices): smtp:// or smtps://, with user:password when the server wants them. Unset: no mail, and sign-in links are refused (503). */
    SMTP_URL: optional(z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' })),
    MAIL_FROM: z.string().min(3).default('Tollgate <no-reply@localhost>'),
    /** Where people open Tollgate: the links in mails point here. */
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).default('https://localhost:8443'),
    /** How long a sign-in link works (once). */
    MAGIC_LINK_TTL_SECONDS: env.int(1, 86_400).default(900),
    /** How long a password-reset link works (once). */
    PASSWORD_RESET_TTL_SECONDS: env.int(1, 86_400).default(1_800),
    /** How long the link that confirms a new email address works (once). */
    EMAIL_CHANGE_TTL_SECONDS: env.int(1, 7 * 86_400).default(86_400),
    /** The passkeys' relying party: the domain they are bound to (default: PUBLIC_URL's host) and the name authenticators show. */
    WEBAUTHN_RP_ID: optional(z.string().regex(/^[a-z0-9.-]+$/i, 'must be a domain name')),
    WEBAUTHN_RP_NAME: z.string().min(1).max(64).default('Tollgate'),
    /** Comma-separated origins passkey ceremonies may come from (default: PUBLIC_URL's origin). */
    WEBAUTHN_ORIGINS: optional(z.string()),
    /** How long a passkey ceremony's challenge can be answered (once). */
    PASSKEY_CHALLENGE_TTL_SECONDS: env.int(10, 3_600).default(300),
  })
  .superRefine((c, ctx) => {
    if (Boolean(c.BOOTSTRAP_ADMIN_EMAIL) !== Boolean(c.BOOTSTRAP_ADMIN_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: [c.BOOTSTRAP_ADMIN_EMAIL ? 'BOOTSTRAP_ADMIN_PASSWORD' : 'BOOTSTRAP_ADMIN_EMAIL'],
        message: 'BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together',
      });
    }
  });

export type IdentityConfig = z.infer<typeof configSchema>;

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Readonly<IdentityConfig> {
  return parseConfig(configSchema, environment);
}
