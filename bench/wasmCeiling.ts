/**
 * The WebAssembly f32x4 ceiling of this machine, as `npm run bench` reports it: a hand-written loop
 * of 10 independent chains, accumulators held in locals, each step c_i ← c_i + x_i·y on four lanes
 * — once with f32x4.mul + f32x4.add and once with f32x4.relaxed_madd (where relaxed SIMD
 * validates). Like the matMul micro-kernel, the products do not depend on the accumulators and
 * their operands come from (L1-resident) memory: ten different x_i, so the engine cannot merge
 * the products into one. Ten, not twelve: x64 V8 allocates 15 of the 16 xmm registers, and with 12
 * accumulators, y and the two product temporaries its mul+add code spilled one accumulator to the
 * stack (a store-to-load chain every step: the measured "ceiling" fell to a quarter). Ten chains
 * still cover the latency: 2 FMA pipes × 4 cycles = 8 in flight.
 */
import wabt from 'wabt';
import { type Timing, timedRotated } from './timing.js';

const CHAINS = 10;
/** Floating-point operations of one loop step: 12 chains × 4 lanes × (one multiply + one add). */
const FLOPS_PER_STEP = CHAINS * 4 * 2;
const STEPS = 2_000_000;

function ceilingWat(fused: boolean): string {
  const chains = Array.from({ length: CHAINS }, (_, i) => `$c${i}`);
  // x_i = 2⁻²⁴·(i + 1) at byte 16·i: the sums stay far from overflow and the products normal.
  const operand = (i: number) => `(v128.load offset=${16 * i} (i32.const 0))`;
  const step = (c: string, i: number) =>
    fused
      ? `(local.set ${c} (f32x4.relaxed_madd ${operand(i)} (local.get $y) (local.get ${c})))`
      : `(local.set ${c} (f32x4.add (local.get ${c}) (f32x4.mul ${operand(i)} (local.get $y))))`;
  return `(module
  (memory 1)
  (func (export "run") (param $steps i32) (param $scale f32) (result f32)
    (local $y v128) (local $i i32) ${chains.map((c) => `(local ${c} v128)`).join(' ')}
    (local.set $y (f32x4.splat (local.get $scale)))
    (loop $fill
      (f32.store (local.get $i) (f32.mul (f32.const 5.9604645e-8)
        (f32.convert_i32_u (i32.add (i32.shr_u (local.get $i) (i32.const 4)) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const ${16 * CHAINS}))))
    (loop $steps
      ${chains.map(step).join('\n      ')}
      (local.set $steps (i32.sub (local.get $steps) (i32.const 1)))
      (br_if $steps (local.get $steps)))
    ;; The sum of every chain, so no chain is dead code.
    (f32x4.extract_lane 0 ${chains.reduce((sum, c) => `(f32x4.add ${sum} (local.get ${c}))`, '(local.get $y)')})))
`;
}

async function compiled(fused: boolean): Promise<((steps: number, scale: number) => number) | null> {
  const toolkit = await wabt();
  const parsed = toolkit.parseWat('ceiling.wat', ceilingWat(fused), { simd: true, relaxed_simd: fused });
  parsed.validate();
  const { buffer } = parsed.toBinary({});
  parsed.destroy();
  const binary = new Uint8Array(buffer);
  if (!WebAssembly.validate(binary)) return null;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(binary));
  return instance.exports.run as (steps: number, scale: number) => number;
}

/** Timings of the two loops (fma undefined where relaxed SIMD does not validate) and their flops. */
export async function wasmCeiling(
  repeats: number,
): Promise<{ chains: number; flops: number; mulAdd: Timing; fma?: Timing }> {
  const loops = [await compiled(false), await compiled(true)];
  const runs = loops.filter((loop) => loop !== null).map((loop) => () => void loop(STEPS, 1));
  const [mulAdd, fma] = timedRotated(runs, repeats);
  return { chains: CHAINS, flops: FLOPS_PER_STEP * STEPS, mulAdd, fma };
}
