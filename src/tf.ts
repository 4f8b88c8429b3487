/**
 * The one place the library imports TF.js. `@tensorflow/tfjs-core` is the tensor and autodiff
 * engine; importing `@tensorflow/tfjs-layers` registers tfjs-core's gradient functions (tfjs-core
 * alone registers none in Node, and `tf.grad` would fail with "gradient function not found").
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';

export type { Rank, Tensor, TensorLike } from '@tensorflow/tfjs-core';
export { tf };
