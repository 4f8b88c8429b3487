/**
 * The one place the library imports TF.js. `@tensorflow/tfjs-core` is the tensor and autodiff
 * engine; importing `@tensorflow/tfjs-layers` registers tfjs-core's gradient functions (tfjs-core
 * alone registers none in Node, and `tf.grad` would fail with "gradient function not found").
 * The chained ops (`x.slice(…)`) are installed here too (src/chainedOps.ts), with their types
 * from tfjs-core's own declarations.
 */

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { registerChainedOps } from './chainedOps.js';

registerChainedOps();

export type { Rank, Tensor, TensorLike } from '@tensorflow/tfjs-core';
// Exports nothing: kept (also in tf.d.ts) for tfjs-core's declarations of the chained ops.
export type * from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
export { tf };
