import type { AsyncHandlers } from '@tollgate/platform';
import type { BudgetHandlers } from '@tollgate/proto/gen/tollgate/budget/v1/Budget';
import type { CallPrice } from '@tollgate/proto/gen/tollgate/budget/v1/CallPrice';
import type { Price } from '@tollgate/proto/gen/tollgate/budget/v1/Price';
import type { PriceChanges } from '../domain/price-changes.js';
import type { CallPriceEntry, PriceEntry } from '../domain/prices.js';

type Handlers = AsyncHandlers<BudgetHandlers>;

const toPrice = (e: PriceEntry): Price => ({ provider: e.provider, model: e.model, ...e.price, source: e.source });
const toCallPrice = (e: CallPriceEntry): CallPrice => ({ provider: e.provider, path: e.path, per_call_micros: e.perCallMicros });

/** ListPrices, SetPrice, RemovePrice, SetCallPrice, RemoveCallPrice. */
export function priceHandlers(
  prices: PriceChanges,
): Pick<Handlers, 'ListPrices' | 'SetPrice' | 'RemovePrice' | 'SetCallPrice' | 'RemoveCallPrice'> {
  return {
    async ListPrices(req) {
      return { items: prices.list(req.provider).map(toPrice), call_prices: prices.listCalls(req.provider).map(toCallPrice) };
    },
    async SetCallPrice(req, ctx) {
      return toCallPrice(await prices.setCallPrice({ provider: req.provider, path: req.path, perCallMicros: req.per_call_micros }, ctx));
    },
    async RemoveCallPrice(req, ctx) {
      return toCallPrice(await prices.removeCallPrice({ provider: req.provider, path: req.path }, ctx));
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
