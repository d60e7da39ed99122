import { ValidationError } from './errors.js';

/** Names of things people make (agents, tokens, provider keys): one line. */
export const MAX_NAME_LENGTH = 100;
export const MAX_DESCRIPTION_LENGTH = 1_000;
/** Free text of a person (justification, decision note, reason). */
export const MAX_TEXT_LENGTH = 2_000;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** Lengths are in characters (Unicode code points), as JSON Schema counts them — not UTF-16 units. */
// eslint-disable-next-line @typescript-eslint/no-misused-spread -- code points are what is counted (see above)
export const charCount = (s: string): number => [...s].length;

// What String.prototype.trim removes, spelled out so that every regex engine that reads the
// OpenAPI document (schemathesis' is Python's) agrees with what the services accept.
const SPACE = String.raw`\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff`;
const CONTROL = String.raw`\u0000-\u001f\u007f`;
const CONTROL_BUT_NEWLINES = String.raw`\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f`;

/** A name: no control characters and at least one visible one (what is left once trimmed is not empty). */
export const NAME_PATTERN = new RegExp(`^[^${CONTROL}]*[^${SPACE}${CONTROL}][^${CONTROL}]*$`);
/** Text that may span lines and must say something. */
export const TEXT_PATTERN = new RegExp(`^[^${CONTROL_BUT_NEWLINES}]*[^${SPACE}${CONTROL_BUT_NEWLINES}][^${CONTROL_BUT_NEWLINES}]*$`);
/** Text that may span lines, or be empty. */
export const OPTIONAL_TEXT_PATTERN = new RegExp(`^[^${CONTROL_BUT_NEWLINES}]*$`);

/** A well-formed email address: something, @, a domain with a dot; no spaces or control characters. */
export const EMAIL_PATTERN = new RegExp(`^[^@${SPACE}${CONTROL}]+@[^@${SPACE}${CONTROL}]+\\.[^@${SPACE}${CONTROL}]+$`);
export const MAX_EMAIL_LENGTH = 254;

/** A well-formed email address (normalise it first: trimmed, lower case). */
export function isEmail(email: string): boolean {
  return charCount(email) <= MAX_EMAIL_LENGTH && EMAIL_PATTERN.test(email);
}

export const nameRule = `must be 1 to ${MAX_NAME_LENGTH} printable characters`;
export const textRule = (required: boolean, max = MAX_TEXT_LENGTH) => `must be ${required ? '1' : '0'} to ${max} printable characters`;

const invalid = (field: string, rule: string) => new ValidationError(`${field} ${rule}`, { [field]: rule });

/** A name as stored: trimmed, 1 to MAX_NAME_LENGTH characters, none of them a control character. */
export function validName(raw: string, field = 'name'): string {
  const name = raw.trim();
  if (charCount(name) > MAX_NAME_LENGTH || !NAME_PATTERN.test(name)) throw invalid(field, nameRule);
  return name;
}

/** Free text as stored: trimmed, at most `max` characters, newlines allowed; `required` refuses an empty one. */
export function validText(raw: string, field: string, opts: { required: boolean; max?: number }): string {
  const text = raw.trim();
  const max = opts.max ?? MAX_TEXT_LENGTH;
  const ok = charCount(text) <= max && (opts.required ? TEXT_PATTERN : OPTIONAL_TEXT_PATTERN).test(text);
  if (!ok) throw invalid(field, textRule(opts.required, max));
  return text;
}
