/** The work `npm run bench` times on this library's side (bench/bench_torch.py mirrors it). */
import { useFmaMatMul, usePackedMatMul } from '../src/kernels/matMul.js';
import { useFusedKernels } from '../src/kernels/register.js';
import { useSparseMatMul } from '../src/kernels/sparseMatMul.js';
import { Adam } from '../src/nn/adam.js';
import { gumbelSoftmax } from '../src/ops/gumbelSoftmax.js';
import { gumbelArray, gumbelArrayInJs } from '../src/random/noise.js';
import { gumbelSinkhorn } from '../src/structured/gumbelSinkhorn.js';
import { tf } from '../src/tf.js';
import { CategoricalVae, type VaeShape } from '../src/vae/model.js';
import { negativeElbo } from '../src/vae/objective.js';
import { createParallelStepper } from '../src/vae/parallel/index.js';
import { type Timing, timed, timedAsync, timedRotated } from './timing.js';

/** Runs `work` with the fused cpu/wasm kernels on or off (off: composed TF.js ops, as on WebGL). */
export function withFusedKernels<T>(fused: boolean, work: () => T): T {
  useFusedKernels(fused);
  try {
    return work();
  } finally {
    useFusedKernels(true);
  }
}

/** What the op harness differentiates: the Gumbel-softmax, soft or hard, or the logits themselves. */
export type HarnessOp = 'soft' | 'hard' | 'identity';

/**
 * Forward + backward w.r.t. the logits of Σ w ⊙ gumbelSoftmax(logits, τ = 1), as one call and its
 * cleanup; with `op` 'identity', of Σ w ⊙ logits: the same harness (Mul, Sum and their gradients,
 * TF.js's tape) with no Gumbel-softmax, the engine's floor for this call. The cpu and wasm backends
 * compute when an op is called, so the call needs no read-back to be complete, and PyTorch's
 * `.backward()` copies nothing out either; `readBack` copies the gradient into a JS array all the
 * same (beside jax-js, which is lazy and must be read to compute).
 */
export function opRunner(
  rows: number,
  categories: number,
  op: boolean | HarnessOp,
  readBack = false,
): { run: () => void; dispose: () => void } {
  const which: HarnessOp = op === true ? 'hard' : op === false ? 'soft' : op;
  const logits = tf.randomNormal([rows, categories], 0, 1, 'float32', 1);
  const weights = tf.randomNormal([rows, categories], 0, 1, 'float32', 2);
  const sample = (l: tf.Tensor) =>
    which === 'identity'
      ? l
      : gumbelSoftmax(l, { temperature: 1, hard: which === 'hard', validateArgs: false });
  const gradient = tf.grad((l: tf.Tensor) => tf.sum(tf.mul(sample(l), weights)));
  const synchronous = tf.getBackend() === 'wasm' || tf.getBackend() === 'cpu';
  return {
    run: () => {
      const g = gradient(logits);
      if (readBack || !synchronous) g.dataSync();
      g.dispose();
    },
    dispose: () => tf.dispose([logits, weights]),
  };
}

/**
 * Warm-up time before a Gumbel-softmax row is timed: V8 optimizes TF.js's engine code only after some
 * hundred calls of a small op (2000×10: ≈ 1.0 ms median over calls 20–160, ≈ 0.5 ms from call 320 on).
 */
const OP_WARM_UP_MS = 1500;

/** {@link opRunner}'s call timed (after {@link OP_WARM_UP_MS} of warm-up calls). */
export function opCase(rows: number, categories: number, hard: boolean, repeats: number): Timing {
  const { run, dispose } = opRunner(rows, categories, hard);
  const [timing] = timedRotated([run], repeats, OP_WARM_UP_MS);
  dispose();
  return timing;
}

/** One Gumbel-softmax row of the bench: shape, hard or soft, and its timing. */
export interface OpTiming {
  shape: [number, number];
  hard: boolean;
  /** The harness alone, without the Gumbel-softmax (Σ w ⊙ logits). */
  floor?: boolean;
  ms: Timing;
}

/**
 * {@link opCase} for every shape, soft and hard timed against each other in rotated rounds (with CPU
 * time), shape by shape: the large shapes' garbage collections would otherwise land on the small ones.
 * With `withFloor`, the same harness without the Gumbel-softmax (Σ w ⊙ logits) is timed in the same
 * rounds: the engine's floor for this call, returned as a third row per shape (`floor: true`).
 */
export function opCasesRotated(shapes: [number, number][], repeats: number, withFloor = false): OpTiming[] {
  return shapes.flatMap((shape) => {
    const ops: HarnessOp[] = withFloor ? ['soft', 'hard', 'identity'] : ['soft', 'hard'];
    const works = ops.map((op) => opRunner(shape[0], shape[1], op));
    try {
      const timings = timedRotated(
        works.map((work) => work.run),
        repeats,
        OP_WARM_UP_MS,
      );
      return ops.map((op, i) => ({
        shape,
        hard: op === 'hard',
        ...(op === 'identity' ? { floor: true } : {}),
        ms: timings[i],
      }));
    } finally {
      for (const work of works) work.dispose();
    }
  });
}

/** Forward + backward w.r.t. the log-scores of Σ w ⊙ gumbelSinkhorn(X, τ = 1, `iterations`), X [batch, n, n]. */
export function gumbelSinkhornCase(batch: number, n: number, iterations: number, repeats: number): Timing {
  const logScores = tf.randomNormal([batch, n, n], 0, 1, 'float32', 1);
  const weights = tf.randomNormal([batch, n, n], 0, 1, 'float32', 2);
  const gradient = tf.grad((x: tf.Tensor) =>
    tf.sum(tf.mul(gumbelSinkhorn(x, { temperature: 1, iterations, validateArgs: false }), weights)),
  );
  const timing = timed(() => {
    const g = gradient(logScores);
    g.dataSync();
    g.dispose();
  }, repeats);
  tf.dispose([logScores, weights]);
  return timing;
}

/** Random binary images [batch, 784] with 30% ones. */
export function randomImages(batch: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.less(tf.randomUniform([batch, 784], 0, 1, 'float32', 3), 0.3), 'float32'));
}

/** A VAE and Adam with a function doing one training step (analytic KL, soft sample, τ = 1). */
export function vaeTrainingStep(shape?: VaeShape, batch = 100): { step: () => void; dispose: () => void } {
  const model = new CategoricalVae(shape, 1);
  const adam = new Adam(model.parameters());
  const images = randomImages(batch);
  return {
    step: () => {
      const { value, grads } = tf.variableGrads(
        () => negativeElbo(model, images, { temperature: 1, hard: false, kl: 'analytic' }),
        model.parameters(),
      );
      adam.apply(model.parameters().map((p) => grads[p.name]));
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    },
    dispose: () => {
      model.dispose();
      adam.dispose();
      images.dispose();
    },
  };
}

/** One default VAE training step in this thread. */
export function vaeStepCase(repeats: number): Timing {
  const training = vaeTrainingStep();
  const timing = timed(training.step, repeats);
  training.dispose();
  return timing;
}

/**
 * What the dense layers multiply on: the packed matMul with its FMA or mul+add micro-kernel (both
 * skipping a mostly-zero A's zeros), the FMA one never skipping them, or tf.matMul.
 */
export type MatMulChoice = 'fma' | 'fma, dense only' | 'mul+add' | 'tf.matMul';

function chooseMatMul(choice: MatMulChoice): void {
  usePackedMatMul(choice !== 'tf.matMul');
  useFmaMatMul(choice.startsWith('fma'));
  useSparseMatMul(choice !== 'fma, dense only');
}

/**
 * Warm-up of the VAE step cases before timing: V8 optimizes TF.js's engine code only after some
 * hundred calls, in each thread (a worker is an isolate of its own), and a training run is thousands
 * of steps. On the quiet machine two workers' steps, back to back after 20 warm-up steps, took
 * 12.0–12.7 ms median (three runs of 200), where this bench's row had read 16.6 after 3.
 */
const VAE_WARM_UP_MS = 3000;

/**
 * Warm-up of the workers' VAE step: their isolates reach their steady step later (2026-11-29, medians
 * of successive 100-step windows from the first step: 14.1, 12.7, 11.0, then 10.6–11.8 ms), so
 * about 600 steps before timing.
 */
const WORKERS_WARM_UP_MS = 8000;

/**
 * One default VAE training step in this thread for each matMul choice, in rotated rounds (one
 * model and optimizer per choice), so that their ratios compare on a shared machine.
 */
export function vaeStepByMatMul(choices: MatMulChoice[], repeats: number): Timing[] {
  const trainings = choices.map(() => vaeTrainingStep());
  try {
    return timedRotated(
      trainings.map((training, i) => () => {
        chooseMatMul(choices[i]);
        training.step();
      }),
      repeats,
      VAE_WARM_UP_MS,
    );
  } finally {
    chooseMatMul('fma');
    for (const training of trainings) training.dispose();
  }
}

/** One default VAE training step, data-parallel over `workers` threads (gradients summed each step). */
export async function parallelVaeStepCase(workers: number, repeats: number): Promise<Timing> {
  const stepper = await createParallelStepper({ workers, seed: 1 });
  const images = randomImages(100);
  const values = images.dataSync() as Float32Array;
  images.dispose();
  let step = 0;
  try {
    return await timedAsync(() => stepper.step(values, 100, step++, 1), repeats, WORKERS_WARM_UP_MS);
  } finally {
    await stepper.dispose();
  }
}

/** Elements per second of the Gumbel noise (WebAssembly kernel and JS reference) and of a plain copy. */
export function noiseThroughput(): {
  gumbelPerSecond: number;
  jsGumbelPerSecond: number;
  copyPerSecond: number;
} {
  // 4 MB per call and the median of 30: with 16 MB and 5 calls, late in the bench (a large heap), a
  // collection or fresh pages in some calls had read 58 M/s where the same kernel alone gave 150.
  const count = 1_048_576;
  const perSecond = (timing: Timing) => count / (timing.median / 1000);
  const source = new Float32Array(count);
  const target = new Float32Array(count);
  return {
    gumbelPerSecond: perSecond(timed(() => gumbelArray(count, 1), 30)),
    jsGumbelPerSecond: perSecond(timed(() => gumbelArrayInJs(count, 1), 10)),
    copyPerSecond: perSecond(timed(() => target.set(source), 30)),
  };
}
