import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  activeBackend,
  gumbelMax,
  gumbelSoftmax,
  initBackend,
  reparameterizeNormal,
  sampleGumbel,
  tf,
} from '../src/index.js';
import { expectAllClose } from './helpers/close.js';
import { takeValues } from './helpers/leaks.js';

/** Runs the seeded samplers on one backend and returns what they drew. */
async function drawOn(backend: 'cpu' | 'wasm') {
  await initBackend(backend);
  expect(activeBackend()).toBe(backend);
  const logits = tf.tensor2d([
    [0.5, 1.5, -1, 0],
    [2, Number.NEGATIVE_INFINITY, 0, 1],
  ]);
  const result = {
    gumbel: takeValues(sampleGumbel([64], { seed: 123 })),
    indices: takeValues(gumbelMax(tf.tile(logits, [50, 1]), { seed: 123 })),
    soft: takeValues(gumbelSoftmax(logits, { temperature: 0.5, seed: 123 })),
    normal: takeValues(reparameterizeNormal([0, 1], [1, 2], { seed: 123 })),
  };
  logits.dispose();
  return result;
}

describe('backends', () => {
  afterAll(async () => {
    await initBackend('wasm');
  });

  it('the same seed gives the same numbers on cpu and wasm', async () => {
    const onCpu = await drawOn('cpu');
    const onWasm = await drawOn('wasm');
    expect(onWasm.gumbel).toEqual(onCpu.gumbel); // noise is computed in JS: bit-identical
    expect(onWasm.indices).toEqual(onCpu.indices);
    expectAllClose(onWasm.soft, onCpu.soft, 6);
    expectAllClose(onWasm.normal, onCpu.normal, 6);
  });

  it('rejects unknown backend names, naming the allowed ones', async () => {
    await expect(initBackend('gpu' as 'cpu')).rejects.toThrow(
      /name must be one of cpu, wasm, tensorflow, webgl, webgpu, got gpu/,
    );
    process.env.GUMBEL_BACKEND = 'fast';
    await expect(initBackend()).rejects.toThrow(/GUMBEL_BACKEND must be one of/);
    delete process.env.GUMBEL_BACKEND;
  });

  it('says why a requested backend cannot start instead of running on another', async () => {
    await expect(initBackend('webgl')).rejects.toThrow(
      /webgl: not registered \(import @tensorflow\/tfjs-backend-webgl first\)/,
    );
    await expect(initBackend('tensorflow')).rejects.toThrow(/@tensorflow\/tfjs-node is not installed/);
  });

  it('without a choice picks wasm in Node (tfjs-node is not installed here) and reports it', async () => {
    const report = await initBackend();
    expect(report.name).toBe('wasm');
    expect(report.failed).toEqual(['tensorflow: @tensorflow/tfjs-node is not installed']);
  });

  it('detects a backend whose start fails (setBackend returns false) and says so', async () => {
    tf.registerBackend('webgpu', () => {
      throw new Error('no GPU adapter');
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await expect(initBackend('webgpu')).rejects.toThrow(
        /webgpu: failed to start \(tf.setBackend returned false, wasm is active\)/,
      );
    } finally {
      warn.mockRestore();
      tf.removeBackend('webgpu');
    }
  });

  it('falls back from a failing wasm to cpu loudly, never silently', async () => {
    const wasmFactory = tf.findBackendFactory('wasm');
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', () => {
      throw new Error('wasm unavailable');
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const report = await initBackend();
      expect(report.name).toBe('cpu');
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/running on the slow cpu backend because .*wasm: failed to start/),
      );
    } finally {
      warn.mockRestore();
      tf.removeBackend('wasm');
      tf.registerBackend('wasm', wasmFactory as () => tf.KernelBackend, 2);
    }
  });
});
