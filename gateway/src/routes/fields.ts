import './zod-openapi.js';
import { z } from 'zod';
import {
  charCount,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  API_KEY_PATTERN,
  EMAIL_PATTERN,
  MAX_EMAIL_LENGTH,
  API_KEY_RULE,
  MAX_API_KEY_LENGTH,
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  MAX_TEXT_LENGTH,
  MIN_API_KEY_LENGTH,
  NAME_PATTERN,
  nameRule,
  OPTIONAL_TEXT_PATTERN,
  PROVIDER_NAME,
  PROVIDER_NAME_RULE,
  TEXT_PATTERN,
  textRule,
  usdToMicros,
  ValidationError,
} from '@tollgate/platform';

// Request fields the services check by the platform's rules, stated the same way here so
// that the OpenAPI document says exactly what is accepted (and the edge refuses the rest first).

/** A string of min to max characters (code points, as the document's readers count them). */
export const chars = (min: number, max: number, rule: string) =>
  z
    .string()
    .refine((s) => {
      const n = charCount(s);
      return n >= min && n <= max;
    }, rule)
    .openapi({ minLength: min, maxLength: max });

/** A name (agent, token, provider key): one line that says something. */
export const nameField = chars(1, MAX_NAME_LENGTH, nameRule).regex(NAME_PATTERN, nameRule);
export const descriptionField = chars(0, MAX_DESCRIPTION_LENGTH, textRule(false, MAX_DESCRIPTION_LENGTH)).regex(
  OPTIONAL_TEXT_PATTERN,
  textRule(false, MAX_DESCRIPTION_LENGTH),
);
/** A person's reason that must be given (justification, rejection reason). */
export const requiredText = chars(1, MAX_TEXT_LENGTH, textRule(true)).regex(TEXT_PATTERN, textRule(true));
export const optionalText = chars(0, MAX_TEXT_LENGTH, textRule(false)).regex(OPTIONAL_TEXT_PATTERN, textRule(false));
/** A new password, by identity's policy. */
export const passwordField = chars(
  MIN_PASSWORD_LENGTH,
  MAX_PASSWORD_LENGTH,
  `must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`,
);
export const providerName = z.string().regex(PROVIDER_NAME, PROVIDER_NAME_RULE);
export const apiKey = z
  .string()
  .min(MIN_API_KEY_LENGTH)
  .max(MAX_API_KEY_LENGTH)
  .regex(API_KEY_PATTERN, API_KEY_RULE)
  .openapi({ description: 'The provider API key; stored encrypted, never returned' });

/**
 * Decimal USD: a JSON number with at most 6 decimals (exact micro-dollars), ≥ 0 or, with
 * `positive`, > 0. `maximum` is documented; the service that owns the limit enforces it.
 */
export function usdAmount(opts: { maximum: number; positive?: boolean; note?: string }) {
  const base = opts.positive ? z.number().gt(0) : z.number().min(0);
  return base.openapi({
    maximum: opts.maximum,
    multipleOf: 0.000001,
    description: `Decimal USD, at most 6 decimals${opts.note ? `; ${opts.note}` : ''}`,
    example: 25.5,
  });
}

/** USD from a request → micro-dollars, or a validation error naming the field. */
export function toMicros(value: number, field: string): number {
  const micros = usdToMicros(value);
  if (micros === null) {
    throw new ValidationError(`${field} must be a non-negative USD amount with at most 6 decimals`, {
      [field]: 'must be a non-negative USD amount with at most 6 decimals',
    });
  }
  return micros;
}

export const emailField = chars(1, MAX_EMAIL_LENGTH, 'must be an email address').regex(EMAIL_PATTERN, 'must be an email address');

/** 0 to 65535. */
const PORT = '([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])';

/**
 * A public host name (a dot and a TLD that starts with a letter, so never an IP literal; never
 * localhost): the only hosts an install without OUTBOUND_ALLOW_PRIVATE sends keys to.
 */
const PUBLIC_HOST =
  '(?!(?:[^/:]*\\.)?localhost\\.?(?:[:/]|$))(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\\.)+[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?\\.?';

/**
 * An https URL to a public host name without credentials, query or fragment — or, where
 * OUTBOUND_ALLOW_PRIVATE lets keys go to local servers (development), any host, and http to a
 * private one. The service checks it again with the outbound policy (the address a name resolves
 * to is checked when a call connects).
 */
export const baseUrlField = (allowPrivate: boolean) =>
  z
    .string()
    .max(2_048)
    .regex(
      new RegExp(`^${allowPrivate ? 'https?://[A-Za-z0-9.-]+' : `https://${PUBLIC_HOST}`}(:${PORT})?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?$`),
      allowPrivate
        ? 'must be an http(s) URL without credentials, query or fragment (http to a private address only)'
        : 'must be an https URL to a public host name, without credentials, query or fragment',
    );

/** Path parameters and list queries, the same on every list. */
export const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an id') });
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).optional(),
  // Cursors are opaque base64url; documenting the alphabet lets clients and fuzzers know.
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{0,512}$/, 'is not a cursor returned by this list')
    .optional()
    .openapi({
      description:
        "Opaque: the previous page's `next_cursor`, as it was returned. Any other value is 400 `validation_failed`; empty starts at the top.",
    }),
};
export const pageOut = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next_cursor: z.string().nullable() });

/** gRPC "" means unset; the API says null. */
export const nullable = (s: string | undefined | null): string | null => (s ? s : null);
