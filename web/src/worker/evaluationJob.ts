/**
 * The evaluation in the worker: for one digit, the one-sample −ELBO and the importance-weighted
 * bound −log((1/m) Σ_i p(x, z_i)/q(z_i|x)) for growing m, each averaged over independent draws by
 * giving the library's `importanceWeightedNll` the digit repeated once per draw (it averages over
 * images). In expectation the bound falls with m toward −log p(x) (Burda et al. 2016, Theorem 1).
 */
import { discreteNegativeElbo, importanceWeightedNll, loadVaeFromUrl } from 'gumbel-softmax';
import type { EvaluationJob, WorkerReply } from './protocol.js';

/** `image` repeated `times` times, back to back. */
function repeated(image: Float32Array, times: number): Float32Array {
  const images = new Float32Array(image.length * times);
  for (let i = 0; i < times; i++) images.set(image, i * image.length);
  return images;
}

/** How many independent bounds of m samples the point at m averages. */
export function groupsFor(job: Pick<EvaluationJob, 'budget' | 'minGroups'>, samples: number): number {
  return Math.max(job.minGroups, Math.ceil(job.budget / samples));
}

/** Runs the job, posting the −ELBO first and then one point per m. */
export async function runEvaluation(job: EvaluationJob, post: (reply: WorkerReply) => void): Promise<string> {
  const vae = await loadVaeFromUrl(job.modelUrl);
  try {
    const started = performance.now();
    const total = job.budget + job.sampleCounts.reduce((sum, m) => sum + m * groupsFor(job, m), 0);
    let done = 0;
    const negativeElbo = discreteNegativeElbo(vae, repeated(job.image, job.budget), { seed: job.seed });
    done += job.budget;
    post({ kind: 'elbo', negativeElbo, groups: job.budget });
    post({ kind: 'progress', done, total });
    job.sampleCounts.forEach((samples, index) => {
      const groups = groupsFor(job, samples);
      const bound = importanceWeightedNll(vae, repeated(job.image, groups), samples, {
        seed: job.seed + 1 + index,
        onProgress: (images) => post({ kind: 'progress', done: done + images * samples, total }),
      });
      done += groups * samples;
      post({ kind: 'bound', point: { samples, groups, bound } });
    });
    const seconds = (performance.now() - started) / 1000;
    return `${total.toLocaleString('en')} importance samples in ${seconds.toFixed(1)} s.`;
  } finally {
    vae.dispose();
  }
}
