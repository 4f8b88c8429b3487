/**
 * TF.js's chained ops (`x.slice(…)`, `x.mul(y)`, `x.asType('int32')`, …) on every tensor, as every
 * TF.js tutorial writes them. tfjs-core alone registers none: the union package `@tensorflow/tfjs`
 * does it with tfjs-core's `dist/public/chained_ops/*.js`, which are ES modules with extensionless
 * imports that Node cannot load. So this file installs the same 137 methods, written to do exactly
 * what those files do (each checks that its tensor is not disposed, then calls the op with the
 * tensor first). A method that already exists (say `@tensorflow/tfjs` was imported too) is left
 * as it is. Their types come from tfjs-core's own declarations (src/tf.ts imports them).
 *
 * The library itself never calls them (it writes `tf.slice(x, …)`), so it also works on a `Tensor`
 * class where they are missing.
 */
import * as tf from '@tensorflow/tfjs-core';

type AnyOp = (...args: unknown[]) => tf.Tensor;
type ChainedOp = (this: tf.Tensor, ...args: never[]) => unknown;

/** The methods that call the op of the same name with the tensor as its first argument. */
const FORWARDED_TO_OP = [
  'abs',
  'acos',
  'acosh',
  'add',
  'all',
  'any',
  'argMax',
  'argMin',
  'asin',
  'asinh',
  'atan',
  'atan2',
  'atanh',
  'avgPool',
  'batchToSpaceND',
  'batchNorm',
  'broadcastTo',
  'cast',
  'ceil',
  'clipByValue',
  'conv1d',
  'conv2d',
  'conv2dTranspose',
  'cos',
  'cosh',
  'cumprod',
  'cumsum',
  'depthToSpace',
  'depthwiseConv2d',
  'dilation2d',
  'div',
  'divNoNan',
  'dot',
  'elu',
  'equal',
  'erf',
  'euclideanNorm',
  'exp',
  'expandDims',
  'expm1',
  'fft',
  'floor',
  'floorDiv',
  'gather',
  'greater',
  'greaterEqual',
  'ifft',
  'irfft',
  'isFinite',
  'isInf',
  'isNaN',
  'leakyRelu',
  'less',
  'lessEqual',
  'localResponseNormalization',
  'log',
  'log1p',
  'logSigmoid',
  'logSoftmax',
  'logSumExp',
  'logicalAnd',
  'logicalNot',
  'logicalOr',
  'logicalXor',
  'matMul',
  'max',
  'maxPool',
  'maximum',
  'mean',
  'min',
  'minimum',
  'mirrorPad',
  'mod',
  'mul',
  'neg',
  'norm',
  'notEqual',
  'onesLike',
  'pad',
  'pool',
  'pow',
  'prelu',
  'prod',
  'reciprocal',
  'relu',
  'relu6',
  'reshape',
  'reverse',
  'rfft',
  'round',
  'rsqrt',
  'selu',
  'separableConv2d',
  'sigmoid',
  'sign',
  'sin',
  'sinh',
  'slice',
  'softmax',
  'softplus',
  'spaceToBatchND',
  'split',
  'sqrt',
  'square',
  'squaredDifference',
  'squeeze',
  'step',
  'stridedSlice',
  'sub',
  'sum',
  'tan',
  'tanh',
  'tile',
  'topk',
  'transpose',
  'unique',
  'unsortedSegmentSum',
  'unstack',
  'zerosLike',
] as const;

/** The methods that do something else than forward to the op of the same name. */
const SPECIAL: Record<string, ChainedOp> = {
  as1D(this: tf.Tensor) {
    return tf.reshape(this, [this.size]);
  },
  as2D(this: tf.Tensor, rows: number, columns: number) {
    return tf.reshape(this, [rows, columns]);
  },
  as3D(this: tf.Tensor, rows: number, columns: number, depth: number) {
    return tf.reshape(this, [rows, columns, depth]);
  },
  as4D(this: tf.Tensor, rows: number, columns: number, depth: number, depth2: number) {
    return tf.reshape(this, [rows, columns, depth, depth2]);
  },
  as5D(this: tf.Tensor, rows: number, columns: number, depth: number, depth2: number, depth3: number) {
    return tf.reshape(this, [rows, columns, depth, depth2, depth3]);
  },
  asScalar(this: tf.Tensor) {
    tf.util.assert(this.size === 1, () => 'The array must have only 1 element.');
    return tf.reshape(this, []);
  },
  asType(this: tf.Tensor, dtype: tf.DataType) {
    return tf.cast(this, dtype);
  },
  concat(this: tf.Tensor, others: tf.Tensor | tf.Tensor[], axis?: number) {
    return tf.concat([this, ...(others instanceof tf.Tensor ? [others] : others)], axis);
  },
  flatten(this: tf.Tensor) {
    return tf.reshape(this, [this.size]);
  },
  oneHot(this: tf.Tensor, depth: number, onValue = 1, offValue = 0) {
    return tf.oneHot(this as tf.Tensor1D, depth, onValue, offValue);
  },
  reshapeAs(this: tf.Tensor, other: tf.Tensor) {
    return tf.reshape(this, other.shape);
  },
  resizeBilinear(
    this: tf.Tensor,
    size: [number, number],
    alignCorners?: boolean,
    halfPixelCenters?: boolean,
  ) {
    return tf.image.resizeBilinear(this as tf.Tensor3D, size, alignCorners, halfPixelCenters);
  },
  resizeNearestNeighbor(
    this: tf.Tensor,
    size: [number, number],
    alignCorners?: boolean,
    halfPixelCenters?: boolean,
  ) {
    return tf.image.resizeNearestNeighbor(this as tf.Tensor3D, size, alignCorners, halfPixelCenters);
  },
  stack(this: tf.Tensor, others: tf.Tensor | tf.Tensor[], axis?: number) {
    return tf.stack(others instanceof tf.Tensor ? [this, others] : [this, ...others], axis);
  },
  toBool(this: tf.Tensor) {
    return tf.cast(this, 'bool');
  },
  toFloat(this: tf.Tensor) {
    return tf.cast(this, 'float32');
  },
  toInt(this: tf.Tensor) {
    return tf.cast(this, 'int32');
  },
  where(this: tf.Tensor, condition: tf.Tensor, other: tf.Tensor) {
    return tf.where(condition, this, other);
  },
};

function forwarding(op: AnyOp): ChainedOp {
  return function (this: tf.Tensor, ...args: unknown[]) {
    return op(this, ...args);
  };
}

/** Every chained op's name (137 of them, as in tfjs-core 4.22). */
export const CHAINED_OPS: readonly string[] = [...FORWARDED_TO_OP, ...Object.keys(SPECIAL)].sort();

/**
 * Installs the chained ops on `tf.Tensor.prototype` (idempotent; existing methods are kept).
 * Called once when the library loads (src/tf.ts), so users never need to.
 */
export function registerChainedOps(): void {
  const prototype = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const operations = tf as unknown as Record<string, AnyOp>;
  const methods: [string, ChainedOp][] = [
    ...FORWARDED_TO_OP.map((name): [string, ChainedOp] => [name, forwarding(operations[name])]),
    ...Object.entries(SPECIAL),
  ];
  for (const [name, method] of methods) {
    if (typeof prototype[name] === 'function') continue;
    prototype[name] = function (this: tf.Tensor, ...args: never[]) {
      (this as unknown as { throwIfDisposed(): void }).throwIfDisposed();
      return method.apply(this, args);
    };
  }
}
