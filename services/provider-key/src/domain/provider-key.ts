import { randomBytes } from 'node:crypto';
import {
  API_KEY_PATTERN,
  API_KEY_RULE,
  checkOutboundUrl,
  MAX_API_KEY_LENGTH,
  MIN_API_KEY_LENGTH,
  providerProfile,
  ValidationError,
  type OutboundPolicy,
} from '@tollgate/platform';
import type { SealedSecret } from '@tollgate/platform';

/** A stored provider key. `secret` is the AES-256-GCM sealed API key; nothing else holds it. */
export interface ProviderKeyRecord {
  id: string;
  /** How many changes made this state: 1 at creation, one more per committed change. */
  version: number;
  provider: string;
  name: string;
  base_url: string;
  disabled: boolean;
  masked: string;
  secret: SealedSecret;
  created_at: Date;
  updated_at: Date;
  rotated_at: Date | null;
}

const ID = /^pk_[0-9a-z]{9}[0-9a-f]{16}$/;

/** Ids sort by creation time, so lists page by id. */
export function newProviderKeyId(now = Date.now()): string {
  return `pk_${now.toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
}

export function isProviderKeyId(value: string): boolean {
  return ID.test(value);
}

/** The API key itself: printable ASCII without spaces. Its value never appears in an error. */
export function validApiKey(raw: string): string {
  if (raw.length < MIN_API_KEY_LENGTH || raw.length > MAX_API_KEY_LENGTH || !API_KEY_PATTERN.test(raw)) {
    throw new ValidationError('api_key is not a valid API key', { api_key: API_KEY_RULE });
  }
  return raw;
}

/** A URL the outbound policy allows (see checkOutboundUrl); an empty value takes the provider's default. */
export function validBaseUrl(raw: string, provider: string, policy: OutboundPolicy): string {
  if (raw.trim() !== '') return checkOutboundUrl(raw, policy, 'base_url');
  const fallback = providerProfile(provider).defaultBaseUrl;
  if (!fallback)
    throw new ValidationError(`base_url is required for provider ${provider}`, { base_url: `is required for provider ${provider}` });
  return fallback;
}

/** `sk-…abcd`: a short alphabetic prefix such as `sk-` and the last four characters. */
export function maskApiKey(apiKey: string): string {
  const prefix = /^[A-Za-z]{1,4}[-_]/.exec(apiKey)?.[0] ?? '';
  return `${prefix}…${apiKey.slice(-4)}`;
}
