import type { Seed } from '../../random/generator.js';
import type { Tensor } from '../../tf.js';
import { tf } from '../../tf.js';
import { CategoricalVae, type VaeShape } from '../model.js';
import type { Collectives } from './collectives.js';
import { splitEvenly } from './partition.js';
import { type ShardedLayer, shardedDense } from './shardedDense.js';

/**
 * One worker's part of a categorical VAE split by units across `workers` workers: every layer's
 * kernel and bias columns `splitEvenly(units, workers)[index]`. `encode` and `decode` take and give
 * whole tensors, the same on every worker, so the ELBO is computed as for {@link CategoricalVae}.
 */
export class ShardedVae {
  readonly layers: ShardedLayer[];

  /** Cuts this worker's columns out of `new CategoricalVae(shape, seed)`: the same initial model. */
  constructor(
    readonly shape: VaeShape,
    seed: Seed,
    index: number,
    workers: number,
    private readonly collectives: Collectives,
  ) {
    const whole = new CategoricalVae(shape, seed);
    this.layers = whole.layers.map((layer) => {
      const columns = splitEvenly(layer.bias.shape[0], workers);
      const { start, count } = columns[index];
      // tf.tidy frees the slices; the variables survive it.
      const [kernel, bias] = tf.tidy(() => [
        tf.variable(tf.slice(layer.kernel, [0, start], [-1, count]), true),
        tf.variable(tf.slice(layer.bias, [start], [count]), true),
      ]);
      return { name: layer.name, activation: layer.activation, columns, index, kernel, bias };
    });
    whole.dispose();
  }

  /** This worker's variables, each layer's kernel then bias, encoder first. */
  parameters(): tf.Variable[] {
    return this.layers.flatMap((layer) => [layer.kernel, layer.bias]);
  }

  /** Logits of q(z|x), [batch, N, K], as `CategoricalVae.encode`. */
  encode(images: Tensor): Tensor {
    return tf.tidy(() => {
      const encoder = this.layers.slice(0, this.layers.length / 2);
      const flat = encoder.reduce((h, layer, i) => shardedDense(h, layer, this.collectives, i > 0), images);
      return tf.reshape(flat, [-1, this.shape.latentVariables, this.shape.categories]);
    });
  }

  /** Bernoulli logits of p(x|z), [batch, inputSize], as `CategoricalVae.decode`. */
  decode(codes: Tensor): Tensor {
    return tf.tidy(() => {
      const decoder = this.layers.slice(this.layers.length / 2);
      const flat = tf.reshape(codes, [-1, this.shape.latentVariables * this.shape.categories]);
      return decoder.reduce((h, layer) => shardedDense(h, layer, this.collectives), flat);
    });
  }

  /** Frees the variables. */
  dispose(): void {
    tf.dispose(this.parameters());
  }
}
