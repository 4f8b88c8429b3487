/** The k-subset work `npm run bench` times (bench/bench_torch.py mirrors the relaxed top-k). */
import { kSubsetLogNormalizer } from '../src/distributions/kSubsetOps.js';
import { relaxedTopK } from '../src/structured/relaxedTopK.js';
import { tf } from '../src/tf.js';
import { type Timing, timed } from './timing.js';

/** Forward + backward w.r.t. the logits of Σ w ⊙ relaxedTopK(logits, k, τ = 0.5), noise drawn each call. */
export function relaxedTopKCase(rows: number, items: number, k: number, repeats: number): Timing {
  const logits = tf.randomNormal([rows, items], 0, 1, 'float32', 1);
  const weights = tf.randomNormal([rows, items], 0, 1, 'float32', 2);
  const gradient = tf.grad((l: tf.Tensor) =>
    tf.sum(tf.mul(relaxedTopK(l, k, { temperature: 0.5, validateArgs: false }), weights)),
  );
  const timing = timed(() => {
    const g = gradient(logits);
    g.dataSync();
    g.dispose();
  }, repeats);
  tf.dispose([logits, weights]);
  return timing;
}

/** The KSubset log-normalizer of one row of `items` logits (forward only, values read). */
export function kSubsetLogNormalizerCase(items: number, k: number, repeats: number): Timing {
  const logits = tf.randomNormal([items], 0, 1, 'float32', 3);
  const timing = timed(() => {
    const logZ = kSubsetLogNormalizer(logits, k);
    logZ.dataSync();
    logZ.dispose();
  }, repeats);
  logits.dispose();
  return timing;
}
