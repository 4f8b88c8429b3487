import { straightThrough } from '../ops/straightThrough.js';
import { logisticNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { RelaxedSampleLayer, type RelaxedSampleLayerArgs } from './relaxedSampleLayer.js';

/** Configuration of the {@link GumbelSigmoid} layer (also what it serializes). */
export type GumbelSigmoidLayerArgs = RelaxedSampleLayerArgs;

/**
 * A tfjs-layers layer over Bernoulli logits ℓ (one per bit, any shape): a relaxed Bernoulli (binary
 * Concrete) sample σ((ℓ + L)/τ), L logistic, while training (or its straight-through 0/1 with
 * `hard`), the most likely bit 1[ℓ > 0] at inference (`model.predict`). The binary twin of
 * {@link GumbelSoftmax}: the Bernoulli VAE's saved model holds it where the categorical one holds
 * that. Importing this library registers the class as 'GumbelSigmoid'.
 */
export class GumbelSigmoid extends RelaxedSampleLayer {
  /** @internal */
  static className = 'GumbelSigmoid';

  constructor(args: GumbelSigmoidLayerArgs = {}) {
    super(args);
  }

  /** @internal */
  protected override sample(logits: Tensor): Tensor {
    const noise = logisticNoise(logits.shape);
    const soft = tf.sigmoid(tf.div(tf.add(logits, noise), this.temperature));
    return this.hard ? straightThrough(tf.cast(tf.greater(soft, 0.5), 'float32'), soft) : soft;
  }

  /** @internal */
  protected override mode(logits: Tensor): Tensor {
    return tf.cast(tf.greater(logits, 0), 'float32');
  }
}

tf.serialization.registerClass(GumbelSigmoid);
