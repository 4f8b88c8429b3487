import { Normal, reparameterizeNormal, stopGradient, tf } from 'gumbel-softmax';

/** Many independent estimates of ∇ E[f(z)] for f(z) = z², z ~ N(μ, σ²), each from `samples` draws. */
export interface GradientEstimates {
  /** Pathwise (reparameterization) estimates of ∂/∂μ and ∂/∂σ, one per repeat. */
  pathwise: { mu: Float32Array; sigma: Float32Array };
  /** Score-function (REINFORCE) estimates from the same draws. */
  score: { mu: Float32Array; sigma: Float32Array };
}

/** The exact gradient of E[z²] = μ² + σ²: (2μ, 2σ). */
export function exactNormalGradient(mu: number, sigma: number): { mu: number; sigma: number } {
  return { mu: 2 * mu, sigma: 2 * sigma };
}

/**
 * `repeats` estimates of the gradient of E[z²] in (μ, σ), each the mean over `samples` draws, both
 * ways from the same noise: pathwise, tf.grads through the library's `reparameterizeNormal`
 * (z = μ + σε); and by the score function, f(z)·∇ log N(z; μ, σ) with the library's `Normal.logProb`.
 * μ and σ are [repeats, 1] columns broadcast over the draws, so each row's gradient is one estimate.
 */
export async function normalGradientEstimates(
  mu: number,
  sigma: number,
  samples: number,
  repeats: number,
  seed: number,
): Promise<GradientEstimates> {
  const tensors = tf.tidy(() => {
    const muColumn = tf.fill([repeats, 1], mu);
    const sigmaColumn = tf.fill([repeats, 1], sigma);
    const shape = [repeats, samples];
    // Spread the columns over the draws by adding zeros: tf.broadcastTo's gradient takes seconds here.
    const zeros = tf.zeros(shape);
    const draw = (m: tf.Tensor, s: tf.Tensor) =>
      reparameterizeNormal(tf.add(m, zeros), tf.add(s, zeros), { seed, validateArgs: false });
    const pathwise = tf.grads((m: tf.Tensor, s: tf.Tensor) => tf.div(tf.sum(tf.square(draw(m, s))), samples));
    const z = stopGradient(draw(muColumn, sigmaColumn));
    const payoff = tf.square(z);
    const score = tf.grads((m: tf.Tensor, s: tf.Tensor) => {
      const logDensity = new Normal({ loc: m, scale: s, validateArgs: false }).logProb(z);
      return tf.div(tf.sum(tf.mul(payoff, logDensity)), samples);
    });
    return [...pathwise([muColumn, sigmaColumn]), ...score([muColumn, sigmaColumn])];
  });
  try {
    const [pathMu, pathSigma, scoreMu, scoreSigma] = (await Promise.all(
      tensors.map((tensor) => tensor.data()),
    )) as Float32Array[];
    return { pathwise: { mu: pathMu, sigma: pathSigma }, score: { mu: scoreMu, sigma: scoreSigma } };
  } finally {
    tf.dispose(tensors);
  }
}
