import { FUSED_EXP_CONCRETE, FUSED_EXP_CONCRETE_GRAD } from '../kernels/register.js';
import { lgamma } from '../math/lgamma.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';

/**
 * The ExpConcrete log-density of log-space points `logSample` under `logProbs` (masked categories
 * −∞) at a number temperature, through the fused cpu/wasm kernel and its gradient kernel (w.r.t.
 * both). Same conventions as the composed version: −∞ outside the support, with gradient 0 there.
 */
export function fusedExpConcreteLogDensity(logProbs: Tensor, logSample: Tensor, temperature: number): Tensor {
  return tf.tidy(() => {
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(logProbs.shape, logSample.shape);
    const widen = (t: Tensor) => (tf.util.arraysEqual(t.shape, shape) ? t : tf.broadcastTo(t, shape));
    // log Γ(n) for each possible count n = 0..K of unmasked categories (Γ(0) = ∞ is never used)
    const logGamma = tf.tensor1d(
      Float32Array.from({ length: shape[shape.length - 1] + 1 }, (_, n) => lgamma(n)),
    );
    const attrs = { temperature };
    return tf.customGrad((lp, x, save) => {
      const [value] = tf
        .engine()
        .runKernel(
          FUSED_EXP_CONCRETE,
          { logProbs: lp as Tensor, x: x as Tensor, logGamma },
          attrs,
        ) as Tensor[];
      (save as tf.GradSaveFunc)([lp as Tensor, x as Tensor]);
      return {
        value,
        gradFunc: (dy: Tensor, [savedLogProbs, savedX]: Tensor[]) =>
          tf
            .engine()
            .runKernel(
              FUSED_EXP_CONCRETE_GRAD,
              { dy, logProbs: savedLogProbs, x: savedX },
              attrs,
            ) as Tensor[],
      };
    })(widen(logProbs), widen(logSample));
  });
}
