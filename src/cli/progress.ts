import { SingleBar } from 'cli-progress';
import { info, quietOutput } from './output.js';

/**
 * Shows the progress of a long wait (evaluation, the lab): a cli-progress bar on a terminal, plain
 * lines at every tenth of the way when the output is a file or a pipe (logs stay readable and
 * tests can check them). The library reports progress through `onProgress(done, total)` callbacks;
 * this is the CLI's side of them.
 */
export interface ProgressReporter {
  /** Pass as the library's `onProgress`: `done` units of `total`. */
  update: (done: number, total: number) => void;
  /** Prints an info line (on a terminal, the bar's line is cleared first and redrawn later). */
  log: (line: string) => void;
  /** Ends the bar (call once, also after errors). */
  stop: () => void;
}

/**
 * A progress reporter labelled `label` (e.g. "evaluating"), drawing on `stream` (default stderr,
 * so stdout keeps only results). With `--quiet` it shows nothing.
 */
export function progressReporter(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressReporter {
  if (quietOutput()) return { update: () => {}, log: () => {}, stop: () => {} };
  if (stream.isTTY) {
    // A SingleBar redraws inside update() itself, so it moves during synchronous work too (a
    // MultiBar only redraws on a timer, which a synchronous evaluation never lets run).
    const bar = new SingleBar({
      format: `${label} {bar} {percentage}% | {value}/{total} | ETA {eta_formatted}`,
      stream,
      etaBuffer: 50,
    });
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          started = true;
          bar.start(total, done);
        } else {
          bar.setTotal(total);
          bar.update(done);
        }
      },
      log(line) {
        if (started) stream.write('\r\x1b[K'); // clear the bar's line; the next update redraws it
        info(line);
      },
      stop: () => bar.stop(),
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
    log: info,
    stop: () => {},
  };
}
