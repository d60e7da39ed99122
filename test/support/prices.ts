import type { ModelPrice } from '@tollgate/platform';

/** A model price in micro-dollars per million tokens (output priced as input unless given). */
export const price = (input: number, output = input): ModelPrice => ({
  input_per_million_micros: input,
  output_per_million_micros: output,
});
