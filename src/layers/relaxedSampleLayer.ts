import * as tfl from '@tensorflow/tfjs-layers';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { checkPositiveNumber } from '../validate.js';

/** What every relaxed-sample layer is configured with (and serializes). */
export interface RelaxedSampleLayerArgs {
  /** τ > 0 (default 1); change it between steps with `layer.temperature = …`. */
  temperature?: number;
  /** Straight-through hard samples while training (default false: soft samples). */
  hard?: boolean;
  name?: string;
  trainable?: boolean;
}

/**
 * The part {@link GumbelSoftmax} and {@link GumbelSigmoid} share: a temperature checked on every
 * change, the `hard` switch, an output of the input's shape, and both in the saved config. A
 * subclass says what one call draws (`sample`, while training) and what inference returns (`mode`).
 */
export abstract class RelaxedSampleLayer extends tfl.layers.Layer {
  private currentTemperature: number;
  readonly hard: boolean;

  constructor(args: RelaxedSampleLayerArgs) {
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

  /** A relaxed sample of `logits` at the current temperature (straight-through with `hard`). */
  protected abstract sample(logits: Tensor): Tensor;

  /** The most likely value of `logits`, returned at inference (`model.predict`). */
  protected abstract mode(logits: Tensor): Tensor;

  /** @internal */
  override call(inputs: Tensor | Tensor[], kwargs: { training?: boolean }): Tensor {
    return tf.tidy(() => {
      const logits = Array.isArray(inputs) ? inputs[0] : inputs;
      return kwargs.training ? this.sample(logits) : this.mode(logits);
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
