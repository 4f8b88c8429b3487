/**
 * gumbel-softmax: differentiable discrete sampling on TensorFlow.js.
 * @packageDocumentation
 */

export type { BackendName, BackendReport } from './backend.js';
export { activeBackend, initBackend, isBackendInitialized } from './backend.js';
export type { GumbelMaxOptions } from './ops/gumbelMax.js';
export { gumbelMax, gumbelTopK } from './ops/gumbelMax.js';
export type { GumbelSoftmaxOptions, GumbelSoftmaxSample } from './ops/gumbelSoftmax.js';
export { gumbelSoftmax, gumbelSoftmaxSample } from './ops/gumbelSoftmax.js';
export type { AxisOptions } from './ops/prepare.js';
export { reparameterizeNormal } from './ops/reparameterizeNormal.js';
export type { SampleGumbelOptions } from './ops/sampleGumbel.js';
export { sampleGumbel } from './ops/sampleGumbel.js';
export { stopGradient } from './ops/stopGradient.js';
export { straightThrough } from './ops/straightThrough.js';
export type { Seed } from './random/generator.js';
export { RandomGenerator, setGlobalSeed } from './random/generator.js';
export {
  gumbelArray,
  gumbelNoise,
  logisticArray,
  logisticNoise,
  normalArray,
  normalNoise,
  uniformArray,
  uniformNoise,
} from './random/noise.js';
export { philoxBlock } from './random/philox.js';
export { tf } from './tf.js';
export type { Temperature, TensorInput } from './validate.js';
export { ArgumentError } from './validate.js';
