/**
 * The categorical distribution the first two sections share, as the reader entered it:
 * probabilities (any non-negative numbers, normalized here; 0 masks a class) or logits.
 */
export interface ClassWeights {
  mode: 'probabilities' | 'logits';
  values: number[];
}

export const MIN_CLASSES = 2;
export const MAX_CLASSES = 10;

/** The probabilities π, normalized to sum to 1. */
export function probabilitiesOf(weights: ClassWeights): number[] {
  if (weights.mode === 'probabilities') {
    const total = weights.values.reduce((sum, value) => sum + value, 0);
    return weights.values.map((value) => value / total);
  }
  const top = Math.max(...weights.values);
  const exponentials = weights.values.map((value) => Math.exp(value - top));
  const total = exponentials.reduce((sum, value) => sum + value, 0);
  return exponentials.map((value) => value / total);
}

/** Normalized logits log π (−Infinity where π = 0). */
export function logitsOf(weights: ClassWeights): number[] {
  return probabilitiesOf(weights).map(Math.log);
}

/** Why `values` cannot be used in `mode`, or undefined when they can. */
export function problemWith(mode: ClassWeights['mode'], values: number[]): string | undefined {
  if (values.length < MIN_CLASSES || values.length > MAX_CLASSES) {
    return `choose between ${MIN_CLASSES} and ${MAX_CLASSES} classes`;
  }
  if (values.some((value) => !Number.isFinite(value))) return 'every class needs a number';
  if (mode === 'probabilities') {
    if (values.some((value) => value < 0)) return 'probabilities cannot be negative';
    if (values.every((value) => value === 0)) return 'at least one probability must be above 0';
    // Each weight is finite, but their sum may not be (1e308 twice): π would be NaN.
    if (!Number.isFinite(values.reduce((sum, value) => sum + value, 0))) {
      return 'the weights are too large to add up (keep their sum below 1e308)';
    }
  } else if (values.some((value) => Math.abs(value) > 50)) {
    return 'keep logits between −50 and 50';
  }
  return undefined;
}

/** The same distribution written in `mode` (zero probabilities become logits of −20). */
export function convertWeights(weights: ClassWeights, mode: ClassWeights['mode']): ClassWeights {
  if (weights.mode === mode) return weights;
  const probabilities = probabilitiesOf(weights);
  const values =
    mode === 'probabilities'
      ? probabilities.map((p) => round(p, 3))
      : probabilities.map((p) => (p > 0 ? round(Math.log(p), 2) : -20));
  return { mode, values };
}

/** `weights` with `count` classes: new classes get the mean weight (mean logit), extra ones are dropped. */
export function resizeWeights(weights: ClassWeights, count: number): ClassWeights {
  const { values } = weights;
  if (count <= values.length) return { ...weights, values: values.slice(0, count) };
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const filler = weights.mode === 'probabilities' && mean === 0 ? 1 : round(mean, 3);
  return { ...weights, values: [...values, ...Array(count - values.length).fill(filler)] };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
