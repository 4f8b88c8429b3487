import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEstimator } from '../../src/estimators/registry.js';
import { tf } from '../../src/index.js';
import { checkTrainConfig, DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/vae/config.js';
import { discreteNegativeElbo, importanceWeightedNll } from '../../src/vae/evaluate.js';
import { CategoricalVae, latentLogitsOf, type VaeShape } from '../../src/vae/model.js';
import { elboTerms, klToUniform } from '../../src/vae/objective.js';
import { loadLayersModelFromFolder, loadVae, saveVae } from '../../src/vae/savedModel.js';

const folder = mkdtempSync(join(tmpdir(), 'gumbel-bernoulli-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A tiny Bernoulli VAE: 3 bits, so all 8 codes can be enumerated. */
const TINY: VaeShape = {
  latentVariables: 3,
  categories: 2,
  inputSize: 4,
  hiddenUnits: [5],
  latent: 'bernoulli',
};
const IMAGE = [1, 0, 1, 1];
const BITS = 3;
const CODES = Array.from({ length: 2 ** BITS }, (_, c) =>
  Array.from({ length: BITS }, (_, i) => (c >> i) & 1),
);

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/** Everything about one image written out by enumeration, in float64, from the model's raw layers. */
function enumerate(vae: CategoricalVae) {
  const logits = tf.tidy(() => Array.from(vae.encoderLogits(tf.tensor2d([IMAGE])).dataSync()));
  const q = logits.map(sigmoid);
  const decoded = tf.tidy(
    () => vae.decodeFlat(tf.tensor2d(CODES, [CODES.length, BITS])).arraySync() as number[][],
  );
  // log p(x|b) = Σ x·l − softplus(l); log q(b) = Σ b log q + (1 − b) log(1 − q); log p(b) = −3 log 2.
  const logLikelihood = decoded.map((row) => row.reduce((sum, l, j) => sum + IMAGE[j] * l - softplus(l), 0));
  const logQ = CODES.map((b) => b.reduce((sum, bit, i) => sum + Math.log(bit ? q[i] : 1 - q[i]), 0));
  const logPrior = -BITS * Math.log(2);
  const posterior = logQ.map(Math.exp);
  const kl = q.reduce((sum, qi) => sum + qi * Math.log(2 * qi) + (1 - qi) * Math.log(2 * (1 - qi)), 0);
  const expectedLikelihood = posterior.reduce((sum, p, c) => sum + p * logLikelihood[c], 0);
  const elbo = expectedLikelihood - kl;
  const likelihoodVariance = posterior.reduce(
    (sum, p, c) => sum + p * (logLikelihood[c] - expectedLikelihood) ** 2,
    0,
  );
  const logWeights = logLikelihood.map((l, c) => l + logPrior - logQ[c]);
  const logWeightVariance = posterior.reduce((sum, p, c) => sum + p * (logWeights[c] - elbo) ** 2, 0);
  const logMarginal = Math.log(logLikelihood.reduce((sum, l) => sum + Math.exp(l + logPrior), 0));
  // ∂/∂ℓᵢ Σ_b q(b) log p(x|b) = Σ_b q(b)·(bᵢ − qᵢ)·log p(x|b).
  const logitGradient = q.map((qi, i) =>
    CODES.reduce((sum, b, c) => sum + posterior[c] * (b[i] - qi) * logLikelihood[c], 0),
  );
  return { logits, q, kl, elbo, logMarginal, likelihoodVariance, logWeightVariance, logitGradient };
}

/** A model whose weights are scaled up, so the posterior is far from uniform and the codes matter. */
function tinyModel(seed: number): CategoricalVae {
  const vae = new CategoricalVae(TINY, seed);
  vae.assignWeights(vae.parameters().map((p) => (p.dataSync() as Float32Array).map((v) => 1.5 * v)));
  return vae;
}

function copies(count: number): Float32Array {
  return Float32Array.from({ length: count * IMAGE.length }, (_, i) => IMAGE[i % IMAGE.length]);
}

describe('Bernoulli VAE: exact pieces against enumeration over all 8 codes of 3 bits', () => {
  const vae = tinyModel(4);
  const exact = enumerate(vae);
  afterAll(() => vae.dispose());

  it('has one logit per bit and a decoder that reads the bits', () => {
    expect(vae.layers.map((layer) => layer.kernel.shape)).toEqual([
      [4, 5],
      [5, 3],
      [3, 5],
      [5, 4],
    ]);
    // encode gives (ℓ, 0) per bit; decode of that one-hot form equals decodeFlat of the bits.
    const pairs = tf.tidy(() => vae.encode(tf.tensor2d([IMAGE])).arraySync() as number[][][]);
    expect(pairs[0].map(([first]) => first)).toEqual(exact.logits.map((l) => Math.fround(l)));
    expect(pairs[0].map(([, second]) => second)).toEqual([0, 0, 0]);
    const [viaPairs, viaBits] = tf.tidy(() => [
      Array.from(
        vae
          .decode(
            tf.tensor3d([
              [
                [1, 0],
                [0, 1],
                [1, 0],
              ],
            ]),
          )
          .dataSync(),
      ),
      Array.from(vae.decodeFlat(tf.tensor2d([[1, 0, 1]])).dataSync()),
    ]);
    expect(viaPairs).toEqual(viaBits);
  });

  it('the KL term is KL(Bernoulli(σ(ℓ)) ‖ Bernoulli(½)) summed over the bits', () => {
    const kl = tf.tidy(() => klToUniform(vae.encode(tf.tensor2d([IMAGE]))).dataSync()[0]);
    expect(kl).toBeCloseTo(exact.kl, 5);
    expect(exact.kl).toBeGreaterThan(0.05); // the posterior is not the prior, so the check has teeth
  });

  it('the discretized −ELBO averages to the exact −ELBO (4,000 draws, within 4 standard errors)', () => {
    const count = 4000;
    const estimate = discreteNegativeElbo(vae, copies(count), { seed: 5 });
    const standardError = Math.sqrt(exact.likelihoodVariance / count);
    expect(Math.abs(estimate + exact.elbo)).toBeLessThan(4 * standardError + 1e-4);
  });

  it('the IW bound with exact log-probabilities of the bits converges to −log p(x) and lies below −ELBO', () => {
    expect(-exact.logMarginal).toBeLessThan(-exact.elbo - 0.01); // the gap the bound closes
    const iw = importanceWeightedNll(vae, copies(20), 2000, { seed: 6 });
    expect(Math.abs(iw + exact.logMarginal)).toBeLessThan(0.01);
    const oneSample = importanceWeightedNll(vae, copies(4000), 1, { seed: 7 });
    // m = 1: the one-sample ELBO log p(x|b) + log p(b) − log q(b), within 4 standard errors.
    expect(Math.abs(oneSample + exact.elbo)).toBeLessThan(4 * Math.sqrt(exact.logWeightVariance / 4000));
    expect(importanceWeightedNll(vae, copies(200), 10, { seed: 8 })).toBeLessThan(-exact.elbo);
  });

  for (const name of ['disarm', 'relax', 'score-function'] as const) {
    it(`${name} through elboTerms is unbiased for the bit logits' gradient (20 × 500 estimates)`, () => {
      const logits = tf.variable(tf.tensor2d([exact.logits]));
      const copiesOf = 500;
      const coder = {
        encode: () => latentLogitsOf(tf.tile(logits, [copiesOf, 1]), TINY),
        decode: (codes: tf.Tensor) => vae.decode(codes),
      };
      const estimator = createEstimator({ name, scoreSamples: 2, baseline: 'leave-one-out' });
      const images = tf.tensor2d(copies(copiesOf), [copiesOf, 4]);
      const means: number[][] = [];
      for (let call = 0; call < 20; call++) {
        const gradient = tf.tidy(() => {
          const { grads } = tf.variableGrads(() => {
            const terms = elboTerms(coder, images, {
              temperature: 1,
              hard: false,
              kl: 'analytic',
              seed: 100 + call,
              estimator,
            });
            return tf.mean(terms.reconstruction) as tf.Scalar;
          }, [logits]);
          return Array.from(grads[logits.name].dataSync());
        });
        means.push(gradient);
      }
      for (let i = 0; i < BITS; i++) {
        const values = means.map((m) => m[i]);
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        const spread = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
        expect(Math.abs(mean - exact.logitGradient[i])).toBeLessThan(
          5 * (spread / Math.sqrt(values.length)) + 1e-4,
        );
      }
      expect(Math.max(...exact.logitGradient.map(Math.abs))).toBeGreaterThan(0.05);
      tf.dispose([logits, images]);
    });
  }

  it('frees every tensor of the ELBO, the evaluations and the estimators', () => {
    const before = tf.memory().numTensors;
    discreteNegativeElbo(vae, copies(10), { seed: 1 });
    importanceWeightedNll(vae, copies(10), 5, { seed: 2 });
    const estimator = createEstimator({ name: 'relax' });
    const images = tf.tensor2d(copies(4), [4, 4]);
    for (let call = 0; call < 2; call++) {
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () =>
            tf.neg(
              tf.mean(
                elboTerms(vae, images, { temperature: 1, hard: false, kl: 'analytic', seed: call, estimator })
                  .elbo,
              ),
            ) as tf.Scalar,
          vae.parameters(),
        );
        tf.dispose([value, ...Object.values(grads)]);
      });
    }
    images.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('Bernoulli VAE: saved model', () => {
  it('records its latent kind (a gumbel_sigmoid layer) and loads back as a Bernoulli VAE', async () => {
    const shape: VaeShape = {
      latentVariables: 6,
      categories: 2,
      inputSize: 784,
      hiddenUnits: [16, 8],
      latent: 'bernoulli',
    };
    const vae = new CategoricalVae(shape, 5);
    await saveVae(vae, folder, 0.7);
    const model = await loadLayersModelFromFolder(folder);
    expect(model.layers.map((layer) => layer.name)).toEqual([
      'encoder_hidden_1',
      'encoder_hidden_2',
      'encoder_logits',
      'gumbel_sigmoid',
      'decoder_hidden_1',
      'decoder_hidden_2',
      'decoder_logits',
    ]);
    // Inference through the layers model (bits 1[ℓ > 0]) equals encode → most likely bits → decode.
    const images = tf.randomUniform([3, 784], 0, 1, 'float32', 3);
    const viaLayers = model.predict(images) as tf.Tensor;
    const direct = tf.tidy(() =>
      vae.decodeFlat(tf.cast(tf.greater(vae.encoderLogits(images), 0), 'float32')),
    );
    const a = viaLayers.dataSync();
    const b = direct.dataSync();
    for (let i = 0; i < a.length; i += 97) expect(a[i]).toBeCloseTo(b[i], 4);
    const reloaded = await loadVae(folder);
    expect(reloaded.shape).toEqual(shape);
    const weightsOf = (m: CategoricalVae) => m.parameters().map((p) => Array.from(p.dataSync()));
    expect(weightsOf(reloaded)).toEqual(weightsOf(vae));
    tf.dispose([images, viaLayers, direct]);
    model.dispose();
    vae.dispose();
    reloaded.dispose();
  });

  it('refuses a Bernoulli topology whose latent layer is not the GumbelSigmoid', async () => {
    const path = join(folder, 'model.json');
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.replace('"class_name":"GumbelSigmoid"', '"class_name":"GumbelSoftmax"'));
    await expect(loadVae(folder)).rejects.toThrow(/layer 3 must be GumbelSigmoid gumbel_sigmoid/);
    writeFileSync(path, text);
  });
});

describe('Bernoulli VAE: configuration', () => {
  const bernoulli: TrainConfig = {
    ...DEFAULT_TRAIN_CONFIG,
    latent: 'bernoulli',
    latentVariables: 200,
    categories: 2,
  };

  it('accepts every binary-capable estimator and refuses the others naming both options', () => {
    for (const estimator of [
      'disarm',
      'relax',
      'rebar-tuned',
      'rebar',
      'score-function',
      'gumbel-softmax',
      'reinmax',
    ] as const) {
      const schedule =
        estimator === 'reinmax' ? { kind: 'constant' as const, initial: 1 } : bernoulli.schedule;
      expect(() => checkTrainConfig({ ...bernoulli, estimator, schedule })).not.toThrow();
    }
    expect(() => checkTrainConfig({ ...bernoulli, estimator: 'unordered-set' })).toThrow(
      /estimator unordered-set does not work with --latent bernoulli .*use --latent categorical, or one of .*disarm/,
    );
  });

  it('refuses bad combinations with a clear error', () => {
    expect(() => checkTrainConfig({ ...bernoulli, categories: 10 })).toThrow(
      /categories applies to --latent categorical only .* got 10 with --latent bernoulli/,
    );
    // Workers split a batch's images, whatever the latents; the estimator still has to be one of theirs.
    expect(() => checkTrainConfig({ ...bernoulli, workers: 2 })).not.toThrow();
    expect(() => checkTrainConfig({ ...bernoulli, estimator: 'disarm', workers: 2 })).toThrow(
      /workers must be 1 with --estimator disarm/,
    );
    expect(() => checkTrainConfig({ ...bernoulli, latent: 'ternary' as 'bernoulli' })).toThrow(
      /latent must be one of categorical, bernoulli, got ternary/,
    );
    expect(() => checkTrainConfig({ ...DEFAULT_TRAIN_CONFIG, estimator: 'disarm' })).toThrow(
      /disarm needs binary latents: use --latent bernoulli \(or --categories 2\)/,
    );
    expect(() => checkTrainConfig({ ...DEFAULT_TRAIN_CONFIG, estimator: 'unordered-set' })).toThrow(
      /needs one loss per categorical variable/,
    );
    expect(() => checkTrainConfig({ ...bernoulli, estimator: 'relax', relaxHidden: 0 })).toThrow(
      /relax-hidden/,
    );
  });

  it('a configuration saved before Bernoulli latents (no latent field) is a categorical run', () => {
    const old = { ...DEFAULT_TRAIN_CONFIG } as Partial<TrainConfig>;
    delete old.latent;
    delete old.relaxHidden;
    delete old.controlVariateLearningRate;
    delete old.disarmPairs;
    expect(() => checkTrainConfig(old as TrainConfig)).not.toThrow();
  });
});
