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

/** The endpoints Tollgate prices by tokens, per API style: the proxy bounds their output and reads their usage. */
export const TOKEN_PRICED_PATHS = {
  openai: ['chat/completions', 'completions', 'embeddings', 'responses'],
  anthropic: ['v1/messages'],
} as const satisfies Record<ApiStyle, readonly string[]>;
export type TokenPricedPath<S extends ApiStyle> = (typeof TOKEN_PRICED_PATHS)[S][number];

/**
 * A provider API path without its leading and trailing slashes: segments of ASCII letters, digits,
 * `.`, `_`, `~` and `-`, none of them `.` or `..` (a provider would resolve those to another
 * endpoint than the one priced). No lookaround, so that OpenAPI tools read it as it is.
 */
export const API_PATH_PATTERN =
  /^(?:[A-Za-z0-9_~-][A-Za-z0-9_.~-]*|\.[A-Za-z0-9_~-][A-Za-z0-9_.~-]*|\.\.[A-Za-z0-9_.~-]+)(?:\/(?:[A-Za-z0-9_~-][A-Za-z0-9_.~-]*|\.[A-Za-z0-9_~-][A-Za-z0-9_.~-]*|\.\.[A-Za-z0-9_.~-]+))*$/;
export const API_PATH_RULE =
  'must be a provider API path of 1 to 200 characters: segments of letters, digits, . _ ~ -, split by /, none of them . or ..';
export const MAX_API_PATH_LENGTH = 200;

/** A provider API path as the proxy and the price list name it: without its leading and trailing slashes. */
export const trimApiPath = (raw: string) => raw.replace(/^\/+|\/+$/g, '');

/** A provider API path as trimApiPath names it, or a 400. */
export function validApiPath(raw: string, field = 'path'): string {
  const path = trimApiPath(raw);
  if (path.length > MAX_API_PATH_LENGTH || !API_PATH_PATTERN.test(path))
    throw new ValidationError(`${field} ${API_PATH_RULE}`, { [field]: API_PATH_RULE });
  return path;
}

/** Whether Tollgate prices calls to `path` of `provider` by their tokens (then a price per call cannot be set for it). */
export function isTokenPriced(provider: string, path: string): boolean {
  return (TOKEN_PRICED_PATHS[providerProfile(provider).style] as readonly string[]).includes(path);
}

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
