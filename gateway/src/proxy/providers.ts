/** How each provider wants its API key; anything else gets a bearer token. */
export function providerAuthHeaders(provider: string, apiKey: string): Record<string, string> {
  switch (provider) {
    case 'anthropic':
      return { 'x-api-key': apiKey };
    case 'google':
    case 'gemini':
      return { 'x-goog-api-key': apiKey };
    default:
      return { authorization: `Bearer ${apiKey}` };
  }
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
