import { type ChartSeries, linearTicks, seriesChart, tickText } from '../charts/seriesChart.js';
import { element, formatNumber, numberField } from '../dom.js';
import { fieldMessage, readInteger } from '../fieldCheck.js';
import { reportError } from '../renderLoop.js';
import { digitCanvas, drawDigit } from '../vae/digitCanvas.js';
import { loadDigits, PIXELS } from '../vae/digits.js';
import { bindJob, jobControls } from '../worker/jobControls.js';
import type { BoundPoint } from '../worker/protocol.js';
import { startJob } from '../worker/workerClient.js';

/** The numbers of importance samples m on the curve. */
export const SAMPLE_COUNTS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
/** Fewest independent bounds averaged at any m. */
const MIN_GROUPS = 4;
const MAX_BUDGET = 20_000;

/** The −ELBO line, the IW curve, and the gap between them, over log₁₀ m. */
function evaluationChart(negativeElbo: number | undefined, points: BoundPoint[]): HTMLElement {
  const xs = SAMPLE_COUNTS.map(Math.log10);
  const curve: [number, number][] = points.map((point) => [Math.log10(point.samples), point.bound]);
  const series: ChartSeries[] = [
    { name: 'importance-weighted bound −log((1/m) Σ p(x, zᵢ)/q(zᵢ|x))', points: curve, color: '#0072B2' },
  ];
  const elboLine: [number, number][] =
    negativeElbo === undefined ? [] : [xs[0], xs[xs.length - 1]].map((x) => [x, negativeElbo]);
  if (negativeElbo !== undefined) {
    series.push({ name: 'one-sample −ELBO (its mean)', points: elboLine, dashed: true, color: '#D55E00' });
  }
  const ys = [...curve.map(([, y]) => y), ...(negativeElbo === undefined ? [] : [negativeElbo])];
  const low = ys.length > 0 ? Math.min(...ys) : 0;
  const high = ys.length > 0 ? Math.max(...ys) : 1;
  const last = points[points.length - 1];
  return seriesChart({
    series,
    label:
      `The importance-weighted bound against m on a log scale, ${points.length} points` +
      (last === undefined ? '' : `, ${formatNumber(last.bound, 1)} nats at m = ${last.samples}`) +
      (negativeElbo === undefined ? '' : `; the −ELBO is ${formatNumber(negativeElbo, 1)} nats`),
    xLabel: 'importance samples m (log scale)',
    yLabel: 'nats',
    xTicks: SAMPLE_COUNTS.filter((m) => [1, 10, 100, 1000].includes(m)).map((m) => ({
      value: Math.log10(m),
      text: tickText(m),
    })),
    yTicks: linearTicks(low - 1, high + 1, 5),
    band:
      negativeElbo === undefined || curve.length < 2
        ? undefined
        : { upper: curve.map(([x]) => [x, negativeElbo]), lower: curve, name: 'the gap the bound closes' },
  });
}

/**
 * Section "Hard to evaluate": for a test digit, the one-sample −ELBO and the importance-weighted
 * bound as m grows from 1 to 1,000, computed in a Web Worker with the library's
 * `discreteNegativeElbo` and `importanceWeightedNll` on the shipped model.
 */
export async function mountEvaluation(section: HTMLElement, body: HTMLElement): Promise<void> {
  let testDigits: { images: Float32Array; count: number };
  try {
    testDigits = await loadDigits('data/digits-test.bin');
  } catch (error) {
    section.dataset.busy = 'false';
    reportError(section, error);
    return;
  }
  const digitField = numberField('Test digit', {
    min: 1,
    max: testDigits.count,
    step: 1,
    value: 1,
    id: 'evaluation-digit',
    'aria-describedby': 'evaluation-digit-message',
  });
  const budgetField = numberField('Samples per point', {
    min: 100,
    max: MAX_BUDGET,
    step: 100,
    value: 1000,
    id: 'evaluation-budget',
    'aria-describedby': 'evaluation-budget-message',
  });
  const digitMessage = fieldMessage('evaluation-digit-message', () => [digitField.input]);
  const budgetMessage = fieldMessage('evaluation-budget-message', () => [budgetField.input]);
  let digitIndex = 0;
  let budget = 1000;
  const digitCanvasElement = digitCanvas('evaluation-input', 'The test digit evaluated', true);
  const showDigit = () =>
    drawDigit(digitCanvasElement, testDigits.images.subarray(digitIndex * PIXELS, (digitIndex + 1) * PIXELS));
  digitField.input.addEventListener('input', () => {
    const read = readInteger(digitField.input, digitMessage, 1, testDigits.count, 'the digit');
    if (read === undefined) return;
    digitIndex = read - 1;
    showDigit();
  });
  budgetField.input.addEventListener('input', () => {
    budget = readInteger(budgetField.input, budgetMessage, 100, MAX_BUDGET, 'samples per point') ?? budget;
  });
  const controls = jobControls('evaluation', 'Compute the bounds', 'Evaluation progress');
  const { run, stop, progress, status } = controls;
  const chart = element('div', { id: 'evaluation-chart' }, [evaluationChart(undefined, [])]);
  body.append(
    element('div', { class: 'controls' }, [
      element('figure', {}, [digitCanvasElement, element('figcaption', {}, ['Test digit'])]),
      digitField.label,
      budgetField.label,
      run,
      stop,
    ]),
    digitMessage.element,
    budgetMessage.element,
    progress,
    status,
    chart,
  );
  showDigit();
  bindJob(section, controls, () => {
    let negativeElbo: number | undefined;
    const points: BoundPoint[] = [];
    status.textContent = 'Starting the worker…';
    const redraw = () => {
      chart.replaceChildren(evaluationChart(negativeElbo, points));
      chart.dataset.negativeElbo = String(negativeElbo ?? '');
      chart.dataset.bounds = JSON.stringify(points);
    };
    const image = testDigits.images.slice(digitIndex * PIXELS, (digitIndex + 1) * PIXELS);
    const job = startJob(
      {
        kind: 'evaluate',
        modelUrl: new URL('model/model.json', document.baseURI).href,
        image,
        sampleCounts: SAMPLE_COUNTS,
        budget,
        minGroups: MIN_GROUPS,
        seed: 1,
      },
      (reply) => {
        if (reply.kind === 'progress') progress.value = reply.done / reply.total;
        if (reply.kind === 'elbo') negativeElbo = reply.negativeElbo;
        if (reply.kind === 'bound') points.push(reply.point);
        if (reply.kind === 'elbo' || reply.kind === 'bound') redraw();
        if (reply.kind === 'ready')
          status.textContent = `Computing in a Web Worker on ${reply.backend} (${reply.note})…`;
      },
      [image.buffer],
    );
    const summary = (note: string) => {
      const last = points[points.length - 1];
      const bound = last?.bound ?? Number.NaN;
      const gap = (negativeElbo ?? Number.NaN) - bound;
      return (
        `−ELBO ${formatNumber(negativeElbo ?? Number.NaN, 1)} nats; the bound at m = ${last?.samples}: ` +
        `${formatNumber(bound, 1)} nats, so −log p(x) ≤ ${formatNumber(bound, 1)} (in expectation) and ` +
        `the ELBO misses it by at least ${formatNumber(gap, 1)} nats. ${note}`
      );
    };
    return { job, summary };
  });
}
