/**
 * The pieces of REBAR and RELAX at fixed noise: the surrogate whose gradient is the estimate, and the
 * single-sample gradient of the estimate's squared norm with respect to the control variate's
 * parameters (η, log τ, the network's weights), written with first-order autodiff only.
 */
import { softmaxAlong } from '../ops/axis.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';
import { conditionalGumbelMap } from './conditionalGumbel.js';
import { type ControlVariateWeights, networkTangent, networkValue } from './controlVariateNetwork.js';
import type { DownstreamLoss, Estimate } from './estimator.js';
import type { ControlVariateGradient, RelaxControlVariate } from './relaxControlVariate.js';
import { argmaxOneHot, callLoss, gradientOnly, sampleOneHot, scoreSurrogate } from './shared.js';

/** The control variate's parameters for one estimate. */
export interface ControlVariateParameters {
  eta: number;
  temperature: number;
  weights?: ControlVariateWeights;
}

/** The noise of one estimate: Gumbel noise of the logits' shape, and [1, ...shape] for z̃ | b. */
export interface RelaxNoise {
  noise: Tensor;
  conditionalNoise: Tensor;
}

/** Sums values [...batch] over the axes past the loss's (leading) shape. */
function sumToLoss(values: Tensor, lossShape: number[]): Tensor {
  const axes = Array.from({ length: values.rank - lossShape.length }, (_, i) => lossShape.length + i);
  return axes.length > 0 ? tf.sum(values, axes) : values;
}

/** c(y) = η·f(y) + Σ r(y), the loss's shape. */
function controlVariateAt(
  loss: DownstreamLoss,
  relaxed: Tensor,
  parameters: { eta: number; weights?: ControlVariateWeights },
  lossShape: number[],
  part: 'all' | 'loss' | 'network' = 'all',
): Tensor {
  let value = tf.zeros(lossShape);
  if (part === 'loss' || (part === 'all' && parameters.eta !== 0)) {
    value = tf.add(
      value,
      tf.mul(callLoss(loss, relaxed, relaxed.shape), part === 'loss' ? 1 : parameters.eta),
    );
  }
  if (part !== 'loss' && parameters.weights) {
    value = tf.add(value, sumToLoss(networkValue(parameters.weights, relaxed), lossShape));
  }
  return value;
}

function relaxedAt(logProbs: Tensor, noise: RelaxNoise, sample: Tensor, temperature: number) {
  const conditional = tf.squeeze(conditionalGumbelMap(logProbs, sample, noise.conditionalNoise), [0]);
  return {
    relaxed: softmaxAlong(tf.div(tf.add(logProbs, noise.noise), temperature), -1),
    conditional: softmaxAlong(tf.div(conditional, temperature), -1),
  };
}

/**
 * The RELAX surrogate f(b) + [f(b) − c(z̃)]·∇log p(b) + c(z) − c(z̃) (the last three carry gradient
 * only): its gradient is ĝ = [f(b) − c(σ(z̃/τ))]·∇log p(b) + ∇c(σ(z/τ)) − ∇c(σ(z̃/τ)). Call inside a tidy.
 */
export function relaxSurrogate(
  logits: Tensor,
  loss: DownstreamLoss,
  parameters: ControlVariateParameters,
  noise: RelaxNoise,
): Estimate {
  const logProbs = tf.logSoftmax(logits);
  const sample = sampleOneHot(logProbs, noise.noise);
  const hardLoss = callLoss(loss, sample, logits.shape);
  const { relaxed, conditional } = relaxedAt(logProbs, noise, sample, parameters.temperature);
  const atRelaxed = controlVariateAt(loss, relaxed, parameters, hardLoss.shape);
  const atConditional = controlVariateAt(loss, conditional, parameters, hardLoss.shape);
  const score = scoreSurrogate(
    logits,
    tf.expandDims(sample, 0),
    tf.expandDims(tf.sub(hardLoss, atConditional), 0),
  );
  return { sample, loss: tf.add(tf.add(hardLoss, score), gradientOnly(tf.sub(atRelaxed, atConditional))) };
}

/** ∇θ of one part of the control variate's terms, −c(z̃)·∇log p(b) + ∇c(z) − ∇c(z̃), at `logits`. */
function controlVariateGradient(
  logits: Tensor,
  loss: DownstreamLoss,
  parameters: ControlVariateParameters,
  noise: RelaxNoise,
  sample: Tensor,
  lossShape: number[],
  part: 'loss' | 'network',
): Tensor {
  return tf.grad((theta: Tensor) => {
    const logProbs = tf.logSoftmax(theta);
    const { relaxed, conditional } = relaxedAt(logProbs, noise, sample, parameters.temperature);
    const atConditional = controlVariateAt(loss, conditional, parameters, lossShape, part);
    const weight = tf.expandDims(tf.neg(atConditional), 0);
    const score = scoreSurrogate(theta, tf.expandDims(sample, 0), weight);
    const relaxedTerm = controlVariateAt(loss, relaxed, parameters, lossShape, part);
    return tf.sum(tf.add(score, tf.sub(relaxedTerm, atConditional)));
  })(logits);
}

/** Step of the central difference in log τ. */
const LOG_TEMPERATURE_STEP = 0.05;

/**
 * The single-sample gradient 2ĝ·∂ĝ/∂φ of ‖ĝ‖² (ĝ: the estimate at `logits` with this noise) with
 * respect to η (exact: ĝ is linear in η), the network's weights (exact, through the directional
 * derivatives of z(θ) and z̃(θ) along ĝ) and log τ (a central difference of step 0.05 in log τ at the
 * same noise). `logits` must not be on a gradient tape. Returns numbers; frees its tensors.
 */
export function varianceGradient(
  logits: Tensor,
  loss: DownstreamLoss,
  controlVariate: RelaxControlVariate,
  noise: RelaxNoise,
): ControlVariateGradient & { squaredNorm: number } {
  const tunes = controlVariate.tunes;
  const weights = controlVariate.weights();
  try {
    return tf.tidy(() => {
      const eta = controlVariate.eta;
      const logProbs = tf.logSoftmax(logits);
      const sample = argmaxOneHot(tf.add(logProbs, noise.noise));
      const hardLoss = callLoss(loss, sample, logits.shape);
      const lossShape = hardLoss.shape;
      const scoreTerm = tf.grad((theta: Tensor) =>
        tf.sum(scoreSurrogate(theta, tf.expandDims(sample, 0), tf.expandDims(hardLoss, 0))),
      )(logits);
      const pieces = (temperature: number) => {
        const parameters = { eta, temperature, weights };
        const lossPart = controlVariateGradient(logits, loss, parameters, noise, sample, lossShape, 'loss');
        const networkPart = weights
          ? controlVariateGradient(logits, loss, parameters, noise, sample, lossShape, 'network')
          : tf.zerosLike(logits);
        return { lossPart, estimate: tf.add(tf.add(scoreTerm, tf.mul(lossPart, eta)), networkPart) };
      };
      const temperature = controlVariate.temperature;
      const { lossPart, estimate } = pieces(temperature);
      const etaGradient = tunes.eta ? 2 * tf.sum(tf.mul(estimate, lossPart)).dataSync()[0] : 0;
      let logTemperatureGradient = 0;
      if (tunes.temperature) {
        const above = pieces(temperature * Math.exp(LOG_TEMPERATURE_STEP)).estimate;
        const below = pieces(temperature * Math.exp(-LOG_TEMPERATURE_STEP)).estimate;
        const derivative = tf.div(tf.sub(above, below), 2 * LOG_TEMPERATURE_STEP);
        logTemperatureGradient = 2 * tf.sum(tf.mul(estimate, derivative)).dataSync()[0];
      }
      let weightGradient: Float32Array = new Float32Array(0);
      if (weights && tunes.network) {
        weightGradient = networkVarianceGradient(
          logProbs,
          noise,
          sample,
          estimate,
          temperature,
          weights,
          lossShape,
        );
      }
      return {
        eta: etaGradient,
        logTemperature: logTemperatureGradient,
        weights: weightGradient,
        squaredNorm: tf.sum(tf.square(estimate)).dataSync()[0],
      };
    });
  } finally {
    if (weights) tf.dispose(Object.values(weights));
  }
}

/** Directional derivative of softmax(x/τ) along ẋ: y ⊙ (ẋ − Σ y ẋ)/τ. */
function softmaxTangent(relaxed: Tensor, tangent: Tensor, temperature: number): Tensor {
  return tf.div(tf.mul(relaxed, tf.sub(tangent, tf.sum(tf.mul(relaxed, tangent), -1, true))), temperature);
}

/**
 * 2·∂(u·ĝ)/∂ρ at u = ĝ for the network's weights ρ:
 * u·ĝ depends on ρ through −Σ r(ỹ)·(u·∇log p(b)) + Dr(y)[ẏ] − Dr(ỹ)[ỹ̇], where ẏ and ỹ̇ are the
 * directional derivatives of the relaxed samples along u.
 */
function networkVarianceGradient(
  logProbs: Tensor,
  noise: RelaxNoise,
  sample: Tensor,
  estimate: Tensor,
  temperature: number,
  weights: ControlVariateWeights,
  lossShape: number[],
): Float32Array {
  const probabilities = tf.exp(logProbs);
  const logTangent = tf.sub(estimate, tf.sum(tf.mul(probabilities, estimate), -1, true));
  const relaxed = softmaxAlong(tf.div(tf.add(logProbs, noise.noise), temperature), -1);
  const relaxedTangent = softmaxTangent(relaxed, logTangent, temperature);
  const winnerNoise = tf.squeeze(noise.conditionalNoise, [0]);
  const top = tf.sum(tf.mul(winnerNoise, sample), -1, true);
  const conditionalLogits = tf.squeeze(conditionalGumbelMap(logProbs, sample, noise.conditionalNoise), [0]);
  // ∂z̃ₖ/∂log pₖ = σ(max − log pₖ − g′ₖ) for the losers; the winner's z̃ is its noise alone.
  const slope = tf.mul(tf.sub(1, sample), tf.sigmoid(tf.sub(top, tf.add(logProbs, winnerNoise))));
  const conditional = softmaxAlong(tf.div(conditionalLogits, temperature), -1);
  const conditionalTangent = softmaxTangent(conditional, tf.mul(slope, logTangent), temperature);
  const scoreProjection = sumToLoss(tf.sum(tf.mul(estimate, tf.sub(sample, probabilities)), -1), lossShape);
  const objective = (hidden: Tensor, hiddenBias: Tensor, output: Tensor, outputBias: Tensor) => {
    const w = { hidden, hiddenBias, output, outputBias };
    const scorePart = tf.sum(tf.mul(sumToLoss(networkValue(w, conditional), lossShape), scoreProjection));
    const pathPart = tf.sub(
      tf.sum(networkTangent(w, relaxed, relaxedTangent)),
      tf.sum(networkTangent(w, conditional, conditionalTangent)),
    );
    return tf.sub(pathPart, scorePart);
  };
  const gradients = tf.grads(objective)([
    weights.hidden,
    weights.hiddenBias,
    weights.output,
    weights.outputBias,
  ]);
  const flat = new Float32Array(gradients.reduce((sum, g) => sum + g.size, 0));
  let start = 0;
  for (const g of gradients) {
    flat.set(g.dataSync(), start);
    start += g.size;
  }
  return flat.map((v) => 2 * v);
}
