import { ValidationError, type ApiStyle, type ModelPrice, type TokenPricedPath } from '@tollgate/platform';

/**
 * The provider endpoints Tollgate prices by tokens — what a call may produce is bounded by one
 * request field — and those an admin priced per call.
 */
export type EndpointKind = 'chat' | 'completion' | 'embedding' | 'response' | 'message' | 'per_call';

interface Endpoint {
  kind: EndpointKind;
  /** The request fields that bound the output, the first one present wins; none: no output tokens. */
  maxOutputFields: string[];
  /** The field the proxy sets when the request has none. */
  defaultField?: string;
  streams: boolean;
}

const ENDPOINTS: { [S in ApiStyle]: Record<TokenPricedPath<S>, Endpoint> } = {
  openai: {
    'chat/completions': {
      kind: 'chat',
      maxOutputFields: ['max_completion_tokens', 'max_tokens'],
      defaultField: 'max_completion_tokens',
      streams: true,
    },
    completions: { kind: 'completion', maxOutputFields: ['max_tokens'], defaultField: 'max_tokens', streams: true },
    embeddings: { kind: 'embedding', maxOutputFields: [], streams: false },
    responses: { kind: 'response', maxOutputFields: ['max_output_tokens'], defaultField: 'max_output_tokens', streams: true },
  },
  anthropic: {
    'v1/messages': { kind: 'message', maxOutputFields: ['max_tokens'], defaultField: 'max_tokens', streams: true },
  },
};

/** What the proxy knows about one call before sending it: what to hold, and the body to send. */
export interface CallPlan {
  /** The provider's API style, which says how its answers carry usage. */
  style: ApiStyle;
  kind: EndpointKind;
  model: string;
  /** A bound never below the input tokens the provider bills: the request body's UTF-8 bytes. */
  inputTokens: number;
  /** The request's own bound on output tokens (0: none given). */
  maxOutputTokens: number;
  stream: boolean;
  /** An OpenAI-style stream without the usage chunk asked for: the proxy asks, and hides that chunk. */
  addedUsageChunk: boolean;
  /** The price of a call priced per call (none: its model's, from the price table). */
  price?: ModelPrice;
  /** What the call costs when it is answered, for a call priced per call: its one unit. */
  answeredUsage?: { inputTokens: number; outputTokens: number };
  /** The body to send: with the output bound the hold was taken for, when the request gave none. */
  withMaxOutput(tokens: number): Buffer;
}

const refuse = (message: string, field = 'path') => new ValidationError(message, { [field]: message }, 'endpoint_not_priced');

/**
 * Reads a proxied request: which priced endpoint it is for (anything else is refused —
 * its cost could not be bounded), the model, the output bound, and whether it streams.
 * The input bound is the body's byte length: every token the provider bills covers at
 * least one byte of the text it was sent, and the rest of the body (roles, keys) only adds.
 */
export function planCall(style: ApiStyle, path: string, raw: Buffer, contentType: string | undefined): CallPlan {
  const endpoint = (ENDPOINTS[style] as Record<string, Endpoint | undefined>)[path];
  if (!endpoint) throw refuse(`${path} is not an endpoint Tollgate can price for this provider (an admin may set a price per call for it)`);
  if (!contentType?.toLowerCase().includes('application/json')) throw refuse('A priced endpoint takes a JSON body', 'content-type');
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ValidationError('The request body is not valid JSON', undefined, 'invalid_json');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ValidationError('The request body must be a JSON object', { body: 'must be an object' });
  const fields = body as Record<string, unknown>;
  if (typeof fields.model !== 'string' || fields.model.length === 0)
    throw new ValidationError('model is required', { model: 'is required' });
  const boundField = endpoint.maxOutputFields.find((f) => fields[f] !== undefined && fields[f] !== null);
  const bound = boundField ? fields[boundField] : 0;
  if (!Number.isSafeInteger(bound) || (bound as number) < 0)
    throw new ValidationError(`${boundField ?? 'max_tokens'} must be a non-negative integer`, {
      [boundField ?? 'max_tokens']: 'must be a non-negative integer',
    });
  const stream = endpoint.streams && fields.stream === true;
  const options = fields.stream_options as { include_usage?: unknown } | undefined;
  const addedUsageChunk = stream && style === 'openai' && endpoint.kind !== 'response' && options?.include_usage !== true;
  if (addedUsageChunk) fields.stream_options = { ...(typeof options === 'object' && options ? options : {}), include_usage: true };
  return {
    style,
    kind: endpoint.kind,
    model: fields.model,
    inputTokens: raw.length,
    maxOutputTokens: bound as number,
    stream,
    addedUsageChunk,
    withMaxOutput(tokens) {
      if (endpoint.defaultField && !boundField) fields[endpoint.defaultField] = tokens;
      return Buffer.from(JSON.stringify(fields));
    },
  };
}

/**
 * A call to an endpoint an admin priced per call (images, audio, …): its body goes as it came,
 * whatever it is, and an answered call costs that price, whatever the answer says. It is one
 * unit (an input token) at the price per call × 10^6 per million, so that its hold, its charge
 * and its fail-closed rules are every call's.
 */
export function perCallPlan(style: ApiStyle, path: string, raw: Buffer, perCallMicros: number): CallPlan {
  return {
    style,
    kind: 'per_call',
    model: path,
    inputTokens: 1,
    maxOutputTokens: 0,
    stream: false,
    addedUsageChunk: false,
    price: { input_per_million_micros: perCallMicros * 1_000_000, output_per_million_micros: 0 },
    answeredUsage: { inputTokens: 1, outputTokens: 0 },
    withMaxOutput: () => raw,
  };
}
