/**
 * Gumbel-Sinkhorn forward + backward with the fused log-Sinkhorn kernels on and off (the composed
 * TF.js ops), timed in rotated rounds in one process: `node --import tsx bench/sinkhornCases.ts
 * [--repeats N] [--backend wasm|cpu]`. Shapes: the bench's 32 matrices 50×50 with 20 iterations,
 * and the sorting task's loss at N = 80 (batch 10 × 5 draws = 50 matrices 80×80, 50 iterations).
 * Milliseconds per call: median, fastest, and process CPU time (median).
 */
import { parseArgs } from 'node:util';
import { initBackend } from '../src/backend.js';
import { useFusedKernels } from '../src/kernels/register.js';
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
