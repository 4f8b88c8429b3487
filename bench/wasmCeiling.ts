/**
 * The WebAssembly f32x4 ceiling of this machine, as `npm run bench` reports it: a hand-written loop
 * of 12 independent chains held in locals, each step c ← c·x + y on four lanes, once with
 * f32x4.mul + f32x4.add and once with f32x4.relaxed_madd (where relaxed SIMD validates). Each chain
 * multiplies its own accumulator, so the engine cannot merge the twelve products into one, and the
 * chains approach the fixed point y / (1 − x) = 1: no overflow, no subnormals.
 */
import wabt from 'wabt';
import { type Timing, timedRotated } from './timing.js';

const CHAINS = 12;
/** Floating-point operations of one loop step: 12 chains × 4 lanes × (one multiply + one add). */
const FLOPS_PER_STEP = CHAINS * 4 * 2;
const STEPS = 2_000_000;

function ceilingWat(fused: boolean): string {
  const chains = Array.from({ length: CHAINS }, (_, i) => `$c${i}`);
  const step = (c: string) =>
    fused
      ? `(local.set ${c} (f32x4.relaxed_madd (local.get ${c}) (local.get $x) (local.get $y)))`
      : `(local.set ${c} (f32x4.add (f32x4.mul (local.get ${c}) (local.get $x)) (local.get $y)))`;
  return `(module
  (func (export "run") (param $steps i32) (result f32)
    (local $x v128) (local $y v128) ${chains.map((c) => `(local ${c} v128)`).join(' ')}
    (local.set $x (f32x4.splat (f32.const 0.999999)))
    (local.set $y (f32x4.splat (f32.const 0.000001)))
    ${chains.map((c, i) => `(local.set ${c} (f32x4.splat (f32.const ${i / CHAINS})))`).join('\n    ')}
    (loop $steps
      ${chains.map(step).join('\n      ')}
      (local.set $steps (i32.sub (local.get $steps) (i32.const 1)))
      (br_if $steps (local.get $steps)))
    ;; The sum of every lane of every chain, so no chain is dead code.
    (f32x4.extract_lane 0 ${chains.reduce((sum, c) => `(f32x4.add ${sum} (local.get ${c}))`, '(local.get $x)')})))
`;
}

async function compiled(fused: boolean): Promise<((steps: number) => number) | null> {
  const toolkit = await wabt();
  const parsed = toolkit.parseWat('ceiling.wat', ceilingWat(fused), { simd: true, relaxed_simd: fused });
  parsed.validate();
  const { buffer } = parsed.toBinary({});
  parsed.destroy();
  const binary = new Uint8Array(buffer);
  if (!WebAssembly.validate(binary)) return null;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(binary));
  return instance.exports.run as (steps: number) => number;
}

/** Timings of the two loops (fma undefined where relaxed SIMD does not validate) and their flops. */
export async function wasmCeiling(repeats: number): Promise<{ flops: number; mulAdd: Timing; fma?: Timing }> {
  const loops = [await compiled(false), await compiled(true)];
  const runs = loops.filter((loop) => loop !== null).map((loop) => () => void loop(STEPS));
  const [mulAdd, fma] = timedRotated(runs, repeats);
  return { flops: FLOPS_PER_STEP * STEPS, mulAdd, fma };
}
