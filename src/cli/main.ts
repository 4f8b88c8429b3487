#!/usr/bin/env node
import { Command } from 'commander';
import { activeBackend, type BackendName, initBackend } from '../backend.js';
import { addModelCommands } from './evaluate.js';
import { addLabCommand } from './lab.js';
import { addSortCommand } from './sort.js';
import { addTrainCommand } from './train.js';

/** The `gumbel` command line: thin, it calls the library. */
async function main(argv: string[]): Promise<void> {
  const program = new Command('gumbel')
    .description(
      'Gumbel-softmax on TensorFlow.js: train, evaluate and sample categorical VAEs; measure gradient estimators; learn to sort with Gumbel-Sinkhorn',
    )
    .option('--backend <name>', 'TF.js backend: wasm, cpu or tensorflow (default: fastest available)')
    .showHelpAfterError('(run with --help for usage)')
    .hook('preAction', async (command) => {
      const backend = command.opts().backend as BackendName | undefined;
      await initBackend(backend);
      console.log(`backend: ${activeBackend()}`);
    });
  addTrainCommand(program);
  addModelCommands(program);
  addLabCommand(program);
  addSortCommand(program);
  await program.parseAsync(argv);
}

main(process.argv).catch((error: Error) => {
  console.error(`gumbel: error: ${error.message}`);
  process.exit(2);
});
