import { z } from 'zod';
import { findModelPrice, priceOf, ValidationError, type ModelPrice } from '@tollgate/platform';

export type { ModelPrice };

/** The highest price per million tokens an entry may have: $1,000,000. */
export const MAX_PRICE_MICROS = 1e12;

const price = z
  .object({
    input_per_million_micros: z.number().int().min(0).max(MAX_PRICE_MICROS),
    output_per_million_micros: z.number().int().min(0).max(MAX_PRICE_MICROS),
  })
  .strict();

/** { provider: { model: price } }; keys starting with `_` are comments. */
const tableSchema = z.record(z.string(), z.unknown()).transform((raw, ctx) => {
  const table = new Map<string, Map<string, Priced>>();
  for (const [provider, models] of Object.entries(raw)) {
    if (provider.startsWith('_')) continue;
    const parsed = z.record(z.string(), price).safeParse(models);
    if (!parsed.success) {
      ctx.addIssue({
        code: 'custom',
        message: `${provider}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
      });
      return z.NEVER;
    }
    table.set(provider, new Map(Object.entries(parsed.data).map(([model, p]) => [model, { price: p, source: 'shipped' as const }])));
  }
  return table;
});

/** Where an entry comes from: the table shipped with the service (or PRICE_TABLE_FILE), or an admin's change. */
export type PriceSource = 'shipped' | 'admin';

interface Priced {
  price: ModelPrice;
  source: PriceSource;
}

export interface PriceEntry extends Priced {
  provider: string;
  model: string;
}

/** A price per call of a provider endpoint that is not priced by tokens, in micro-dollars. */
export interface CallPriceEntry {
  provider: string;
  path: string;
  perCallMicros: number;
}

/** An admin's change of one model's entry: its new price, or its removal (null). */
export interface ModelPriceChange {
  provider: string;
  model: string;
  price: ModelPrice | null;
  /** Who made it, and when. */
  by: string;
  at: Date;
}

/** An admin's change of one endpoint's price per call: the new one, or its removal (null). */
export interface CallPriceChange {
  provider: string;
  path: string;
  perCallMicros: number | null;
  by: string;
  at: Date;
}

/** One entry of the change log (one written before prices per call existed is a model's). */
export type PriceChange = ModelPriceChange | CallPriceChange;

/**
 * Model prices in integer micro-dollars per million tokens: the shipped table, overlaid with
 * admins' changes applied in the order of the change log (domain/price-changes.ts) — a
 * change replaces or removes a model's own entry, a shipped one too.
 */
export class PriceTable {
  /** { provider: { path: µ$ per call } }: admins' only (nothing is shipped). */
  private readonly calls = new Map<string, Map<string, number>>();

  private constructor(private readonly table: Map<string, Map<string, Priced>>) {}

  static parse(json: string, source: string): PriceTable {
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch {
      throw new Error(`price table ${source} is not valid JSON`);
    }
    const parsed = tableSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`price table ${source} is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    return new PriceTable(parsed.data);
  }

  /** A model's price by the platform's rule (findModelPrice): its own, or that of the model it is a dated snapshot of. */
  find(provider: string, model: string): ModelPrice | undefined {
    return findModelPrice(this.table.get(provider), model)?.price;
  }

  /** The model's own entry (no snapshot matching): what a change replaces. */
  entry(provider: string, model: string): PriceEntry | undefined {
    const priced = this.table.get(provider)?.get(model);
    return priced && { provider, model, ...priced };
  }

  /** Every entry, by provider and model; only `provider`'s when one is given. */
  list(provider?: string): PriceEntry[] {
    return sortedEntries(this.table, provider, (p, model, priced) => ({ provider: p, model, ...priced }));
  }

  /** The price per call of an endpoint of `provider` (µ$), if an admin set one. */
  callPrice(provider: string, path: string): number | undefined {
    return this.calls.get(provider)?.get(path);
  }

  /** Every price per call, by provider and path; only `provider`'s when one is given. */
  listCalls(provider?: string): CallPriceEntry[] {
    return sortedEntries(this.calls, provider, (p, path, perCallMicros) => ({ provider: p, path, perCallMicros }));
  }

  /** Replaces or removes a model's own entry or an endpoint's price per call (changes are applied in the order of the log). */
  apply(change: PriceChange): void {
    if ('path' in change) setOrDelete(this.calls, change.provider, change.path, change.perCallMicros);
    else setOrDelete(this.table, change.provider, change.model, change.price && { price: change.price, source: 'admin' });
  }

  /** The cost of a call, rounded up to the next micro-dollar (never under-charged). */
  costMicros(provider: string, model: string, inputTokens: number, outputTokens: number): number {
    const p = this.find(provider, model);
    if (!p) {
      throw new ValidationError(`No price is known for ${provider}/${model}; report cost_micros`, {
        model: 'has no price in the price table; give cost_micros',
      });
    }
    const costMicros = priceOf(p, inputTokens, outputTokens);
    if (costMicros > Number.MAX_SAFE_INTEGER) throw new ValidationError('Usage is too large to price', { input_tokens: 'too large' });
    return costMicros;
  }
}

/** `table`'s entries ({ provider: { key: value } }), by provider and key; only `provider`'s when one is given. */
function sortedEntries<V, E>(
  table: Map<string, Map<string, V>>,
  provider: string | undefined,
  entry: (provider: string, key: string, value: V) => E,
): E[] {
  const providers = provider === undefined ? [...table.keys()].sort() : [provider];
  return providers.flatMap((p) =>
    [...(table.get(p) ?? new Map<string, V>())]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => entry(p, key, value)),
  );
}

/** Sets `table[provider][key]` to `value`, or deletes it (null). */
function setOrDelete<V>(table: Map<string, Map<string, V>>, provider: string, key: string, value: V | null): void {
  if (value === null) {
    table.get(provider)?.delete(key);
    return;
  }
  let values = table.get(provider);
  if (!values) table.set(provider, (values = new Map<string, V>()));
  values.set(key, value);
}
