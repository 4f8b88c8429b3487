import type { Seed } from '../random/generator.js';
import { gumbelNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError, checkPositiveNumber } from '../validate.js';

/** Options of {@link sampleGumbel}. */
export interface SampleGumbelOptions {
  /** Location μ (default 0). */
  loc?: number;
  /** Scale β > 0 (default 1). */
  scale?: number;
  /** Integer seed or generator; without one, each call draws fresh noise. */
  seed?: Seed;
}

/**
 * Draws Gumbel(μ, β) noise μ − β·log(−log u), u uniform strictly inside (0, 1), so every value is
 * finite. Mean μ + βγ (γ ≈ 0.5772), variance π²β²/6.
 */
export function sampleGumbel(shape: number[], options: SampleGumbelOptions = {}): Tensor {
  const loc = options.loc ?? 0;
  const scale = options.scale ?? 1;
  if (typeof loc !== 'number' || !Number.isFinite(loc)) {
    throw new ArgumentError('loc', `must be a finite number, got ${loc}`);
  }
  checkPositiveNumber(scale, 'scale');
  return tf.tidy(() => {
    const standard = gumbelNoise(shape, options.seed);
    if (loc === 0 && scale === 1) return standard;
    return tf.add(tf.mul(standard, scale), loc);
  });
}
