/**
 * A discrete bottleneck in an ordinary tfjs-layers model: points from four clusters pass through a
 * one-of-K code (the GumbelSoftmax layer) and are rebuilt from the code alone, so the model must
 * learn to name each point's cluster. Trained with `model.fit`; a callback anneals the temperature
 * after each epoch; saved to a folder and loaded back with `fileSystemHandler`.
 *
 *   npm run build && node --import tsx examples/discreteBottleneck.ts [folder]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tfl from '@tensorflow/tfjs-layers';
import { GumbelSoftmax, initBackend, setGlobalSeed, tf } from 'gumbel-softmax';
import { fileSystemHandler } from 'gumbel-softmax/node';

/** The sizes of a run (the test runs a tiny one). */
export interface BottleneckOptions {
  /** Training points (default 2,000). */
  points?: number;
  /** Epochs of `model.fit` (default 30). */
  epochs?: number;
  /** Where the model is saved (default: a new temporary folder). */
  folder?: string;
}

/** What a run measured. */
export interface BottleneckResult {
  /** Mean squared reconstruction error at inference (hard codes) on fresh points. */
  reconstructionError: number;
  /** The same error for the best constant guess (the points' variance): what no code achieves. */
  varianceOfPoints: number;
  /** The temperature after the last epoch. */
  finalTemperature: number;
  /** Whether the loaded model predicts exactly what the trained one does. */
  reloadedMatches: boolean;
  folder: string;
}

const CENTRES = [
  [2, 2],
  [-2, 2],
  [-2, -2],
  [2, -2],
];

/** Points scattered (σ = 0.3) around the four centres, seeded. */
function clusteredPoints(count: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const which = tf.randomUniform([count], 0, CENTRES.length, 'int32', seed);
    const centres = tf.gather(tf.tensor2d(CENTRES), which);
    return tf.add(centres, tf.randomNormal([count, 2], 0, 0.3, 'float32', seed + 1)) as tf.Tensor2D;
  });
}

/** dense → 4 logits → GumbelSoftmax (a one-hot code while predicting) → dense back to the point. */
function bottleneckModel(): { model: tfl.LayersModel; code: GumbelSoftmax } {
  const input = tfl.input({ shape: [2] });
  // Seeded initial weights, so a run repeats exactly.
  const seeded = (seed: number) => ({ kernelInitializer: tfl.initializers.glorotUniform({ seed }) });
  const hidden = tfl.layers.dense({ units: 16, activation: 'relu', ...seeded(1) }).apply(input);
  const logits = tfl.layers.dense({ units: CENTRES.length, ...seeded(2) }).apply(hidden);
  const code = new GumbelSoftmax({ temperature: 2, name: 'code' });
  const output = tfl.layers.dense({ units: 2, ...seeded(3) }).apply(code.apply(logits)) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: output });
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
  return { model, code };
}

/** Trains, evaluates, saves, reloads; prints a line per few epochs. */
export async function runDiscreteBottleneck(options: BottleneckOptions = {}): Promise<BottleneckResult> {
  await initBackend();
  setGlobalSeed(7); // the layer's Gumbel noise, so the run repeats exactly
  const { points = 2000, epochs = 30 } = options;
  const folder = options.folder ?? mkdtempSync(join(tmpdir(), 'bottleneck-'));
  const { model, code } = bottleneckModel();
  const train = clusteredPoints(points, 1);
  // τ from 2 down to 0.3 over the epochs, geometrically: soft codes first, nearly one-hot later.
  const annealing = new tfl.CustomCallback({
    onEpochEnd: async (epoch, logs) => {
      code.temperature = Math.max(0.3, 2 * 0.9 ** (epoch + 1));
      if (epoch % 10 === 9 || epoch === epochs - 1) {
        console.log(`epoch ${epoch + 1}: loss ${logs?.loss.toFixed(3)}, τ → ${code.temperature.toFixed(2)}`);
      }
    },
  });
  await model.fit(train, train, {
    epochs,
    batchSize: 64,
    verbose: 0,
    shuffle: false,
    callbacks: [annealing],
  });

  const test = clusteredPoints(500, 2);
  const predicted = model.predict(test) as tf.Tensor;
  const reconstructionError = tf.tidy(() => tf.mean(tf.square(tf.sub(predicted, test))).dataSync()[0]);
  const varianceOfPoints = tf.tidy(() => tf.mean(tf.moments(test, 0).variance).dataSync()[0]);

  await model.save(fileSystemHandler(folder));
  const loaded = await tfl.loadLayersModel(fileSystemHandler(folder));
  const again = loaded.predict(test) as tf.Tensor;
  const reloadedMatches = tf.tidy(() => tf.all(tf.equal(again, predicted)).dataSync()[0] === 1);
  console.log(
    `inference error ${reconstructionError.toFixed(3)} (the points' variance: ${varianceOfPoints.toFixed(3)}); ` +
      `saved to ${folder}, reloaded model ${reloadedMatches ? 'predicts the same' : 'DIFFERS'}`,
  );
  tf.dispose([train, test, predicted, again]);
  model.optimizer.dispose(); // an optimizer passed to compile is the caller's to free
  model.dispose();
  loaded.dispose();
  return {
    reconstructionError,
    varianceOfPoints,
    finalTemperature: code.temperature,
    reloadedMatches,
    folder,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runDiscreteBottleneck({ folder: process.argv[2] });
}
