/**
 * The main table of `npm run bench`: each work's time here, with the fused kernels off, in jax-js,
 * and in PyTorch on 1 and on 2 threads, and our time's ratio to each (> 1: we are slower).
 */
import type { Timing } from './timing.js';

/** One row: what was timed and each side's timing where it ran. */
export interface StoryRow {
  work: string;
  ours: Timing;
  /** Ours with the fused cpu/wasm kernels off (the composed TF.js ops). */
  composed?: Timing;
  jax?: Timing;
  /** Ours timed in the same rotated rounds as `jax`: the ratio ours/jax-js is taken from this pair. */
  oursBesideJax?: Timing;
  torch?: Timing;
  torchTwoThreads?: Timing;
}

/** "median (fastest; CPU median)" in ms, the CPU part where measured; "—" where not run. */
export function timingCell(t?: Timing): string {
  if (!t) return '—';
  const cpu = t.cpu ? `; CPU ${t.cpu.median.toFixed(2)}` : '';
  return `${t.median.toFixed(2)} (${t.min.toFixed(2)}${cpu})`;
}

/** Median over median; empty where either side did not run. */
const ratio = (ours: Timing, theirs?: Timing) => (theirs ? (ours.median / theirs.median).toFixed(2) : '');

/** The table's lines; `torchVersion` names PyTorch in the header. */
export function storyTable(rows: StoryRow[], backend: string, torchVersion = ''): string[] {
  return [
    'ms per call: median (fastest; median process CPU time where measured); ratios of medians, > 1: ours slower;',
    'ours/jax-js from a separate measurement that rotates ours and jax-js round by round (ours there in brackets)',
    '',
    `| work | ours (tfjs ${backend}) | ours, fused kernels off | jax-js (wasm, 1 thread) | PyTorch ${torchVersion} 1 thread | PyTorch 2 threads | ours/jax-js | ours/PyTorch 1 thread | ours/PyTorch 2 threads |`,
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.work} | ${timingCell(r.ours)} | ${timingCell(r.composed)} | ${timingCell(r.jax)} | ${timingCell(r.torch)} | ${timingCell(r.torchTwoThreads)} | ${r.oursBesideJax && r.jax ? `${ratio(r.oursBesideJax, r.jax)} (${r.oursBesideJax.median.toFixed(2)})` : ''} | ${ratio(r.ours, r.torch)} | ${ratio(r.ours, r.torchTwoThreads)} |`,
    ),
  ];
}
