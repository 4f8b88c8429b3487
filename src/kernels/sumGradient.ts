import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.js';

/**
 * TF.js's gradient of Sum multiplies dy by `tf.ones(x.shape)`, whose values are made in a
 * JavaScript typed array and copied into the backend on every backward pass: a fresh 16 MB array
 * at 4096×1024, and the garbage collections that brings (tf.ones of that size: 62 ms median, 7 ms
 * fastest, on the wasm backend). This gradient makes the same ones with the backend's Fill kernel
 * (written in place on wasm, no JavaScript array) and multiplies exactly as TF.js does: the same
 * values, bit for bit. Installed with the fused kernels; off with them (TF.js's own gradient).
 */
let filling = true;
let stock: GradConfig | undefined;

const sumGradient: GradConfig = {
  kernelName: 'Sum',
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    if (!filling) return (stock as GradConfig).gradFunc(dy, saved, attrs);
    const [x] = saved;
    const expandedShape = x.shape.slice();
    for (const axis of tf.util.parseAxisParam(attrs.axis as number | number[], x.shape))
      expandedShape[axis] = 1;
    const derivative = tf.mul(tf.reshape(dy as Tensor, expandedShape), tf.fill(x.shape, 1, 'float32'));
    return { x: () => derivative };
  },
};

/** Turns the Fill-made ones of the Sum gradient on or off. */
export function useFilledSumGradient(on: boolean): void {
  filling = on;
}

/** Puts {@link sumGradient} in place of TF.js's registered Sum gradient, once. */
export function installSumGradient(): void {
  const registered = tf.getGradient('Sum');
  if (!registered || registered === sumGradient) return;
  stock = registered;
  tf.unregisterGradient('Sum');
  tf.registerGradient(sumGradient);
}
