import { type ConfiguredEstimator, createEstimator } from '../../estimators/registry.js';
import { Adam } from '../../nn/adam.js';
import { RandomGenerator } from '../../random/generator.js';
import { tf } from '../../tf.js';
import { negativeElbo } from '../objective.js';
import { Collectives } from './collectives.js';
import type { TrainingState, WorkerSetup } from './protocol.js';
import { ShardedVae } from './shardedVae.js';

/**
 * One worker's share of tensor-parallel training: its columns of every layer ({@link ShardedVae})
 * and an Adam over them. A step computes the ELBO of the whole batch, as every worker does, with
 * the layers' collectives joining the workers' parts, then updates its own columns.
 */
export class ShardTrainer {
  private readonly model: ShardedVae;
  private readonly parameters: tf.Variable[];
  private readonly adam: Adam;
  private readonly noiseRoot: RandomGenerator;
  private readonly collectives: Collectives;
  private readonly estimator: ConfiguredEstimator;

  constructor(private readonly setup: WorkerSetup) {
    const control = new Int32Array(setup.control);
    this.collectives = new Collectives(setup.index, setup.workers, setup.slots, setup.slotLength, control);
    const seed = new RandomGenerator(setup.seed).foldIn(0);
    this.model = new ShardedVae(setup.shape, seed, setup.index, setup.workers, this.collectives);
    this.parameters = this.model.parameters();
    this.adam = new Adam(this.parameters, { learningRate: setup.learningRate });
    this.noiseRoot = new RandomGenerator(setup.seed).foldIn(1);
    // As VaeTrainer's one-thread step: the same estimator, so the same code path.
    this.estimator = createEstimator({ name: setup.hard ? 'straight-through-gumbel' : 'gumbel-softmax' });
  }

  /** Uses larger collective slots from now on. */
  useSlots(buffer: SharedArrayBuffer, slotLength: number): void {
    this.collectives.replaceBuffer(buffer, slotLength);
  }

  /** One training step on the whole batch; returns its −ELBO (the same on every worker). */
  step(images: Float32Array, rows: number, step: number, temperature: number): number {
    const { hard, kl, priorTemperature } = this.setup;
    return tf.tidy(() => {
      const batch = tf.tensor2d(images, [rows, this.setup.shape.inputSize]);
      const { value, grads } = tf.variableGrads(
        () =>
          negativeElbo(this.model, batch, {
            temperature,
            hard,
            kl,
            priorTemperature,
            seed: this.noiseRoot.foldIn(step),
            estimator: this.estimator,
          }),
        this.parameters,
      );
      this.adam.apply(this.parameters.map((parameter) => grads[parameter.name]));
      return value.dataSync()[0];
    });
  }

  /** Copies of this worker's columns of every parameter and moment, and Adam's step. */
  readState(): TrainingState {
    const copy = (tensor: tf.Tensor) => (tensor.dataSync() as Float32Array).slice();
    return {
      parameters: this.parameters.map(copy),
      moments: this.adam.moments().map(copy),
      adamStep: this.adam.step,
    };
  }

  /** Sets this worker's columns of every parameter and moment, and Adam's step. */
  writeState(state: TrainingState): void {
    const targets = [...this.parameters, ...this.adam.moments()];
    const values = [...state.parameters, ...state.moments];
    if (values.length !== targets.length || values.some((array, i) => array.length !== targets[i].size)) {
      throw new Error(`worker ${this.setup.index}: the state does not fit its columns of the model`);
    }
    tf.tidy(() => {
      targets.forEach((target, i) => {
        target.assign(tf.tensor(values[i], target.shape));
      });
    });
    this.adam.step = state.adamStep;
  }
}
