import { ValidationError } from './errors.js';

/**
 * The LLM providers Tollgate knows: the one place that says what a provider name may be,
 * where a provider's API lives by default, how it wants its key, and how to read the usage
 * off its answers. provider-key, budget and the gateway all use it.
 */

/** 1 to 32 lowercase letters, digits, `-` or `_`, starting with a letter or digit. */
export const PROVIDER_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
export const PROVIDER_NAME_RULE = 'must be 1 to 32 lowercase letters, digits, - or _';

/** A model name as providers spell it: printable ASCII without spaces. */
export const MODEL_PATTERN = /^[\x21-\x7e]{1,200}$/;
export const MODEL_RULE = 'must be 1 to 200 printable characters without spaces';

/** A provider API key as Tollgate takes it: printable ASCII without spaces, of a plausible length. */
export const MIN_API_KEY_LENGTH = 12;
export const MAX_API_KEY_LENGTH = 1_024;
export const API_KEY_PATTERN = /^[\x21-\x7e]+$/;
export const API_KEY_RULE = `must be ${MIN_API_KEY_LENGTH} to ${MAX_API_KEY_LENGTH} printable characters without spaces`;

/** A provider name as given (trimmed, lower-cased), or a validation error naming `field`. */
export function validProviderName(raw: string, field = 'provider'): string {
  const provider = raw.trim().toLowerCase();
  if (!PROVIDER_NAME.test(provider)) throw new ValidationError(`${field} ${PROVIDER_NAME_RULE}`, { [field]: PROVIDER_NAME_RULE });
  return provider;
}

/** The wire format of a provider's API: what its requests and answers look like. */
export type ApiStyle = 'openai' | 'anthropic';

export interface ProviderProfile {
  /** Where the API lives when a stored key gives no base URL (none: a base URL is required). */
  defaultBaseUrl?: string;
  style: ApiStyle;
  /** How the API key travels. */
  authHeaders(apiKey: string): Record<string, string>;
}

const bearer = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });

const KNOWN: Readonly<Record<string, ProviderProfile>> = {
  openai: { defaultBaseUrl: 'https://api.openai.com/v1', style: 'openai', authHeaders: bearer },
  anthropic: {
    defaultBaseUrl: 'https://api.anthropic.com',
    style: 'anthropic',
    authHeaders: (apiKey) => ({ 'x-api-key': apiKey }),
  },
  mistral: { defaultBaseUrl: 'https://api.mistral.ai/v1', style: 'openai', authHeaders: bearer },
  groq: { defaultBaseUrl: 'https://api.groq.com/openai/v1', style: 'openai', authHeaders: bearer },
  google: { defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai', style: 'openai', authHeaders: bearer },
};

/** The providers whose keys need no base URL (Tollgate knows where their API lives). */
export const PROVIDERS_WITH_DEFAULT_BASE_URL = Object.keys(KNOWN).filter((name) => KNOWN[name].defaultBaseUrl);

/** A provider's profile; a name Tollgate does not know speaks the OpenAI API at the base URL its key names. */
export function providerProfile(provider: string): ProviderProfile {
  return KNOWN[provider] ?? { style: 'openai', authHeaders: bearer };
}

/** Client headers that must never reach a provider: our credentials and hop metadata. */
export const STRIPPED_REQUEST_HEADERS = [
  'authorization',
  'cookie',
  'x-api-key',
  'x-goog-api-key',
  'x-csrf-token',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
  'forwarded',
];
