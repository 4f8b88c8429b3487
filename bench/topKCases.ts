/**
 * Relaxed top-k forward + backward (the bench's case: Σ w ⊙ relaxedTopK(logits, k, τ = 0.5), fresh
 * noise each call) with the fused relaxed k-hot kernels on, off (the composed TF.js ops, the other
 * fused kernels on: the bench before this kernel), and with every fused kernel off, timed in rotated
 * rounds in one process: `node --import tsx bench/topKCases.ts [--repeats N] [--backend wasm|cpu]
 * [--rows R] [--items N] [--k K]`. Milliseconds per call: median, fastest, and process CPU time
 * (median). Also the wasm heap and RSS after the fused calls and again after the composed ones (the
 * heap only grows, so the fused runs go first), and one call with the relaxed k-hot fused and one
 * composed, profiled kernel by kernel (tf.profile: the five kernels with the most time).
 */
import { parseArgs } from 'node:util';
import { initBackend } from '../src/backend.js';
import type { WasmBackendLike } from '../src/kernels/backendMemory.js';
import { useFusedKernels } from '../src/kernels/register.js';
import { useFusedRelaxedKHot } from '../src/kernels/topKKernels.js';
import { relaxedTopK } from '../src/structured/relaxedTopK.js';
import { tf } from '../src/tf.js';
import { type Timing, timedRotated } from './timing.js';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '9' },
    backend: { type: 'string', default: 'wasm' },
    rows: { type: 'string', default: '256' },
    items: { type: 'string', default: '1000' },
    k: { type: 'string', default: '50' },
  },
});
const repeats = Number(values.repeats);
const [rows, items, k] = [Number(values.rows), Number(values.items), Number(values.k)];
await initBackend(values.backend as 'wasm' | 'cpu');

const logits = tf.randomNormal([rows, items], 0, 1, 'float32', 1);
const weights = tf.randomNormal([rows, items], 0, 1, 'float32', 2);
const gradient = tf.grad((l: tf.Tensor) =>
  tf.sum(tf.mul(relaxedTopK(l, k, { temperature: 0.5, validateArgs: false }), weights)),
);

/**
 * One fwd+bwd: 'fused' this kernel on, 'composed' this kernel off and the other fused kernels on
 * (the bench before it), 'all composed' every fused kernel off.
 */
type Variant = 'fused' | 'composed' | 'all composed';

function call(variant: Variant): () => void {
  return () => {
    useFusedRelaxedKHot(variant === 'fused');
    useFusedKernels(variant !== 'all composed');
    const g = gradient(logits);
    g.dataSync();
    g.dispose();
    useFusedRelaxedKHot(true);
    useFusedKernels(true);
  };
}

/** The wasm heap (MB, where the backend is wasm) and the process's RSS (MB). */
function memory(): string {
  const heap = (tf.backend() as Partial<WasmBackendLike>).wasm?.asm?.memory?.buffer.byteLength;
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  return `${heap === undefined ? '' : `wasm heap ${mb(heap)} MB, `}RSS ${mb(process.memoryUsage().rss)} MB`;
}

/** The five kernels with the most time in one call, as "name ms×calls". */
async function profile(fused: boolean): Promise<string> {
  useFusedRelaxedKHot(fused);
  const info = await tf.profile(() => {
    const g = gradient(logits);
    g.dataSync();
    return g;
  });
  useFusedRelaxedKHot(true);
  tf.dispose(info.result as tf.Tensor);
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const kernel of info.kernels) {
    const entry = byName.get(kernel.name) ?? { ms: 0, calls: 0 };
    entry.ms += Number(kernel.kernelTimeMs) || 0;
    entry.calls += 1;
    byName.set(kernel.name, entry);
  }
  const top = [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 5);
  const total = [...byName.values()].reduce((sum, e) => sum + e.ms, 0);
  return `${info.kernels.length} kernel calls, ${total.toFixed(1)} ms in kernels; top: ${top
    .map(([name, e]) => `${name} ${e.ms.toFixed(1)} ms×${e.calls}`)
    .join(', ')}`;
}

const format = (t: Timing) =>
  `median ${t.median.toFixed(1)} ms, fastest ${t.min.toFixed(1)} ms, CPU median ${t.cpu?.median.toFixed(1)} ms`;

console.log(
  `backend ${tf.getBackend()}, relaxedTopK ${rows}×${items}, k = ${k}, fwd+bwd; ${repeats} rotated rounds (machine shared: compare ratios only)`,
);
console.log(`before: ${memory()}`);
for (let i = 0; i < 3; i++) call('fused')();
console.log(`after 3 fused calls: ${memory()}`);
console.log(`fused profile: ${await profile(true)}`);
console.log(`composed profile: ${await profile(false)}`);
console.log(`after one composed call: ${memory()}`);
const variants: Variant[] = ['fused', 'composed', 'all composed'];
const timings = timedRotated(variants.map(call), repeats);
console.log(`after the rounds: ${memory()}`);
variants.forEach((variant, i) => {
  const t = timings[i];
  const ratio =
    i === 0
      ? ''
      : ` (${(t.median / timings[0].median).toFixed(2)}× fused's median, ${(t.min / timings[0].min).toFixed(2)}× its fastest)`;
  console.log(`  ${variant}: ${format(t)}${ratio}`);
});
tf.dispose([logits, weights]);
