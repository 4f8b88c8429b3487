/**
 * `npm run web:model`: trains the demo's categorical VAE with the `gumbel` CLI (or reuses a run
 * folder), then writes what the web page loads into web/public/:
 *   model/model.json + model/weights.bin   the VAE in TF.js layers format, weights quantized
 *   model/about.json                       how it was trained and how well it scores
 *   data/digits-train.bin, digits-test.bin binarized MNIST digits, 784 bits (98 bytes) each
 *
 * Usage: npm run web:model -- [--steps N] [--run DIR] [--reuse] [--quantization uint8|float16|float32]
 * (defaults: 2000 steps, runs/web-model, uint8). The step count only needs recognisable digits.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { staticBinarizeSplits } from '../../src/data/binarize.js';
import { loadMnistSplits } from '../../src/data/mnist.js';
import { initBackend, tf } from '../../src/index.js';
import { checkQuantization, type WeightQuantization } from '../../src/vae/quantize.js';
import { loadVae, MODEL_FILES, saveVae } from '../../src/vae/savedModel.js';
import { packBits } from './packBits.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '2000' },
    run: { type: 'string', default: 'runs/web-model' },
    reuse: { type: 'boolean', default: false },
    quantization: { type: 'string', default: 'uint8' },
  },
});
const quantization = values.quantization as WeightQuantization;
checkQuantization(quantization);
const runFolder = values.run as string;
const publicFolder = 'web/public';
const trainDigits = 2000;
const testDigits = 200;
const binarizationSeed = 1; // the CLI's default --seed, so the page's digits match the run's

function train(): void {
  if (values.reuse && existsSync(join(runFolder, MODEL_FILES.topology))) {
    console.log(`reusing ${runFolder}`);
    return;
  }
  if (existsSync(runFolder)) {
    throw new Error(`${runFolder} exists: add --reuse to use its model, or remove it to train again`);
  }
  const args = ['dist/cli/main.js', 'train', '--out', runFolder, '--steps', values.steps as string];
  // The final score only labels the page's model; 100 importance samples keep it quick.
  args.push('--iw-samples', '100', '--eval-train-limit', '200');
  console.log(`node ${args.join(' ')}`);
  const result = spawnSync('node', args, { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`gumbel train failed with exit code ${result.status}`);
}

async function writeModel(): Promise<void> {
  const modelFolder = join(publicFolder, 'model');
  mkdirSync(modelFolder, { recursive: true });
  const vae = await loadVae(runFolder);
  await saveVae(vae, modelFolder, 1, { quantization });
  const reloaded = await loadVae(modelFolder);
  // How far quantization moves the decoded pixel probabilities, over 200 random codes.
  const difference = tf.tidy(() => {
    const { latentVariables, categories } = vae.shape;
    const codes = tf.oneHot(tf.randomUniformInt([200, latentVariables], 0, categories, 5), categories);
    const exact = tf.sigmoid(vae.decode(tf.cast(codes, 'float32')));
    const quantized = tf.sigmoid(reloaded.decode(tf.cast(codes, 'float32')));
    return tf.max(tf.abs(tf.sub(exact, quantized))).dataSync()[0];
  });
  const summary = JSON.parse(readFileSync(join(runFolder, 'summary.json'), 'utf8'));
  const about = {
    shape: vae.shape,
    steps: summary.steps,
    bestStep: summary.bestStep,
    testNegativeElbo: summary.test.negativeElbo,
    testNll: summary.test.importanceWeightedNll,
    importanceSamples: summary.test.importanceSamples,
    quantization,
    largestPixelChange: difference,
  };
  writeFileSync(join(modelFolder, 'about.json'), `${JSON.stringify(about, null, 2)}\n`);
  const bytes = statSync(join(modelFolder, MODEL_FILES.weights)).size;
  console.log(
    `wrote ${modelFolder}: ${(bytes / 1e6).toFixed(2)} MB of ${quantization} weights; ` +
      `largest change of a pixel probability from quantization ${difference.toFixed(4)}`,
  );
  vae.dispose();
  reloaded.dispose();
}

function writeDigits(): void {
  const dataFolder = join(publicFolder, 'data');
  mkdirSync(dataFolder, { recursive: true });
  const splits = staticBinarizeSplits(loadMnistSplits(), binarizationSeed);
  const write = (name: string, images: Float32Array, count: number) => {
    writeFileSync(join(dataFolder, name), packBits(images.subarray(0, count * 784)));
    console.log(`wrote ${join(dataFolder, name)}: ${count} digits`);
  };
  write('digits-train.bin', splits.train.images, trainDigits);
  write('digits-test.bin', splits.test.images, testDigits);
}

try {
  await initBackend();
  train();
  await writeModel();
  writeDigits();
} catch (error) {
  console.error(`web:model: ${(error as Error).message}`);
  process.exitCode = 1;
}
