import { formatMeasure, type LabCell, type LabResult, labSeries } from 'gumbel-softmax';
import { type ChartSeries, powerTicks, seriesChart, tickText } from '../charts/seriesChart.js';
import { element, numberField } from '../dom.js';
import { fieldMessage, readInteger } from '../fieldCheck.js';
import { bindJob, jobControls } from '../worker/jobControls.js';
import { startJob } from '../worker/workerClient.js';

/** τ values measured (the CLI's defaults without 1.5). */
const TEMPERATURES = [0.1, 0.25, 0.5, 1, 2, 3];
const PROBLEMS = [
  { name: 'quadratic', text: 'quadratic: E‖z − t‖², one categorical of 8' },
  { name: 'bernoulli', text: 'Bernoulli toy: Σ E(b − 0.45)², 4 bits (Tucker et al.)' },
] as const;
const MAX_ESTIMATES = 5000;

/** `labSeries` reads only the cells, so a run in progress is drawn from the cells it has. */
const cellsOnly = (cells: LabCell[]) => ({ cells }) as Pick<LabResult, 'cells'> as LabResult;

/** Bias and variance against τ for one problem, log-log, one line per estimator. */
function problemCharts(cells: LabCell[], problem: string): HTMLElement {
  const charts = (['bias', 'variance'] as const).map((measure) => {
    const withoutTemperature = new Set(cells.filter((c) => c.temperature === null).map((c) => c.estimator));
    const series: ChartSeries[] = labSeries(cellsOnly(cells), problem, measure).map((line) => ({
      name: withoutTemperature.has(line.name) ? `${line.name} (no τ)` : line.name,
      points: line.points,
      dashed: withoutTemperature.has(line.name),
    }));
    const ys = series.flatMap((line) => line.points.map(([, value]) => value)).filter(Number.isFinite);
    const title = measure === 'bias' ? 'bias ‖E ĝ − ∇‖' : 'variance E‖ĝ − E ĝ‖²';
    return element('div', { class: 'lab-chart', 'data-problem': problem, 'data-measure': measure }, [
      element('p', { class: 'chart-title' }, [`${problem}: ${title}`]),
      seriesChart({
        series,
        label: `${problem}, ${title} against the temperature τ, both on log scales, ${series.length} estimators`,
        xLabel: 'temperature τ (log scale)',
        yLabel: `${measure} (log scale)`,
        xTicks: TEMPERATURES.map((t) => ({ value: Math.log10(t), text: tickText(t) })),
        yTicks: ys.length > 0 ? powerTicks(Math.min(...ys), Math.max(...ys)) : [],
      }),
    ]);
  });
  return element('div', { class: 'two-columns' }, charts);
}

/**
 * Section "The lab, live": the library's `runLab` in a Web Worker, measuring the estimators'
 * bias and variance against the exact gradient over τ; the charts fill in cell by cell.
 */
export function mountLab(section: HTMLElement, body: HTMLElement): void {
  const estimates = numberField('Estimates per cell', {
    min: 10,
    max: MAX_ESTIMATES,
    step: 10,
    value: 300,
    id: 'lab-estimates',
    'aria-describedby': 'lab-estimates-message',
  });
  const estimatesMessage = fieldMessage('lab-estimates-message', () => [estimates.input]);
  let estimateCount = 300;
  estimates.input.addEventListener('input', () => {
    estimateCount =
      readInteger(estimates.input, estimatesMessage, 10, MAX_ESTIMATES, 'estimates') ?? estimateCount;
  });
  const problemInputs = PROBLEMS.map((problem) =>
    element('input', { type: 'checkbox', name: 'lab-problem', value: problem.name, checked: true }),
  );
  const problems = element('fieldset', { class: 'inline-choices' }, [
    element('legend', {}, ['Problems']),
    ...PROBLEMS.map((problem, i) => element('label', {}, [problemInputs[i], problem.text])),
  ]);
  const controls = jobControls('lab', 'Run the lab', 'Lab progress');
  const { run, stop, progress, status } = controls;
  const charts = element('div', { id: 'lab-charts' });
  body.append(
    element('div', { class: 'controls' }, [estimates.label, problems, run, stop]),
    estimatesMessage.element,
    progress,
    status,
    charts,
  );
  let cells: LabCell[] = [];
  let names: string[] = [];
  let drawPending = false;
  const draw = () => {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => {
      drawPending = false;
      charts.replaceChildren(...names.map((name) => problemCharts(cells, name)));
    });
  };
  const showResult = (result: LabResult) => {
    cells = result.cells;
    const norms = result.problems.map(
      (problem) => `${problem.name} ‖∇‖ = ${formatMeasure(problem.exactGradientNorm)}`,
    );
    charts.dataset.norms = norms.join('; ');
    // The numbers behind the charts, for tests and curious readers.
    charts.dataset.cells = JSON.stringify(
      cells.map(({ problem, estimator, temperature, bias, variance }) => ({
        problem,
        estimator,
        temperature,
        bias,
        variance,
      })),
    );
    draw();
  };
  bindJob(section, controls, () => {
    names = PROBLEMS.filter((_, i) => problemInputs[i].checked).map((problem) => problem.name);
    if (names.length === 0) {
      status.textContent = 'Pick at least one problem.';
      return undefined;
    }
    cells = [];
    status.textContent = 'Starting the worker…';
    let backend = '';
    const job = startJob(
      {
        kind: 'lab',
        problems: names as LabJobProblem[],
        estimates: estimateCount,
        temperatures: TEMPERATURES,
        seed: 1,
      },
      (reply) => {
        if (reply.kind === 'ready') backend = `${reply.backend} (${reply.note})`;
        if (reply.kind === 'progress') {
          progress.value = reply.done / reply.total;
          status.textContent = `${reply.done.toLocaleString('en')} of ${reply.total.toLocaleString('en')} estimates, in a Web Worker on ${backend}.`;
        }
        if (reply.kind === 'lab-cell') {
          cells.push(reply.cell);
          draw();
        }
        if (reply.kind === 'lab-result') showResult(reply.result);
      },
    );
    return { job, summary: (note: string) => `Done: ${note} Exact gradients: ${charts.dataset.norms}.` };
  });
}

type LabJobProblem = (typeof PROBLEMS)[number]['name'];
