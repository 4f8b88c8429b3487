/**
 * Reads a saved VAE (the `model.json` + weights bytes that {@link encodeVae} writes) strictly, with
 * no help from TF.js: the topology must be exactly the layers {@link toLayersModel} builds, the
 * weights manifest exactly their kernels and biases, the weights file exactly that many bytes, and
 * every weight finite. TF.js never sees an untrusted topology, so garbage cannot crash it, make it
 * allocate a declared size, or give a model that silently computes NaN.
 */
import { ArgumentError } from '../validate.js';
import { CategoricalVae, checkVaeShape, layerPlan, type VaeShape } from './model.js';
import { float16Value } from './quantize.js';

/**
 * The largest output any layer may reach for inputs in [0, 1] (images, and codes that are one-hot
 * or relaxed): far below float32's 3.4e38, so neither the forward pass nor the losses overflow.
 */
export const MAX_SAVED_OUTPUT = 1e20;

/**
 * An upper bound on |output| of dense layers run in sequence on inputs in [0, 1], in float64: for
 * each unit Σ|kernel| · (bound of the inputs) + |bias| (ReLU keeps magnitudes no larger).
 */
function worstCaseOutput(kernels: Float32Array[], biases: Float32Array[]): number {
  let bound = 1;
  kernels.forEach((kernel, layer) => {
    const bias = biases[layer];
    const units = bias.length;
    const columnSums = new Float64Array(units);
    for (let i = 0; i < kernel.length; i++) columnSums[i % units] += Math.abs(kernel[i]);
    let next = 0;
    for (let unit = 0; unit < units; unit++) {
      next = Math.max(next, columnSums[unit] * bound + Math.abs(bias[unit]));
    }
    bound = next;
  });
  return bound;
}

/** A saved model that cannot be read: the message names the file and what is wrong with it. */
export class SavedModelError extends Error {
  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = 'SavedModelError';
  }
}

/** A decoded saved model: the VAE and the temperature stored in its `gumbel_softmax` (or `gumbel_sigmoid`) layer. */
export interface DecodedVae {
  vae: CategoricalVae;
  temperature: number;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;

function sameNumbers(a: unknown, b: number[]): boolean {
  return Array.isArray(a) && a.length === b.length && a.every((value, i) => value === b[i]);
}

/** The one weights group of the manifest, with its file name checked to be a plain file name. */
function weightsGroup(modelJson: unknown, source: string): { path: string; weights: unknown[] } {
  const manifest = isObject(modelJson) ? modelJson.weightsManifest : undefined;
  const group = Array.isArray(manifest) && manifest.length === 1 ? manifest[0] : undefined;
  const paths = isObject(group) ? group.paths : undefined;
  const path = Array.isArray(paths) && paths.length === 1 ? paths[0] : undefined;
  if (!isObject(group) || !Array.isArray(group.weights) || typeof path !== 'string') {
    throw new SavedModelError(source, 'needs a weightsManifest of one group with one path and its weights');
  }
  if (path === '' || path === '.' || path === '..' || /[/\\]/.test(path)) {
    throw new SavedModelError(
      source,
      `names the weights file ${JSON.stringify(path)}: it must be a plain file name`,
    );
  }
  return { path, weights: group.weights };
}

/** Parses the text of a `model.json`, turning a JSON syntax error into a {@link SavedModelError}. */
export function parseModelJson(text: string, source = 'model.json'): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SavedModelError(source, `cannot read the model (not JSON: ${(error as Error).message})`);
  }
}

/** The weights file named by a `model.json` (a plain file name beside it). */
export function weightsFileOf(modelJson: unknown, source = 'model.json'): string {
  return weightsGroup(modelJson, source).path;
}

/** The VAE shape and temperature read from the topology, checked layer by layer against the plan. */
function readTopology(modelJson: unknown, source: string): { shape: VaeShape; temperature: number } {
  const fail = (problem: string) => new SavedModelError(source, `is not a gumbel-softmax VAE: ${problem}`);
  const topology = isObject(modelJson) ? modelJson.modelTopology : undefined;
  const layerList = isObject(topology) && isObject(topology.config) ? topology.config.layers : undefined;
  if (!Array.isArray(layerList)) throw fail('modelTopology.config.layers is missing');
  const layers = layerList.map((layer) => (isObject(layer) && isObject(layer.config) ? layer : undefined));
  const named = (name: string) =>
    layers.find((layer) => layer?.config && (layer.config as Json).name === name);
  const configOf = (name: string): Json => {
    const layer = named(name);
    if (!layer) throw fail(`no layer named ${name}`);
    return layer.config as Json;
  };
  const bernoulli = named('gumbel_sigmoid') !== undefined;
  const inputShape = configOf('encoder_hidden_1').batch_input_shape;
  const targetShape = bernoulli
    ? [configOf('encoder_logits').units, 2]
    : configOf('latent_logits').target_shape;
  const temperature = configOf(bernoulli ? 'gumbel_sigmoid' : 'gumbel_softmax').temperature;
  const hiddenUnits: unknown[] = [];
  while (named(`encoder_hidden_${hiddenUnits.length + 1}`)) {
    hiddenUnits.push(configOf(`encoder_hidden_${hiddenUnits.length + 1}`).units);
  }
  const inputSize = Array.isArray(inputShape) && inputShape.length === 2 ? inputShape[1] : undefined;
  const [latentVariables, categories] =
    Array.isArray(targetShape) && targetShape.length === 2 ? targetShape : [undefined, undefined];
  if (![inputSize, latentVariables, categories, ...hiddenUnits].every(isCount)) {
    throw fail('layer sizes must be integers >= 1');
  }
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature <= 0) {
    throw fail('the gumbel_softmax (or gumbel_sigmoid) temperature must be a finite number > 0');
  }
  const shape = { inputSize, latentVariables, categories, hiddenUnits } as VaeShape;
  if (bernoulli) shape.latent = 'bernoulli';
  try {
    checkVaeShape(shape);
  } catch (error) {
    if (error instanceof ArgumentError) throw fail(error.message);
    throw error;
  }
  const plan = layerPlan(shape);
  const half = plan.length / 2;
  const latentLayers: { name: string; className: string }[] = bernoulli
    ? [{ name: 'gumbel_sigmoid', className: 'GumbelSigmoid' }]
    : [
        { name: 'latent_logits', className: 'Reshape' },
        { name: 'gumbel_softmax', className: 'GumbelSoftmax' },
        { name: 'latent_code', className: 'Flatten' },
      ];
  const expected: ({ name: string; className: string } & Partial<(typeof plan)[number]>)[] = [
    ...plan.slice(0, half).map((layer) => ({ ...layer, className: 'Dense' })),
    ...latentLayers,
    ...plan.slice(half).map((layer) => ({ ...layer, className: 'Dense' })),
  ];
  if (layers.length !== expected.length) throw fail(`${layers.length} layers, expected ${expected.length}`);
  expected.forEach((want, i) => {
    const config = layers[i]?.config as Json | undefined;
    const ok =
      layers[i]?.class_name === want.className &&
      config?.name === want.name &&
      (!('units' in want) || (config.units === want.units && config.activation === want.activation));
    if (!ok)
      throw fail(
        `layer ${i} must be ${want.className} ${want.name}${'units' in want ? ` (${want.units} units, ${want.activation})` : ''}`,
      );
  });
  return { shape, temperature };
}

interface WeightLayout {
  name: string;
  size: number;
  bytesPerValue: number;
  decode: (bytes: DataView, index: number) => number;
}

/** Checks one manifest entry against the name and shape the plan expects; says how to decode it. */
function weightLayout(entry: unknown, name: string, shape: number[], source: string): WeightLayout {
  const fail = (problem: string) => new SavedModelError(source, `weight ${name}: ${problem}`);
  if (!isObject(entry) || entry.name !== name) throw fail('missing or out of order in the weights manifest');
  if (!sameNumbers(entry.shape, shape)) throw fail(`shape must be [${shape.join(', ')}]`);
  if (entry.dtype !== 'float32') throw fail('dtype must be float32');
  const size = shape.reduce((a, b) => a * b, 1);
  const quantization = entry.quantization;
  if (quantization === undefined) {
    return { name, size, bytesPerValue: 4, decode: (view, i) => view.getFloat32(4 * i, true) };
  }
  if (isObject(quantization) && quantization.dtype === 'float16') {
    return { name, size, bytesPerValue: 2, decode: (view, i) => float16Value(view.getUint16(2 * i, true)) };
  }
  const { min, scale } = isObject(quantization) ? quantization : {};
  if (
    isObject(quantization) &&
    quantization.dtype === 'uint8' &&
    Number.isFinite(min) &&
    Number.isFinite(scale)
  ) {
    return {
      name,
      size,
      bytesPerValue: 1,
      decode: (view, i) => view.getUint8(i) * (scale as number) + (min as number),
    };
  }
  throw fail('quantization must be absent, {dtype: float16} or {dtype: uint8} with finite min and scale');
}

/**
 * Decodes a saved VAE from its `model.json` object and weights bytes.
 *
 * @param sources - name the two files in error messages (default `model.json` and the manifest's
 *   weights path).
 * @throws SavedModelError when the topology is not this library's VAE, the manifest does not match
 *   it, the weights are not exactly the bytes the manifest declares (checked before anything of
 *   that size is allocated), a weight is NaN or ±Infinity, or the weights are so large that some
 *   input in [0, 1] could drive an output past {@link MAX_SAVED_OUTPUT} (so a loaded model never
 *   overflows into NaN).
 */
export function decodeVae(
  modelJson: unknown,
  weightData: Uint8Array,
  sources: { model?: string; weights?: string } = {},
): DecodedVae {
  const source = sources.model ?? 'model.json';
  const group = weightsGroup(modelJson, source);
  const { weights } = group;
  const path = sources.weights ?? group.path;
  const { shape, temperature } = readTopology(modelJson, source);
  const plan = layerPlan(shape);
  const expected = plan.flatMap((layer) => [
    { name: `${layer.name}/kernel`, shape: [layer.inputs, layer.units] },
    { name: `${layer.name}/bias`, shape: [layer.units] },
  ]);
  if (weights.length !== expected.length) {
    throw new SavedModelError(source, `lists ${weights.length} weights, the VAE has ${expected.length}`);
  }
  const layouts = expected.map((want, i) => weightLayout(weights[i], want.name, want.shape, source));
  const expectedBytes = layouts.reduce((sum, layout) => sum + layout.size * layout.bytesPerValue, 0);
  if (weightData.length !== expectedBytes) {
    throw new SavedModelError(path, `expected ${expectedBytes} bytes of weights, found ${weightData.length}`);
  }
  let offset = 0;
  const values = layouts.map((layout) => {
    const view = new DataView(
      weightData.buffer,
      weightData.byteOffset + offset,
      layout.size * layout.bytesPerValue,
    );
    offset += layout.size * layout.bytesPerValue;
    const array = new Float32Array(layout.size);
    for (let i = 0; i < layout.size; i++) array[i] = layout.decode(view, i);
    const bad = array.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) {
      throw new SavedModelError(path, `weight ${layout.name} holds ${array[bad]} at index ${bad}`);
    }
    return array;
  });
  const half = plan.length / 2;
  for (const [part, start] of [
    ['encoder', 0],
    ['decoder', half],
  ] as const) {
    const layers = plan.slice(start, start + half).map((_, i) => start + i);
    const bound = worstCaseOutput(
      layers.map((layer) => values[2 * layer]),
      layers.map((layer) => values[2 * layer + 1]),
    );
    if (!(bound <= MAX_SAVED_OUTPUT)) {
      throw new SavedModelError(
        path,
        `the ${part}'s weights are so large that its outputs could reach ${bound.toPrecision(3)} (over ${MAX_SAVED_OUTPUT}): corrupt?`,
      );
    }
  }
  return { vae: new CategoricalVae(shape, 0, values), temperature };
}
