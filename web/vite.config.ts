import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The demo page. `gumbel-softmax` resolves to the library's sources (its public entry point,
 * src/index.ts), so the page imports exactly what a user of the package imports.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: { 'gumbel-softmax': fileURLToPath(new URL('../src/index.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // tfjs-core, -layers and three backends make one large chunk; this is the demo, not a library.
    chunkSizeWarningLimit: 4000,
  },
  // The page's Web Worker (src/worker/pageWorker.ts) is an ES module, built into its own chunk.
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
