/**
 * The three matrix products of a dense layer y = act(x·W + b), used by `dense`: on cpu and wasm
 * (fused kernels on) the packed matMul kernel, which folds the transposes into its packing;
 * elsewhere tf.matMul with explicit transposes, since TF.js's transposeA/transposeB flags run
 * 13–28× slower on the wasm backend (512³: ≈ 16 ms plain, ≈ 210–235 ms flagged).
 */
import { packedMatMulActive, packedMatMulOp } from '../kernels/matMul.js';
import type { Tensor } from '../tf.js';
import { tf } from '../tf.js';

/** x·W: [batch, inputs] · [inputs, units]. */
export function inputTimesKernel(input: Tensor, kernel: Tensor): Tensor {
  return packedMatMulActive() ? packedMatMulOp(input, kernel) : tf.matMul(input, kernel);
}

/**
 * ∂L/∂x = dy·Wᵀ. Without the packed kernel, as (W·dyᵀ)ᵀ: transposing the two small
 * [batch × units] matrices instead of the kernel (measured 124 → 114 ms per default VAE step).
 */
export function inputGradientOf(dLinear: Tensor, kernel: Tensor): Tensor {
  return packedMatMulActive()
    ? packedMatMulOp(dLinear, kernel, false, true)
    : tf.transpose(tf.matMul(kernel, tf.transpose(dLinear)));
}

/** ∂L/∂W = xᵀ·dy. */
export function kernelGradientOf(input: Tensor, dLinear: Tensor): Tensor {
  return packedMatMulActive()
    ? packedMatMulOp(input, dLinear, true, false)
    : tf.matMul(tf.transpose(input), dLinear);
}
