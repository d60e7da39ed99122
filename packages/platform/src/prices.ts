/**
 * Model prices, as the budget service keeps them and the gateway mirrors them: one matching
 * rule for both, so a call is priced with the same entry wherever it is priced.
 */

/** A model's price in integer micro-dollars per million tokens. */
export interface ModelPrice {
  input_per_million_micros: number;
  output_per_million_micros: number;
}

/** A dated snapshot of a model (`-2024-08-06`, `-20241022`), or its `-latest` alias. */
const SNAPSHOT_SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

/**
 * A model's own entry among one provider's `models`, or that of the model it is a dated
 * snapshot of (`gpt-4o-2024-08-06` → `gpt-4o`, `claude-3-5-haiku-20241022` →
 * `claude-3-5-haiku`, `gpt-4o-latest` → `gpt-4o`). Never a plain prefix: `o3-pro` is not
 * `o3`, and an unknown model (or provider: `models` undefined) has no entry.
 */
export function findModelPrice<T>(models: ReadonlyMap<string, T> | undefined, model: string): T | undefined {
  return models?.get(model) ?? models?.get(model.replace(SNAPSHOT_SUFFIX, ''));
}

/** What `inputTokens` and `outputTokens` cost at `price`, in micro-dollars rounded up (never under-charged). */
export function priceOf(price: ModelPrice, inputTokens: number, outputTokens: number): number {
  const numerator =
    BigInt(inputTokens) * BigInt(price.input_per_million_micros) + BigInt(outputTokens) * BigInt(price.output_per_million_micros);
  return Number((numerator + 999_999n) / 1_000_000n);
}
