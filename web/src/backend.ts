/**
 * Chooses the TF.js backend for the page through the library's `initBackend`: WebGL when the
 * browser renders WebGL on the graphics card, else WebAssembly, else plain JavaScript.
 * `?backend=webgpu`, `webgl`, `wasm` or `cpu` in the address forces one, software renderers
 * included (such as SwiftShader, which headless Chromium without a GPU has).
 *
 * WebGPU is used only when asked for: asking the browser for a WebGPU adapter where it has none
 * makes Chrome print "No available adapters." to the console (every Linux Chrome without the
 * WebGPU flag), and on this page's small tensors WebGPU is no faster than WebGL.
 *
 * Backends that cannot work here are removed before `initBackend` tries them, so TF.js never
 * fails to start one and the console stays clean.
 */
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { initBackend, tf } from 'gumbel-softmax';
import { registerWebgpu, webgpuAdapter } from './webgpu.js';

/** The backends the page offers, in the order it prefers them. */
export const PAGE_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type PageBackendName = (typeof PAGE_BACKENDS)[number];

/** How the page names each backend. */
export const BACKEND_LABELS: Record<PageBackendName, string> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WebAssembly',
  cpu: 'plain JavaScript',
};

/** What the page runs on, and why not on something faster. */
export interface PageBackend {
  name: string;
  description: string;
  /** Faster backends that were passed over, each with the reason. */
  skipped: string[];
  /** Whether the backend was chosen with `?backend=`. */
  forced: boolean;
}

/** Renderer names of WebGL implementations that run on the processor. */
const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** The renderer's name: Firefox reports it as RENDERER, Chromium behind WEBGL_debug_renderer_info. */
function rendererName(context: WebGLRenderingContext): string {
  const plain = String(context.getParameter(context.RENDERER));
  if (plain !== '' && plain !== 'WebKit WebGL') return plain;
  const info = context.getExtension('WEBGL_debug_renderer_info');
  return info === null ? plain : String(context.getParameter(info.UNMASKED_RENDERER_WEBGL));
}

/** The TF.js WebAssembly files: Vite copies them into the build and gives their URLs. */
export const WASM_FILES: Record<string, string> = {
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
};

/** What WebGL this browser has: none, or a renderer on the graphics card or in software. */
function webglSupport(): { kind: 'hardware' | 'software' | 'none'; renderer: string } {
  const canvas = document.createElement('canvas');
  const context = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
  if (context === null) return { kind: 'none', renderer: '' };
  const renderer = rendererName(context);
  context.getExtension('WEBGL_lose_context')?.loseContext();
  return { kind: SOFTWARE_RENDERERS.test(renderer) ? 'software' : 'hardware', renderer };
}

/** The backend named in the address (`?backend=…`), if any. */
export function requestedBackend(search: string): PageBackendName | undefined {
  const name = new URLSearchParams(search).get('backend');
  if (name === null || name === '') return undefined;
  if (!(PAGE_BACKENDS as readonly string[]).includes(name)) {
    throw new Error(`?backend= must be one of ${PAGE_BACKENDS.join(', ')}, got ${name}`);
  }
  return name as PageBackendName;
}

/** Starts TF.js on the best backend for this browser, or on `requested`. */
export async function startPageBackend(requested?: PageBackendName): Promise<PageBackend> {
  setWasmPaths(WASM_FILES);
  const webgl = webglSupport();
  let webgpu: Awaited<ReturnType<typeof webgpuAdapter>> | undefined;
  const where = (kind: string | undefined) =>
    kind === 'software' ? 'on the processor (a software renderer)' : 'on the graphics card';
  const describe = (name: string) => {
    if (name === 'webgpu') return `WebGPU ${where(webgpu?.kind)}: ${webgpu?.name}`;
    if (name === 'webgl') return `WebGL ${where(webgl.kind)}: ${webgl.renderer}`;
    if (name === 'wasm') return 'WebAssembly on the processor';
    return 'plain JavaScript on the processor (slow)';
  };
  if (requested !== undefined) {
    if (requested === 'webgpu') {
      webgpu = await webgpuAdapter();
      if (webgpu.adapter === undefined) throw new Error('this browser gives no WebGPU adapter');
      await registerWebgpu(webgpu.adapter);
    }
    if (requested === 'webgl') {
      if (webgl.kind === 'none') throw new Error('this browser gives no WebGL context');
      // TF.js refuses renderers with a "major performance caveat" unless told otherwise.
      tf.env().set('SOFTWARE_WEBGL_ENABLED', true);
    }
    const report = await initBackend(requested);
    return { name: report.name, description: describe(report.name), skipped: [], forced: true };
  }
  const skipped: string[] = [];
  if (webgl.kind !== 'hardware') {
    // Removed rather than left to fail: a failing backend makes TF.js write warnings to the console.
    tf.removeBackend('webgl');
    skipped.push(
      webgl.kind === 'software'
        ? `WebGL, whose renderer here runs on the processor (${webgl.renderer}) and is slower than WebAssembly`
        : 'WebGL, which this browser does not offer',
    );
  }
  const report = await initBackend();
  skipped.push(...report.failed.filter((reason) => !reason.includes('not registered')));
  return { name: report.name, description: describe(report.name), skipped, forced: false };
}
