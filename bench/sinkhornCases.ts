/**
 * Gumbel-Sinkhorn forward + backward with the fused log-Sinkhorn kernels on and off (the composed
 * TF.js ops), timed in rotated rounds in one process: `node --import tsx bench/sinkhornCases.ts
 * [--repeats N] [--backend wasm|cpu]`. Shapes: the bench's 32 matrices 50×50 with 20 iterations,
 * and the sorting task's loss at N = 80 (batch 10 × 5 draws = 50 matrices 80×80, 50 iterations).
 * Then one training step of `gumbel sort` at N = 80 (the default config otherwise: batch 10, 5 draws,
 * 50 iterations; network, loss and Adam as src/sort/experiment.ts runs them), fused on and off.
 * Milliseconds per call: median, fastest, and process CPU time (median).
 */
import { parseArgs } from 'node:util';
import { initBackend } from '../src/backend.js';
import { useFusedKernels } from '../src/kernels/register.js';
import { Adam } from '../src/nn/adam.js';
import { RandomGenerator } from '../src/random/generator.js';
import { uniformArray } from '../src/random/noise.js';
import { DEFAULT_SORT_CONFIG } from '../src/sort/experiment.js';
import { SortingNetwork } from '../src/sort/model.js';
import { gumbelSinkhorn } from '../src/structured/gumbelSinkhorn.js';
import { tf } from '../src/tf.js';
import { type Timing, timedRotated } from './timing.js';

const { values } = parseArgs({
  options: { repeats: { type: 'string', default: '15' }, backend: { type: 'string', default: 'wasm' } },
});
const repeats = Number(values.repeats);
await initBackend(values.backend as 'wasm' | 'cpu');

interface Shape {
  name: string;
  scores: number[];
  samples?: number;
  iterations: number;
}

const SHAPES: Shape[] = [
  { name: 'bench 32×50×50, 20 iterations', scores: [32, 50, 50], iterations: 20 },
  { name: 'sort N = 80: 10 × 5 draws, 50 iterations', scores: [10, 80, 80], samples: 5, iterations: 50 },
];

/** One fwd+bwd of Σ w ⊙ gumbelSinkhorn(x), with the fused kernels on or off. */
function step(shape: Shape, fused: boolean): { run: () => void; dispose: () => void } {
  const logScores = tf.randomNormal(shape.scores, 0, 1, 'float32', 1);
  const [batch, n] = shape.scores;
  const outShape = shape.samples ? [batch, shape.samples, n, n] : shape.scores;
  const weights = tf.randomNormal(outShape, 0, 1, 'float32', 2);
  const options = {
    temperature: 1,
    iterations: shape.iterations,
    samples: shape.samples,
    validateArgs: false,
  };
  const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(gumbelSinkhorn(x, options), weights)));
  return {
    run: () => {
      useFusedKernels(fused);
      const g = gradient(logScores);
      g.dataSync();
      g.dispose();
      useFusedKernels(true);
    },
    dispose: () => tf.dispose([logScores, weights]),
  };
}

const format = (t: Timing) =>
  `median ${t.median.toFixed(2)} ms, fastest ${t.min.toFixed(2)} ms, CPU median ${t.cpu?.median.toFixed(2)} ms`;

console.log(`backend ${tf.getBackend()}, ${repeats} rotated rounds (machine shared: compare ratios only)`);
for (const shape of SHAPES) {
  const variants = [step(shape, true), step(shape, false)];
  const [fused, composed] = timedRotated(
    variants.map((v) => v.run),
    repeats,
  );
  for (const v of variants) v.dispose();
  console.log(`${shape.name}\n  fused:    ${format(fused)}\n  composed: ${format(composed)}`);
  console.log(
    `  composed / fused: median ${(composed.median / fused.median).toFixed(2)}×, fastest ${(composed.min / fused.min).toFixed(2)}×`,
  );
}

/** One `gumbel sort` training step at N = 80 (default config otherwise), fused on or off. */
function sortStep(fused: boolean): { run: () => void; dispose: () => void } {
  const config = { ...DEFAULT_SORT_CONFIG, n: 80 };
  const [weights, data, noise] = new RandomGenerator(1).split(3);
  const network = new SortingNetwork({ n: config.n, hidden: config.hidden }, weights);
  const optimizer = new Adam(network.parameters, { learningRate: 1e-3 });
  const lossOptions = { ...config, generator: noise };
  return {
    run: () => {
      useFusedKernels(fused);
      const values = uniformArray(config.batch * config.n, data);
      const sortedValues = Float32Array.from(values);
      for (let s = 0; s < config.batch; s++) sortedValues.subarray(s * config.n, (s + 1) * config.n).sort();
      tf.tidy(() => {
        const numbers = tf.tensor2d(values, [config.batch, config.n]);
        const sorted = tf.tensor2d(sortedValues, [config.batch, config.n]);
        const { value, grads } = tf.variableGrads(
          () => network.loss(numbers, sorted, lossOptions) as tf.Scalar,
          network.parameters,
        );
        optimizer.apply(network.parameters.map((p) => grads[p.name]));
        value.dataSync();
      });
      useFusedKernels(true);
    },
    dispose: () => {
      network.dispose();
      optimizer.dispose();
    },
  };
}

const sortVariants = [sortStep(true), sortStep(false)];
const [sortFused, sortComposed] = timedRotated(
  sortVariants.map((v) => v.run),
  repeats,
);
for (const v of sortVariants) v.dispose();
console.log(
  `gumbel sort step, N = 80\n  fused:    ${format(sortFused)}\n  composed: ${format(sortComposed)}`,
);
console.log(
  `  composed / fused: median ${(sortComposed.median / sortFused.median).toFixed(2)}×, fastest ${(sortComposed.min / sortFused.min).toFixed(2)}×`,
);
