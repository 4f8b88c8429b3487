import { estimators, gumbelSoftmaxSample, tf } from 'gumbel-softmax';

/** Draws over which each estimator's gradient is averaged (row 0 is the draw shown). */
export const AVERAGED_DRAWS = 1000;

/** The estimators compared, in the order the table shows them. */
export const ESTIMATOR_NAMES = ['straight-through', 'Gumbel-softmax (soft)', 'score function'] as const;

/** One draw and the gradients of E[f] in the logits: this draw's and the mean over many. */
export interface StraightThroughNumbers {
  /** The relaxed sample softmax((log π + g)/τ): what the backward pass differentiates. */
  soft: number[];
  /** Its one-hot argmax: what the forward pass uses. */
  hard: number[];
  /** Per estimator (in {@link ESTIMATOR_NAMES} order): the gradient from the shown draw. */
  single: number[][];
  /** Per estimator: the mean gradient over {@link AVERAGED_DRAWS} draws. */
  averaged: number[][];
}

/**
 * The downstream loss f(y) = ‖y − e_K‖², the squared distance to the last class's one-hot: 0 when
 * the draw picks class K, 2 for any other one-hot. Rows of `samples` are draws.
 */
export function distanceToLastClass(samples: tf.Tensor): tf.Tensor {
  const classes = samples.shape[samples.shape.length - 1] as number;
  const target = tf.oneHot(tf.scalar(classes - 1, 'int32'), classes).toFloat();
  return tf.sum(tf.square(tf.sub(samples, target)), -1);
}

/**
 * The exact gradient of E[f(D)], D ~ Categorical(π = softmax(θ)), in θ for f = {@link distanceToLastClass}:
 * ∂/∂θ_j Σ_k π_k f(e_k) = π_j (f(e_j) − Σ_k π_k f(e_k)), with f(e_j) = 2 except f(e_K) = 0.
 */
export function exactGradient(probabilities: number[]): number[] {
  const last = probabilities.length - 1;
  const payoff = probabilities.map((_, j) => (j === last ? 0 : 2));
  const expected = probabilities.reduce((sum, p, k) => sum + p * payoff[k], 0);
  return probabilities.map((p, j) => p * (payoff[j] - expected));
}

/**
 * Draws {@link AVERAGED_DRAWS} samples of π at temperature τ with `seed` and differentiates f with
 * tf.grad three ways: through `gumbelSoftmaxSample`'s straight-through `hard` (one-hot forward, soft
 * backward), through its `soft` sample, and through the library's `estimators.scoreFunction`.
 */
export async function straightThroughNumbers(
  logits: number[],
  temperature: number,
  seed: number,
): Promise<StraightThroughNumbers> {
  const classes = logits.length;
  const tensors = tf.tidy(() => {
    const rows = tf.tile(tf.tensor2d([logits]), [AVERAGED_DRAWS, 1]);
    const options = { temperature, seed, validateArgs: false };
    const shown = gumbelSoftmaxSample(rows, options);
    const through = (view: 'hard' | 'soft') =>
      tf.grad((theta: tf.Tensor) => tf.sum(distanceToLastClass(gumbelSoftmaxSample(theta, options)[view])))(
        rows,
      );
    const score = tf.grad((theta: tf.Tensor) =>
      tf.sum(estimators.scoreFunction(theta, distanceToLastClass, { seed, validateArgs: false }).loss),
    )(rows);
    const gradients = tf.stack([through('hard'), through('soft'), score]);
    return [
      tf.slice(shown.soft, [0, 0], [1, classes]),
      tf.slice(shown.hard, [0, 0], [1, classes]),
      gradients,
    ];
  });
  try {
    const [soft, hard, gradients] = (await Promise.all(
      tensors.map((tensor) => tensor.data()),
    )) as Float32Array[];
    const block = AVERAGED_DRAWS * classes;
    const single = ESTIMATOR_NAMES.map((_, e) =>
      Array.from(gradients.subarray(e * block, e * block + classes)),
    );
    const averaged = ESTIMATOR_NAMES.map((_, e) => {
      const mean = new Array<number>(classes).fill(0);
      for (let row = 0; row < AVERAGED_DRAWS; row++) {
        for (let k = 0; k < classes; k++)
          mean[k] += gradients[e * block + row * classes + k] / AVERAGED_DRAWS;
      }
      return mean;
    });
    return { soft: Array.from(soft), hard: Array.from(hard), single, averaged };
  } finally {
    tf.dispose(tensors);
  }
}
