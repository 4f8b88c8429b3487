/**
 * Where the `gumbel` command writes, so a script can rely on it:
 * - results (a table, a summary, eval's JSON) go to stdout;
 * - info lines (the backend, what is being trained, "wrote …") go to stdout too, unless `--json`
 *   (then stderr, so stdout is one JSON document) or `--quiet` (then nowhere);
 * - progress bars go to stderr, never with `--quiet`;
 * - errors go to stderr as one line.
 */
import { SingleBar } from 'cli-progress';

/** How the running command was asked to talk. */
export interface OutputMode {
  /** No progress bars and no info lines; results and errors only. */
  quiet: boolean;
  /** stdout holds exactly one JSON document (info lines move to stderr). */
  json: boolean;
}

const mode: OutputMode = { quiet: false, json: false };

/** Sets the mode from the parsed flags (the CLI's preAction hook does, before any command runs). */
export function setOutputMode(flags: Partial<OutputMode>): void {
  mode.quiet = flags.quiet ?? false;
  mode.json = flags.json ?? false;
}

/** Whether `--quiet` asked for results and errors only. */
export function quietOutput(): boolean {
  return mode.quiet;
}

/** Whether results should be printed as JSON. */
export function jsonOutput(): boolean {
  return mode.json;
}

/** An info line: stdout normally, stderr with `--json`, nowhere with `--quiet`. */
export function info(line: string): void {
  if (mode.quiet) return;
  if (mode.json) console.error(line);
  else console.log(line);
}

/** A result: always on stdout (a value as pretty JSON). */
export function result(value: string | object): void {
  console.log(typeof value === 'string' ? value : JSON.stringify(value, null, 2));
}

/** The part of a cli-progress bar the commands use. */
export interface Progress {
  start(total: number, value: number, payload?: object): void;
  update(value: number, payload?: object): void;
  setTotal(total: number): void;
  stop(): void;
}

const SILENT: Progress = { start() {}, update() {}, setTotal() {}, stop() {} };

/** A progress bar on stderr; with `--quiet`, one that draws nothing. */
export function progressBar(format: string, options: { etaBuffer?: number } = {}): Progress {
  if (mode.quiet) return SILENT;
  return new SingleBar({ format, noTTYOutput: true, notTTYSchedule: 10_000, ...options });
}
