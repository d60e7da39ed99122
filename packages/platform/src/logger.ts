import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths that may carry secrets, wherever they appear in a log object. */
const REDACT = [
  'password',
  'current_password',
  'new_password',
  'api_key',
  'token',
  'secret',
  'refresh_token',
  'access_token',
  'csrf_token',
  'ip_token',
  'authorization',
  'cookie',
  '*.password',
  '*.current_password',
  '*.new_password',
  '*.api_key',
  '*.token',
  '*.secret',
  '*.refresh_token',
  '*.access_token',
  '*.csrf_token',
  '*.ip_token',
  '*.authorization',
  '*.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

/** The one root logger of a process; per-call children carry request_id. */
export function createLogger(service: string, level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      name: service,
      level,
      redact: { paths: REDACT, censor: '[redacted]' },
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** Which requests the access log keeps: every failed and every slow one, and successes at `sampleRate`. */
export interface AccessLogPolicy {
  sampleRate: number;
  slowMs: number;
}

export function accessLogPolicy(config: { ACCESS_LOG_SAMPLE_RATE: number; ACCESS_LOG_SLOW_MS: number }): AccessLogPolicy {
  return { sampleRate: config.ACCESS_LOG_SAMPLE_RATE, slowMs: config.ACCESS_LOG_SLOW_MS };
}

export function keepsAccessLine(policy: AccessLogPolicy, failed: boolean, durationMs: number): boolean {
  return failed || durationMs >= policy.slowMs || Math.random() < policy.sampleRate;
}
