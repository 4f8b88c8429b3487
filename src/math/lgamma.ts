import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { type TensorInput, toFloatTensor } from '../validate.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Lanczos approximation with g = 7 and nine coefficients: about 15 correct digits in double precision. */
const DOUBLE_G = 7;
const DOUBLE_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * Lanczos approximation with g = 5 and six coefficients (Numerical Recipes' `gammln`, relative error
 * below 2·10⁻¹⁰ for x > 0). Its coefficients are an order of magnitude smaller than those of the
 * g = 7 series, so far less is lost to cancellation when the sum is formed in float32.
 */
const FLOAT_G = 5;
const FLOAT_BASE = 1.000000000190015;
const FLOAT_COEFFICIENTS = [
  76.18009172947146, -86.50532032941678, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2,
  -0.5395239384953e-5,
];

/**
 * log|Γ(x)| for a JS number, by the Lanczos approximation (g = 7), with the reflection formula
 * Γ(x)Γ(1 − x) = π / sin(πx) below ½. Returns +Infinity at the poles (0, −1, −2, …) and at
 * ±Infinity, NaN for NaN.
 *
 * @example
 * ```ts
 * lgamma(5); // log(4!) = log(24)
 * ```
 */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (!Number.isFinite(x)) return Number.POSITIVE_INFINITY;
  if (x <= 0 && Number.isInteger(x)) return Number.POSITIVE_INFINITY;
  if (x < 0.5) {
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  }
  const z = x - 1;
  let series = DOUBLE_COEFFICIENTS[0];
  for (let i = 1; i < DOUBLE_COEFFICIENTS.length; i++) series += DOUBLE_COEFFICIENTS[i] / (z + i);
  const t = z + DOUBLE_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(series);
}

/**
 * Elementwise log Γ(x) of a float32 tensor for x > 0, by the Lanczos approximation (g = 5) built from
 * tf ops, so gradients (the digamma function) flow through it by autodiff. Values at x ≤ 0 are not
 * defined (NaN or garbage); the caller keeps x positive.
 *
 * @returns a new float32 tensor of the shape of `x`.
 */
export function lgammaTensor(x: TensorInput): Tensor {
  return tf.tidy(() => {
    const input = toFloatTensor(x, 'x');
    let series: Tensor = tf.scalar(FLOAT_BASE);
    FLOAT_COEFFICIENTS.forEach((coefficient, i) => {
      series = tf.add(series, tf.div(coefficient, tf.add(input, i + 1)));
    });
    const t = tf.add(input, FLOAT_G + 0.5);
    const power = tf.sub(tf.mul(tf.add(input, 0.5), tf.log(t)), t);
    return tf.add(power, tf.log(tf.div(tf.mul(series, Math.sqrt(2 * Math.PI)), input)));
  });
}
