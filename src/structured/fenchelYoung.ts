import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError, type TensorInput, toFloatTensor } from '../validate.js';
import { type PerturbedOptions, perturbationSettings } from './perturbationNoise.js';
import { type PerturbedFunction, prepareTheta, solvePerturbed } from './perturbed.js';
import type { Solver } from './solvers.js';

/**
 * The perturbed maximum F_σ(θ) = E[⟨y*(θ + σZ), θ + σZ⟩] of Berthet et al. (2020, §3), estimated from
 * `samples` draws: the expected optimal value (the expected minimum for a minimizing solver such as
 * {@link shortestPathSolver}). Its gradient is the perturbed optimizer ŷ_σ(θ) = E[y*(θ + σZ)]
 * (Danskin), and the estimate's gradient is exactly the mean of the same draws' solutions. The
 * solver's output must have θ's shape. With Gumbel noise and {@link argmaxSolver},
 * F_σ(θ) = σ·logsumexp(θ/σ) + σγ (γ Euler's constant).
 *
 * @returns a function of θ ([...batch, ...event]) returning one value per batch entry ([...batch]).
 * @throws {@link ArgumentError} as {@link perturbed}, and when the solver's output shape differs from θ's.
 */
export function perturbedMaximum(solver: Solver, options: PerturbedOptions = {}): PerturbedFunction {
  const settings = perturbationSettings(solver, options);
  return (theta: TensorInput): Tensor => {
    const thetaTensor = prepareTheta(theta, settings.eventRank);
    try {
      const maximum = tf.customGrad((input, save) => {
        const draw = solvePerturbed(solver, input as Tensor, settings);
        const expected = [settings.samples, ...thetaTensor.shape];
        if (
          draw.solutions.shape.some((d, i) => d !== expected[i]) ||
          draw.solutions.rank !== expected.length
        ) {
          throw new ArgumentError(
            'solver',
            `must return θ's shape for perturbedMaximum and fenchelYoungLoss, got [${draw.solutions.shape.slice(1)}] for θ of shape [${thetaTensor.shape}]`,
          );
        }
        const meanSolution = tf.mean(draw.solutions, 0);
        (save as tf.GradSaveFunc)([meanSolution]);
        // ⟨yₘ, θ + σZₘ⟩ per draw and batch entry (0 where a masked −Infinity entry is not chosen).
        const flatSolutions = tf.reshape(draw.solutions, [settings.samples, draw.batch, -1]);
        const flatTheta = tf.reshape(draw.perturbedTheta, [settings.samples, draw.batch, -1]);
        const products = tf.where(
          tf.equal(flatSolutions, 0),
          tf.zerosLike(flatTheta),
          tf.mul(flatSolutions, flatTheta),
        );
        const value = tf.reshape(tf.mean(tf.sum(products, 2), 0), draw.batchShape);
        return {
          value,
          gradFunc: (dy: Tensor, [savedMean]: Tensor[]) =>
            tf.tidy(() => {
              const flatDy = tf.reshape(dy, [draw.batch, 1]);
              const gradient = tf.mul(tf.reshape(savedMean, [draw.batch, -1]), flatDy);
              return tf.reshape(gradient, savedMean.shape);
            }),
        };
      });
      return maximum(thetaTensor);
    } finally {
      if (thetaTensor !== theta) thetaTensor.dispose();
    }
  };
}

/** Options of {@link fenchelYoungLoss}. */
export interface FenchelYoungOptions extends PerturbedOptions {
  /** The solver minimizes ⟨y, θ⟩ (e.g. {@link shortestPathSolver}) instead of maximizing it (default false). */
  minimize?: boolean;
}

/**
 * The Fenchel–Young loss of the perturbed optimizer (Berthet et al. 2020, §4):
 * L(θ; y) = F_σ(θ) − ⟨θ, y⟩ + Ω(y), whose gradient in θ is ŷ_σ(θ) − y, so training θ to predict
 * the target solution y needs only calls of the solver. The value returned leaves out Ω(y) (the
 * conjugate of F_σ, a constant in θ that is intractable in general), so it is the loss up to a
 * constant per target: use it in `tf.grad`, compare its values only for the same targets. With
 * `minimize`, L = ⟨θ, y⟩ − F_σ(θ) and the gradient is y − ŷ_σ(θ). The estimate's gradient is exactly
 * ŷ − y with ŷ the mean solution of the same draws.
 *
 * @returns (θ, target) ↦ one loss per batch entry ([...batch]); `target` has θ's shape.
 * @throws {@link ArgumentError} as {@link perturbedMaximum}, and for a target of another shape or not finite.
 * @example
 * ```ts
 * const loss = fenchelYoungLoss(argmaxSolver, { sigma: 1, samples: 100, seed: 0 });
 * const gradient = tf.grad((theta) => tf.sum(loss(theta, target)))(theta); // ≈ ŷ − target
 * ```
 */
export function fenchelYoungLoss(
  solver: Solver,
  options: FenchelYoungOptions = {},
): (theta: TensorInput, target: TensorInput) => Tensor {
  const maximum = perturbedMaximum(solver, options);
  const eventRank = perturbationSettings(solver, options).eventRank;
  const sign = options.minimize ? -1 : 1;
  return (theta: TensorInput, target: TensorInput): Tensor =>
    tf.tidy(() => {
      const thetaTensor = toFloatTensor(theta, 'theta');
      const targetTensor = toFloatTensor(target, 'target');
      if (
        targetTensor.rank !== thetaTensor.rank ||
        targetTensor.shape.some((d, i) => d !== thetaTensor.shape[i])
      ) {
        throw new ArgumentError(
          'target',
          `must have θ's shape [${thetaTensor.shape}], got [${targetTensor.shape}]`,
        );
      }
      if (!tf.all(tf.isFinite(targetTensor)).dataSync()[0]) {
        throw new ArgumentError('target', 'must be finite everywhere');
      }
      const value = maximum(thetaTensor);
      const eventAxes = [...Array(eventRank).keys()].map((i) => thetaTensor.rank - eventRank + i);
      // θ⊙y with 0 where y = 0, so a masked (−Infinity) entry outside the target adds nothing.
      const products = tf.where(
        tf.equal(targetTensor, 0),
        tf.zerosLike(thetaTensor),
        tf.mul(thetaTensor, targetTensor),
      );
      const inner = eventAxes.length > 0 ? tf.sum(products, eventAxes) : products;
      return tf.mul(tf.sub(value, inner), sign);
    });
}
