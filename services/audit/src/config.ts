import { z } from 'zod';
import { env, parseConfig, serviceBaseSchema } from '@tollgate/platform';

export const configSchema = serviceBaseSchema.extend({
  // Largest RecordBatch accepted; the platform outbox sends at most 100 at a time.
  AUDIT_MAX_BATCH: env.int(1, 1_000).default(500),
  // Export writes chunks of about this many bytes to the stream.
  AUDIT_EXPORT_CHUNK_BYTES: env.int(1_024, 1_048_576).default(64 * 1_024),
});

export type AuditConfig = z.infer<typeof configSchema>;

/** Reads and validates the environment once; a bad variable stops start-up naming it. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Readonly<AuditConfig> {
  return parseConfig(configSchema, source);
}
