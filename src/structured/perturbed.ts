import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { ArgumentError, type TensorInput, toFloatTensor } from '../validate.js';
import {
  drawPerturbations,
  type PerturbationSettings,
  type PerturbedOptions,
  perturbationSettings,
} from './perturbationNoise.js';
import type { Solver } from './solvers.js';

/** A function of θ built by {@link perturbed} or {@link perturbedMaximum}, usable inside `tf.grad`. */
export type PerturbedFunction = (theta: TensorInput) => Tensor;

/** θ split into its batch axes and the solver's event axes, with the perturbed copies the solver saw. */
export interface PerturbedDraw {
  /** The batch axes of θ (all but the last `eventRank`). */
  batchShape: number[];
  /** How many batch entries, the product of `batchShape`. */
  batch: number;
  /** [samples, ...θ.shape]: the solver's inputs θ + σZ. */
  perturbedTheta: Tensor;
  /** [samples, ...θ.shape]: ∇ν(Z) of the same draws. */
  score: Tensor;
  /** [samples, ...batchShape, ...output]: the solver's float32 solutions y*(θ + σZ). */
  solutions: Tensor;
}

/** Converts θ and checks it: float, rank ≥ eventRank, no NaN or +Infinity (−Infinity may mask). */
export function prepareTheta(theta: TensorInput, eventRank: number): Tensor {
  const tensor = toFloatTensor(theta, 'theta');
  const fail = (problem: string) => {
    if (tensor !== theta) tensor.dispose();
    throw new ArgumentError('theta', problem);
  };
  if (tensor.rank < eventRank) {
    fail(`must have rank >= ${eventRank} (the solver's event rank), got shape [${tensor.shape}]`);
  }
  const values = tensor.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i]) || values[i] === Number.POSITIVE_INFINITY) {
      fail(`must not contain NaN or +Infinity, got ${values[i]} at flat index ${i}`);
    }
  }
  return tensor;
}

/**
 * Draws `samples` noises Z, calls the solver once on all of θ + σZ (a new leading axis of size
 * `samples`) and checks what it returned. The caller owns the returned tensors.
 */
export function solvePerturbed(solver: Solver, theta: Tensor, settings: PerturbationSettings): PerturbedDraw {
  const { samples, sigma } = settings;
  const batchShape = theta.shape.slice(0, theta.rank - settings.eventRank);
  const batch = batchShape.reduce((a, b) => a * b, 1);
  const drawShape = [samples, ...theta.shape];
  const drawn = drawPerturbations(samples * theta.size, settings.noise, settings.seed);
  return tf.tidy(() => {
    const noise = tf.tensor(drawn.noise, drawShape, 'float32');
    const score = tf.tensor(drawn.score, drawShape, 'float32');
    const perturbedTheta = tf.add(theta, tf.mul(noise, sigma));
    const returned = tf.tidy(() => solver(perturbedTheta));
    if (!(returned instanceof tf.Tensor)) throw new ArgumentError('solver', 'must return a Tensor');
    const leading = [samples, ...batchShape];
    if (returned.rank < leading.length || leading.some((d, i) => returned.shape[i] !== d)) {
      throw new ArgumentError(
        'solver',
        `must return shape [${leading}, ...output] for input [${drawShape}] (one solution per batch entry), got [${returned.shape}]`,
      );
    }
    const solutions = tf.cast(returned, 'float32');
    return { batchShape, batch, perturbedTheta, score, solutions };
  });
}

/**
 * The perturbed optimizer of Berthet et al. (2020): wraps an argmax-like `solver` θ ↦ y*(θ) (not
 * differentiable, possibly plain JS) into the differentiable θ ↦ ŷ_σ(θ) = E[y*(θ + σZ)], estimated
 * from `samples` draws of Z. Its backward pass is the Monte-Carlo Jacobian of the perturbation trick
 * (Prop. 3.1): for a noise density μ(z) ∝ exp(−ν(z)), J = (1/σ)·E[y*(θ + σZ) ∇ν(Z)ᵀ], applied as a
 * vector–Jacobian product (1/(σM))·Σₘ ⟨dy, yₘ⟩ ∇ν(Zₘ) per batch entry, never materialised.
 *
 * The solver is called once per evaluation on a tensor of shape [samples, ...θ.shape] and must
 * return [samples, ...batch, ...output]. With Gumbel noise, the perturbed argmax is exactly
 * softmax(θ/σ) in expectation. Entries of θ that are −Infinity (masks) get gradient 0.
 *
 * @returns a function of θ ([...batch, ...event]) returning ŷ ([...batch, ...output]).
 * @throws {@link ArgumentError} for σ ≤ 0 or not finite, `samples` not an integer ≥ 1, an unknown
 * `noise`; when called, for θ with NaN, +Infinity or too few axes, or a solver returning the wrong shape.
 * @example
 * ```ts
 * const softArgmax = perturbed(argmaxSolver, { sigma: 0.5, samples: 1000, noise: 'gumbel', seed: 1 });
 * const probabilities = softArgmax(tf.tensor1d([1, 2, 0])); // ≈ softmax([2, 4, 0])
 * ```
 */
export function perturbed(solver: Solver, options: PerturbedOptions = {}): PerturbedFunction {
  const settings = perturbationSettings(solver, options);
  return (theta: TensorInput): Tensor => {
    const thetaTensor = prepareTheta(theta, settings.eventRank);
    try {
      const expectation = tf.customGrad((input, save) => {
        const draw = solvePerturbed(solver, input as Tensor, settings);
        const mean = tf.mean(draw.solutions, 0);
        (save as tf.GradSaveFunc)([draw.solutions, draw.score, input as Tensor]);
        return {
          value: mean,
          gradFunc: (dy: Tensor, [solutions, score, savedTheta]: Tensor[]) =>
            tf.tidy(() => {
              const { samples, sigma } = settings;
              const flatSolutions = tf.reshape(solutions, [samples, draw.batch, -1]);
              const flatDy = tf.reshape(dy, [1, draw.batch, -1]);
              // ⟨dy, yₘ⟩ for every draw m and batch entry: [samples, batch, 1].
              const weights = tf.sum(tf.mul(flatSolutions, flatDy), 2, true);
              const flatScore = tf.reshape(score, [samples, draw.batch, -1]);
              const gradient = tf.div(tf.sum(tf.mul(weights, flatScore), 0), sigma * samples);
              const shaped = tf.reshape(gradient, savedTheta.shape);
              return tf.where(tf.isFinite(savedTheta), shaped, tf.zerosLike(shaped));
            }),
        };
      });
      return expectation(thetaTensor);
    } finally {
      if (thetaTensor !== theta) thetaTensor.dispose();
    }
  };
}
