/** Data-parallel VAE training on worker threads (Node only; reached from 'gumbel-softmax/node'). */
export type { ParallelTrainingOptions } from './pool.js';
export { ParallelTrainingPool } from './pool.js';
export type { TrainingState } from './protocol.js';
export type { ParallelStepper } from './stepper.js';
export { createParallelStepper } from './stepper.js';
