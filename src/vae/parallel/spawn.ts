import { Worker } from 'node:worker_threads';
import type { WorkerSetup } from './protocol.js';

/**
 * Starts a training worker on the entry point beside this module: worker.js when running from the
 * build, worker.ts when running from the TypeScript sources (tests, `tsx`). Node 20 does not apply
 * `--import tsx` from a worker's `execArgv` to the worker's entry point, so for the sources a
 * one-line script registers tsx's loader in the worker first and then imports the entry point.
 */
export function spawnWorker(setup: WorkerSetup): Worker {
  const fromSources = new URL(import.meta.url).pathname.endsWith('.ts');
  const entry = new URL(fromSources ? './worker.ts' : './worker.js', import.meta.url);
  if (!fromSources) return new Worker(entry, { workerData: setup });
  const tsx = import.meta.resolve('tsx/esm/api');
  const script = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(script, { eval: true, workerData: setup, execArgv: [] });
}
