/**
 * Learned feature selection, after the concrete autoencoder of Abid et al. (2019): choose k of the
 * 784 pixels of a digit from which a small decoder rebuilds the whole digit. The choice is a k-subset
 * of the pixels, relaxed with `relaxedTopK` (Xie & Ermon 2019): logits θ (one per pixel, learned)
 * give a soft k-hot mask m = relaxedTopK(θ, k, τ), the decoder sees only x ⊙ m, and τ is annealed
 * from 2 to 0.1, so training ends on nearly exact k-subsets. At test time the selection is the exact
 * top-k of θ. Prints the test reconstruction error of the learned pixels against k pixels drawn at
 * random (with a decoder trained on those), and the chosen pixels as a 28 × 28 map.
 *
 *   node --import tsx examples/featureSelection.ts
 */
import { fileURLToPath } from 'node:url';
import {
  Adam,
  dense,
  initBackend,
  normalArray,
  RandomGenerator,
  relaxedTopK,
  tf,
  uniformArray,
} from 'gumbel-softmax';
import { loadDataset } from 'gumbel-softmax/node';

const PIXELS = 784;

/** The sizes of a run (the test runs a short one). */
export interface FeatureSelectionOptions {
  /** Pixels to choose (default 20). */
  k?: number;
  /** Optimizer steps (default 1,500). */
  steps?: number;
  /** Training digits (default 5,000) and test digits (default 1,000). */
  trainCount?: number;
  testCount?: number;
  /** Hidden units of the decoder (default 128). */
  hiddenUnits?: number;
  seed?: number;
}

/** What a run measured. */
export interface FeatureSelectionResult {
  /** The k chosen pixels (row-major indices, 0–783), in order of their logits. */
  chosen: number[];
  /** Mean squared error per pixel on the test digits, decoding from the learned pixels. */
  learnedError: number;
  /** The same, with k pixels drawn at random (the same for the whole run) and their own decoder. */
  randomError: number;
  /** The error of predicting every digit by the mean training digit (no pixels at all). */
  meanImageError: number;
}

/** A decoder from masked pixels to all pixels: dense → ReLU → dense → sigmoid. */
function decoder(hiddenUnits: number, random: RandomGenerator) {
  const init = (rows: number, columns: number) =>
    tf.variable(
      tf.mul(tf.tensor2d(normalArray(rows * columns, random), [rows, columns]), Math.sqrt(2 / rows)),
    );
  // Inside tidy, so the initial values are freed once the variables hold them.
  const parameters = tf.tidy(() => [
    init(PIXELS, hiddenUnits),
    tf.variable(tf.zeros([hiddenUnits])),
    init(hiddenUnits, PIXELS),
    tf.variable(tf.zeros([PIXELS])),
  ]);
  const decode = (masked: tf.Tensor) =>
    tf.sigmoid(dense(dense(masked, parameters[0], parameters[1], 'relu'), parameters[2], parameters[3]));
  return { parameters, decode };
}

/** Mean squared error per pixel. */
const squaredError = (a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.square(tf.sub(a, b)));

/**
 * Trains the decoder (and the pixel logits, when given: with their own, larger learning rate) on
 * masked digits and returns the test error.
 */
function train(
  mask: (step: number) => tf.Tensor,
  parameters: { decoder: tf.Variable[]; logits?: tf.Variable },
  decode: (masked: tf.Tensor) => tf.Tensor,
  images: { train: tf.Tensor2D; test: tf.Tensor2D; testMask: () => tf.Tensor },
  steps: number,
  random: RandomGenerator,
): number {
  const optimizers = [
    { variables: parameters.decoder, adam: new Adam(parameters.decoder, { learningRate: 3e-3 }) },
    ...(parameters.logits
      ? [{ variables: [parameters.logits], adam: new Adam([parameters.logits], { learningRate: 0.05 }) }]
      : []),
  ];
  const trained = optimizers.flatMap((optimizer) => optimizer.variables);
  const count = images.train.shape[0];
  for (let step = 0; step < steps; step++) {
    const rows = Array.from(uniformArray(100, random), (u) => Math.floor(u * count));
    tf.tidy(() => {
      const batch = tf.gather(images.train, tf.tensor1d(rows, 'int32'));
      const { grads } = tf.variableGrads(
        () => squaredError(decode(tf.mul(batch, mask(step))), batch) as tf.Scalar,
        trained,
      );
      for (const { variables, adam } of optimizers) adam.apply(variables.map((v) => grads[v.name]));
    });
  }
  for (const { adam } of optimizers) adam.dispose();
  return tf.tidy(
    () => squaredError(decode(tf.mul(images.test, images.testMask())), images.test).dataSync()[0],
  );
}

/** Learns k pixels and compares them with k random pixels; see the file's comment. */
export async function runFeatureSelection(
  options: FeatureSelectionOptions = {},
): Promise<FeatureSelectionResult> {
  const { k = 20, steps = 1500, trainCount = 5000, testCount = 1000, hiddenUnits = 128, seed = 1 } = options;
  await initBackend();
  const digits = loadDataset('mnist');
  const random = new RandomGenerator(seed);
  const images = {
    train: tf.tensor2d(digits.train.images.subarray(0, trainCount * PIXELS), [trainCount, PIXELS]),
    test: tf.tensor2d(digits.test.images.subarray(0, testCount * PIXELS), [testCount, PIXELS]),
  };

  // The learned selection: logits θ over the pixels, the soft k-hot of relaxedTopK while training.
  const logits = tf.tidy(() => tf.variable(tf.zeros([PIXELS]), true, 'pixel_logits'));
  const learned = decoder(hiddenUnits, random.foldIn(1));
  const temperatureAt = (step: number) => 2 * (0.1 / 2) ** (step / Math.max(steps - 1, 1));
  const exactTopK = () => tf.cast(tf.sum(tf.oneHot(tf.topk(logits, k).indices, PIXELS), 0), 'float32');
  const noise = random.foldIn(2);
  const learnedError = train(
    (step) => relaxedTopK(logits, k, { temperature: temperatureAt(step), seed: noise.foldIn(step) }),
    { decoder: learned.parameters, logits },
    learned.decode,
    { ...images, testMask: exactTopK },
    steps,
    random.foldIn(3),
  );
  const chosen = Array.from(tf.tidy(() => tf.topk(logits, k).indices.dataSync()));

  // The baseline: k pixels drawn at random once, a decoder trained on them alone.
  const randomPixels = Array.from(
    tf.tidy(() => tf.topk(tf.tensor1d(uniformArray(PIXELS, random.foldIn(5))), k).indices.dataSync()),
  );
  const randomMask = tf.tidy(() =>
    tf.cast(tf.sum(tf.oneHot(tf.tensor1d(randomPixels, 'int32'), PIXELS), 0), 'float32'),
  );
  const baseline = decoder(hiddenUnits, random.foldIn(4));
  const randomError = train(
    () => randomMask,
    { decoder: baseline.parameters },
    baseline.decode,
    { ...images, testMask: () => randomMask },
    steps,
    random.foldIn(3),
  );

  const meanImageError = tf.tidy(
    () => squaredError(tf.mean(images.train, 0, true), images.test).dataSync()[0],
  );
  tf.dispose([images.train, images.test, logits, randomMask, ...learned.parameters, ...baseline.parameters]);
  return { chosen, learnedError, randomError, meanImageError };
}

/** The chosen pixels on a 28 × 28 grid ('#' chosen, '·' not). */
export function pixelMap(chosen: number[]): string {
  const picked = new Set(chosen);
  return Array.from({ length: 28 }, (_, row) =>
    Array.from({ length: 28 }, (_, column) => (picked.has(row * 28 + column) ? '#' : '·')).join(''),
  ).join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runFeatureSelection();
  console.log(`test mean squared error per pixel, decoding from ${result.chosen.length} pixels:`);
  console.log(`  learned pixels (relaxed top-k) ${result.learnedError.toFixed(4)}`);
  console.log(`  random pixels                  ${result.randomError.toFixed(4)}`);
  console.log(`  no pixels (the mean digit)     ${result.meanImageError.toFixed(4)}`);
  console.log(pixelMap(result.chosen));
}
