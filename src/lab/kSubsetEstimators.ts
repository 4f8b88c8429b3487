/**
 * The estimators the lab measures on the k-subset problem, each as a {@link LabEstimator}: relaxed
 * top-k (soft and straight-through), SIMPLE, and the score function on the KSubset law with and
 * without a leave-one-out baseline, and the perturbed top-k (Berthet et al. 2020) with Gumbel noise
 * at σ = 1, measured against the Gumbel top-k law.
 */
import { kSubsetLogNormalizer, kSubsetSample } from '../distributions/kSubsetOps.js';
import type { DownstreamLoss } from '../estimators/estimator.js';
import { simple } from '../estimators/simple.js';
import { stopGradient } from '../ops/stopGradient.js';
import type { RandomGenerator } from '../random/generator.js';
import { perturbedTopK } from '../structured/perturbedTopK.js';
import { relaxedTopK } from '../structured/relaxedTopK.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';

/** Which exact gradient an estimator's bias is measured against. */
export type LabReference = 'k-subset law' | 'gumbel top-k law';

/** An estimator bound to one problem's kind of sample, as the lab runs it. */
export interface LabEstimator {
  /** Label in the table, with its parameters. */
  readonly label: string;
  /** Whether τ changes what it computes (then it is measured at every τ). */
  readonly usesTemperature: boolean;
  /** The law whose expectation's gradient it is measured against. */
  readonly reference: LabReference;
  /** f at its sample, carrying its gradient (see {@link Estimate.loss}). */
  estimate(
    logits: Tensor,
    loss: DownstreamLoss,
    options: { temperature: number; seed: RandomGenerator },
  ): Tensor;
}

/**
 * The score function on KSubset(θ): S exact samples, gradient (1/S)·Σ_s (f(z_s) − b_s)·∇ log p(z_s)
 * with ∇ log p(z) = z − μ(θ), b_s the mean of the other samples' losses ('leave-one-out', S ≥ 2) or 0.
 * `loss` returns one loss per row of the logits (the lab's replicas).
 */
function kSubsetScoreFunction(
  logits: Tensor,
  loss: DownstreamLoss,
  k: number,
  samples: number,
  seed: RandomGenerator,
): Tensor {
  return tf.tidy(() => {
    const draws = kSubsetSample(logits, k, [samples], seed); // [S, ...logits.shape]
    const losses = tf.stack(tf.unstack(draws).map((draw) => loss(draw))); // [S, ...lossShape]
    const weights =
      samples >= 2 ? tf.div(tf.sub(losses, tf.mean(losses, 0, true)), samples - 1) : tf.div(losses, samples);
    const logNormalizer = kSubsetLogNormalizer(logits, k);
    const logProbabilities = tf.sub(tf.sum(tf.mul(draws, logits), -1), logNormalizer); // [S, ...batch]
    const surrogate = tf.sum(tf.mul(weights, logProbabilities), 0);
    return tf.add(tf.mean(losses, 0), tf.sub(surrogate, stopGradient(surrogate)));
  });
}

/** The lab's k-subset estimators for subsets of size k. */
export function kSubsetLabEstimators(k: number): LabEstimator[] {
  return [
    {
      label: 'relaxed-top-k',
      usesTemperature: true,
      reference: 'gumbel top-k law',
      estimate: (logits, loss, { temperature, seed }) =>
        loss(relaxedTopK(logits, k, { temperature, seed, validateArgs: false })),
    },
    {
      label: 'relaxed-top-k ST',
      usesTemperature: true,
      reference: 'gumbel top-k law',
      estimate: (logits, loss, { temperature, seed }) =>
        loss(relaxedTopK(logits, k, { temperature, seed, hard: true, validateArgs: false })),
    },
    {
      label: 'simple',
      usesTemperature: false,
      reference: 'k-subset law',
      estimate: (logits, loss, { seed }) => simple(logits, loss, { k, seed, validateArgs: false }).loss,
    },
    {
      label: 'score-function S=1',
      usesTemperature: false,
      reference: 'k-subset law',
      estimate: (logits, loss, { seed }) => kSubsetScoreFunction(logits, loss, k, 1, seed),
    },
    {
      label: 'score-function S=4 LOO',
      usesTemperature: false,
      reference: 'k-subset law',
      estimate: (logits, loss, { seed }) => kSubsetScoreFunction(logits, loss, k, 4, seed),
    },
    {
      // With Gumbel noise at σ = 1 each draw is a Gumbel top-k sample of softmax(θ); the estimator
      // differentiates f(E[y]) (Berthet et al. 2020), not E[f(y)], so its bias includes that gap.
      label: `perturbed-top-k σ=1 M=${PERTURBED_SAMPLES}`,
      usesTemperature: false,
      reference: 'gumbel top-k law',
      estimate: (logits, loss, { seed }) =>
        loss(perturbedTopK(logits, k, { sigma: 1, noise: 'gumbel', samples: PERTURBED_SAMPLES, seed })),
    },
  ];
}

/** Noise draws per estimate of the perturbed top-k in the lab. */
const PERTURBED_SAMPLES = 8;
