import { MultiBar, type SingleBar } from 'cli-progress';

/**
 * Shows the progress of a long wait (evaluation, the lab): a cli-progress bar on a terminal, plain
 * lines at every tenth of the way when the output is a file or a pipe (logs stay readable and
 * tests can check them). The library reports progress through `onProgress(done, total)` callbacks;
 * this is the CLI's side of them.
 */
export interface ProgressReporter {
  /** Pass as the library's `onProgress`: `done` units of `total`. */
  update: (done: number, total: number) => void;
  /** Prints a line: above the bar on a terminal, else on stdout. */
  log: (line: string) => void;
  /** Ends the bar (call once, also after errors). */
  stop: () => void;
}

/**
 * A progress reporter labelled `label` (e.g. "evaluating"), drawing on `stream` (default stderr,
 * so stdout keeps only results).
 */
export function progressReporter(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressReporter {
  if (stream.isTTY) {
    const bars = new MultiBar({
      format: `${label} {bar} {percentage}% | {value}/{total} | ETA {eta_formatted}`,
      stream,
      etaBuffer: 50,
      hideCursor: true,
    });
    let bar: SingleBar | undefined;
    return {
      update(done, total) {
        if (!bar) bar = bars.create(total, done);
        else {
          bar.setTotal(total);
          bar.update(done);
        }
      },
      log: (line) => bars.log(`${line}\n`),
      stop: () => bars.stop(),
    };
  }
  let shownTenths = -1;
  return {
    update(done, total) {
      const tenths = total > 0 ? Math.floor((10 * done) / total) : 10;
      if (tenths <= shownTenths) return;
      shownTenths = tenths;
      stream.write(`${label}: ${Math.round((100 * done) / Math.max(total, 1))}% (${done}/${total})\n`);
    },
    log: (line) => console.log(line),
    stop: () => {},
  };
}
