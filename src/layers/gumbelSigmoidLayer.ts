import * as tfl from '@tensorflow/tfjs-layers';
import { straightThrough } from '../ops/straightThrough.js';
import { logisticNoise } from '../random/noise.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { checkPositiveNumber } from '../validate.js';

/** Configuration of the {@link GumbelSigmoid} layer (also what it serializes). */
export interface GumbelSigmoidLayerArgs {
  /** τ > 0 (default 1); change it between steps with `layer.temperature = …`. */
  temperature?: number;
  /** Straight-through 0/1 samples while training (default false: soft samples). */
  hard?: boolean;
  name?: string;
  trainable?: boolean;
}

/**
 * A tfjs-layers layer over Bernoulli logits ℓ (one per bit, any shape): a relaxed Bernoulli (binary
 * Concrete) sample σ((ℓ + L)/τ), L logistic, while training (or its straight-through 0/1 with
 * `hard`), the most likely bit 1[ℓ > 0] at inference (`model.predict`). The binary twin of
 * {@link GumbelSoftmax}: the Bernoulli VAE's saved model holds it where the categorical one holds
 * that. Importing this library registers the class as 'GumbelSigmoid'.
 */
export class GumbelSigmoid extends tfl.layers.Layer {
  /** @internal */
  static className = 'GumbelSigmoid';
  private currentTemperature: number;
  readonly hard: boolean;

  constructor(args: GumbelSigmoidLayerArgs = {}) {
    super({ name: args.name, trainable: args.trainable });
    const temperature = args.temperature ?? 1;
    checkPositiveNumber(temperature, 'temperature');
    this.currentTemperature = temperature;
    this.hard = args.hard ?? false;
  }

  /** The temperature used by the next training call. */
  get temperature(): number {
    return this.currentTemperature;
  }

  set temperature(value: number) {
    checkPositiveNumber(value, 'temperature');
    this.currentTemperature = value;
  }

  /** @internal */
  override call(inputs: Tensor | Tensor[], kwargs: { training?: boolean }): Tensor {
    return tf.tidy(() => {
      const logits = Array.isArray(inputs) ? inputs[0] : inputs;
      if (!kwargs.training) return tf.cast(tf.greater(logits, 0), 'float32');
      const noise = logisticNoise(logits.shape);
      const soft = tf.sigmoid(tf.div(tf.add(logits, noise), this.currentTemperature));
      return this.hard ? straightThrough(tf.cast(tf.greater(soft, 0.5), 'float32'), soft) : soft;
    });
  }

  /** @internal */
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  /** @internal */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), temperature: this.currentTemperature, hard: this.hard };
  }
}

tf.serialization.registerClass(GumbelSigmoid);
