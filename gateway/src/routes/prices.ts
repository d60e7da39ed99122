import { z } from 'zod';
import { microsToUsd, MODEL_PATTERN, MODEL_RULE, RPC_CALLERS } from '@tollgate/platform';
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

function toPrice(p: Price__Output) {
  return {
    provider: p.provider,
    model: p.model,
    input_usd_per_million: microsToUsd(p.input_per_million_micros),
    output_usd_per_million: microsToUsd(p.output_per_million_micros),
    source: p.source as (typeof SOURCES)[number],
  };
}

const CHANGES =
  'A change applies at once on the budget replica that records it and on the gateway it is made through, and on every other replica within a second; it is audited ' +
  '(price.set / price.removed, with the old and the new prices).';

/** Model prices: the shipped table and admins' changes on top of it. */
/** Prices per million tokens: at most $1,000,000. */
const perMillion = usdAmount({ maximum: 1_000_000 }).max(1_000_000);

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
}
