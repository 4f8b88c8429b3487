import { normalArray } from '../random/noise.js';
import { ArgumentError, checkPositiveNumber } from '../validate.js';
import { type ControlVariateWeights, weightCount, weightsFromArray } from './controlVariateNetwork.js';
import { checkCount } from './shared.js';

/** Options of {@link RelaxControlVariate}. */
export interface RelaxControlVariateOptions {
  /** η (default 1): the weight of f at the relaxed sample in the control variate. */
  eta?: number;
  /** τ > 0 (default 0.5) of the relaxation σ(z/τ) the control variate sees. */
  temperature?: number;
  /** Hidden units of the learned network r (default 0: no network, REBAR's control variate alone). */
  hidden?: number;
  /** K, the categories of one latent (needed when `hidden` > 0; 2 for binary latents). */
  categories?: number;
  /** Adam's step size for the variance descent (default 0.01). */
  learningRate?: number;
  /** Which parameters the variance descent moves (default: η, τ and the network). */
  tune?: { eta?: boolean; temperature?: boolean; network?: boolean };
  /** Seed of the network's initial weights (default 0). */
  seed?: number;
}

/** Everything a {@link RelaxControlVariate} holds, as plain JSON (save it with a checkpoint). */
export interface RelaxControlVariateState {
  /** η. */
  eta: number;
  /** log τ (tuned in log space, so τ stays positive). */
  logTemperature: number;
  /** Hidden units of the network (0: none). */
  hidden: number;
  /** K the network expects. */
  categories: number;
  /** Adam's step size. */
  learningRate: number;
  /** Which parameters the variance descent moves. */
  tune: { eta: boolean; temperature: boolean; network: boolean };
  /** The network's weights, flat (W₁ row-major, b₁, w₂, b₂). */
  weights: number[];
  /** Adam's step count and moment estimates over [η, log τ, ...weights]. */
  adam: { step: number; first: number[]; second: number[] };
}

/** A gradient of the variance objective with respect to the control variate's parameters. */
export interface ControlVariateGradient {
  /** ∂/∂η. */
  eta: number;
  /** ∂/∂log τ. */
  logTemperature: number;
  /** ∂/∂ of each network weight, in the state's order. */
  weights: Float32Array;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/**
 * The tunable control variate of REBAR and RELAX, c(z) = η·f(σ(z/τ)) + Σ r(σ(z/τ)), with r a small
 * network summed over the latents of an example, and its parameters' online tuning: each estimate
 * made with it (see {@link relax}, and {@link rebar}'s `tuning`) also takes one Adam step on η, log τ
 * and r's weights down the single-sample gradient of the estimator's variance,
 * ∂/∂φ E‖ĝ‖² = E[2ĝ·∂ĝ/∂φ] (Tucker et al. 2017 §3.3; Grathwohl et al. 2018 §3.3), ĝ being the
 * gradient with respect to the logits. The state is explicit: keep one object per training run and
 * save {@link RelaxControlVariate.state} with the checkpoint.
 *
 * @throws {@link ArgumentError} for a non-finite η, τ ≤ 0, a bad hidden size or learning rate, or a
 *   network without `categories`.
 * @example
 * ```ts
 * const controlVariate = new estimators.RelaxControlVariate({ hidden: 16, categories: 10 });
 * const { loss } = estimators.relax(logits, decoderLoss, { controlVariate, seed: 1 });
 * ```
 */
export class RelaxControlVariate {
  private current: RelaxControlVariateState;

  constructor(options: RelaxControlVariateOptions = {}) {
    const eta = options.eta ?? 1;
    if (typeof eta !== 'number' || !Number.isFinite(eta)) {
      throw new ArgumentError('eta', `must be a finite number, got ${eta}`);
    }
    const temperature = options.temperature ?? 0.5;
    checkPositiveNumber(temperature, 'temperature');
    const hidden = options.hidden ?? 0;
    checkCount(hidden, 0, 'hidden');
    const categories = options.categories ?? 0;
    if (hidden > 0) checkCount(categories, 2, 'categories');
    const learningRate = options.learningRate ?? 0.01;
    checkPositiveNumber(learningRate, 'learningRate');
    const count = weightCount(categories, hidden);
    // W₁ ~ N(0, 1/K), w₂ small, so the network starts near 0 and the estimator near REBAR.
    const weights = Array.from(normalArray(count, options.seed ?? 0), (v, i) =>
      i < categories * hidden ? v / Math.sqrt(categories) : i >= categories * hidden + hidden ? 0.01 * v : 0,
    );
    this.current = {
      eta,
      logTemperature: Math.log(temperature),
      hidden,
      categories,
      learningRate,
      tune: {
        eta: options.tune?.eta ?? true,
        temperature: options.tune?.temperature ?? true,
        network: options.tune?.network ?? true,
      },
      weights,
      adam: { step: 0, first: new Array(count + 2).fill(0), second: new Array(count + 2).fill(0) },
    };
  }

  /** A control variate in the state a previous one saved. */
  static fromState(state: RelaxControlVariateState): RelaxControlVariate {
    const restored = new RelaxControlVariate({
      eta: state.eta,
      temperature: Math.exp(state.logTemperature),
      hidden: state.hidden,
      categories: state.categories,
      learningRate: state.learningRate,
      tune: state.tune,
    });
    const count = weightCount(state.categories, state.hidden);
    if (state.weights.length !== count || state.adam.first.length !== count + 2) {
      throw new ArgumentError(
        'state',
        `must hold ${count} weights for its sizes, got ${state.weights.length}`,
      );
    }
    restored.current = structuredClone(state);
    return restored;
  }

  /** A copy of the state. */
  state(): RelaxControlVariateState {
    return structuredClone(this.current);
  }

  /** η now. */
  get eta(): number {
    return this.current.eta;
  }

  /** τ now. */
  get temperature(): number {
    return Math.exp(this.current.logTemperature);
  }

  /** Hidden units of the network (0: none). */
  get hidden(): number {
    return this.current.hidden;
  }

  /** K the network expects. */
  get categories(): number {
    return this.current.categories;
  }

  /** Which parameters the variance descent moves. */
  get tunes(): Readonly<RelaxControlVariateState['tune']> {
    return this.current.tune;
  }

  /** The network's weights as new tensors (the caller disposes them), or undefined without a network. */
  weights(): ControlVariateWeights | undefined {
    const { hidden, categories, weights } = this.current;
    return hidden === 0 ? undefined : weightsFromArray(Float32Array.from(weights), categories, hidden);
  }

  /** One Adam step down `gradient`; parameters not tuned stay. Non-finite gradients are skipped. */
  step(gradient: ControlVariateGradient): void {
    const { tune, adam } = this.current;
    const flat = [
      tune.eta ? gradient.eta : 0,
      tune.temperature ? gradient.logTemperature : 0,
      ...Array.from(gradient.weights, (g) => (tune.network ? g : 0)),
    ];
    if (!flat.every(Number.isFinite)) return;
    adam.step += 1;
    const corrected1 = 1 - BETA1 ** adam.step;
    const corrected2 = 1 - BETA2 ** adam.step;
    const moves = flat.map((g, i) => {
      adam.first[i] = BETA1 * adam.first[i] + (1 - BETA1) * g;
      adam.second[i] = BETA2 * adam.second[i] + (1 - BETA2) * g * g;
      return (
        (this.current.learningRate * (adam.first[i] / corrected1)) /
        (Math.sqrt(adam.second[i] / corrected2) + EPSILON)
      );
    });
    this.current.eta -= moves[0];
    // τ stays within [0.01, 100]: below, the relaxation's gradients overflow float32.
    this.current.logTemperature = Math.min(
      Math.log(100),
      Math.max(Math.log(0.01), this.current.logTemperature - moves[1]),
    );
    for (let i = 0; i < this.current.weights.length; i++) this.current.weights[i] -= moves[i + 2];
  }
}
