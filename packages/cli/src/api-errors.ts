import { ApiError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import type { RawResponse } from './transport.js';

interface Envelope {
  code: string;
  message: string;
  request_id?: string;
  details?: Record<string, unknown>;
}

function envelopeOf(res: RawResponse): Envelope | undefined {
  try {
    const e = (JSON.parse(res.text) as { error?: Partial<Envelope> }).error;
    if (e && typeof e.code === 'string' && typeof e.message === 'string') return e as Envelope;
  } catch {
    // Not the gateway's envelope (a proxy's HTML page, an empty body); described by status below.
  }
  return undefined;
}

function exitCodeFor(status: number): ExitCode {
  if (status === 401) return ExitCode.Unauthenticated;
  if (status === 403) return ExitCode.Forbidden;
  if (status === 404) return ExitCode.NotFound;
  if (status === 429 || status === 502 || status === 503 || status === 504) return ExitCode.Unavailable;
  if (status >= 400 && status < 500) return ExitCode.Conflict;
  return ExitCode.Unexpected;
}

export function retryAfterSeconds(res: RawResponse): number | undefined {
  const header = res.headers['retry-after'];
  const value = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** "name: too long; scopes: unknown: x" from a validation_failed envelope's details. */
function describeDetails(details: Record<string, unknown> | undefined): string {
  if (!details) return '';
  const parts = Object.entries(details)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
    .map(([k, v]) => `${k}: ${String(v)}`);
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

/**
 * Turns an error response into a message that says what happened and what to do.
 * `usingApiToken`: the caller authenticated with TOLLGATE_TOKEN, not a login session.
 */
export function apiErrorFrom(res: RawResponse, usingApiToken: boolean): ApiError {
  const env = envelopeOf(res);
  const code = env?.code ?? `http_${res.status}`;
  const serverMessage = env?.message ?? `HTTP ${res.status}`;
  const wait = retryAfterSeconds(res);
  const later = wait !== undefined ? `try again in ${wait} s` : 'try again later';
  let message: string;
  switch (res.status) {
    case 400:
      message = `invalid request: ${serverMessage}${describeDetails(env?.details)}`;
      break;
    case 401:
      if (code === 'invalid_credentials') message = 'invalid email or password';
      else if (usingApiToken)
        message = `the API token in TOLLGATE_TOKEN was refused (${serverMessage}) — use a valid token, or unset TOLLGATE_TOKEN to use your login`;
      else message = `your session has ended (${serverMessage}) — run \`tollgate login\``;
      break;
    case 403:
      message =
        code === 'insufficient_scope'
          ? `forbidden: ${serverMessage} — use a token that holds the needed scope`
          : `forbidden: ${serverMessage}`;
      break;
    case 404:
      message = `not found: ${serverMessage}`;
      break;
    case 409:
      message = `conflict: ${serverMessage}`;
      break;
    case 429:
      message = `rate limited by the gateway — ${later}`;
      break;
    case 502:
    case 503:
    case 504:
      message = `the service is unavailable (${serverMessage}) — ${later}`;
      break;
    default:
      message =
        res.status >= 500
          ? `the gateway failed (HTTP ${res.status}: ${serverMessage}) — try again; if it keeps failing, report the request id`
          : `${serverMessage} (HTTP ${res.status})`;
  }
  return new ApiError(message, exitCodeFor(res.status), code, res.status, env?.request_id, env?.details);
}
