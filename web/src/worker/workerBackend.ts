/**
 * TF.js inside the page's Web Worker, on the page's backend where a worker can have it:
 * WebAssembly and plain JavaScript always; WebGL only through an OffscreenCanvas (else
 * WebAssembly, and the reason is reported); WebGPU is not started in the worker (its backend is a
 * large chunk of its own and on this page's small tensors no faster), so WebAssembly runs there.
 */
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { initBackend, tf } from 'gumbel-softmax';
import type { WorkerSetup } from './protocol.js';

/** The backend the worker runs on, and why it differs from the page's when it does. */
export interface WorkerBackend {
  name: string;
  note: string;
}

/** Starts TF.js in the worker; see the file's comment for the choice. */
export async function startWorkerBackend(setup: WorkerSetup): Promise<WorkerBackend> {
  setWasmPaths(setup.wasmFiles);
  const page = setup.pageBackend;
  if (page === 'cpu' || page === 'wasm') {
    return { name: (await initBackend(page)).name, note: 'the same backend as the page' };
  }
  if (page === 'webgl' && typeof OffscreenCanvas !== 'undefined') {
    // The page chose WebGL (possibly a software renderer, on request), so the worker may too.
    tf.env().set('SOFTWARE_WEBGL_ENABLED', true);
    try {
      return { name: (await initBackend('webgl')).name, note: 'WebGL on an OffscreenCanvas, as the page' };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const report = await initBackend('wasm');
      return { name: report.name, note: `WebAssembly: WebGL did not start in the worker (${reason})` };
    }
  }
  const why =
    page === 'webgl'
      ? 'this browser has no OffscreenCanvas, which WebGL needs in a worker'
      : `the worker does not start ${page}`;
  return { name: (await initBackend('wasm')).name, note: `WebAssembly, as ${why}` };
}
