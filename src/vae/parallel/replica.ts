import { Adam } from '../../nn/adam.js';
import { RandomGenerator } from '../../random/generator.js';
import { tf } from '../../tf.js';
import { CategoricalVae } from '../model.js';
import { negativeElbo } from '../objective.js';
import { barrier } from './barrier.js';
import { flatOffsets, shardBySize } from './partition.js';
import type { ReplicaSetup } from './protocol.js';

/**
 * One worker's copy of the model. A step: compute the gradient of this worker's rows into its slot
 * of the shared gradient buffer; wait for all slots; sum the slots in slot order (0, 1, …) for the
 * parameter tensors this worker owns (its shard), apply its Adam, which holds the moments of those
 * tensors only, and write them to the shared parameter buffer; wait for all shards; copy the other
 * tensors from that buffer. So every replica ends each step with the same bits, and Adam's update
 * is not repeated on every worker.
 */
export class Replica {
  /** The parameter tensors this replica updates, by index in `model.parameters()`. */
  readonly shard: number[];
  private readonly model: CategoricalVae;
  private readonly parameters: tf.Variable[];
  private readonly adam: Adam;
  private readonly noiseRoot: RandomGenerator;
  private readonly offsets: number[];
  private readonly owned: boolean[];
  private readonly slots: Float32Array[];
  private readonly sharedParameters: Float32Array;
  private readonly control: Int32Array;

  constructor(private readonly setup: ReplicaSetup) {
    this.model = new CategoricalVae(setup.shape, new RandomGenerator(setup.seed).foldIn(0));
    this.parameters = this.model.parameters();
    const sizes = this.parameters.map((parameter) => parameter.size);
    const { offsets, length } = flatOffsets(sizes);
    this.offsets = offsets;
    this.shard = shardBySize(sizes, setup.workers)[setup.index];
    this.owned = sizes.map((_, i) => this.shard.includes(i));
    this.adam = new Adam(
      this.shard.map((i) => this.parameters[i]),
      { learningRate: setup.learningRate },
    );
    this.noiseRoot = new RandomGenerator(setup.seed).foldIn(1);
    this.slots = Array.from(
      { length: setup.workers },
      (_, slot) => new Float32Array(setup.gradients, slot * length * 4, length),
    );
    this.sharedParameters = new Float32Array(setup.parameters);
    this.control = new Int32Array(setup.control);
  }

  /** One training step on rows [start, start + rows) of a batch of `total`; returns this part's loss. */
  step(images: Float32Array, start: number, total: number, step: number, temperature: number): number {
    const loss = this.writeGradient(images, start, total, step, temperature);
    barrier(this.control, this.setup.workers);
    this.updateShard();
    barrier(this.control, this.setup.workers);
    this.copyOtherShards();
    return loss;
  }

  /** Σ_rows(−ELBO)/total and its gradient, flattened into this worker's slot (zeros for no rows). */
  private writeGradient(
    images: Float32Array,
    start: number,
    total: number,
    step: number,
    temperature: number,
  ): number {
    const slot = this.slots[this.setup.index];
    const { inputSize } = this.setup.shape;
    const rows = images.length / inputSize;
    if (rows === 0) {
      slot.fill(0);
      return 0;
    }
    return tf.tidy(() => {
      const batch = tf.tensor2d(images, [rows, inputSize]);
      const { value, grads } = tf.variableGrads(
        () =>
          negativeElbo(this.model, batch, {
            temperature,
            hard: this.setup.hard,
            kl: this.setup.kl,
            priorTemperature: this.setup.priorTemperature,
            seed: this.noiseRoot.foldIn(step),
            batchRows: { start, total },
          }),
        this.parameters,
      );
      this.parameters.forEach((parameter, i) => {
        slot.set(grads[parameter.name].dataSync() as Float32Array, this.offsets[i]);
      });
      return value.dataSync()[0];
    });
  }

  /** Sums the slots in slot order for the owned tensors, applies Adam, publishes the new values. */
  private updateShard(): void {
    const gradients = this.shard.map((i) => {
      const offset = this.offsets[i];
      const size = this.parameters[i].size;
      const sum = this.slots[0].slice(offset, offset + size);
      for (let slot = 1; slot < this.slots.length; slot++) {
        const part = this.slots[slot];
        for (let j = 0; j < size; j++) sum[j] += part[offset + j];
      }
      return sum;
    });
    tf.tidy(() => {
      this.adam.apply(this.shard.map((i, k) => tf.tensor(gradients[k], this.parameters[i].shape)));
    });
    for (const i of this.shard) {
      this.sharedParameters.set(this.parameters[i].dataSync() as Float32Array, this.offsets[i]);
    }
  }

  private copyOtherShards(): void {
    tf.tidy(() => {
      this.parameters.forEach((parameter, i) => {
        if (this.owned[i]) return;
        const values = this.sharedParameters.slice(this.offsets[i], this.offsets[i] + parameter.size);
        parameter.assign(tf.tensor(values, parameter.shape));
      });
    });
  }

  /** Copies of the parameters. */
  readParameters(): Float32Array[] {
    return this.parameters.map((parameter) => (parameter.dataSync() as Float32Array).slice());
  }

  /** Copies of the moments of the owned tensors (first, then second) and Adam's step. */
  readMoments(): { moments: Float32Array[]; adamStep: number } {
    const moments = this.adam.moments().map((moment) => (moment.dataSync() as Float32Array).slice());
    return { moments, adamStep: this.adam.step };
  }

  /** Sets all parameters, the owned tensors' moments (first, then second) and Adam's step. */
  writeState(parameters: Float32Array[], moments: Float32Array[], adamStep: number): void {
    this.model.assignWeights(parameters);
    const variables = this.adam.moments();
    if (moments.length !== variables.length) {
      throw new Error(`worker ${this.setup.index} holds ${variables.length} moments, got ${moments.length}`);
    }
    variables.forEach((variable, k) => {
      if (moments[k].length !== variable.size) {
        throw new Error(`moment ${k} of worker ${this.setup.index} must hold ${variable.size} numbers`);
      }
      tf.tidy(() => variable.assign(tf.tensor(moments[k], variable.shape)));
    });
    this.adam.step = adamStep;
  }
}
