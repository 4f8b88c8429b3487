import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { loadKernels } from './kernels/module.js';
import { tf } from './tf.js';
import { ArgumentError } from './validate.js';

/** The TF.js backends this library knows how to choose between. */
export type BackendName = 'cpu' | 'wasm' | 'tensorflow' | 'webgl' | 'webgpu';

const KNOWN_BACKENDS: readonly BackendName[] = ['cpu', 'wasm', 'tensorflow', 'webgl', 'webgpu'];

const NODE_PREFERENCE: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];
const BROWSER_PREFERENCE: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** What {@link initBackend} chose, and why when it is not the first choice. */
export interface BackendReport {
  /** The backend now active. */
  name: string;
  /** Backends that were tried first and failed to start, with tfjs's reason where it gave one. */
  failed: string[];
}

let initialized = false;

function isNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === 'string';
}

function environmentChoice(): string | undefined {
  const process = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const value = process?.env?.GUMBEL_BACKEND;
  return value === undefined || value === '' ? undefined : value;
}

/** Registers tfjs-node's 'tensorflow' backend when the user has the package installed. */
async function tryRegisterTensorflow(): Promise<boolean> {
  if (tf.findBackendFactory('tensorflow')) return true;
  const packageName = '@tensorflow/tfjs-node';
  try {
    await import(/* @vite-ignore */ packageName);
  } catch {
    return false;
  }
  return tf.findBackendFactory('tensorflow') !== null;
}

async function start(name: BackendName): Promise<string | undefined> {
  if (name === 'tensorflow' && !(await tryRegisterTensorflow())) {
    return 'tensorflow: @tensorflow/tfjs-node is not installed';
  }
  if (!tf.findBackendFactory(name)) {
    return `${name}: not registered (import @tensorflow/tfjs-backend-${name} first)`;
  }
  let started = false;
  try {
    started = await tf.setBackend(name);
    await tf.ready();
  } catch (error) {
    return `${name}: ${(error as Error).message}`;
  }
  if (!started || tf.getBackend() !== name) {
    return `${name}: failed to start (tf.setBackend returned false, ${tf.getBackend()} is active)`;
  }
  return undefined;
}

/**
 * Chooses and starts the TF.js backend; await it once before using the library.
 *
 * With `name` (or the environment variable `GUMBEL_BACKEND=cpu|wasm|tensorflow|webgl|webgpu` in
 * Node) that backend is required and a failure throws. Otherwise the fastest available is used:
 * in Node tfjs-node's 'tensorflow' when installed, then WebAssembly, then cpu; in a browser WebGPU,
 * WebGL, WebAssembly, cpu (import the webgl/webgpu backend packages to make them available).
 * Falling back to the slow cpu backend is reported with `console.warn`, never silent.
 */
export async function initBackend(name?: BackendName): Promise<BackendReport> {
  await loadKernels();
  const requested = name ?? environmentChoice();
  if (requested !== undefined) {
    if (!KNOWN_BACKENDS.includes(requested as BackendName)) {
      throw new ArgumentError(
        name === undefined ? 'GUMBEL_BACKEND' : 'name',
        `must be one of ${KNOWN_BACKENDS.join(', ')}, got ${requested}`,
      );
    }
    const problem = await start(requested as BackendName);
    if (problem !== undefined) throw new Error(`backend ${problem}`);
    initialized = true;
    return { name: tf.getBackend(), failed: [] };
  }
  const failed: string[] = [];
  for (const candidate of isNode() ? NODE_PREFERENCE : BROWSER_PREFERENCE) {
    const problem = await start(candidate);
    if (problem === undefined) {
      if (candidate === 'cpu' && failed.some((reason) => reason.startsWith('wasm'))) {
        console.warn(`gumbel-softmax: running on the slow cpu backend because ${failed.join('; ')}`);
      }
      initialized = true;
      return { name: candidate, failed };
    }
    failed.push(problem);
  }
  throw new Error(`no TF.js backend could start: ${failed.join('; ')}`);
}

/** The name of the active TF.js backend ('wasm', 'cpu', 'tensorflow', 'webgl', 'webgpu'). */
export function activeBackend(): string {
  return tf.getBackend();
}

/** Whether {@link initBackend} has completed. */
export function isBackendInitialized(): boolean {
  return initialized;
}
