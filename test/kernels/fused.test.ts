/**
 * The fused cpu/wasm kernels against the composed TF.js versions they replace: same values, same
 * gradients (w.r.t. the logits and a tensor temperature), for soft and hard samples, number and
 * tensor temperatures, masked logits and every axis, on both backends that have the kernels. The
 * composed version is what runs on WebGL/WebGPU/tfjs-node; both draw the same noise from a seed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ExpRelaxedOneHotCategorical } from '../../src/distributions/expRelaxedOneHotCategorical.js';
import { gumbelSoftmax, gumbelSoftmaxSample, tf, useFusedKernels } from '../../src/index.js';
import { fusedKernelsActive } from '../../src/kernels/register.js';
import { Adam } from '../../src/nn/adam.js';
import { bernoulliLogLikelihood, klToUniform } from '../../src/vae/objective.js';

const startBackend = tf.getBackend();
afterAll(async () => {
  useFusedKernels(true);
  await tf.setBackend(startBackend);
});

/** Runs `run` with the fused kernels on or off and returns plain arrays (no tensors leak out). */
function withKernels<T>(fused: boolean, run: () => T): T {
  useFusedKernels(fused);
  try {
    expect(fusedKernelsActive()).toBe(fused);
    return run();
  } finally {
    useFusedKernels(true);
  }
}

/** max |a − b| / (|b| + atol): relative where values are large, absolute near 0. */
function worstRelativeError(a: ArrayLike<number>, b: ArrayLike<number>, atol = 1e-6): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue; // also equal infinities
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / (Math.abs(b[i]) + atol));
  }
  return worst;
}

interface Case {
  name: string;
  shape: number[];
  axis: number;
  hard: boolean;
  /** undefined: a number τ = 0.6; otherwise the shape of a tensor τ. */
  temperatureShape?: number[];
  masked?: boolean;
}

const CASES: Case[] = [
  { name: 'soft, number τ, last axis', shape: [64, 10], axis: -1, hard: false },
  { name: 'hard, number τ, last axis', shape: [64, 10], axis: -1, hard: true },
  { name: 'soft, K not a multiple of 4', shape: [33, 7], axis: -1, hard: false },
  { name: 'soft, masked logits', shape: [40, 9], axis: -1, hard: false, masked: true },
  {
    name: 'hard, masked logits, per-row tensor τ',
    shape: [40, 9],
    axis: -1,
    hard: true,
    masked: true,
    temperatureShape: [40, 1],
  },
  { name: 'soft, per-element tensor τ', shape: [16, 12], axis: -1, hard: false, temperatureShape: [16, 12] },
  { name: 'soft, scalar tensor τ', shape: [16, 12], axis: -1, hard: false, temperatureShape: [] },
  { name: 'soft, axis 0 of a 3-D tensor', shape: [5, 6, 7], axis: 0, hard: false },
  { name: 'hard, middle axis, tensor τ', shape: [5, 6, 7], axis: 1, hard: true, temperatureShape: [5, 1, 7] },
  { name: 'soft, one wide row', shape: [1, 1000], axis: -1, hard: false },
];

function runCase(c: Case, fused: boolean) {
  return withKernels(fused, () =>
    tf.tidy(() => {
      const size = c.shape.reduce((a, b) => a * b, 1);
      let logits = tf.mul(tf.randomNormal(c.shape, 0, 1, 'float32', 3), 2);
      if (c.masked) {
        // mask every third entry along the flattened tensor, never a whole slice here
        const mask = Array.from({ length: size }, (_, i) => (i % 3 === 1 ? Number.NEGATIVE_INFINITY : 0));
        logits = tf.add(logits, tf.tensor(mask, c.shape));
      }
      const weights = tf.randomNormal(c.shape, 0, 1, 'float32', 4);
      const temperature =
        c.temperatureShape === undefined
          ? 0.6
          : tf.add(tf.mul(tf.randomUniform(c.temperatureShape, 0, 1, 'float32', 5), 1.5), 0.2);
      const options = { axis: c.axis, temperature, seed: 11 };
      const { soft, hard, index } = gumbelSoftmaxSample(logits, options);
      const loss = (l: tf.Tensor, t: tf.Tensor | number) =>
        tf.sum(tf.mul(gumbelSoftmax(l, { ...options, temperature: t, hard: c.hard }), weights));
      const gradients =
        typeof temperature === 'number'
          ? [tf.grad((l: tf.Tensor) => loss(l, temperature))(logits)]
          : tf.grads((l: tf.Tensor, t: tf.Tensor) => loss(l, t))([logits, temperature]);
      return {
        soft: soft.dataSync().slice(),
        hard: hard.dataSync().slice(),
        index: index.dataSync().slice(),
        gradients: gradients.map((g) => g.dataSync().slice()),
      };
    }),
  );
}

for (const backend of ['wasm', 'cpu']) {
  describe(`fused Gumbel-softmax kernel on ${backend} equals the composed TF.js ops`, () => {
    for (const c of CASES) {
      it(c.name, async () => {
        await tf.setBackend(backend);
        const before = tf.memory().numTensors;
        const fused = runCase(c, true);
        const composed = runCase(c, false);
        expect(tf.memory().numTensors).toBe(before);
        // same noise and the same float32 scores: the soft values differ by float rounding only
        expect(worstRelativeError(fused.soft, composed.soft)).toBeLessThan(2e-5);
        expect(Array.from(fused.index)).toEqual(Array.from(composed.index));
        expect(Array.from(fused.hard)).toEqual(Array.from(composed.hard));
        expect(fused.gradients.length).toBe(composed.gradients.length);
        fused.gradients.forEach((g, i) => {
          expect(g.every(Number.isFinite)).toBe(true);
          // normwise: a τ gradient sums terms that cancel (Σ_k dS_k = 0), so compare to the largest entry
          const scale = Math.max(...Array.from(composed.gradients[i], Math.abs));
          expect(worstRelativeError(g, composed.gradients[i], scale) * 2).toBeLessThan(1e-4);
        });
        if (c.masked) {
          const masked = Array.from(fused.soft).filter((_, i) => i % 3 === 1);
          expect(masked.every((y) => y === 0)).toBe(true);
          expect(
            Array.from(fused.gradients[0])
              .filter((_, i) => i % 3 === 1)
              .every((g) => g === 0),
          ).toBe(true);
        }
      });
    }

    it('uses given noise exactly like the composed version', async () => {
      await tf.setBackend(backend);
      const [fused, composed] = [true, false].map((on) =>
        withKernels(on, () =>
          tf.tidy(() => {
            const noise = tf.mul(tf.randomNormal([8, 5], 0, 1, 'float32', 9), 3);
            return gumbelSoftmax(tf.randomNormal([8, 5], 0, 1, 'float32', 8), { noise, temperature: 0.3 })
              .dataSync()
              .slice();
          }),
        ),
      );
      expect(worstRelativeError(fused, composed)).toBeLessThan(2e-5);
    });

    it('the fused ELBO pieces equal the composed ones: Bernoulli log-likelihood and KL to uniform, values and gradients', async () => {
      await tf.setBackend(backend);
      const [fused, composed] = [true, false].map((on) =>
        withKernels(on, () =>
          tf.tidy(() => {
            // logits up to ±60 (softplus far into both tails), images broadcast [6,1,13] against [6,3,13]
            const logits = tf.mul(tf.randomNormal([6, 3, 13], 0, 1, 'float32', 7), 20);
            const images = tf.cast(tf.less(tf.randomUniform([6, 1, 13], 0, 1, 'float32', 8), 0.4), 'float32');
            const weights = tf.randomNormal([6, 3], 0, 1, 'float32', 9);
            const likelihood = (l: tf.Tensor) => bernoulliLogLikelihood(images, l);
            const codes = tf.randomNormal([6, 4, 10], 0, 2, 'float32', 10);
            const kl = (l: tf.Tensor) => klToUniform(l);
            return [
              likelihood(logits),
              tf.grad((l: tf.Tensor) => tf.sum(tf.mul(likelihood(l), weights)))(logits),
              kl(codes),
              tf.grad((l: tf.Tensor) => tf.sum(tf.mul(kl(l), tf.range(1, 7))))(codes),
            ].map((t) => Array.from(t.dataSync()));
          }),
        ),
      );
      fused.forEach((values, i) => {
        const scale = Math.max(...composed[i].map(Math.abs));
        expect(worstRelativeError(values, composed[i], scale) * 2).toBeLessThan(1e-5);
      });
    });

    it('the fused ExpConcrete log-density equals the composed one: masks, points outside the support, broadcast samples, gradients', async () => {
      await tf.setBackend(backend);
      const [fused, composed] = [true, false].map((on) =>
        withKernels(on, () =>
          tf.tidy(() => {
            const mask = tf.tensor([0, 0, Number.NEGATIVE_INFINITY, 0, 0, 0]);
            const logits = tf.add(tf.randomNormal([4, 6], 0, 1, 'float32', 12), mask);
            // two samples per batch row, drawn from the distribution, then two made invalid
            const concrete = new ExpRelaxedOneHotCategorical({
              logits,
              temperature: 0.4,
              validateArgs: false,
            });
            const drawn = concrete.rsample({ sampleShape: [2], seed: 3 });
            const invalid = tf.tensor([[[0, 0, 0, 0, 0, 0]]]); // finite at the masked category: outside
            const points = tf.concat([drawn, tf.tile(invalid, [1, 4, 1])], 0);
            const density = (l: tf.Tensor, x: tf.Tensor) => {
              const d = new ExpRelaxedOneHotCategorical({ logits: l, temperature: 0.4, validateArgs: false });
              const value = d.logProb(x);
              d.dispose();
              return value;
            };
            const weights = tf.randomNormal([2, 4], 0, 1, 'float32', 13);
            const [dLogits, dPoints] = tf.grads((l: tf.Tensor, x: tf.Tensor) =>
              tf.sum(tf.mul(tf.slice(density(l, x), [0, 0], [2, 4]), weights)),
            )([logits, points]);
            const values = density(logits, points);
            concrete.dispose();
            return [values, dLogits, dPoints].map((t) => Array.from(t.dataSync()));
          }),
        ),
      );
      expect(fused[0].slice(8)).toEqual([-Infinity, -Infinity, -Infinity, -Infinity]);
      fused.forEach((values, i) => {
        const finite = composed[i].filter(Number.isFinite).map(Math.abs);
        const scale = Math.max(...finite);
        expect(worstRelativeError(values, composed[i], scale) * 2).toBeLessThan(1e-5);
      });
    });

    it('the fused Adam update is bit-identical to the composed one', async () => {
      await tf.setBackend(backend);
      const [fused, composed] = [true, false].map((on) =>
        withKernels(on, () => {
          const parameters = tf.tidy(() => [
            tf.variable(tf.randomNormal([30, 20], 0, 1, 'float32', 1)),
            tf.variable(tf.randomNormal([20], 0, 1, 'float32', 2)),
          ]);
          const adam = new Adam(parameters, { learningRate: 0.01 });
          for (let step = 0; step < 5; step++) {
            // (seed 0 means "unseeded" to tf.randomNormal)
            const gradients = parameters.map((p, i) =>
              tf.randomNormal(p.shape, 0, 1, 'float32', 10 * step + i + 1),
            );
            adam.apply(gradients);
            tf.dispose(gradients);
          }
          const values = [...parameters, ...adam.moments()].map((t) => Array.from(t.dataSync()));
          adam.dispose();
          tf.dispose(parameters);
          return values;
        }),
      );
      expect(fused).toEqual(composed);
    });
  });
}
