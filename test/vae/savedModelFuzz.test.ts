import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/index.js';
import { encodeVae } from '../../src/vae/layersModel.js';
import { CategoricalVae, type VaeShape } from '../../src/vae/model.js';
import { decodeVae, parseModelJson, SavedModelError } from '../../src/vae/modelFormat.js';
import type { WeightQuantization } from '../../src/vae/quantize.js';
import { byteMutation, jsonMutation, mutateBytes, mutateJson, withAllocationLimit } from '../helpers/fuzz.js';

/**
 * Cases per property (at least 10,000 per reader across its properties, the whole fuzz suite under
 * a minute); fixed seeds make every run try the same cases.
 */
const CASES = 5_000;
/** The structure property decodes many valid models (mutations of ignored fields): fewer cases. */
const STRUCTURE_CASES = 3_000;
const WEIGHT_CASES = 2_000;

/** The models fuzzed: a categorical one, and one with Bernoulli latents (its own latent layer). */
const SHAPES: Record<'categorical' | 'bernoulli', VaeShape> = {
  categorical: { latentVariables: 2, categories: 3, inputSize: 6, hiddenUnits: [4] },
  bernoulli: { latentVariables: 3, categories: 2, inputSize: 6, hiddenUnits: [4], latent: 'bernoulli' },
};
type Kind = keyof typeof SHAPES;
const QUANTIZATIONS: WeightQuantization[] = ['float32', 'float16', 'uint8'];
const saved = new Map<string, { modelJson: object; weights: Uint8Array }>();
const savedOf = (kind: Kind, quantization: WeightQuantization) =>
  saved.get(`${kind} ${quantization}`) as { modelJson: object; weights: Uint8Array };

beforeAll(async () => {
  for (const kind of Object.keys(SHAPES) as Kind[]) {
    const vae = new CategoricalVae(SHAPES[kind], 3);
    for (const quantization of QUANTIZATIONS) {
      const { modelJson, weightData } = await encodeVae(vae, 'weights.bin', {
        quantization,
        temperature: 0.5,
      });
      saved.set(`${kind} ${quantization}`, { modelJson, weights: new Uint8Array(weightData) });
    }
    vae.dispose();
  }
});

const image = tf.tensor2d([[0, 0.2, 1, 0.7, 0.4, 1]]);
const allFinite = (tensor: tf.Tensor) => tensor.dataSync().every(Number.isFinite);

/**
 * What loading any files may do: throw SavedModelError, or give a VAE of a valid shape whose
 * weights are finite and whose forward pass on an image in [0, 1] is finite, leaking no tensors.
 */
function loadOrReject(text: string, weights: Uint8Array, original?: { shape: VaeShape }): void {
  const tensorsBefore = tf.memory().numTensors;
  const limit = 4 * (text.length + weights.length) + 4096;
  let vae: CategoricalVae | undefined;
  let temperature = 0;
  try {
    ({ vae, temperature } = withAllocationLimit(limit, () =>
      decodeVae(parseModelJson(text, 'fuzzed.json'), weights, {
        model: 'fuzzed.json',
        weights: 'fuzzed.bin',
      }),
    ));
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(SavedModelError);
    expect((error as Error).message).toMatch(/^fuzzed\.(json|bin): /);
  }
  if (vae) {
    expect(temperature).toBeGreaterThan(0);
    expect(vae.parameters().every(allFinite)).toBe(true);
    const model = vae;
    const finite = tf.tidy(() => {
      const logits = model.encode(image);
      return allFinite(logits) && allFinite(model.decode(tf.softmax(logits)));
    });
    expect(finite).toBe(true);
    if (original) expect(vae.shape).toEqual(original.shape);
    vae.dispose();
  }
  expect(tf.memory().numTensors).toBe(tensorsBefore);
}

describe('saved-model loader fuzzed (fast-check, fixed seeds)', () => {
  const quantization = fc.constantFrom(...QUANTIZATIONS);
  const latent = fc.constantFrom<Kind>('categorical', 'bernoulli');

  it(`model.json structure: ${STRUCTURE_CASES} manifests and topologies with garbage anywhere give SavedModelError or a finite model`, () => {
    fc.assert(
      fc.property(
        latent,
        quantization,
        fc.array(jsonMutation, { maxLength: 3 }),
        (model, kind, mutations) => {
          const { modelJson, weights } = savedOf(model, kind);
          loadOrReject(
            JSON.stringify(mutateJson(modelJson, mutations)),
            weights,
            mutations.length ? undefined : { shape: SHAPES[model] },
          );
        },
      ),
      { numRuns: STRUCTURE_CASES, seed: 13_024 },
    );
  });

  it(`bytes: ${CASES} model.json texts and weights files truncated, bit-flipped, cut or padded give SavedModelError or a finite model`, () => {
    fc.assert(
      fc.property(
        latent,
        quantization,
        fc.array(byteMutation, { maxLength: 2 }),
        fc.array(byteMutation, { maxLength: 3 }),
        (model, kind, textMutations, weightMutations) => {
          const { modelJson, weights } = savedOf(model, kind);
          const text = new TextDecoder().decode(
            mutateBytes(new TextEncoder().encode(JSON.stringify(modelJson)), textMutations),
          );
          loadOrReject(text, mutateBytes(weights, weightMutations));
        },
      ),
      { numRuns: CASES, seed: 13_025 },
    );
  });

  it(`weights: ${WEIGHT_CASES} weights files with NaN, ±Infinity or an overflowing value written in are rejected`, () => {
    fc.assert(
      fc.property(
        fc.constantFrom<WeightQuantization>('float32', 'float16'),
        fc.nat(),
        fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3e38, -1e30),
        (kind, index, value) => {
          const { modelJson, weights } = savedOf('categorical', kind);
          const bytes = new Uint8Array(weights);
          const view = new DataView(bytes.buffer);
          if (kind === 'float32') view.setFloat32(4 * (index % (bytes.length / 4)), value, true);
          else
            view.setUint16(
              2 * (index % (bytes.length / 2)),
              value === -1e30 ? 0xfbff : Number.isNaN(value) ? 0x7e00 : value > 0 ? 0x7c00 : 0xfc00,
              true,
            );
          const finiteButLarge = kind === 'float16' && value === -1e30; // −65504: too small to overflow
          if (finiteButLarge) return loadOrReject(JSON.stringify(modelJson), bytes);
          expect(() => decodeVae(modelJson, bytes, { weights: 'w.bin' })).toThrow(
            /w.bin: (weight \S+ holds (NaN|-?Infinity) at index \d+|the (en|de)coder's weights are so large)/,
          );
        },
      ),
      { numRuns: WEIGHT_CASES, seed: 13_026 },
    );
  });

  it('a topology declaring a 10^9-unit layer is rejected before anything of that size is allocated', () => {
    const { modelJson, weights } = savedOf('categorical', 'float32');
    const huge = mutateJson(modelJson, []) as {
      modelTopology: { config: { layers: { config: { units?: number } }[] } };
    };
    huge.modelTopology.config.layers[0].config.units = 1e9;
    expect(() => withAllocationLimit(100_000, () => decodeVae(huge, weights))).toThrow(SavedModelError);
  });

  it('a weights path that leaves the folder is refused', () => {
    const { modelJson, weights } = savedOf('categorical', 'float32');
    const escaping = mutateJson(modelJson, []) as { weightsManifest: { paths: string[] }[] };
    escaping.weightsManifest[0].paths = ['../../etc/passwd'];
    expect(() => decodeVae(escaping, weights)).toThrow(/must be a plain file name/);
  });
});
