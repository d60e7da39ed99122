import { z } from 'zod';
import { env, keyringVar, parseConfig, serviceBaseSchema } from '@tollgate/platform';

export const configSchema = serviceBaseSchema.extend({
  // Largest RecordBatch accepted; the platform outbox sends at most 100 at a time.
  AUDIT_MAX_BATCH: env.int(1, 1_000).default(500),
  // Export sends its events in batches of about this many bytes (at least one event each).
  AUDIT_EXPORT_CHUNK_BYTES: env.int(1_024, 1_048_576).default(64 * 1_024),
  // Events stay this many days in the hot log, then move to the archive (a fraction is
  // allowed, e.g. for tests; below a day the clock slack shrinks with it).
  AUDIT_HOT_DAYS: z.coerce.number().positive().max(36_500).default(90),
  // How often the archiving job runs (on one replica at a time).
  AUDIT_ARCHIVE_INTERVAL_MS: env.int(100, 86_400_000).default(60_000),
  // Seals webhook endpoints' signing secrets at rest: `kid:base64(32 bytes)[,kid2:...]`; the first key seals new
  // ones, every listed key opens (an old key stays listed while endpoints sealed with it remain).
  WEBHOOK_SECRET_KEYS: keyringVar,
  // How often new events are looked for and sent to webhook endpoints (by one replica at a time).
  WEBHOOK_POLL_MS: env.int(50, 60_000).default(1_000),
  // A delivery that keeps failing is retried, with exponential backoff from WEBHOOK_BACKOFF_MS (at most an hour
  // apart, with jitter), for this long after its first attempt; then it becomes a dead letter.
  WEBHOOK_RETRY_FOR_MS: env.int(1_000, 7 * 86_400_000).default(86_400_000),
  WEBHOOK_BACKOFF_MS: env.int(10, 3_600_000).default(1_000),
  // An endpoint is sent at most one budget.exhausted per agent within this long (every refused call raises one).
  WEBHOOK_QUIET_MS: env.int(0, 86_400_000).default(3_600_000),
  // How long a receiver has to answer one delivery.
  WEBHOOK_TIMEOUT_MS: env.int(100, 60_000).default(10_000),
  // Development only: webhook URLs may use http and point at loopback or private addresses.
  OUTBOUND_ALLOW_PRIVATE: env.bool.default(false),
});

export type AuditConfig = z.infer<typeof configSchema>;

const HOUR_MS = 3_600_000;

/**
 * The hot period in ms, and the slack the retention arguments allow for clock skew and
 * for a cached head's age: an hour, or a quarter of a shorter hot period.
 */
export function retentionTimes(config: Pick<AuditConfig, 'AUDIT_HOT_DAYS'>): { hotMs: number; slackMs: number } {
  const hotMs = config.AUDIT_HOT_DAYS * 24 * HOUR_MS;
  return { hotMs, slackMs: Math.min(HOUR_MS, hotMs / 4) };
}

/** Reads and validates the environment once; a bad variable stops start-up naming it. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Readonly<AuditConfig> {
  return parseConfig(configSchema, source);
}
