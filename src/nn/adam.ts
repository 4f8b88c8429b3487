import { adamInPlace } from '../kernels/adamInPlace.js';
import { FUSED_ADAM, fusedKernelsActive } from '../kernels/register.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';

/** Adam's hyper-parameters (Kingma & Ba 2015); the defaults are the paper's and PyTorch's. */
export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Adam with its whole state (step count, first and second moments) readable and restorable, so a
 * training run resumed from a checkpoint continues bit-for-bit as if it had not stopped (the bias
 * corrections are computed from the step count in double precision, not accumulated in float32).
 * Same update as PyTorch's `torch.optim.Adam`.
 */
export class Adam {
  /** The step size; may be changed between updates (a learning-rate schedule). */
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Number of updates applied so far. */
  step = 0;
  private readonly firstMoments: tf.Variable[];
  private readonly secondMoments: tf.Variable[];

  constructor(
    private readonly parameters: tf.Variable[],
    options: AdamOptions = {},
  ) {
    this.learningRate = options.learningRate ?? 1e-3;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.firstMoments = parameters.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    this.secondMoments = parameters.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
  }

  /** Applies one update with `gradients` given in the order of the parameters. */
  apply(gradients: Tensor[]): void {
    this.step += 1;
    const firstCorrection = 1 - this.beta1 ** this.step;
    const secondCorrection = 1 - this.beta2 ** this.step;
    const stepSize = this.learningRate / firstCorrection;
    if (fusedKernelsActive()) {
      this.applyFused(gradients, stepSize, Math.sqrt(secondCorrection));
      return;
    }
    tf.tidy(() => {
      this.parameters.forEach((parameter, i) => {
        const gradient = gradients[i];
        const first = tf.add(tf.mul(this.firstMoments[i], this.beta1), tf.mul(gradient, 1 - this.beta1));
        const second = tf.add(
          tf.mul(this.secondMoments[i], this.beta2),
          tf.mul(tf.square(gradient), 1 - this.beta2),
        );
        this.firstMoments[i].assign(first);
        this.secondMoments[i].assign(second);
        const denominator = tf.add(tf.div(tf.sqrt(second), Math.sqrt(secondCorrection)), this.epsilon);
        parameter.assign(tf.sub(parameter, tf.mul(tf.div(first, denominator), stepSize)));
      });
    });
  }

  /**
   * The same update through the fused cpu/wasm kernel: one pass over each parameter reads p, g, m, v
   * and writes p', m', v' (the composed version runs 11 TF.js ops, each a pass over memory). On wasm
   * in place over all parameters in one call where no other tensor shares their buffers.
   */
  private applyFused(gradients: Tensor[], stepSize: number, sqrtCorrection2: number): void {
    const attrs = {
      beta1: this.beta1,
      oneMinusBeta1: 1 - this.beta1,
      beta2: this.beta2,
      oneMinusBeta2: 1 - this.beta2,
      sqrtCorrection2,
      epsilon: this.epsilon,
      stepSize,
    };
    if (adamInPlace(this.parameters, gradients, this.firstMoments, this.secondMoments, attrs)) return;
    tf.tidy(() => {
      this.parameters.forEach((parameter, i) => {
        const [updated, first, second] = tf
          .engine()
          .runKernel(
            FUSED_ADAM,
            { parameter, gradient: gradients[i], first: this.firstMoments[i], second: this.secondMoments[i] },
            attrs,
          ) as Tensor[];
        this.firstMoments[i].assign(first);
        this.secondMoments[i].assign(second);
        parameter.assign(updated);
      });
    });
  }

  /** The moment tensors, first moments then second moments, in parameter order (not copies). */
  moments(): tf.Variable[] {
    return [...this.firstMoments, ...this.secondMoments];
  }

  /** Frees the moment variables. */
  dispose(): void {
    tf.dispose(this.moments());
  }
}
