import { ArgumentError } from '../validate.js';

/**
 * Checks a subset size k: an integer in [1, fewest unmasked categories in a slice], so every slice
 * has k distinct items that can be chosen. Names the limit that applies.
 *
 * @throws {@link ArgumentError} naming `k` and the allowed range.
 */
export function checkSubsetSize(k: number, categories: number, fewestUnmasked: number): void {
  if (typeof k === 'number' && Number.isInteger(k) && k >= 1 && k <= fewestUnmasked) return;
  const limit =
    fewestUnmasked < categories
      ? `${fewestUnmasked} (the fewest unmasked categories in a slice)`
      : `${categories} (the number of categories)`;
  throw new ArgumentError('k', `must be an integer in [1, ${limit}], got ${String(k)}`);
}
