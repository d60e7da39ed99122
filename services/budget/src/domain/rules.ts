import { validProviderName, ValidationError } from '@tollgate/platform';
import { isId, type IdPrefix } from './ids.js';

export const MAX_NAME_LENGTH = 100;
export const MAX_DESCRIPTION_LENGTH = 1_000;
export const MAX_TEXT_LENGTH = 2_000;
export const MAX_PROVIDERS = 20;

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/; // eslint-disable-line no-control-regex
const CONTROL_CHARS_BUT_NEWLINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/; // eslint-disable-line no-control-regex
const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;
const MODEL = /^[\x21-\x7e]{1,200}$/;

const invalid = (field: string, rule: string) => new ValidationError(`${field} ${rule}`, { [field]: rule });

export function validName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0 || name.length > MAX_NAME_LENGTH || CONTROL_CHARS.test(name)) {
    throw invalid('name', `must be 1 to ${MAX_NAME_LENGTH} printable characters`);
  }
  return name;
}

export function validDescription(raw: string): string {
  const description = raw.trim();
  if (description.length > MAX_DESCRIPTION_LENGTH || CONTROL_CHARS_BUT_NEWLINES.test(description)) {
    throw invalid('description', `must be at most ${MAX_DESCRIPTION_LENGTH} printable characters`);
  }
  return description;
}

/** Free text of a person (justification, decision note); `required` refuses an empty one. */
export function validText(raw: string, field: string, required: boolean): string {
  const text = raw.trim();
  if ((required && text.length === 0) || text.length > MAX_TEXT_LENGTH || CONTROL_CHARS_BUT_NEWLINES.test(text)) {
    throw invalid(field, `must be ${required ? '1' : '0'} to ${MAX_TEXT_LENGTH} printable characters`);
  }
  return text;
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
  if (!MODEL.test(raw)) throw invalid('model', 'must be 1 to 200 printable characters without spaces');
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
