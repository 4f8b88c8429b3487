import { element } from '../dom.js';
import { reportError } from '../renderLoop.js';
import type { RunningJob } from './workerClient.js';

/** A Run and a Stop button, a progress bar and a status line for a job in a worker. */
export interface JobControls {
  run: HTMLButtonElement;
  stop: HTMLButtonElement;
  progress: HTMLProgressElement;
  status: HTMLElement;
}

/** The controls, with ids `<prefix>-run`, `-stop`, `-progress`, `-status`. */
export function jobControls(prefix: string, runText: string, progressLabel: string): JobControls {
  return {
    run: element('button', { type: 'button', id: `${prefix}-run` }, [runText]),
    stop: element('button', { type: 'button', id: `${prefix}-stop`, class: 'secondary', disabled: true }, [
      'Stop',
    ]),
    progress: element('progress', {
      id: `${prefix}-progress`,
      max: 1,
      value: 0,
      'aria-label': progressLabel,
    }),
    status: element('p', { class: 'status stat', id: `${prefix}-status`, role: 'status' }, [
      `Press "${runText}": a few seconds with the defaults.`,
    ]),
  };
}

/**
 * Wires the controls to a job. Run calls `launch`, which starts the job (or returns undefined when
 * it cannot) and says what to write when it finishes; Stop ends the worker. While the job runs the
 * section is `data-busy="true"`; its `data-state` is `running`, then `done` or `stopped`, and
 * `data-renders` counts finished runs, so tests can wait for it.
 */
export function bindJob(
  section: HTMLElement,
  controls: JobControls,
  launch: () => { job: RunningJob; summary: (note: string) => string } | undefined,
): void {
  const { run, stop, progress, status } = controls;
  let running: RunningJob | undefined;
  const start = async () => {
    const started = launch();
    if (started === undefined) return;
    running = started.job;
    run.disabled = true;
    stop.disabled = false;
    section.dataset.busy = 'true';
    section.dataset.state = 'running';
    progress.value = 0;
    try {
      status.textContent = started.summary(await started.job.finished);
      section.dataset.state = 'done';
    } catch (error) {
      section.dataset.state = 'stopped';
      if (error instanceof Error && error.message === 'stopped') status.textContent = 'Stopped.';
      else throw error;
    } finally {
      running = undefined;
      run.disabled = false;
      stop.disabled = true;
      section.dataset.busy = 'false';
      section.dataset.renders = String(Number(section.dataset.renders ?? 0) + 1);
    }
  };
  run.addEventListener('click', () => {
    if (running === undefined) start().catch((error) => reportError(section, error));
  });
  stop.addEventListener('click', () => running?.terminate());
  section.dataset.busy = 'false';
}
