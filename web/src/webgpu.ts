/**
 * WebGPU for the page, loaded only where the browser offers a GPU adapter. The adapter is requested
 * here without `powerPreference` (TF.js's own factory passes one, which Chrome on Windows answers
 * with a console warning) and handed to TF.js's WebGPU backend under the usual name 'webgpu'.
 */
import { tf } from 'gumbel-softmax';

/** The little of the WebGPU API the page needs (TypeScript's DOM library does not declare it yet). */
interface GpuAdapter {
  readonly features: ReadonlySet<string>;
  readonly limits: Record<string, number>;
  readonly info?: {
    vendor?: string;
    architecture?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
  readonly isFallbackAdapter?: boolean;
  requestDevice(descriptor: {
    requiredFeatures: string[];
    requiredLimits: Record<string, number>;
  }): Promise<unknown>;
}

/** Renderer names of WebGPU adapters that run on the processor. */
const SOFTWARE_ADAPTERS = /swiftshader|llvmpipe|lavapipe|software/i;

/** The browser's WebGPU adapter: none, one on the graphics card, or a software fallback. */
export async function webgpuAdapter(): Promise<{
  kind: 'hardware' | 'software' | 'none';
  adapter?: GpuAdapter;
  name: string;
}> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<GpuAdapter | null> } }).gpu;
  if (gpu === undefined) return { kind: 'none', name: '' };
  let adapter: GpuAdapter | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch {
    adapter = null;
  }
  if (adapter === null) return { kind: 'none', name: '' };
  const info = adapter.info ?? {};
  const name =
    [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unnamed adapter';
  const fallback =
    info.isFallbackAdapter === true || adapter.isFallbackAdapter === true || SOFTWARE_ADAPTERS.test(name);
  return { kind: fallback ? 'software' : 'hardware', adapter, name };
}

/** Loads TF.js's WebGPU backend and registers it as 'webgpu' on `adapter`. */
export async function registerWebgpu(adapter: GpuAdapter): Promise<void> {
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  tf.removeBackend('webgpu'); // the package registers its own factory on import
  tf.registerBackend(
    'webgpu',
    async () => {
      const wanted = ['timestamp-query', 'bgra8unorm-storage'];
      const limits = [
        'maxComputeWorkgroupStorageSize',
        'maxComputeWorkgroupsPerDimension',
        'maxStorageBufferBindingSize',
        'maxBufferSize',
        'maxComputeWorkgroupSizeX',
        'maxComputeInvocationsPerWorkgroup',
      ];
      const device = await adapter.requestDevice({
        requiredFeatures: wanted.filter((feature) => adapter.features.has(feature)),
        requiredLimits: Object.fromEntries(limits.map((limit) => [limit, adapter.limits[limit]])),
      });
      return new WebGPUBackend(
        device as ConstructorParameters<typeof WebGPUBackend>[0],
        adapter.info as never,
      );
    },
    3,
  );
}
