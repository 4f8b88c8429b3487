import type { Command } from 'commander';
import { staticBinarizeSplits } from '../data/binarize.js';
import { loadDataset } from '../data/load.js';
import { tf } from '../tf.js';
import { priorCodes, scoreSplit } from '../vae/report.js';
import { loadVae } from '../vae/savedModel.js';
import { imageGridPng } from '../viz/imageGrid.js';
import { writeFileAtomicSync } from '../viz/writeFileAtomic.js';
import { integerAtLeast, oneOf } from './options.js';
import { info, jsonOutput, result } from './output.js';
import { progressReporter } from './progress.js';

/** Registers `gumbel eval` and `gumbel sample`, which work on a saved run folder. */
export function addModelCommands(program: Command): void {
  program
    .command('eval')
    .description('score a saved model: −ELBO (one-hot) and importance-weighted −log p(x) on the test set')
    .requiredOption('--model <dir>', 'run folder holding model.json and weights.bin')
    .option(
      '--json',
      'stdout is only the JSON scores (info lines go to stderr); the scores are JSON either way',
    )
    .option('--dataset <name>', 'mnist or fashion-mnist', oneOf(['mnist', 'fashion-mnist']), 'mnist')
    .option('--data <dir>', 'a folder of IDX files instead of --dataset')
    .option(
      '--seed <n>',
      'binarization seed (use the training run’s to score its own test set)',
      integerAtLeast(0),
      1,
    )
    .option('--iw-samples <m>', 'importance samples per image', integerAtLeast(1), 1000)
    .action(
      async (flags: { model: string; dataset: string; data?: string; seed: number; iwSamples: number }) => {
        const vae = await loadVae(flags.model);
        const { test } = staticBinarizeSplits(loadDataset(flags.data ?? flags.dataset), flags.seed);
        const progress = progressReporter('scoring the test set');
        let scores: ReturnType<typeof scoreSplit>;
        try {
          scores = scoreSplit(vae, test.images, flags.iwSamples, 13, progress.update);
        } finally {
          progress.stop();
          vae.dispose();
        }
        result({ test: scores });
      },
    );

  program
    .command('sample')
    .description('decode random one-hot codes from the prior into a PNG grid of digits')
    .requiredOption('--model <dir>', 'run folder holding model.json and weights.bin')
    .option('--out <file>', 'PNG to write', 'samples.png')
    .option('--json', 'print {"wrote": file, "count": n} as JSON instead of a sentence')
    .option('--count <n>', 'number of samples (a grid of 10 per row)', integerAtLeast(1), 100)
    .option('--seed <n>', 'seed of the codes', integerAtLeast(0), 1)
    .action(async (flags: { model: string; out: string; count: number; seed: number }) => {
      const vae = await loadVae(flags.model);
      const codes = priorCodes(vae, flags.count, flags.seed);
      const pixels = tf.tidy(() => tf.sigmoid(vae.decode(codes)).dataSync() as Float32Array);
      codes.dispose();
      vae.dispose();
      const columns = Math.min(10, flags.count);
      const rows = Math.ceil(flags.count / columns);
      const padded = new Float32Array(rows * columns * 784);
      padded.set(pixels);
      writeFileAtomicSync(flags.out, imageGridPng(padded, { rows, columns }));
      if (jsonOutput()) result({ wrote: flags.out, count: flags.count });
      else info(`wrote ${flags.count} samples to ${flags.out}`);
    });
}
