import type { AsyncHandlers } from '@tollgate/platform';
import type { BudgetHandlers } from '@tollgate/proto/gen/tollgate/budget/v1/Budget';
import type { Price } from '@tollgate/proto/gen/tollgate/budget/v1/Price';
import type { PriceChanges } from '../domain/price-changes.js';
import type { PriceEntry } from '../domain/prices.js';

type Handlers = AsyncHandlers<BudgetHandlers>;

const toPrice = (e: PriceEntry): Price => ({ provider: e.provider, model: e.model, ...e.price, source: e.source });

/** ListPrices, SetPrice, RemovePrice. */
export function priceHandlers(prices: PriceChanges): Pick<Handlers, 'ListPrices' | 'SetPrice' | 'RemovePrice'> {
  return {
    async ListPrices(req) {
      return { items: prices.list(req.provider).map(toPrice) };
    },
    async SetPrice(req, ctx) {
      return toPrice(
        await prices.set(
          {
            provider: req.provider,
            model: req.model,
            inputPerMillionMicros: req.input_per_million_micros,
            outputPerMillionMicros: req.output_per_million_micros,
          },
          ctx,
        ),
      );
    },
    async RemovePrice(req, ctx) {
      return toPrice(await prices.remove({ provider: req.provider, model: req.model }, ctx));
    },
  };
}
