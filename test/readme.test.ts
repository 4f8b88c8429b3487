import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { codeBlockAfter, documentationFiles } from './helpers/readme.js';

/** Writes the ts block after `heading` to a module, imports it, and returns what it logged. */
async function runExample(heading: string, name: string): Promise<string[]> {
  const directory = new URL('./.generated/', import.meta.url);
  mkdirSync(directory, { recursive: true });
  const file = new URL(`${name}.ts`, directory);
  writeFileSync(file, codeBlockAfter(heading));
  const printed: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args) => {
    printed.push(args.join(' '));
  });
  try {
    await import(file.href);
  } finally {
    log.mockRestore();
  }
  return printed;
}

describe('README and guides', () => {
  it('every ts code block of the README and the guides is one these tests run', () => {
    const blocks = documentationFiles().flatMap(({ name, text }) =>
      [...text.matchAll(/```ts\n/g)].map(() => name),
    );
    expect(blocks.length).toBe(TESTED_BLOCKS);
  });

  it('quick-start example runs as written', async () => {
    const printed = await runExample('## Quick start', 'quickstart');
    expect(printed[0]).toBe('backend: wasm');
    expect(printed.join('\n')).toMatch(/Tensor/);
  });

  it('permutations example runs as written', async () => {
    const printed = await runExample('## Permutations', 'permutations');
    const output = printed.join('\n');
    expect(output).toMatch(/Tensor\n\s+\[0, 1, 2\]\n/); // the matching
    // the four draws: each a permutation of the three places (which ones depends on the noise)
    const draws = output.match(/\[\[\d, \d, \d\](?:,\s+\[\d, \d, \d\]){3}\]/);
    expect(draws).not.toBeNull();
    const places = [...(draws as RegExpMatchArray)[0].matchAll(/\[(\d), (\d), (\d)\]/g)].map((row) =>
      row.slice(1).map(Number).sort().join(','),
    );
    expect(places).toEqual(['0,1,2', '0,1,2', '0,1,2', '0,1,2']);
  });

  it('estimators example runs as written', async () => {
    const printed = await runExample('## Gradient estimators', 'estimators');
    expect(printed.join('\n')).toMatch(/reinmax.*\n.*gumbel-rao.*\n.*score-function/);
  });

  it('perturbed-optimizer example runs as written', async () => {
    const printed = await runExample('## Any solver: perturbed optimizers', 'perturbed');
    expect(printed.join('\n')).toMatch(/perturbed argmax.*\n.*softmax.*\n.*y − ŷ/);
  });

  it('k-subsets example runs as written', async () => {
    const printed = await runExample('## k-subsets', 'subsets');
    expect(printed.join('\n')).toMatch(/relaxed.*\n.*hard.*\n.*marginals.*sample.*\n.*simple/);
  });
});

/** How many ts blocks the tests above run: one per example test. */
const TESTED_BLOCKS = 5;
