import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Lets examples written for users (`import … from 'gumbel-softmax'`) run against the sources.
    alias: [
      { find: /^gumbel-softmax$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      {
        find: /^gumbel-softmax\/node$/,
        replacement: fileURLToPath(new URL('./src/node.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
