import { MAX_DESCRIPTION_LENGTH, MODEL_PATTERN, MODEL_RULE, validProviderName, validText, ValidationError } from '@tollgate/platform';
import { isId, type IdPrefix } from './ids.js';

export const MAX_PROVIDERS = 20;

const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

const invalid = (field: string, rule: string) => new ValidationError(`${field} ${rule}`, { [field]: rule });

export function validDescription(raw: string): string {
  return validText(raw, 'description', { required: false, max: MAX_DESCRIPTION_LENGTH });
}

/** The provider-name rule of the provider catalog. */
export const validProvider = (raw: string) => validProviderName(raw);

export function validProviders(raw: string[]): string[] {
  if (raw.length > MAX_PROVIDERS) throw invalid('providers', `must list at most ${MAX_PROVIDERS} providers`);
  return [...new Set(raw.map(validProvider))];
}

export function validRequestId(raw: string): string {
  if (!REQUEST_ID.test(raw)) throw invalid('request_id', 'must be 1 to 200 printable characters without spaces');
  return raw;
}

export function validModel(raw: string): string {
  if (!MODEL_PATTERN.test(raw)) throw invalid('model', MODEL_RULE);
  return raw;
}

export function validTokens(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > 1e12) throw invalid(field, 'must be an integer from 0 to 10^12');
  return value;
}

/** An id of this service's kind, or a 404 (a malformed id names nothing). */
export function knownId(prefix: IdPrefix, value: string): boolean {
  return isId(prefix, value);
}

/** The most a per-agent limit may be set to. */
export const MAX_PARALLEL_CALLS_LIMIT = 100_000;
export const MAX_TOKENS_PER_MINUTE_LIMIT = 1_000_000_000;

/** A per-agent limit: 1 to `max`, or 0 for the service's default. */
export function validLimit(value: number, field: string, max: number): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) throw invalid(field, `must be an integer from 0 (the default) to ${max}`);
  return value;
}

export const MAX_ALERT_THRESHOLDS = 10;

/** Alert thresholds: at most MAX_ALERT_THRESHOLDS whole percentages from 1 to 100, kept ascending and once each. */
export function validThresholds(raw: number[]): number[] {
  if (raw.length > MAX_ALERT_THRESHOLDS || raw.some((t) => !Number.isInteger(t) || t < 1 || t > 100))
    throw new ValidationError(`alert_thresholds must be at most ${MAX_ALERT_THRESHOLDS} whole percentages from 1 to 100`, {
      alert_thresholds: `at most ${MAX_ALERT_THRESHOLDS} integers from 1 to 100`,
    });
  return [...new Set(raw)].sort((a, b) => a - b);
}
