import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { env, parseConfig, serviceAddresses, serviceBaseSchema, SERVICE_REGISTRY, usdToMicros } from '@tollgate/platform';

/** Decimal USD text (at most 6 decimals) → integer micro-dollars. */
const usd = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const micros = usdToMicros(v);
      if (micros === null) {
        ctx.addIssue({ code: 'custom', message: 'must be a non-negative USD amount with at most 6 decimals' });
        return z.NEVER;
      }
      return micros;
    });

/** The price table shipped with the service (services/budget/price-table.json). */
export const DEFAULT_PRICE_TABLE_FILE = fileURLToPath(new URL('../price-table.json', import.meta.url));

export const configSchema = serviceBaseSchema
  .extend({
    ...serviceAddresses(SERVICE_REGISTRY.budget.calls),
    /** The largest budget an agent may be created with (USD; held as micros). */
    MAX_BUDGET_USD: usd('10000'),
    /** The largest budget a member may give a new agent without approval (managers and admins: up to MAX_BUDGET_USD). */
    SELF_SERVICE_BUDGET_USD: usd('10'),
    /** The largest increase one budget request may ask for (USD; held as micros). */
    MAX_BUDGET_REQUEST_USD: usd('10000'),
    /** What a handshake reserves when the agent does not say (USD; held as micros). */
    DEFAULT_LEASE_USD: usd('1'),
    LEASE_TTL_SECONDS: env.int(1, 86_400).default(300),
    /** A gateway's escrow it stopped syncing is charged whole this long after its last renewal (longer than any call). */
    ESCROW_TTL_SECONDS: env.int(1, 86_400).default(900),
    /** Per agent, unless its profile says otherwise: proxied calls in flight at once, and tokens a minute. */
    MAX_PARALLEL_CALLS: env.int(1, 100_000).default(256),
    TOKENS_PER_MINUTE: env.int(1, 1_000_000_000).default(2_000_000),
    /** JSON: { provider: { model: { input_per_million_micros, output_per_million_micros } } }. */
    PRICE_TABLE_FILE: z.string().min(1).default(DEFAULT_PRICE_TABLE_FILE),
    /** How often admins' price changes made on other replicas are looked for. */
    PRICE_SYNC_MS: env.int(50, 60_000).default(500),
    /** How often expired leases, interrupted charges and half-made agents are cleaned up. */
    SWEEP_INTERVAL_MS: env.int(50, 3_600_000).default(5_000),
    /** A charge or approval left unfinished this long is completed by the sweeper. */
    RECOVERY_AFTER_SECONDS: env.int(0, 3_600).default(30),
    /** Journal entries older than this many days move to the archive (fractions allowed). */
    BUDGET_HOT_DAYS: z.coerce.number().positive().max(36_500).default(90),
    /** How often the archiving runs (on one replica at a time). */
    BUDGET_ARCHIVE_INTERVAL_MS: env.int(100, 86_400_000).default(60_000),
  })
  .superRefine((c, ctx) => {
    if (c.DEFAULT_LEASE_USD <= 0) ctx.addIssue({ code: 'custom', path: ['DEFAULT_LEASE_USD'], message: 'must be greater than 0' });
    if (c.MAX_BUDGET_REQUEST_USD <= 0)
      ctx.addIssue({ code: 'custom', path: ['MAX_BUDGET_REQUEST_USD'], message: 'must be greater than 0' });
  });

export type BudgetConfig = z.infer<typeof configSchema>;

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Readonly<BudgetConfig> {
  return parseConfig(configSchema, environment);
}
