#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, type CommanderError } from 'commander';
import { activeBackend, type BackendName, initBackend } from '../backend.js';
import { enableRelaxedSimd } from '../nodeWasmFeatures.js';
import { addModelCommands } from './evaluate.js';
import { addLabCommand } from './lab.js';
import { info, setOutputMode } from './output.js';
import { addPerturbedCommand } from './perturbed.js';
import { addSortCommand } from './sort.js';
import { addTrainCommand } from './train.js';

/**
 * Exit codes of `gumbel` (documented in the README and `gumbel --help`): 0 done; 2 a usage error
 * or a failure, with one line on stderr; 130 / 143 stopped by SIGINT / SIGTERM (train writes a
 * checkpoint first). 1 only comes from a crash that escaped this handling (a bug).
 */
const EXIT_CODES = { ok: 0, error: 2, interrupted: 130, terminated: 143 } as const;

/** The package's version, read from package.json (two folders up from src/cli and dist/cli). */
function packageVersion(): string {
  const packageJson = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
}

/** The `gumbel` command line: thin, it calls the library. */
async function main(argv: string[]): Promise<void> {
  const program = new Command('gumbel')
    .description(
      'Gumbel-softmax on TensorFlow.js: train, evaluate and sample categorical and Bernoulli VAEs; measure gradient estimators; learn to sort with Gumbel-Sinkhorn',
    )
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .option('--backend <name>', 'TF.js backend: wasm, cpu or tensorflow (default: fastest available)')
    .option('-q, --quiet', 'no progress bars or info lines: results and errors only')
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 2 usage error or failure (one line on stderr), 130/143 interrupted (SIGINT/SIGTERM).',
    )
    .showHelpAfterError('(run with --help for usage)')
    // Usage errors exit with 2 like every other error (commander's own default is 1).
    .exitOverride((error: CommanderError) => {
      process.exit(error.exitCode === 0 ? 0 : EXIT_CODES.error);
    })
    .hook('preAction', async (command, actionCommand) => {
      const global = command.opts() as { backend?: BackendName; quiet?: boolean };
      setOutputMode({ quiet: global.quiet, json: (actionCommand.opts() as { json?: boolean }).json });
      enableRelaxedSimd(); // the packed matMul's FMA micro-kernel on Node 20 (a V8 flag)
      await initBackend(global.backend);
      info(`backend: ${activeBackend()}`);
    });
  addTrainCommand(program);
  addModelCommands(program);
  addLabCommand(program);
  addPerturbedCommand(program);
  addSortCommand(program);
  await program.parseAsync(argv);
}

main(process.argv).catch((error: Error) => {
  console.error(`gumbel: error: ${error.message}`);
  process.exit(EXIT_CODES.error);
});
