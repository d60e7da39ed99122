import { z } from 'zod';
import {
  API_PATH_PATTERN,
  API_PATH_RULE,
  MAX_API_PATH_LENGTH,
  microsToUsd,
  MODEL_PATTERN,
  MODEL_RULE,
  RPC_CALLERS,
} from '@tollgate/platform';
import type { CallPrice__Output } from '@tollgate/proto/gen/tollgate/budget/v1/CallPrice';
import type { Price__Output } from '@tollgate/proto/gen/tollgate/budget/v1/Price';
import type { RouteDefiner } from './define.js';
import { providerName, toMicros, usdAmount } from './fields.js';
import type { GatewayDeps } from '../deps.js';

const SOURCES = ['shipped', 'admin'] as const;

const priceSchema = z
  .object({
    provider: z.string(),
    model: z
      .string()
      .openapi({ description: 'Also prices its dated snapshots (gpt-4o → gpt-4o-2024-08-06) and its -latest alias, nothing else' }),
    input_usd_per_million: z.number().openapi({ description: 'USD per million input tokens', example: 2.5 }),
    output_usd_per_million: z.number().openapi({ description: 'USD per million output tokens', example: 10 }),
    source: z.enum(SOURCES).openapi({ description: 'shipped: the table the budget service ships with; admin: set at run time' }),
  })
  .openapi('Price');

const modelParams = z.object({
  provider: providerName,
  model: z
    .string()
    .regex(MODEL_PATTERN, MODEL_RULE)
    .openapi({ description: 'The model name, URL-encoded (it may contain `.`, `:` and `/` as %2F)', example: 'gpt-4o' }),
});

const callPriceSchema = z
  .object({
    provider: z.string(),
    path: z.string().openapi({ description: 'The provider API path, without leading or trailing slash', example: 'images/generations' }),
    usd_per_call: z.number().openapi({ description: 'USD per call', example: 0.04 }),
  })
  .openapi('CallPrice');

/** A provider API path, as the platform's rule has it. */
const apiPath = z
  .string()
  .max(MAX_API_PATH_LENGTH, API_PATH_RULE)
  .regex(API_PATH_PATTERN, API_PATH_RULE)
  .describe('the provider API path, e.g. images/generations (its slashes as they are)');
/** /v1/call-prices/{provider}/{path+}: the path comes by its segments (the document names it whole). */
const callPriceParams = z.object({
  provider: providerName,
  path: z
    .array(z.string())
    .max(32)
    .transform((segments) => segments.join('/'))
    .pipe(apiPath),
});
const callPriceOpenapiParams = z.object({ provider: providerName, path: apiPath });

function toCallPrice(p: CallPrice__Output) {
  return { provider: p.provider, path: p.path, usd_per_call: microsToUsd(p.per_call_micros) };
}

function toPrice(p: Price__Output) {
  return {
    provider: p.provider,
    model: p.model,
    input_usd_per_million: microsToUsd(p.input_per_million_micros),
    output_usd_per_million: microsToUsd(p.output_per_million_micros),
    source: p.source as (typeof SOURCES)[number],
  };
}

/** How a change of either kind of price spreads, and what audits it. */
const changes = (actions: string) =>
  'A change applies at once on the budget replica that records it and on the gateway it is made through, and on every other replica within a second; it is audited ' +
  `(${actions}, with the old and the new prices).`;
const CHANGES = changes('price.set / price.removed');
const CALL_PRICE_CHANGES = changes('call_price.set / call_price.removed');

/** Prices per million tokens: at most $1,000,000. */
const perMillion = usdAmount({ maximum: 1_000_000 }).max(1_000_000);

/** Model prices (the shipped table and admins' changes on top of it) and admins' prices per call. */
export function registerPriceRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  const budget = deps.clients.budget.call;
  const common = { auth: 'any', tag: 'Prices' } as const;
  const write = { ...common } as const;

  route({
    ...common,
    method: 'get',
    path: '/v1/prices',
    callers: RPC_CALLERS.budget.ListPrices,
    summary: 'List model prices, by provider and model',
    description:
      'What proxied calls and usage reports are priced with: the table shipped with the budget service, overlaid with ' +
      'the prices admins set or removed. A model without an entry — and that is not a dated snapshot of one — is refused by ' +
      'the proxy with 400 model_not_priced. One page: the table is small.',
    query: z.object({ provider: providerName.optional() }),
    response: z.object({ items: z.array(priceSchema) }),
    handler: async ({ query, call }) => ({ items: (await budget.ListPrices({ provider: query.provider ?? '' }, call)).items.map(toPrice) }),
  });

  route({
    ...write,
    method: 'put',
    path: '/v1/prices/{provider}/{model}',
    callers: RPC_CALLERS.budget.SetPrice,
    summary: "Set a model's price",
    description:
      'Decimal USD per million tokens, at most 6 decimals, from 0 to 1,000,000. Replaces a shipped price too; the model ' +
      `name is 1–200 printable characters without spaces. ${CHANGES}`,
    params: modelParams,
    body: z.object({ input_usd_per_million: perMillion, output_usd_per_million: perMillion }),
    response: priceSchema,
    handler: async ({ params, body, call }) => {
      const set = await budget.SetPrice(
        {
          provider: params.provider,
          model: params.model,
          input_per_million_micros: toMicros(body.input_usd_per_million, 'input_usd_per_million'),
          output_per_million_micros: toMicros(body.output_usd_per_million, 'output_usd_per_million'),
        },
        call,
      );
      // This gateway prices calls with the change at once; the others within PRICE_REFRESH_MS.
      await deps.proxy.prices.refresh();
      return toPrice(set);
    },
  });

  route({
    ...write,
    method: 'delete',
    path: '/v1/prices/{provider}/{model}',
    callers: RPC_CALLERS.budget.RemovePrice,
    summary: "Remove a model's price",
    description:
      "Removes the model's own entry, a shipped one too: calls of it are then refused with 400 model_not_priced (a dated " +
      'snapshot of a model still priced keeps that price). 404 when the model has no entry of its own. ' +
      CHANGES,
    params: modelParams,
    status: 204,
    errors: [404],
    handler: async ({ params, call }) => {
      await budget.RemovePrice({ provider: params.provider, model: params.model }, call);
      await deps.proxy.prices.refresh();
    },
  });

  route({
    ...common,
    method: 'get',
    path: '/v1/call-prices',
    callers: RPC_CALLERS.budget.ListPrices,
    summary: 'List prices per call, by provider and path',
    description:
      'Provider endpoints Tollgate cannot price by tokens (images, audio, moderations, …) are refused by the proxy with ' +
      '400 endpoint_not_priced unless an admin set a price per call for them. Such a call is sent as it came (any body), holds ' +
      'its price on the budget before it is sent, and is charged it once answered; a provider error status releases it, and ' +
      'an answer cut off, a client gone or a provider that stops answering is charged it (the hold, as for every call). Nothing ' +
      'is shipped: the list starts empty. One page.',
    query: z.object({ provider: providerName.optional() }),
    response: z.object({ items: z.array(callPriceSchema) }),
    handler: async ({ query, call }) => ({
      items: (await budget.ListPrices({ provider: query.provider ?? '' }, call)).call_prices.map(toCallPrice),
    }),
  });

  route({
    ...write,
    method: 'put',
    path: '/v1/call-prices/{provider}/{path+}',
    callers: RPC_CALLERS.budget.SetCallPrice,
    summary: "Set an endpoint's price per call",
    description:
      'Decimal USD per call, at most 6 decimals, from 0 to 1,000. Not for the endpoints priced by tokens (chat/completions, ' +
      'completions, embeddings, responses; v1/messages for Anthropic-style providers): 400. ' +
      CALL_PRICE_CHANGES,
    params: callPriceParams,
    openapiParams: callPriceOpenapiParams,
    body: z.object({ usd_per_call: usdAmount({ maximum: 1_000 }).max(1_000) }),
    response: callPriceSchema,
    handler: async ({ params, body, call }) => {
      const set = await budget.SetCallPrice(
        { provider: params.provider, path: params.path, per_call_micros: toMicros(body.usd_per_call, 'usd_per_call') },
        call,
      );
      await deps.proxy.prices.refresh();
      return toCallPrice(set);
    },
  });

  route({
    ...write,
    method: 'delete',
    path: '/v1/call-prices/{provider}/{path+}',
    callers: RPC_CALLERS.budget.RemoveCallPrice,
    summary: "Remove an endpoint's price per call",
    description:
      'Calls of the endpoint are then refused with 400 endpoint_not_priced. 404 when it has no price per call. ' + CALL_PRICE_CHANGES,
    params: callPriceParams,
    openapiParams: callPriceOpenapiParams,
    status: 204,
    errors: [404],
    handler: async ({ params, call }) => {
      await budget.RemoveCallPrice({ provider: params.provider, path: params.path }, call);
      await deps.proxy.prices.refresh();
    },
  });
}
