import * as tfl from '@tensorflow/tfjs-layers';
import { oneHotAlong } from '../ops/axis.js';
import { gumbelSoftmax } from '../ops/gumbelSoftmax.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { checkPositiveNumber, normalizeAxis } from '../validate.js';

/** Configuration of the {@link GumbelSoftmax} layer (also what it serializes). */
export interface GumbelSoftmaxLayerArgs {
  /** τ > 0 (default 1); change it between steps with `layer.temperature = …`. */
  temperature?: number;
  /** Straight-through one-hot samples while training (default false: soft samples). */
  hard?: boolean;
  /** Axis of categories (default −1). */
  axis?: number;
  name?: string;
  trainable?: boolean;
}

/**
 * A tfjs-layers layer over logits: a Gumbel-softmax sample while training (soft, or straight-through
 * with `hard`), the exact one-hot of the argmax at inference (`model.predict`). Serializable: a model
 * that contains it saves and loads with `model.save` / `tf.loadLayersModel` once this library is
 * imported (importing registers the class as 'GumbelSoftmax').
 */
export class GumbelSoftmax extends tfl.layers.Layer {
  /** @internal */
  static className = 'GumbelSoftmax';
  private currentTemperature: number;
  readonly hard: boolean;
  readonly axis: number;

  constructor(args: GumbelSoftmaxLayerArgs = {}) {
    super({ name: args.name, trainable: args.trainable });
    const temperature = args.temperature ?? 1;
    checkPositiveNumber(temperature, 'temperature');
    this.currentTemperature = temperature;
    this.hard = args.hard ?? false;
    this.axis = args.axis ?? -1;
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
      const axis = normalizeAxis(this.axis, logits.rank);
      if (kwargs.training) {
        return gumbelSoftmax(logits, { temperature: this.currentTemperature, hard: this.hard, axis });
      }
      return oneHotAlong(tf.argMax(logits, axis), logits.shape[axis], axis);
    });
  }

  /** @internal */
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  /** @internal */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), temperature: this.currentTemperature, hard: this.hard, axis: this.axis };
  }
}

tf.serialization.registerClass(GumbelSoftmax);
