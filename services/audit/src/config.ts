import { z } from 'zod';
import { env, parseConfig, serviceBaseSchema } from '@tollgate/platform';

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
