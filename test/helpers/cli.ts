import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';

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

/** A `gumbel` process started in the background, with its output collected as it comes. */
export interface RunningGumbel {
  child: ChildProcessWithoutNullStreams;
  /** stdout and stderr so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when the process has exited. */
  exited: Promise<CliResult>;
}

/** Starts `gumbel` from the sources (through tsx) on wasm without waiting for it. */
export function startGumbel(...args: string[]): RunningGumbel {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: repositoryRoot,
    env: { ...process.env, GUMBEL_BACKEND: 'wasm' },
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => {
    output.stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output.stderr += chunk;
  });
  const exited = new Promise<CliResult>((resolve) =>
    child.on('close', (status, signal) =>
      resolve({ status: status ?? (signal ? -1 : null), stdout: output.stdout, stderr: output.stderr }),
    ),
  );
  return {
    child,
    get stdout() {
      return output.stdout;
    },
    get stderr() {
      return output.stderr;
    },
    exited,
  };
}
