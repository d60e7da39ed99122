import { ValidationError, type ApiStyle } from '@tollgate/platform';

/** The provider endpoints Tollgate prices: what a call may produce is bounded by one request field. */
export type EndpointKind = 'chat' | 'completion' | 'embedding' | 'response' | 'message';

interface Endpoint {
  kind: EndpointKind;
  /** The request fields that bound the output, the first one present wins; none: no output tokens. */
  maxOutputFields: string[];
  /** The field the proxy sets when the request has none. */
  defaultField?: string;
  streams: boolean;
}

const ENDPOINTS: Record<ApiStyle, Record<string, Endpoint>> = {
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
  /** The parsed body, to send once the proxy has set what it must. */
  body: Record<string, unknown>;
  /** Sets the output bound the hold was taken for, when the request gave none. */
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
  const endpoint = ENDPOINTS[style][path.replace(/^\/+|\/+$/g, '')];
  if (!endpoint) throw refuse(`${path} is not an endpoint Tollgate can price for this provider`);
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
    body: fields,
    withMaxOutput(tokens) {
      if (endpoint.defaultField && !boundField) fields[endpoint.defaultField] = tokens;
      return Buffer.from(JSON.stringify(fields));
    },
  };
}
