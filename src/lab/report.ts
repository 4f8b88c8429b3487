/**
 * The lab's results as a Markdown table and as plot series (bias and variance against τ, one line
 * per estimator). Pure functions; `output.ts` writes the files.
 */
import type { LineSeries } from '../viz/plotLayout.js';
import type { LabCell, LabResult } from './runner.js';

/** A number in 3 significant digits, switching to exponent notation for very large or small values. */
export function formatMeasure(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5)) return value.toExponential(2);
  return value.toPrecision(3);
}

/**
 * One Markdown table per problem: estimator (with the law whose exact gradient it is measured
 * against, where the problem has several), τ, bias (± its Monte-Carlo standard error), variance,
 * cosine to the exact gradient, milliseconds per estimate. `temperatures` keeps only those τ
 * (τ-free estimators always appear).
 */
export function labTable(result: LabResult, temperatures?: number[]): string {
  const sections: string[] = [];
  for (const problem of result.problems) {
    const rows = result.cells.filter(
      (cell) =>
        cell.problem === problem.name &&
        (cell.temperature === null || temperatures === undefined || temperatures.includes(cell.temperature)),
    );
    sections.push(
      [
        `**${problem.name}**: ${problem.description}; ‖∇‖ = ${formatMeasure(problem.exactGradientNorm)}, ${rows[0]?.estimates ?? 0} estimates per row`,
        '',
        '| estimator | τ | bias ‖E ĝ − ∇‖ | ± s.e. | variance E‖ĝ − E ĝ‖² | cosine | ms / estimate |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
        ...rows
          .map((cell) =>
            [
              cell.reference === undefined ? cell.estimator : `${cell.estimator} (vs ${cell.reference})`,
              cell.temperature === null ? '–' : String(cell.temperature),
              formatMeasure(cell.bias),
              formatMeasure(cell.biasStandardError),
              formatMeasure(cell.variance),
              cell.cosine.toFixed(3),
              cell.millisecondsPerEstimate.toFixed(2),
            ].join(' | '),
          )
          .map((row) => `| ${row} |`),
      ].join('\n'),
    );
  }
  return sections.join('\n\n');
}

/**
 * The series of one problem's plot of `measure` against log₁₀ τ, log₁₀ of the value, one line per
 * estimator; a τ-free estimator is a flat line across the temperatures measured.
 */
export function labSeries(result: LabResult, problem: string, measure: 'bias' | 'variance'): LineSeries[] {
  const cells = result.cells.filter((cell) => cell.problem === problem);
  const temperatures = [
    ...new Set(cells.flatMap((cell) => (cell.temperature === null ? [] : [cell.temperature]))),
  ];
  const span = temperatures.length > 0 ? [Math.min(...temperatures), Math.max(...temperatures)] : [1, 1];
  const byEstimator = new Map<string, LabCell[]>();
  for (const cell of cells)
    byEstimator.set(cell.estimator, [...(byEstimator.get(cell.estimator) ?? []), cell]);
  return [...byEstimator].map(([name, rows]) => ({
    name,
    points: rows.flatMap((cell) =>
      (cell.temperature === null ? span : [cell.temperature]).map(
        (temperature) => [Math.log10(temperature), Math.log10(cell[measure])] as [number, number],
      ),
    ),
  }));
}
