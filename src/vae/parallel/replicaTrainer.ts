import { type ConfiguredEstimator, createEstimator } from '../../estimators/registry.js';
import { Adam } from '../../nn/adam.js';
import { RandomGenerator } from '../../random/generator.js';
import { tf } from '../../tf.js';
import { CategoricalVae } from '../model.js';
import { elboTerms } from '../objective.js';
import { barrier } from './barrier.js';
import { GradientExchange } from './gradientExchange.js';
import { noisePerRow, parameterOwners } from './partition.js';
import type { RowShare, TrainingState, WorkerSetup } from './protocol.js';
import { copyTensorInto, tensorCopyOf } from './tensorCopy.js';

/**
 * One worker of data-parallel training: a whole copy of the model, and Adam's state for the
 * parameters it updates ({@link parameterOwners}). A step takes the gradient of this worker's rows'
 * share of the batch's −ELBO, −Σ_rows ELBO / batchRows (with the one-thread batch's noise for those
 * rows), and publishes the part of it that other workers update (barrier 1); each worker then
 * adds every worker's share of its own parameters' gradients in worker order, applies Adam to them
 * and publishes them (barrier 2), and copies the others' — so every copy of the model holds the
 * same bits, and the weight-sized work after the gradient (the copies, the sum, Adam) is split
 * rather than repeated.
 */
export class ReplicaTrainer {
  private readonly model: CategoricalVae;
  private readonly parameters: tf.Variable[];
  private readonly adam: Adam;
  /** The parameters this worker updates and the others, each with its offset in a slot. */
  private readonly owned: { parameter: tf.Variable; index: number; offset: number }[];
  private readonly others: { parameter: tf.Variable; offset: number }[];
  private readonly sharedParameters: Float32Array;
  private readonly control: Int32Array;
  private readonly noiseRoot: RandomGenerator;
  private readonly exchange: GradientExchange;
  private readonly estimator: ConfiguredEstimator;
  /** Index of the loss in an exchanged slot, after every parameter's gradient. */
  private readonly lossIndex: number;

  constructor(private readonly setup: WorkerSetup) {
    this.model = new CategoricalVae(setup.shape, new RandomGenerator(setup.seed).foldIn(0));
    this.parameters = this.model.parameters();
    const owners = parameterOwners(
      this.parameters.map((parameter) => parameter.size),
      setup.workers,
    );
    let offset = 0;
    const placed = this.parameters.map((parameter, index) => {
      const entry = { parameter, index, offset, owner: owners[index] };
      offset += parameter.size;
      return entry;
    });
    this.owned = placed.filter((entry) => entry.owner === setup.index);
    this.others = placed.filter((entry) => entry.owner !== setup.index);
    this.adam = new Adam(
      this.owned.map((entry) => entry.parameter),
      { learningRate: setup.learningRate },
    );
    this.sharedParameters = new Float32Array(setup.sharedParameters);
    this.noiseRoot = new RandomGenerator(setup.seed).foldIn(1);
    this.lossIndex = this.parameters.reduce((sum, parameter) => sum + parameter.size, 0);
    this.control = new Int32Array(setup.control);
    this.exchange = new GradientExchange(
      setup.index,
      setup.workers,
      setup.slots,
      this.lossIndex + 1,
      this.control,
    );
    // As VaeTrainer's one-thread step: the same estimator, so the same code path.
    this.estimator = createEstimator({ name: setup.hard ? 'straight-through-gumbel' : 'gumbel-softmax' });
  }

  /** One training step; returns the whole batch's −ELBO (the same on every worker). */
  step(share: RowShare, step: number, temperature: number): number {
    const slot = this.exchange.nextSlot();
    const own =
      share.rows > 0
        ? this.ownGradient(share, step, temperature, slot)
        : tf.tidy(() => {
            slot[this.lossIndex] = 0;
            return this.owned.map(({ parameter }) => tf.zerosLike(parameter));
          });
    const slots = this.exchange.allReduce();
    tf.tidy(() => {
      const gradients = this.owned.map(({ parameter, offset }, k) => {
        const end = offset + parameter.size;
        // Every worker's share of this parameter's gradient, added in worker order (this worker's
        // own share never left its tensor).
        return slots
          .map((slot, worker) =>
            worker === this.setup.index ? own[k] : tf.tensor(slot.subarray(offset, end), parameter.shape),
          )
          .reduce((total, part) => tf.add(total, part));
      });
      this.adam.apply(gradients);
    });
    tf.dispose(own);
    this.shareUpdates();
    return slots.reduce((total, slot) => Math.fround(total + slot[this.lossIndex]), 0);
  }

  /**
   * Publishes this worker's updated parameters and takes the others' (a second barrier), so every
   * worker holds the same model for the next step.
   */
  private shareUpdates(): void {
    if (this.setup.workers === 1) return;
    for (const { parameter, offset } of this.owned) copyTensorInto(parameter, this.sharedParameters, offset);
    barrier(this.control, this.setup.workers);
    tf.tidy(() => {
      for (const { parameter, offset } of this.others) {
        parameter.assign(
          tensorCopyOf(this.sharedParameters.subarray(offset, offset + parameter.size), parameter.shape),
        );
      }
    });
  }

  /**
   * The gradients of −Σ_own rows ELBO / batchRows: those of the parameters other workers update go
   * into `slot` (then that loss), those of this worker's own parameters are returned as tensors.
   */
  private ownGradient(share: RowShare, step: number, temperature: number, slot: Float32Array): tf.Tensor[] {
    const { hard, kl, priorTemperature, shape } = this.setup;
    const seed = this.noiseRoot.foldIn(step);
    // Skip the noise of the rows before this worker's (whole Philox blocks, see splitRows).
    seed.reserveWords(share.firstRow * noisePerRow(shape));
    return tf.tidy(() => {
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
      for (const { parameter, offset } of this.others) copyTensorInto(grads[parameter.name], slot, offset);
      slot[this.lossIndex] = value.dataSync()[0];
      return this.owned.map(({ parameter }) => grads[parameter.name]);
    });
  }

  /**
   * Copies of every parameter, of the moments of the parameters this worker updates (empty arrays
   * for the others', which their owners hold), and Adam's step.
   */
  readState(): TrainingState {
    const copy = (tensor: tf.Tensor) => (tensor.dataSync() as Float32Array).slice();
    const moments = this.adam.moments();
    const owned = this.owned.length;
    // Adam's moments are [first of each owned parameter…, second of each…].
    const ownMoments = (half: number) =>
      this.parameters.map((_, index) => {
        const k = this.owned.findIndex((entry) => entry.index === index);
        return k < 0 ? new Float32Array(0) : copy(moments[half * owned + k]);
      });
    return {
      parameters: this.parameters.map(copy),
      moments: [...ownMoments(0), ...ownMoments(1)],
      adamStep: this.adam.step,
    };
  }

  /** Sets every parameter, the moments of the parameters this worker updates, and Adam's step. */
  writeState(state: TrainingState): void {
    const count = this.parameters.length;
    const moments = this.adam.moments();
    const targets = [
      ...this.parameters.map((parameter, index) => ({ target: parameter, values: state.parameters[index] })),
      ...this.owned.flatMap(({ index }, k) => [
        { target: moments[k], values: state.moments[index] },
        { target: moments[this.owned.length + k], values: state.moments[count + index] },
      ]),
    ];
    if (targets.some(({ target, values }) => values?.length !== target.size)) {
      throw new Error(`worker ${this.setup.index}: the state does not fit the model`);
    }
    tf.tidy(() => {
      for (const { target, values } of targets) target.assign(tf.tensor(values, target.shape));
    });
    this.adam.step = state.adamStep;
  }
}
