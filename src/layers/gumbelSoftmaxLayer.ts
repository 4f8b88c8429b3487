import { oneHotAlong } from '../ops/axis.js';
import { gumbelSoftmax } from '../ops/gumbelSoftmax.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { normalizeAxis } from '../validate.js';
import { RelaxedSampleLayer, type RelaxedSampleLayerArgs } from './relaxedSampleLayer.js';

/** Configuration of the {@link GumbelSoftmax} layer (also what it serializes). */
export interface GumbelSoftmaxLayerArgs extends RelaxedSampleLayerArgs {
  /** Axis of categories (default −1). */
  axis?: number;
}

/**
 * A tfjs-layers layer over logits: a Gumbel-softmax sample while training (soft, or straight-through
 * with `hard`), the exact one-hot of the argmax at inference (`model.predict`). Serializable: a model
 * that contains it saves and loads with `model.save` / `tf.loadLayersModel` once this library is
 * imported (importing registers the class as 'GumbelSoftmax').
 */
export class GumbelSoftmax extends RelaxedSampleLayer {
  /** @internal */
  static className = 'GumbelSoftmax';
  readonly axis: number;

  constructor(args: GumbelSoftmaxLayerArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
  }

  /** @internal */
  protected override sample(logits: Tensor): Tensor {
    const axis = normalizeAxis(this.axis, logits.rank);
    return gumbelSoftmax(logits, { temperature: this.temperature, hard: this.hard, axis });
  }

  /** @internal */
  protected override mode(logits: Tensor): Tensor {
    const axis = normalizeAxis(this.axis, logits.rank);
    return oneHotAlong(tf.argMax(logits, axis), logits.shape[axis], axis);
  }

  /** @internal */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis };
  }
}

tf.serialization.registerClass(GumbelSoftmax);
