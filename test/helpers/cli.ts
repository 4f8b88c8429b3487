import { spawnSync } from 'node:child_process';

/** The repository root, where the CLI tests run `gumbel`. */
export const repositoryRoot = new URL('../../', import.meta.url).pathname;

/** What a `gumbel` run returned. */
export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the `gumbel` command from the sources (through tsx) on wasm and returns its exit code and output. */
export function gumbel(...args: string[]): CliResult {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: repositoryRoot,
    encoding: 'utf8',
    env: { ...process.env, GUMBEL_BACKEND: 'wasm' },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
