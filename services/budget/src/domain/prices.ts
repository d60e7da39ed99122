import { z } from 'zod';
import { ValidationError } from '@tollgate/platform';

const price = z
  .object({
    input_per_million_micros: z.number().int().min(0).max(1e12),
    output_per_million_micros: z.number().int().min(0).max(1e12),
  })
  .strict();

/** { provider: { model: price } }; keys starting with `_` are comments. */
const tableSchema = z.record(z.string(), z.unknown()).transform((raw, ctx) => {
  const table = new Map<string, Map<string, ModelPrice>>();
  for (const [provider, models] of Object.entries(raw)) {
    if (provider.startsWith('_')) continue;
    const parsed = z.record(z.string(), price).safeParse(models);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: `${provider}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` });
      return z.NEVER;
    }
    table.set(provider, new Map(Object.entries(parsed.data)));
  }
  return table;
});

export interface ModelPrice {
  input_per_million_micros: number;
  output_per_million_micros: number;
}

/** A dated snapshot of a model, or its `-latest` alias. */
const SNAPSHOT_SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

/** Model prices in integer micro-dollars per million tokens. */
export class PriceTable {
  private constructor(private readonly table: Map<string, Map<string, ModelPrice>>) {}

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

  /**
   * A model's own price, or that of the model it is a dated snapshot of
   * (`gpt-4o-2024-08-06` → `gpt-4o`, `claude-3-5-haiku-20241022` → `claude-3-5-haiku`).
   * Never a plain prefix: `o3-pro` is not `o3`, and an unknown model has no price.
   */
  find(provider: string, model: string): ModelPrice | undefined {
    const models = this.table.get(provider);
    return models?.get(model) ?? models?.get(model.replace(SNAPSHOT_SUFFIX, ''));
  }

  /** The cost of a call, rounded up to the next micro-dollar (never under-charged). */
  cost(provider: string, model: string, inputTokens: number, outputTokens: number): number {
    const p = this.find(provider, model);
    if (!p) {
      throw new ValidationError(`No price is known for ${provider}/${model}; report cost_micros`, {
        model: 'has no price in the price table; give cost_micros',
      });
    }
    const numerator = BigInt(inputTokens) * BigInt(p.input_per_million_micros) + BigInt(outputTokens) * BigInt(p.output_per_million_micros);
    const cost = (numerator + 999_999n) / 1_000_000n;
    if (cost > BigInt(Number.MAX_SAFE_INTEGER)) throw new ValidationError('Usage is too large to price', { input_tokens: 'too large' });
    return Number(cost);
  }
}
