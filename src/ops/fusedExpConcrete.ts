import { FUSED_EXP_CONCRETE, FUSED_EXP_CONCRETE_GRAD } from '../kernels/register.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';

/** log Γ(n) = log (n − 1)! for n = 0..k (Γ(0) = ∞), summed in double. */
function logGammaTable(k: number): Float32Array {
  const table = new Float32Array(k + 1);
  table[0] = Number.POSITIVE_INFINITY;
  let logFactorial = 0; // log (n − 1)!
  for (let n = 1; n <= k; n++) {
    table[n] = logFactorial;
    logFactorial += Math.log(n);
  }
  return table;
}

/**
 * The ExpConcrete log-density of log-space points `logSample` under `logProbs` (masked categories
 * −∞) at a number temperature, through the fused cpu/wasm kernel and its gradient kernel (w.r.t.
 * both). Same conventions as the composed version: −∞ outside the support, with gradient 0 there.
 */
export function fusedExpConcreteLogDensity(logProbs: Tensor, logSample: Tensor, temperature: number): Tensor {
  return tf.tidy(() => {
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(logProbs.shape, logSample.shape);
    const widen = (t: Tensor) => (tf.util.arraysEqual(t.shape, shape) ? t : tf.broadcastTo(t, shape));
    const logGamma = tf.tensor1d(logGammaTable(shape[shape.length - 1]));
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
