/**
 * The sorting network of Mena et al. (2018, §5.1), browser-safe: each number goes through the same
 * small MLP (1 → hidden units, ReLU → n scores), the n rows of scores form the log-score matrix
 * (row i: where number i should go), Gumbel-Sinkhorn turns it into soft permutations for training,
 * and the Hungarian matching turns it into a hard one for evaluation.
 */
import { dense } from '../nn/dense.js';
import type { RandomGenerator } from '../random/generator.js';
import { gumbelNoise, normalArray } from '../random/noise.js';
import { gumbelSinkhorn } from '../structured/gumbelSinkhorn.js';
import { matching } from '../structured/matching.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';

/** The shape and relaxation settings of a {@link SortingNetwork}. */
export interface SortingNetworkShape {
  /** How many numbers each sequence holds (N). */
  n: number;
  /** Hidden units of the per-number MLP. */
  hidden: number;
}

/** Settings of the Gumbel-Sinkhorn training loss. */
export interface SortingLossOptions {
  /** Sinkhorn temperature τ. */
  temperature: number;
  /** Sinkhorn iterations. */
  iterations: number;
  /** Gumbel-Sinkhorn draws per sequence. */
  samples: number;
  /** Scale of the Gumbel noise (1: the Gumbel-Sinkhorn law; 0: plain Sinkhorn). */
  noiseScale: number;
  /** Generator of the noise. */
  generator: RandomGenerator;
}

/** A per-number MLP whose outputs are the rows of an N×N log-score matrix. */
export class SortingNetwork {
  /** [1, hidden], [hidden], [hidden, n], [n]. */
  readonly parameters: tf.Variable[];

  constructor(
    readonly shape: SortingNetworkShape,
    generator: RandomGenerator,
  ) {
    const { n, hidden } = shape;
    // Glorot-normal weights, zero biases.
    const weights = (inputs: number, units: number) =>
      tf.tidy(() => {
        const values = normalArray(inputs * units, generator).map((v) => v * Math.sqrt(2 / (inputs + units)));
        return tf.variable(tf.tensor2d(values, [inputs, units]));
      });
    this.parameters = [
      weights(1, hidden),
      tf.tidy(() => tf.variable(tf.zeros([hidden]))),
      weights(hidden, n),
      tf.tidy(() => tf.variable(tf.zeros([n]))),
    ];
  }

  /** Log-scores [batch, n, n] of sequences [batch, n]: row i is number i's scores over positions. */
  logScores(numbers: Tensor): Tensor {
    return tf.tidy(() => {
      const [batch, n] = numbers.shape;
      const [w1, b1, w2, b2] = this.parameters;
      const hidden = dense(tf.reshape(numbers, [batch * n, 1]), w1, b1, 'relu', false);
      return tf.reshape(dense(hidden, w2, b2), [batch, n, n]);
    });
  }

  /**
   * The training loss: the mean squared error between the sorted sequences and the soft
   * permutations applied to the inputs, sorted ≈ Pᵀx, averaged over the Gumbel-Sinkhorn draws.
   */
  loss(numbers: Tensor, sorted: Tensor, options: SortingLossOptions): Tensor {
    return tf.tidy(() => {
      const [batch, n] = numbers.shape;
      const scores = this.logScores(numbers);
      const { samples, noiseScale } = options;
      const noise =
        noiseScale === 0
          ? tf.zeros([batch, samples, n, n])
          : tf.mul(gumbelNoise([batch, samples, n, n], options.generator), noiseScale);
      const soft = gumbelSinkhorn(scores, {
        temperature: options.temperature,
        iterations: options.iterations,
        samples,
        noise,
        validateArgs: false,
      });
      // estimate[b, s, j] = Σᵢ soft[b, s, i, j] · numbers[b, i]: the number that lands at position j.
      const estimate = tf.sum(tf.mul(soft, tf.reshape(numbers, [batch, 1, n, 1])), 2);
      return tf.mean(tf.square(tf.sub(estimate, tf.reshape(sorted, [batch, 1, n]))));
    });
  }

  /** The hard permutation of each sequence by the Hungarian matching: int32 [batch, n], number i → position. */
  positions(numbers: Tensor): Tensor {
    return tf.tidy(() => matching(this.logScores(numbers)));
  }

  dispose(): void {
    tf.dispose(this.parameters);
  }
}
