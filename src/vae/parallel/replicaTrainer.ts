import { type ConfiguredEstimator, createEstimator } from '../../estimators/registry.js';
import { Adam } from '../../nn/adam.js';
import { RandomGenerator } from '../../random/generator.js';
import { tf } from '../../tf.js';
import { CategoricalVae } from '../model.js';
import { elboTerms } from '../objective.js';
import { GradientExchange } from './gradientExchange.js';
import { noisePerRow } from './partition.js';
import type { RowShare, TrainingState, WorkerSetup } from './protocol.js';
import { copyTensorInto } from './tensorCopy.js';

/**
 * One worker of data-parallel training: a whole copy of the model and of Adam's state. A step takes
 * the gradient of this worker's rows' share of the batch's −ELBO, −Σ_rows ELBO / batchRows (the
 * one-thread batch noise for those rows), sums it with the other workers' through one all-reduce,
 * and applies the same Adam update as every other worker, so the copies stay equal bit for bit.
 */
export class ReplicaTrainer {
  private readonly model: CategoricalVae;
  private readonly parameters: tf.Variable[];
  private readonly adam: Adam;
  private readonly noiseRoot: RandomGenerator;
  private readonly exchange: GradientExchange;
  private readonly estimator: ConfiguredEstimator;
  /** Index of the loss in an exchanged slot, after every parameter's gradient. */
  private readonly lossIndex: number;

  constructor(private readonly setup: WorkerSetup) {
    this.model = new CategoricalVae(setup.shape, new RandomGenerator(setup.seed).foldIn(0));
    this.parameters = this.model.parameters();
    this.adam = new Adam(this.parameters, { learningRate: setup.learningRate });
    this.noiseRoot = new RandomGenerator(setup.seed).foldIn(1);
    this.lossIndex = this.parameters.reduce((sum, parameter) => sum + parameter.size, 0);
    const control = new Int32Array(setup.control);
    this.exchange = new GradientExchange(
      setup.index,
      setup.workers,
      setup.slots,
      this.lossIndex + 1,
      control,
    );
    // As VaeTrainer's one-thread step: the same estimator, so the same code path.
    this.estimator = createEstimator({ name: setup.hard ? 'straight-through-gumbel' : 'gumbel-softmax' });
  }

  /** One training step; returns the whole batch's −ELBO (the same on every worker). */
  step(share: RowShare, step: number, temperature: number): number {
    const slot = this.exchange.nextSlot();
    if (share.rows > 0) this.ownGradient(share, step, temperature, slot);
    else slot.fill(0);
    const slots = this.exchange.allReduce();
    tf.tidy(() => {
      let offset = 0;
      const gradients = this.parameters.map((parameter) => {
        const end = offset + parameter.size;
        // Every worker's share, added in worker order (float32, the same bits on every worker).
        const sum = slots
          .map((slot) => tf.tensor(slot.subarray(offset, end), parameter.shape))
          .reduce((total, share) => tf.add(total, share));
        offset = end;
        return sum;
      });
      this.adam.apply(gradients);
    });
    return slots.reduce((total, slot) => Math.fround(total + slot[this.lossIndex]), 0);
  }

  /** Writes the gradients of −Σ_own rows ELBO / batchRows, then that loss, into `slot`. */
  private ownGradient(share: RowShare, step: number, temperature: number, slot: Float32Array): void {
    const { hard, kl, priorTemperature, shape } = this.setup;
    const seed = this.noiseRoot.foldIn(step);
    // Skip the noise of the rows before this worker's (whole Philox blocks, see splitRows).
    seed.reserveWords(share.firstRow * noisePerRow(shape));
    tf.tidy(() => {
      const batch = tf.tensor2d(share.images, [share.rows, shape.inputSize]);
      const { value, grads } = tf.variableGrads(() => {
        const { elbo } = elboTerms(this.model, batch, {
          temperature,
          hard,
          kl,
          priorTemperature,
          seed,
          estimator: this.estimator,
        });
        return tf.neg(tf.div(tf.sum(elbo), share.batchRows)) as tf.Scalar;
      }, this.parameters);
      let offset = 0;
      for (const parameter of this.parameters) {
        copyTensorInto(grads[parameter.name], slot, offset);
        offset += parameter.size;
      }
      slot[this.lossIndex] = value.dataSync()[0];
    });
  }

  /** Copies of every parameter and moment, and Adam's step. */
  readState(): TrainingState {
    const copy = (tensor: tf.Tensor) => (tensor.dataSync() as Float32Array).slice();
    return {
      parameters: this.parameters.map(copy),
      moments: this.adam.moments().map(copy),
      adamStep: this.adam.step,
    };
  }

  /** Sets every parameter and moment, and Adam's step. */
  writeState(state: TrainingState): void {
    const targets = [...this.parameters, ...this.adam.moments()];
    const values = [...state.parameters, ...state.moments];
    if (values.length !== targets.length || values.some((array, i) => array.length !== targets[i].size)) {
      throw new Error(`worker ${this.setup.index}: the state does not fit the model`);
    }
    tf.tidy(() => {
      targets.forEach((target, i) => {
        target.assign(tf.tensor(values[i], target.shape));
      });
    });
    this.adam.step = state.adamStep;
  }
}
