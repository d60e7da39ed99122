import { z } from 'zod';
import { SERVICE_REGISTRY, type ServiceName } from './services.js';

/** Raised when the environment does not satisfy a process's config schema. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once against a schema whose keys are the variable names.
 * Returns a frozen object; a missing or bad variable throws a ConfigError naming it.
 * This is the only place in the platform that reads process.env.
 */
export function parseConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): Readonly<z.infer<S>> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return Object.freeze(result.data);
}

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65535);

/** Reusable variable types, so every service spells them the same way. */
export const env = {
  bool,
  port,
  int: (min: number, max: number) => z.coerce.number().int().min(min).max(max),
  /** A share, 0 to 1 (e.g. a sampling rate). */
  fraction: () => z.coerce.number().min(0).max(1),
  secret: (minLength = 32) => z.string().min(minLength, `must be at least ${minLength} characters`),
  url: () => z.url(),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  list: () =>
    z.string().transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
};

type AddressVariables<N extends ServiceName> = { [K in N as (typeof SERVICE_REGISTRY)[K]['addrVar']]: z.ZodDefault<z.ZodString> };

/** The `*_ADDR` variables of the given services, each defaulting to that service's port on loopback. */
export function serviceAddresses<N extends ServiceName>(names: readonly N[]): AddressVariables<N> {
  return Object.fromEntries(
    names.map((name) => [SERVICE_REGISTRY[name].addrVar, z.string().default(`127.0.0.1:${SERVICE_REGISTRY[name].port}`)]),
  ) as AddressVariables<N>;
}

/** The access log's sampling, read alike by the services and the gateway (see AccessLogPolicy). */
export const accessLogVariables = {
  // Share of successful requests (RPCs) logged; failures and slow ones always are.
  ACCESS_LOG_SAMPLE_RATE: env.fraction().default(1),
  // A request at least this slow is always logged, whatever the sampling.
  ACCESS_LOG_SLOW_MS: env.int(0, 3_600_000).default(1_000),
};

/** Variables every gRPC service reads. Services extend this with their own. */
export const serviceBaseSchema = z.object({
  LOG_LEVEL: env.logLevel(),
  GRPC_HOST: z.string().default('127.0.0.1'),
  GRPC_PORT: port,
  METRICS_PORT: port.default(0),
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL'),
  MONGO_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be a plain database name')
    .optional(),
  // Connections this process opens to MongoDB at most (see docs/data-layer.md for the embedded server's budget).
  MONGO_POOL_SIZE: env.int(1, 1000).default(10),
  // Apply pending migrations at start-up; off where a deploy step runs them first (the Helm charts' Job).
  MIGRATE_ON_START: bool.default(true),
  // Shared HMAC secret for caller assertions in gRPC metadata.
  SERVICE_TOKEN_SECRET: env.secret(32),
  // Where every service sends its audit events.
  ...serviceAddresses(['audit']),
  SHUTDOWN_TIMEOUT_MS: env.int(100, 120_000).default(10_000),
  ...accessLogVariables,
});

export type ServiceBaseConfig = z.infer<typeof serviceBaseSchema>;
