;; Fused kernels of gumbel-softmax, compiled to WebAssembly by `npm run build:kernels`
;; (scripts/buildKernels.ts writes gumbelKernelsWasm.ts). The module imports its memory, so the same
;; code runs on a memory of its own (the cpu backend, noise arrays) or directly on the memory of
;; TF.js's wasm backend, where tensors live: pointers are byte offsets into that memory, 0 = absent.
;;
;; Noise: word i of a Philox-4x32-10 stream (key, position) is word i % 4 of the block with counter
;; [position + i / 4 (64-bit), 0, 0], exactly as RandomGenerator.fillUint32 draws it, and a Gumbel
;; draw is -log(-log(u)) with u = ((word >> 9) + 1/2)·2^-23, all in float32 ($gumbel4x4, $logf4x4).
(module
  (import "env" "memory" (memory 1))

  (global $key0 (mut i32) (i32.const 0))
  (global $key1 (mut i32) (i32.const 0))
  (global $position (mut i64) (i64.const 0))
  (global $cachedBlock (mut i64) (i64.const -1))
  (global $w0 (mut i32) (i32.const 0))
  (global $w1 (mut i32) (i32.const 0))
  (global $w2 (mut i32) (i32.const 0))
  (global $w3 (mut i32) (i32.const 0))

  ;; Selects the stream (key, position) that $word reads.
  (func $setStream (param $key0 i32) (param $key1 i32) (param $positionLow i32) (param $positionHigh i32)
    (global.set $key0 (local.get $key0))
    (global.set $key1 (local.get $key1))
    (global.set $position
      (i64.or
        (i64.extend_i32_u (local.get $positionLow))
        (i64.shl (i64.extend_i32_u (local.get $positionHigh)) (i64.const 32))))
    (global.set $cachedBlock (i64.const -1)))

  ;; Philox-4x32-10 of block `block` of the current stream into $w0..$w3.
  (func $philoxBlock (param $block i64)
    (local $counter i64) (local $c0 i32) (local $c1 i32) (local $c2 i32) (local $c3 i32)
    (local $k0 i32) (local $k1 i32) (local $p0 i64) (local $p1 i64) (local $round i32)
    (local.set $counter (i64.add (global.get $position) (local.get $block)))
    (local.set $c0 (i32.wrap_i64 (local.get $counter)))
    (local.set $c1 (i32.wrap_i64 (i64.shr_u (local.get $counter) (i64.const 32))))
    (local.set $k0 (global.get $key0))
    (local.set $k1 (global.get $key1))
    (loop $rounds
      (local.set $p0 (i64.mul (i64.const 0xD2511F53) (i64.extend_i32_u (local.get $c0))))
      (local.set $p1 (i64.mul (i64.const 0xCD9E8D57) (i64.extend_i32_u (local.get $c2))))
      (local.set $c0
        (i32.xor (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $p1) (i64.const 32))) (local.get $c1))
          (local.get $k0)))
      (local.set $c1 (i32.wrap_i64 (local.get $p1)))
      (local.set $c2
        (i32.xor (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $p0) (i64.const 32))) (local.get $c3))
          (local.get $k1)))
      (local.set $c3 (i32.wrap_i64 (local.get $p0)))
      (local.set $k0 (i32.add (local.get $k0) (i32.const 0x9E3779B9)))
      (local.set $k1 (i32.add (local.get $k1) (i32.const 0xBB67AE85)))
      (local.set $round (i32.add (local.get $round) (i32.const 1)))
      (br_if $rounds (i32.lt_u (local.get $round) (i32.const 10))))
    (global.set $w0 (local.get $c0))
    (global.set $w1 (local.get $c1))
    (global.set $w2 (local.get $c2))
    (global.set $w3 (local.get $c3))
    (global.set $cachedBlock (local.get $block)))

  ;; Word `index` of the current stream (the block is cached, so sequential reads cost one block per 4).
  (func $word (param $index i64) (result i32)
    (local $block i64) (local $lane i32)
    (local.set $block (i64.shr_u (local.get $index) (i64.const 2)))
    (if (i64.ne (local.get $block) (global.get $cachedBlock))
      (then (call $philoxBlock (local.get $block))))
    (local.set $lane (i32.wrap_i64 (i64.and (local.get $index) (i64.const 3))))
    (if (result i32) (i32.lt_u (local.get $lane) (i32.const 2))
      (then (select (global.get $w0) (global.get $w1) (i32.eqz (local.get $lane))))
      (else (select (global.get $w2) (global.get $w3) (i32.eq (local.get $lane) (i32.const 2))))))

;; Natural log of two positive normal doubles (an f64x2): x = 2^e·m with m in [√½, √2), log m =
  ;; 2·atanh(s) with s = (m − 1)/(m + 1), |s| ≤ 0.172, by its series to s^19 (relative error < 1e-15)
  ;; evaluated by Estrin's scheme, so the two lanes and the polynomial's halves run in parallel.
  (func $log2x (param $x v128) (result v128)
    (local $e v128) (local $m v128) (local $above v128) (local $f v128) (local $s v128)
    (local $z v128) (local $z2 v128) (local $z4 v128)
    ;; biased exponent as a double: the bits (2^52 + field) read as a double, minus 2^52 + 1023
    (local.set $e
      (f64x2.sub
        (v128.or (i64x2.shr_u (local.get $x) (i32.const 52))
          (v128.const i64x2 0x4330000000000000 0x4330000000000000))
        (v128.const f64x2 4503599627371519 4503599627371519)))
    (local.set $m
      (v128.or (v128.and (local.get $x) (v128.const i64x2 0x000FFFFFFFFFFFFF 0x000FFFFFFFFFFFFF))
        (v128.const i64x2 0x3FF0000000000000 0x3FF0000000000000)))
    (local.set $above (f64x2.gt (local.get $m) (v128.const f64x2 1.4142135623730951 1.4142135623730951)))
    (local.set $m
      (v128.bitselect (f64x2.mul (local.get $m) (v128.const f64x2 0.5 0.5)) (local.get $m) (local.get $above)))
    (local.set $e (f64x2.add (local.get $e) (v128.and (local.get $above) (v128.const f64x2 1 1))))
    (local.set $f (f64x2.sub (local.get $m) (v128.const f64x2 1 1)))
    (local.set $s (f64x2.div (local.get $f) (f64x2.add (local.get $f) (v128.const f64x2 2 2))))
    (local.set $z (f64x2.mul (local.get $s) (local.get $s)))
    (local.set $z2 (f64x2.mul (local.get $z) (local.get $z)))
    (local.set $z4 (f64x2.mul (local.get $z2) (local.get $z2)))
    (f64x2.add
      (f64x2.mul (local.get $e) (v128.const f64x2 0.6931471805599453 0.6931471805599453))
      (f64x2.mul
        (f64x2.add (local.get $s) (local.get $s))
        (f64x2.add
          (f64x2.add
            (f64x2.add (v128.const f64x2 1 1)
              (f64x2.mul (local.get $z) (v128.const f64x2 0.3333333333333333 0.3333333333333333)))
            (f64x2.mul (local.get $z2)
              (f64x2.add (v128.const f64x2 0.2 0.2)
                (f64x2.mul (local.get $z) (v128.const f64x2 0.14285714285714285 0.14285714285714285)))))
          (f64x2.mul (local.get $z4)
            (f64x2.add
              (f64x2.add
                (f64x2.add (v128.const f64x2 0.1111111111111111 0.1111111111111111)
                  (f64x2.mul (local.get $z) (v128.const f64x2 0.09090909090909091 0.09090909090909091)))
                (f64x2.mul (local.get $z2)
                  (f64x2.add (v128.const f64x2 0.07692307692307693 0.07692307692307693)
                    (f64x2.mul (local.get $z) (v128.const f64x2 0.06666666666666667 0.06666666666666667)))))
              (f64x2.mul (local.get $z4)
                (f64x2.add (v128.const f64x2 0.058823529411764705 0.058823529411764705)
                  (f64x2.mul (local.get $z) (v128.const f64x2 0.05263157894736842 0.05263157894736842))))))))))

  ;; $log2x for two f64x2 at once, statements interleaved so both chains run in parallel (fewer calls,
  ;; no spills around them): the hot path of the Gumbel noise.
  (func $log2x2 (param $xa v128) (param $xb v128) (result v128 v128)
    (local $ea v128) (local $ma v128) (local $abovea v128) (local $fa v128) (local $sa v128) (local $za v128) (local $z2a v128) (local $z4a v128) (local $eb v128) (local $mb v128) (local $aboveb v128) (local $fb v128) (local $sb v128) (local $zb v128) (local $z2b v128) (local $z4b v128)
    (local.set $ea (f64x2.sub (v128.or (i64x2.shr_u (local.get $xa) (i32.const 52)) (v128.const i64x2 0x4330000000000000 0x4330000000000000)) (v128.const f64x2 4503599627371519 4503599627371519)))
    (local.set $eb (f64x2.sub (v128.or (i64x2.shr_u (local.get $xb) (i32.const 52)) (v128.const i64x2 0x4330000000000000 0x4330000000000000)) (v128.const f64x2 4503599627371519 4503599627371519)))
    (local.set $ma (v128.or (v128.and (local.get $xa) (v128.const i64x2 0x000FFFFFFFFFFFFF 0x000FFFFFFFFFFFFF)) (v128.const i64x2 0x3FF0000000000000 0x3FF0000000000000)))
    (local.set $mb (v128.or (v128.and (local.get $xb) (v128.const i64x2 0x000FFFFFFFFFFFFF 0x000FFFFFFFFFFFFF)) (v128.const i64x2 0x3FF0000000000000 0x3FF0000000000000)))
    (local.set $abovea (f64x2.gt (local.get $ma) (v128.const f64x2 1.4142135623730951 1.4142135623730951)))
    (local.set $aboveb (f64x2.gt (local.get $mb) (v128.const f64x2 1.4142135623730951 1.4142135623730951)))
    (local.set $ma (v128.bitselect (f64x2.mul (local.get $ma) (v128.const f64x2 0.5 0.5)) (local.get $ma) (local.get $abovea)))
    (local.set $mb (v128.bitselect (f64x2.mul (local.get $mb) (v128.const f64x2 0.5 0.5)) (local.get $mb) (local.get $aboveb)))
    (local.set $ea (f64x2.add (local.get $ea) (v128.and (local.get $abovea) (v128.const f64x2 1 1))))
    (local.set $eb (f64x2.add (local.get $eb) (v128.and (local.get $aboveb) (v128.const f64x2 1 1))))
    (local.set $fa (f64x2.sub (local.get $ma) (v128.const f64x2 1 1)))
    (local.set $fb (f64x2.sub (local.get $mb) (v128.const f64x2 1 1)))
    (local.set $sa (f64x2.div (local.get $fa) (f64x2.add (local.get $fa) (v128.const f64x2 2 2))))
    (local.set $sb (f64x2.div (local.get $fb) (f64x2.add (local.get $fb) (v128.const f64x2 2 2))))
    (local.set $za (f64x2.mul (local.get $sa) (local.get $sa)))
    (local.set $zb (f64x2.mul (local.get $sb) (local.get $sb)))
    (local.set $z2a (f64x2.mul (local.get $za) (local.get $za)))
    (local.set $z2b (f64x2.mul (local.get $zb) (local.get $zb)))
    (local.set $z4a (f64x2.mul (local.get $z2a) (local.get $z2a)))
    (local.set $z4b (f64x2.mul (local.get $z2b) (local.get $z2b)))
    (f64x2.add (f64x2.mul (local.get $ea) (v128.const f64x2 0.6931471805599453 0.6931471805599453)) (f64x2.mul (f64x2.add (local.get $sa) (local.get $sa)) (f64x2.add (f64x2.add (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $za) (v128.const f64x2 0.3333333333333333 0.3333333333333333))) (f64x2.mul (local.get $z2a) (f64x2.add (v128.const f64x2 0.2 0.2) (f64x2.mul (local.get $za) (v128.const f64x2 0.14285714285714285 0.14285714285714285))))) (f64x2.mul (local.get $z4a) (f64x2.add (f64x2.add (f64x2.add (v128.const f64x2 0.1111111111111111 0.1111111111111111) (f64x2.mul (local.get $za) (v128.const f64x2 0.09090909090909091 0.09090909090909091))) (f64x2.mul (local.get $z2a) (f64x2.add (v128.const f64x2 0.07692307692307693 0.07692307692307693) (f64x2.mul (local.get $za) (v128.const f64x2 0.06666666666666667 0.06666666666666667))))) (f64x2.mul (local.get $z4a) (f64x2.add (v128.const f64x2 0.058823529411764705 0.058823529411764705) (f64x2.mul (local.get $za) (v128.const f64x2 0.05263157894736842 0.05263157894736842)))))))))
    (f64x2.add (f64x2.mul (local.get $eb) (v128.const f64x2 0.6931471805599453 0.6931471805599453)) (f64x2.mul (f64x2.add (local.get $sb) (local.get $sb)) (f64x2.add (f64x2.add (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $zb) (v128.const f64x2 0.3333333333333333 0.3333333333333333))) (f64x2.mul (local.get $z2b) (f64x2.add (v128.const f64x2 0.2 0.2) (f64x2.mul (local.get $zb) (v128.const f64x2 0.14285714285714285 0.14285714285714285))))) (f64x2.mul (local.get $z4b) (f64x2.add (f64x2.add (f64x2.add (v128.const f64x2 0.1111111111111111 0.1111111111111111) (f64x2.mul (local.get $zb) (v128.const f64x2 0.09090909090909091 0.09090909090909091))) (f64x2.mul (local.get $z2b) (f64x2.add (v128.const f64x2 0.07692307692307693 0.07692307692307693) (f64x2.mul (local.get $zb) (v128.const f64x2 0.06666666666666667 0.06666666666666667))))) (f64x2.mul (local.get $z4b) (f64x2.add (v128.const f64x2 0.058823529411764705 0.058823529411764705) (f64x2.mul (local.get $zb) (v128.const f64x2 0.05263157894736842 0.05263157894736842))))))))))

  ;; The four Gumbel draws of block `block` as an f32x4 (the single-block path of fillGumbel).
  (func $gumbelBlock (param $block i64) (result v128)
    (local $words v128)
    (call $philoxBlock (local.get $block))
    (local.set $words
      (i32x4.replace_lane 3
        (i32x4.replace_lane 2
          (i32x4.replace_lane 1 (i32x4.splat (global.get $w0)) (global.get $w1))
          (global.get $w2))
        (global.get $w3)))
    (call $gumbel4x4 (local.get $words) (local.get $words) (local.get $words) (local.get $words))
    (drop) (drop) (drop))

;; e^x for x ≤ 0 to float32 accuracy (0 below −708, NaN stays NaN): 2^n·e^r with |r| ≤ ln2/2 and
  ;; e^r by its Taylor series to r^8 (relative error < 3e-10) in Estrin's scheme; 2^n is built from
  ;; the bits of n + 1023 + 2^52 shifted into the exponent field.
  (func $exp (param $x f64) (result f64)
    (local $n f64) (local $r f64) (local $r2 f64) (local $r4 f64)
    (if (f64.lt (local.get $x) (f64.const -708)) (then (return (f64.const 0))))
    (local.set $n (f64.nearest (f64.mul (local.get $x) (f64.const 1.4426950408889634))))
    (local.set $r
      (f64.sub
        (f64.sub (local.get $x) (f64.mul (local.get $n) (f64.const 0.6931471803691238)))
        (f64.mul (local.get $n) (f64.const 1.9082149292705877e-10))))
    (local.set $r2 (f64.mul (local.get $r) (local.get $r)))
    (local.set $r4 (f64.mul (local.get $r2) (local.get $r2)))
    (f64.mul
      (f64.add
        (f64.add
          (f64.add (f64.const 1) (local.get $r))
          (f64.mul (local.get $r2)
            (f64.add (f64.const 0.5) (f64.mul (local.get $r) (f64.const 0.16666666666666666)))))
        (f64.mul (local.get $r4)
          (f64.add
            (f64.add (f64.const 0.041666666666666664) (f64.mul (local.get $r) (f64.const 0.008333333333333333)))
            (f64.mul (local.get $r2)
              (f64.add
                (f64.add (f64.const 0.001388888888888889) (f64.mul (local.get $r) (f64.const 1.984126984126984e-4)))
                (f64.mul (local.get $r2) (f64.const 2.48015873015873e-5)))))))
      (f64.reinterpret_i64
        (i64.shl
          (i64.reinterpret_f64 (f64.add (local.get $n) (f64.const 4503599627371519)))
          (i64.const 52)))))

  ;; `count` raw words of the stream (key, position) as uint32 at `out`.
  (func (export "fillWords")
    (param $out i32) (param $count i32)
    (param $key0 i32) (param $key1 i32) (param $positionLow i32) (param $positionHigh i32)
    (local $i i32)
    (call $setStream (local.get $key0) (local.get $key1) (local.get $positionLow) (local.get $positionHigh))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (i32.store
          (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (call $word (i64.extend_i32_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; Philox-4x32-10 of the four blocks first..first+3 at once, one block per lane ("structure of
  ;; arrays"): the 32×32→64-bit products come from i64x2.extmul, their high halves by a shuffle.
  ;; Returns the 16 words transposed back to block order: result j holds block first+j's 4 words.
  (func $philox4 (param $first i64) (result v128 v128 v128 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $k0 i32) (local $k1 i32)
    (local $lo0 v128) (local $lo1 v128) (local $hi0 v128) (local $hi1 v128) (local $round i32)
    (local $counter i64) (local $lane i32) (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    ;; counters: the low and high words of position + first + lane
    (local.set $counter (i64.add (global.get $position) (local.get $first)))
    (local.set $c0 (i32x4.splat (i32.wrap_i64 (local.get $counter))))
    (local.set $c1 (i32x4.splat (i32.wrap_i64 (i64.shr_u (local.get $counter) (i64.const 32)))))
    (local.set $counter (i64.add (local.get $counter) (i64.const 1)))
    (local.set $c0 (i32x4.replace_lane 1 (local.get $c0) (i32.wrap_i64 (local.get $counter))))
    (local.set $c1 (i32x4.replace_lane 1 (local.get $c1) (i32.wrap_i64 (i64.shr_u (local.get $counter) (i64.const 32)))))
    (local.set $counter (i64.add (local.get $counter) (i64.const 1)))
    (local.set $c0 (i32x4.replace_lane 2 (local.get $c0) (i32.wrap_i64 (local.get $counter))))
    (local.set $c1 (i32x4.replace_lane 2 (local.get $c1) (i32.wrap_i64 (i64.shr_u (local.get $counter) (i64.const 32)))))
    (local.set $counter (i64.add (local.get $counter) (i64.const 1)))
    (local.set $c0 (i32x4.replace_lane 3 (local.get $c0) (i32.wrap_i64 (local.get $counter))))
    (local.set $c1 (i32x4.replace_lane 3 (local.get $c1) (i32.wrap_i64 (i64.shr_u (local.get $counter) (i64.const 32)))))
    (local.set $k0 (global.get $key0))
    (local.set $k1 (global.get $key1))
    (loop $rounds
      (local.set $a (i64x2.extmul_low_i32x4_u (local.get $c0) (v128.const i32x4 0xD2511F53 0xD2511F53 0xD2511F53 0xD2511F53)))
      (local.set $b (i64x2.extmul_high_i32x4_u (local.get $c0) (v128.const i32x4 0xD2511F53 0xD2511F53 0xD2511F53 0xD2511F53)))
      (local.set $hi0 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
      (local.set $lo0 (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $b)))
      (local.set $a (i64x2.extmul_low_i32x4_u (local.get $c2) (v128.const i32x4 0xCD9E8D57 0xCD9E8D57 0xCD9E8D57 0xCD9E8D57)))
      (local.set $b (i64x2.extmul_high_i32x4_u (local.get $c2) (v128.const i32x4 0xCD9E8D57 0xCD9E8D57 0xCD9E8D57 0xCD9E8D57)))
      (local.set $hi1 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
      (local.set $lo1 (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $b)))
      (local.set $c0 (v128.xor (v128.xor (local.get $hi1) (local.get $c1)) (i32x4.splat (local.get $k0))))
      (local.set $c1 (local.get $lo1))
      (local.set $c2 (v128.xor (v128.xor (local.get $hi0) (local.get $c3)) (i32x4.splat (local.get $k1))))
      (local.set $c3 (local.get $lo0))
      (local.set $k0 (i32.add (local.get $k0) (i32.const 0x9E3779B9)))
      (local.set $k1 (i32.add (local.get $k1) (i32.const 0xBB67AE85)))
      (local.set $round (i32.add (local.get $round) (i32.const 1)))
      (br_if $rounds (i32.lt_u (local.get $round) (i32.const 10))))
    ;; 4×4 transpose: lanes are blocks, results must be blocks
    (local.set $a (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c0) (local.get $c1)))
    (local.set $b (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c2) (local.get $c3)))
    (local.set $c (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c0) (local.get $c1)))
    (local.set $d (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c2) (local.get $c3)))
    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $b))
    (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b))
    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c) (local.get $d))
    (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c) (local.get $d)))

  ;; −log(−log u) for the words of four i32x4 as four f32x4, all in float32: u = ((word >> 9) + ½)·2^-23
  ;; (exact, strictly inside (0, 1)) and both logs by $logf4x4 (see the float32 noise section at the end).
  (func $gumbel4x4 (param $wa v128) (param $wb v128) (param $wc v128) (param $wd v128) (result v128 v128 v128 v128)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (call $logf4x4
      (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (i32x4.shr_u (local.get $wa) (i32.const 9))) (v128.const f32x4 1.1920928955078125e-7 1.1920928955078125e-7 1.1920928955078125e-7 1.1920928955078125e-7)) (v128.const f32x4 5.9604644775390625e-8 5.9604644775390625e-8 5.9604644775390625e-8 5.9604644775390625e-8))
      (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (i32x4.shr_u (local.get $wb) (i32.const 9))) (v128.const f32x4 1.1920928955078125e-7 1.1920928955078125e-7 1.1920928955078125e-7 1.1920928955078125e-7)) (v128.const f32x4 5.9604644775390625e-8 5.9604644775390625e-8 5.9604644775390625e-8 5.9604644775390625e-8))
      (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (i32x4.shr_u (local.get $wc) (i32.const 9))) (v128.const f32x4 1.1920928955078125e-7 1.1920928955078125e-7 1.1920928955078125e-7 1.1920928955078125e-7)) (v128.const f32x4 5.9604644775390625e-8 5.9604644775390625e-8 5.9604644775390625e-8 5.9604644775390625e-8))
      (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (i32x4.shr_u (local.get $wd) (i32.const 9))) (v128.const f32x4 1.1920928955078125e-7 1.1920928955078125e-7 1.1920928955078125e-7 1.1920928955078125e-7)) (v128.const f32x4 5.9604644775390625e-8 5.9604644775390625e-8 5.9604644775390625e-8 5.9604644775390625e-8)))
    (local.set $d) (local.set $c) (local.set $b) (local.set $a)
    (call $logf4x4 (f32x4.neg (local.get $a)) (f32x4.neg (local.get $b)) (f32x4.neg (local.get $c)) (f32x4.neg (local.get $d)))
    (local.set $d) (local.set $c) (local.set $b) (local.set $a)
    (f32x4.neg (local.get $a)) (f32x4.neg (local.get $b)) (f32x4.neg (local.get $c)) (f32x4.neg (local.get $d)))

  ;; `count` standard Gumbel draws as float32 at `out`, a block (four draws) at a time.
  (func $fillGumbel (export "fillGumbel")
    (param $out i32) (param $count i32)
    (param $key0 i32) (param $key1 i32) (param $positionLow i32) (param $positionHigh i32)
    (local $block i32) (local $blocks i32) (local $at i32) (local $four v128) (local $rest i32)
    (local $w0v v128) (local $w1v v128) (local $w2v v128) (local $w3v v128)
    (call $setStream (local.get $key0) (local.get $key1) (local.get $positionLow) (local.get $positionHigh))
    (local.set $blocks (i32.shr_u (local.get $count) (i32.const 2)))
    ;; sixteen draws (four blocks) at a time, then single blocks
    (block $groupsDone
      (loop $nextGroup
        (br_if $groupsDone (i32.gt_u (i32.add (local.get $block) (i32.const 4)) (local.get $blocks)))
        (call $philox4 (i64.extend_i32_u (local.get $block)))
        (local.set $w3v) (local.set $w2v) (local.set $w1v) (local.set $w0v)
        (local.set $at (i32.add (local.get $out) (i32.shl (local.get $block) (i32.const 4))))
        (call $gumbel4x4 (local.get $w0v) (local.get $w1v) (local.get $w2v) (local.get $w3v))
        (local.set $w3v)
        (local.set $w2v)
        (local.set $w1v)
        (local.set $w0v)
        (v128.store align=4 (local.get $at) (local.get $w0v))
        (v128.store offset=16 align=4 (local.get $at) (local.get $w1v))
        (v128.store offset=32 align=4 (local.get $at) (local.get $w2v))
        (v128.store offset=48 align=4 (local.get $at) (local.get $w3v))
        (local.set $block (i32.add (local.get $block) (i32.const 4)))
        (br $nextGroup)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $block) (local.get $blocks)))
        (v128.store align=4
          (i32.add (local.get $out) (i32.shl (local.get $block) (i32.const 4)))
          (call $gumbelBlock (i64.extend_i32_u (local.get $block))))
        (local.set $block (i32.add (local.get $block) (i32.const 1)))
        (br $next)))
    (local.set $rest (i32.and (local.get $count) (i32.const 3)))
    (if (local.get $rest)
      (then
        (local.set $four (call $gumbelBlock (i64.extend_i32_u (local.get $blocks))))
        (local.set $at (i32.add (local.get $out) (i32.shl (local.get $blocks) (i32.const 4))))
        (f32.store (local.get $at) (f32x4.extract_lane 0 (local.get $four)))
        (if (i32.ge_u (local.get $rest) (i32.const 2))
          (then (f32.store offset=4 (local.get $at) (f32x4.extract_lane 1 (local.get $four)))))
        (if (i32.eq (local.get $rest) (i32.const 3))
          (then (f32.store offset=8 (local.get $at) (f32x4.extract_lane 2 (local.get $four))))))))

  ;; e^x for an f32x4 (Cephes' expf: 2^n·p(r), |r| ≤ ln2/2, about 1 ulp); 0 below −87, NaN stays NaN.
  ;; n = round(x·log2 e) by adding and subtracting 1.5·2^23 (ties to even, as f32x4.nearest), and 2^n
  ;; from the bits of that sum (its low bits hold n): two adds instead of nearest and trunc_sat, and
  ;; pmax instead of max (one instruction each on x86; pmax keeps a NaN x).
  (func $exp4 (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $r2 v128) (local $p v128) (local $clamped v128) (local $shifted v128)
    (local.set $clamped (f32x4.pmax (local.get $x) (v128.const f32x4 -87 -87 -87 -87)))
    (local.set $shifted
      (f32x4.add (f32x4.mul (local.get $clamped) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))
        (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $n (f32x4.sub (local.get $shifted) (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $r
      (f32x4.sub
        (f32x4.sub (local.get $clamped) (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
        (f32x4.mul (local.get $n) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $r2 (f32x4.mul (local.get $r) (local.get $r)))
    (local.set $p (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $p
      (f32x4.add (f32x4.add (f32x4.mul (local.get $p) (local.get $r2)) (local.get $r)) (v128.const f32x4 1 1 1 1)))
    (v128.and
      (f32x4.mul (local.get $p)
        (i32x4.shl (i32x4.add (local.get $shifted) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
      ;; zero where x < −87 (masked categories), keep NaN
      (v128.not (f32x4.lt (local.get $x) (v128.const f32x4 -87 -87 -87 -87)))))

  ;; One contiguous slice of k categories with a scalar τ, four at a time (the tail one by one, in
  ;; lanes of its own): s = (logits + noise)/τ to `scores`, y = softmax(s) to `soft` (exp in float32,
  ;; the sum in double). Returns the index of the first largest y.
  (func $sliceForward4 (param $logits i32) (param $noise i32) (param $soft i32) (param $scores i32)
    (param $tau f32) (param $k i32) (result i32)
    (local $c i32) (local $at i32) (local $s v128) (local $max v128) (local $m f32) (local $e v128)
    (local $sum v128) (local $total f64) (local $width i32) (local $lanes v128) (local $y f32) (local $best f32)
    (local $bestIndex i32) (local $tau4 v128) (local $bestLanes v128) (local $bestAt v128) (local $indices v128)
    (local $greater v128) (local $e2 v128) (local $end i32) (local $tailAt i32) (local $tailS v128) (local $tailE v128)
    (local $rest i32) (local $low f64) (local $high f64)
    (local.set $tau4 (f32x4.splat (local.get $tau)))
    (local.set $max (v128.const f32x4 -inf -inf -inf -inf))
    ;; k ≥ 4 and not a multiple of 4: the last k mod 4 categories go as one vector at k − 4 whose first
    ;; lanes repeat categories already done (same inputs, so the same bits are stored again). Its
    ;; scores are read before anything is stored: noise, scores and soft may be one buffer.
    (local.set $rest (i32.and (local.get $k) (i32.const 3)))
    (local.set $end (local.get $k))
    (if (i32.and (i32.ge_u (local.get $k) (i32.const 4)) (i32.ne (local.get $rest) (i32.const 0)))
      (then
        (local.set $end (i32.sub (local.get $k) (local.get $rest)))
        (local.set $tailAt (i32.shl (i32.sub (local.get $k) (i32.const 4)) (i32.const 2)))
        (local.set $tailS
          (f32x4.div
            (f32x4.add (v128.load align=4 (i32.add (local.get $logits) (local.get $tailAt)))
              (v128.load align=4 (i32.add (local.get $noise) (local.get $tailAt))))
            (local.get $tau4))))
      (else (local.set $rest (i32.const 0))))
    ;; pass 1: scores and their maximum
    (local.set $c (i32.const 0))
    (block $d1
      (loop $n1
        (br_if $d1 (i32.ge_u (local.get $c) (local.get $end)))
        (local.set $at (i32.shl (local.get $c) (i32.const 2)))
        (if (i32.le_u (i32.add (local.get $c) (i32.const 4)) (local.get $k))
          (then
            (local.set $s
              (f32x4.div
                (f32x4.add (v128.load align=4 (i32.add (local.get $logits) (local.get $at)))
                  (v128.load align=4 (i32.add (local.get $noise) (local.get $at))))
                (local.get $tau4)))
            (v128.store align=4 (i32.add (local.get $scores) (local.get $at)) (local.get $s))
            (local.set $width (i32.const 4)))
          (else
            (local.set $s
              (f32x4.splat
                (f32.div
                  (f32.add (f32.load (i32.add (local.get $logits) (local.get $at)))
                    (f32.load (i32.add (local.get $noise) (local.get $at))))
                  (local.get $tau))))
            (f32.store (i32.add (local.get $scores) (local.get $at)) (f32x4.extract_lane 0 (local.get $s)))
            (local.set $width (i32.const 1))))
        (local.set $max (f32x4.pmax (local.get $max) (local.get $s)))
        (local.set $c (i32.add (local.get $c) (local.get $width)))
        (br $n1)))
    (if (local.get $rest)
      (then
        (v128.store align=4 (i32.add (local.get $scores) (local.get $tailAt)) (local.get $tailS))
        (local.set $max (f32x4.pmax (local.get $max) (local.get $tailS)))))
    (local.set $m
      (f32.max
        (f32.max (f32x4.extract_lane 0 (local.get $max)) (f32x4.extract_lane 1 (local.get $max)))
        (f32.max (f32x4.extract_lane 2 (local.get $max)) (f32x4.extract_lane 3 (local.get $max)))))
    (local.set $max (f32x4.splat (local.get $m)))
    ;; pass 2: e = exp(s − max) into soft, summed in double
    (local.set $sum (v128.const f64x2 0 0))
    (local.set $c (i32.const 0))
    (block $d2
      (loop $n2
        (br_if $d2 (i32.ge_u (local.get $c) (local.get $end)))
        (local.set $at (i32.shl (local.get $c) (i32.const 2)))
        ;; eight at a time (two exps per call), then four, then one by one; sums in the same order
        (if (i32.le_u (i32.add (local.get $c) (i32.const 8)) (local.get $k))
          (then
            (call $exp4x2
              (f32x4.sub (v128.load align=4 (i32.add (local.get $scores) (local.get $at))) (local.get $max))
              (f32x4.sub (v128.load offset=16 align=4 (i32.add (local.get $scores) (local.get $at))) (local.get $max)))
            (local.set $e2)
            (local.set $e)
            (v128.store align=4 (i32.add (local.get $soft) (local.get $at)) (local.get $e))
            (v128.store offset=16 align=4 (i32.add (local.get $soft) (local.get $at)) (local.get $e2))
            (local.set $sum (f64x2.add (local.get $sum) (f64x2.add (f64x2.promote_low_f32x4 (local.get $e))
                  (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $e) (local.get $e))))))
            (local.set $sum (f64x2.add (local.get $sum) (f64x2.add (f64x2.promote_low_f32x4 (local.get $e2))
                  (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $e2) (local.get $e2))))))
            (local.set $width (i32.const 8)))
          (else
            (if (i32.le_u (i32.add (local.get $c) (i32.const 4)) (local.get $k))
              (then
                (local.set $e
                  (call $exp4 (f32x4.sub (v128.load align=4 (i32.add (local.get $scores) (local.get $at))) (local.get $max))))
                (v128.store align=4 (i32.add (local.get $soft) (local.get $at)) (local.get $e))
                (local.set $sum
                  (f64x2.add (local.get $sum)
                    (f64x2.add (f64x2.promote_low_f32x4 (local.get $e))
                      (f64x2.promote_low_f32x4
                        (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $e) (local.get $e))))))
                (local.set $width (i32.const 4)))
              (else
                (local.set $e
                  (call $exp4
                    (f32x4.splat (f32.sub (f32.load (i32.add (local.get $scores) (local.get $at))) (local.get $m)))))
                (f32.store (i32.add (local.get $soft) (local.get $at)) (f32x4.extract_lane 0 (local.get $e)))
                (local.set $sum
                  (f64x2.add (local.get $sum)
                    (f64x2.replace_lane 1 (v128.const f64x2 0 0) (f64.promote_f32 (f32x4.extract_lane 0 (local.get $e))))))
                (local.set $width (i32.const 1))))))
        (local.set $c (i32.add (local.get $c) (local.get $width)))
        (br $n2)))
    (local.set $low (f64x2.extract_lane 0 (local.get $sum)))
    (local.set $high (f64x2.extract_lane 1 (local.get $sum)))
    ;; the tail vector's new lanes go into the sum's second lane one by one, in order, as single ones do
    (if (local.get $rest)
      (then
        (local.set $tailE (call $exp4 (f32x4.sub (local.get $tailS) (local.get $max))))
        (v128.store align=4 (i32.add (local.get $soft) (local.get $tailAt)) (local.get $tailE))
        (if (i32.eq (local.get $rest) (i32.const 3))
          (then (local.set $high (f64.add (local.get $high) (f64.promote_f32 (f32x4.extract_lane 1 (local.get $tailE)))))))
        (if (i32.ge_u (local.get $rest) (i32.const 2))
          (then (local.set $high (f64.add (local.get $high) (f64.promote_f32 (f32x4.extract_lane 2 (local.get $tailE)))))))
        (local.set $high (f64.add (local.get $high) (f64.promote_f32 (f32x4.extract_lane 3 (local.get $tailE)))))))
    (local.set $total (f64.add (local.get $low) (local.get $high)))
    (local.set $lanes (f32x4.splat (f32.demote_f64 (local.get $total))))
    ;; pass 3: y = e / sum, and the first largest y: per lane over the whole vectors (the first of
    ;; equals kept), then the smallest index holding the largest lane value, then the tail in order
    (local.set $bestLanes (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $indices (v128.const i32x4 0 1 2 3))
    (local.set $c (i32.const 0))
    (block $d3
      (loop $n3
        (br_if $d3 (i32.gt_u (i32.add (local.get $c) (i32.const 4)) (local.get $k)))
        (local.set $at (i32.add (local.get $soft) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $e (f32x4.div (v128.load align=4 (local.get $at)) (local.get $lanes)))
        (v128.store align=4 (local.get $at) (local.get $e))
        (local.set $greater (f32x4.gt (local.get $e) (local.get $bestLanes)))
        (local.set $bestLanes (v128.bitselect (local.get $e) (local.get $bestLanes) (local.get $greater)))
        (local.set $bestAt (v128.bitselect (local.get $indices) (local.get $bestAt) (local.get $greater)))
        (local.set $indices (i32x4.add (local.get $indices) (v128.const i32x4 4 4 4 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $n3)))
    (local.set $best
      (f32.max
        (f32.max (f32x4.extract_lane 0 (local.get $bestLanes)) (f32x4.extract_lane 1 (local.get $bestLanes)))
        (f32.max (f32x4.extract_lane 2 (local.get $bestLanes)) (f32x4.extract_lane 3 (local.get $bestLanes)))))
    (local.set $bestAt
      (v128.bitselect (local.get $bestAt) (v128.const i32x4 0x7FFFFFFF 0x7FFFFFFF 0x7FFFFFFF 0x7FFFFFFF)
        (f32x4.eq (local.get $bestLanes) (f32x4.splat (local.get $best)))))
    (local.set $bestAt
      (i32x4.min_s (local.get $bestAt) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $bestAt) (local.get $bestAt))))
    (local.set $bestIndex
      (select (i32x4.extract_lane 0 (local.get $bestAt)) (i32x4.extract_lane 1 (local.get $bestAt))
        (i32.lt_s (i32x4.extract_lane 0 (local.get $bestAt)) (i32x4.extract_lane 1 (local.get $bestAt)))))
    ;; no whole vector (k < 4) or all NaN: index 0, as the scalar scan gives
    (if (i32.eq (local.get $bestIndex) (i32.const 0x7FFFFFFF)) (then (local.set $bestIndex (i32.const 0))))
    ;; the tail vector: y of its lanes (the repeated ones equal what pass 3 stored), its new lanes in order
    (if (local.get $rest)
      (then
        (local.set $e (f32x4.div (local.get $tailE) (local.get $lanes)))
        (v128.store align=4 (i32.add (local.get $soft) (local.get $tailAt)) (local.get $e))
        (local.set $c (i32.sub (local.get $k) (i32.const 4)))
        (if (i32.eq (local.get $rest) (i32.const 3))
          (then
            (local.set $y (f32x4.extract_lane 1 (local.get $e)))
            (if (f32.gt (local.get $y) (local.get $best))
              (then (local.set $best (local.get $y)) (local.set $bestIndex (i32.add (local.get $c) (i32.const 1)))))))
        (if (i32.ge_u (local.get $rest) (i32.const 2))
          (then
            (local.set $y (f32x4.extract_lane 2 (local.get $e)))
            (if (f32.gt (local.get $y) (local.get $best))
              (then (local.set $best (local.get $y)) (local.set $bestIndex (i32.add (local.get $c) (i32.const 2)))))))
        (local.set $y (f32x4.extract_lane 3 (local.get $e)))
        (if (f32.gt (local.get $y) (local.get $best))
          (then (local.set $best (local.get $y)) (local.set $bestIndex (i32.add (local.get $c) (i32.const 3)))))
        (local.set $c (local.get $k))))
    ;; k < 4: the categories one by one
    (block $d4
      (loop $n4
        (br_if $d4 (i32.ge_u (local.get $c) (local.get $k)))
        (local.set $at (i32.add (local.get $soft) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $y (f32.div (f32.load (local.get $at)) (f32x4.extract_lane 0 (local.get $lanes))))
        (f32.store (local.get $at) (local.get $y))
        (if (f32.gt (local.get $y) (local.get $best))
          (then (local.set $best (local.get $y)) (local.set $bestIndex (local.get $c))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $n4)))
    (local.get $bestIndex))

  ;; The Gumbel-softmax forward pass over a tensor seen as [outer, k, inner] (k = the category axis):
  ;; per slice, scores s = (logits + g)/τ in float32 (g from `noise`, or, when `noise` is 0, drawn
  ;; from the stream into `soft` before the slices are processed), y = softmax(s) with exp and sum in double, the index of the first largest y,
  ;; and, where the pointers are not 0, the one-hot of that index, the index (int32 [outer, inner])
  ;; and the scores. τ is `tauScalar`, or per element from `tau` (float32, the tensor's shape).
  (func (export "softmaxForward")
    (param $logits i32) (param $noise i32) (param $tau i32) (param $tauScalar f32)
    (param $soft i32) (param $hard i32) (param $indexOut i32) (param $scores i32)
    (param $outer i32) (param $k i32) (param $inner i32)
    (param $key0 i32) (param $key1 i32) (param $positionLow i32) (param $positionHigh i32)
    (local $o i32) (local $i i32) (local $c i32) (local $element i32)
    (local $scoreAt i32) (local $score f32) (local $g f32) (local $t f32) (local $max f64) (local $e f64)
    (local $sum f64) (local $y f32) (local $best f32) (local $bestIndex i32)
    ;; without given noise, draw it into `soft` first (element i gets word i, whatever the layout)
    (if (i32.eqz (local.get $noise))
      (then
        (call $fillGumbel (local.get $soft) (i32.mul (i32.mul (local.get $outer) (local.get $k)) (local.get $inner))
          (local.get $key0) (local.get $key1) (local.get $positionLow) (local.get $positionHigh))
        (local.set $noise (local.get $soft))))
    ;; scores go to `scores` when wanted, else they pass through `soft`
    (local.set $scoreAt (select (local.get $scores) (local.get $soft) (local.get $scores)))
    (local.set $o (i32.const 0))
    (block $outerDone
      (loop $outerNext
        (br_if $outerDone (i32.ge_u (local.get $o) (local.get $outer)))
        (local.set $i (i32.const 0))
        (block $innerDone
          (loop $innerNext
            (br_if $innerDone (i32.ge_u (local.get $i) (local.get $inner)))
            ;; contiguous slices with one τ: four categories at a time
            (if (i32.and (i32.eq (local.get $inner) (i32.const 1)) (i32.eqz (local.get $tau)))
              (then
                (local.set $element (i32.shl (i32.mul (local.get $o) (local.get $k)) (i32.const 2)))
                (local.set $bestIndex
                  (call $sliceForward4
                    (i32.add (local.get $logits) (local.get $element)) (i32.add (local.get $noise) (local.get $element))
                    (i32.add (local.get $soft) (local.get $element)) (i32.add (local.get $scoreAt) (local.get $element))
                    (local.get $tauScalar) (local.get $k))))
              (else
                ;; pass 1: scores and their maximum
                (local.set $max (f64.const -inf))
                (local.set $element
                  (i32.add (i32.mul (i32.mul (local.get $o) (local.get $k)) (local.get $inner)) (local.get $i)))
                (local.set $c (i32.const 0))
                (block $d1
                  (loop $n1
                    (br_if $d1 (i32.ge_u (local.get $c) (local.get $k)))
                    (local.set $g
                      (f32.load (i32.add (local.get $noise) (i32.shl (local.get $element) (i32.const 2)))))
                    (local.set $t
                      (if (result f32) (local.get $tau)
                        (then (f32.load (i32.add (local.get $tau) (i32.shl (local.get $element) (i32.const 2)))))
                        (else (local.get $tauScalar))))
                    (local.set $score
                      (f32.div
                        (f32.add
                          (f32.load (i32.add (local.get $logits) (i32.shl (local.get $element) (i32.const 2))))
                          (local.get $g))
                        (local.get $t)))
                    (f32.store (i32.add (local.get $scoreAt) (i32.shl (local.get $element) (i32.const 2)))
                      (local.get $score))
                    (local.set $max (f64.max (local.get $max) (f64.promote_f32 (local.get $score))))
                    (local.set $element (i32.add (local.get $element) (local.get $inner)))
                    (local.set $c (i32.add (local.get $c) (i32.const 1)))
                    (br $n1)))
                ;; pass 2: exp(s − max) into soft (scores are read first, so they may share it), and the sum
                (local.set $sum (f64.const 0))
                (local.set $element
                  (i32.add (i32.mul (i32.mul (local.get $o) (local.get $k)) (local.get $inner)) (local.get $i)))
                (local.set $c (i32.const 0))
                (block $d2
                  (loop $n2
                    (br_if $d2 (i32.ge_u (local.get $c) (local.get $k)))
                    (local.set $e
                      (call $exp
                        (f64.sub
                          (f64.promote_f32
                            (f32.load (i32.add (local.get $scoreAt) (i32.shl (local.get $element) (i32.const 2)))))
                          (local.get $max))))
                    (f32.store (i32.add (local.get $soft) (i32.shl (local.get $element) (i32.const 2)))
                      (f32.demote_f64 (local.get $e)))
                    (local.set $sum (f64.add (local.get $sum) (local.get $e)))
                    (local.set $element (i32.add (local.get $element) (local.get $inner)))
                    (local.set $c (i32.add (local.get $c) (i32.const 1)))
                    (br $n2)))
                ;; pass 3: y = exp(s − max)/sum, the first largest y
                (local.set $best (f32.const -inf))
                (local.set $bestIndex (i32.const 0))
                (local.set $element
                  (i32.add (i32.mul (i32.mul (local.get $o) (local.get $k)) (local.get $inner)) (local.get $i)))
                (local.set $c (i32.const 0))
                (block $d3
                  (loop $n3
                    (br_if $d3 (i32.ge_u (local.get $c) (local.get $k)))
                    (local.set $y
                      (f32.demote_f64
                        (f64.div
                          (f64.promote_f32
                            (f32.load (i32.add (local.get $soft) (i32.shl (local.get $element) (i32.const 2)))))
                          (local.get $sum))))
                    (f32.store (i32.add (local.get $soft) (i32.shl (local.get $element) (i32.const 2))) (local.get $y))
                    (if (f32.gt (local.get $y) (local.get $best))
                      (then
                        (local.set $best (local.get $y))
                        (local.set $bestIndex (local.get $c))))
                    (local.set $element (i32.add (local.get $element) (local.get $inner)))
                    (local.set $c (i32.add (local.get $c) (i32.const 1)))
                    (br $n3)))
            ))
            (if (local.get $hard)
              (then
                (if (i32.eq (local.get $inner) (i32.const 1))
                  (then
                    ;; a contiguous one-hot: zeros four at a time (then one by one), then the 1
                    (local.set $element
                      (i32.add (local.get $hard) (i32.shl (i32.mul (local.get $o) (local.get $k)) (i32.const 2))))
                    (local.set $c (i32.const 0))
                    (block $zerosDone
                      (loop $zeros
                        (br_if $zerosDone (i32.gt_u (i32.add (local.get $c) (i32.const 4)) (local.get $k)))
                        (v128.store align=4 (i32.add (local.get $element) (i32.shl (local.get $c) (i32.const 2)))
                          (v128.const i32x4 0 0 0 0))
                        (local.set $c (i32.add (local.get $c) (i32.const 4)))
                        (br $zeros)))
                    (block $zeroDone
                      (loop $zero
                        (br_if $zeroDone (i32.ge_u (local.get $c) (local.get $k)))
                        (f32.store (i32.add (local.get $element) (i32.shl (local.get $c) (i32.const 2))) (f32.const 0))
                        (local.set $c (i32.add (local.get $c) (i32.const 1)))
                        (br $zero)))
                    (f32.store (i32.add (local.get $element) (i32.shl (local.get $bestIndex) (i32.const 2))) (f32.const 1)))
                  (else
                    (local.set $element
                      (i32.add (i32.mul (i32.mul (local.get $o) (local.get $k)) (local.get $inner)) (local.get $i)))
                    (local.set $c (i32.const 0))
                    (block $d4
                      (loop $n4
                        (br_if $d4 (i32.ge_u (local.get $c) (local.get $k)))
                        (f32.store (i32.add (local.get $hard) (i32.shl (local.get $element) (i32.const 2)))
                          (select (f32.const 1) (f32.const 0) (i32.eq (local.get $c) (local.get $bestIndex))))
                        (local.set $element (i32.add (local.get $element) (local.get $inner)))
                        (local.set $c (i32.add (local.get $c) (i32.const 1)))
                        (br $n4)))))))
            (if (local.get $indexOut)
              (then
                (i32.store
                  (i32.add (local.get $indexOut)
                    (i32.shl (i32.add (i32.mul (local.get $o) (local.get $inner)) (local.get $i)) (i32.const 2)))
                  (local.get $bestIndex))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $innerNext)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $outerNext))))

  ;; The backward pass of one contiguous slice with a scalar τ, four at a time: dot = Σ dy⊙y (products
  ;; in float32, summed in double), dlogits = y⊙(dy − dot)/τ.
  (func $sliceBackward4 (param $dy i32) (param $y i32) (param $dlogits i32) (param $tau f32) (param $k i32)
    (local $c i32) (local $at i32) (local $width i32) (local $product v128) (local $sum v128) (local $dot v128)
    (local $tau4 v128)
    (local.set $sum (v128.const f64x2 0 0))
    (block $d1
      (loop $n1
        (br_if $d1 (i32.ge_u (local.get $c) (local.get $k)))
        (local.set $at (i32.shl (local.get $c) (i32.const 2)))
        (if (i32.le_u (i32.add (local.get $c) (i32.const 4)) (local.get $k))
          (then
            (local.set $product
              (f32x4.mul (v128.load align=4 (i32.add (local.get $dy) (local.get $at)))
                (v128.load align=4 (i32.add (local.get $y) (local.get $at)))))
            (local.set $sum
              (f64x2.add (local.get $sum)
                (f64x2.add (f64x2.promote_low_f32x4 (local.get $product))
                  (f64x2.promote_low_f32x4
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $product) (local.get $product))))))
            (local.set $width (i32.const 4)))
          (else
            (local.set $sum
              (f64x2.add (local.get $sum)
                (f64x2.replace_lane 1 (v128.const f64x2 0 0)
                  (f64.promote_f32
                    (f32.mul (f32.load (i32.add (local.get $dy) (local.get $at)))
                      (f32.load (i32.add (local.get $y) (local.get $at))))))))
            (local.set $width (i32.const 1))))
        (local.set $c (i32.add (local.get $c) (local.get $width)))
        (br $n1)))
    (local.set $dot
      (f32x4.splat (f32.demote_f64 (f64.add (f64x2.extract_lane 0 (local.get $sum)) (f64x2.extract_lane 1 (local.get $sum))))))
    (local.set $tau4 (f32x4.splat (local.get $tau)))
    (local.set $c (i32.const 0))
    (block $d2
      (loop $n2
        (br_if $d2 (i32.ge_u (local.get $c) (local.get $k)))
        (local.set $at (i32.shl (local.get $c) (i32.const 2)))
        (if (i32.le_u (i32.add (local.get $c) (i32.const 4)) (local.get $k))
          (then
            (v128.store align=4 (i32.add (local.get $dlogits) (local.get $at))
              (f32x4.div
                (f32x4.mul (v128.load align=4 (i32.add (local.get $y) (local.get $at)))
                  (f32x4.sub (v128.load align=4 (i32.add (local.get $dy) (local.get $at))) (local.get $dot)))
                (local.get $tau4)))
            (local.set $width (i32.const 4)))
          (else
            (f32.store (i32.add (local.get $dlogits) (local.get $at))
              (f32.div
                (f32.mul (f32.load (i32.add (local.get $y) (local.get $at)))
                  (f32.sub (f32.load (i32.add (local.get $dy) (local.get $at))) (f32x4.extract_lane 0 (local.get $dot))))
                (local.get $tau)))
            (local.set $width (i32.const 1))))
        (local.set $c (i32.add (local.get $c) (local.get $width)))
        (br $n2))))

  ;; The analytic backward pass: with dS = y⊙(dy − Σ_k dy⊙y), dlogits = dS/τ and, when `dtau` is not
  ;; 0, the per-element dτ = −dS⊙s/τ (0 where the score s is not finite: masked categories).
  (func (export "softmaxBackward")
    (param $dy i32) (param $y i32) (param $scores i32) (param $tau i32) (param $tauScalar f32)
    (param $dlogits i32) (param $dtau i32) (param $outer i32) (param $k i32) (param $inner i32)
    (local $o i32) (local $i i32) (local $c i32) (local $element i32) (local $first i32)
    (local $dot f64) (local $dS f64) (local $t f64) (local $s f64) (local $offset i32)
    (local.set $o (i32.const 0))
    (block $outerDone
      (loop $outerNext
        (br_if $outerDone (i32.ge_u (local.get $o) (local.get $outer)))
        (local.set $i (i32.const 0))
        (block $innerDone
          (loop $innerNext
            (br_if $innerDone (i32.ge_u (local.get $i) (local.get $inner)))
            (local.set $first
              (i32.add (i32.mul (i32.mul (local.get $o) (local.get $k)) (local.get $inner)) (local.get $i)))
            (if (i32.and (i32.eq (local.get $inner) (i32.const 1)) (i32.and (i32.eqz (local.get $tau)) (i32.eqz (local.get $dtau))))
              (then
                (local.set $offset (i32.shl (local.get $first) (i32.const 2)))
                (call $sliceBackward4 (i32.add (local.get $dy) (local.get $offset)) (i32.add (local.get $y) (local.get $offset))
                  (i32.add (local.get $dlogits) (local.get $offset)) (local.get $tauScalar) (local.get $k)))
              (else
            (local.set $dot (f64.const 0))
            (local.set $element (local.get $first))
            (local.set $c (i32.const 0))
            (block $d1
              (loop $n1
                (br_if $d1 (i32.ge_u (local.get $c) (local.get $k)))
                (local.set $offset (i32.shl (local.get $element) (i32.const 2)))
                (local.set $dot
                  (f64.add (local.get $dot)
                    (f64.mul
                      (f64.promote_f32 (f32.load (i32.add (local.get $dy) (local.get $offset))))
                      (f64.promote_f32 (f32.load (i32.add (local.get $y) (local.get $offset)))))))
                (local.set $element (i32.add (local.get $element) (local.get $inner)))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $n1)))
            (local.set $element (local.get $first))
            (local.set $c (i32.const 0))
            (block $d2
              (loop $n2
                (br_if $d2 (i32.ge_u (local.get $c) (local.get $k)))
                (local.set $offset (i32.shl (local.get $element) (i32.const 2)))
                (local.set $dS
                  (f64.mul
                    (f64.promote_f32 (f32.load (i32.add (local.get $y) (local.get $offset))))
                    (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $dy) (local.get $offset))))
                      (local.get $dot))))
                  (local.set $t
                  (f64.promote_f32
                    (if (result f32) (local.get $tau)
                      (then (f32.load (i32.add (local.get $tau) (local.get $offset))))
                      (else (local.get $tauScalar)))))
                (f32.store (i32.add (local.get $dlogits) (local.get $offset))
                  (f32.demote_f64 (f64.div (local.get $dS) (local.get $t))))
                (if (local.get $dtau)
                  (then
                    (local.set $s (f64.promote_f32 (f32.load (i32.add (local.get $scores) (local.get $offset)))))
                    (f32.store (i32.add (local.get $dtau) (local.get $offset))
                      (if (result f32) (f64.eq (f64.sub (local.get $s) (local.get $s)) (f64.const 0))
                        (then
                          (f32.demote_f64
                            (f64.neg (f64.div (f64.mul (local.get $dS) (local.get $s)) (local.get $t)))))
                        (else (f32.const 0))))))
                (local.set $element (i32.add (local.get $element) (local.get $inner)))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $n2)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $innerNext)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $outerNext))))

;; One Adam update of `count` parameters in float32, the same operations in the same order as
  ;; src/nn/adam.ts's composed update: m' = β1·m + (1−β1)·g, v' = β2·v + (1−β2)·g²,
  ;; p' = p − (m' / (√v'/√c2 + ε))·stepSize, written to the three outputs; four parameters at a
  ;; time (IEEE operations per lane, so the same bits as one at a time), the tail one by one.
  (func (export "adam")
    (param $p i32) (param $g i32) (param $m i32) (param $v i32)
    (param $pOut i32) (param $mOut i32) (param $vOut i32) (param $count i32)
    (param $beta1 f32) (param $oneMinusBeta1 f32) (param $beta2 f32) (param $oneMinusBeta2 f32)
    (param $sqrtCorrection2 f32) (param $epsilon f32) (param $stepSize f32)
    (local $i i32) (local $offset i32) (local $grad v128) (local $first v128) (local $second v128)
    (local $b1 v128) (local $c1 v128) (local $b2 v128) (local $c2 v128) (local $root v128) (local $eps v128)
    (local $size v128) (local $bulk i32)
    (local.set $b1 (f32x4.splat (local.get $beta1)))
    (local.set $c1 (f32x4.splat (local.get $oneMinusBeta1)))
    (local.set $b2 (f32x4.splat (local.get $beta2)))
    (local.set $c2 (f32x4.splat (local.get $oneMinusBeta2)))
    (local.set $root (f32x4.splat (local.get $sqrtCorrection2)))
    (local.set $eps (f32x4.splat (local.get $epsilon)))
    (local.set $size (f32x4.splat (local.get $stepSize)))
    ;; four at a time up to the last multiple of 4 (byte offsets), then the tail one by one in lane 0
    (local.set $bulk (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2)))
    (block $bulkDone
      (loop $nextFour
        (br_if $bulkDone (i32.ge_u (local.get $offset) (local.get $bulk)))
        (local.set $grad (v128.load align=4 (i32.add (local.get $g) (local.get $offset))))
        (local.set $first
          (f32x4.add (f32x4.mul (v128.load align=4 (i32.add (local.get $m) (local.get $offset))) (local.get $b1))
            (f32x4.mul (local.get $grad) (local.get $c1))))
        (local.set $second
          (f32x4.add (f32x4.mul (v128.load align=4 (i32.add (local.get $v) (local.get $offset))) (local.get $b2))
            (f32x4.mul (f32x4.mul (local.get $grad) (local.get $grad)) (local.get $c2))))
        (v128.store align=4 (i32.add (local.get $pOut) (local.get $offset))
          (f32x4.sub (v128.load align=4 (i32.add (local.get $p) (local.get $offset)))
            (f32x4.mul
              (f32x4.div (local.get $first)
                (f32x4.add (f32x4.div (f32x4.sqrt (local.get $second)) (local.get $root)) (local.get $eps)))
              (local.get $size))))
        (v128.store align=4 (i32.add (local.get $mOut) (local.get $offset)) (local.get $first))
        (v128.store align=4 (i32.add (local.get $vOut) (local.get $offset)) (local.get $second))
        (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
        (br $nextFour)))
    (local.set $i (i32.shr_u (local.get $offset) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $offset (i32.shl (local.get $i) (i32.const 2)))
        (local.set $grad (f32x4.splat (f32.load (i32.add (local.get $g) (local.get $offset)))))
        (local.set $first
          (f32x4.add (f32x4.mul (f32x4.splat (f32.load (i32.add (local.get $m) (local.get $offset)))) (local.get $b1))
            (f32x4.mul (local.get $grad) (local.get $c1))))
        (local.set $second
          (f32x4.add (f32x4.mul (f32x4.splat (f32.load (i32.add (local.get $v) (local.get $offset)))) (local.get $b2))
            (f32x4.mul (f32x4.mul (local.get $grad) (local.get $grad)) (local.get $c2))))
        (f32.store (i32.add (local.get $pOut) (local.get $offset))
          (f32x4.extract_lane 0
            (f32x4.sub (f32x4.splat (f32.load (i32.add (local.get $p) (local.get $offset))))
              (f32x4.mul
                (f32x4.div (local.get $first)
                  (f32x4.add (f32x4.div (f32x4.sqrt (local.get $second)) (local.get $root)) (local.get $eps)))
                (local.get $size)))))
        (f32.store (i32.add (local.get $mOut) (local.get $offset)) (f32x4.extract_lane 0 (local.get $first)))
        (f32.store (i32.add (local.get $vOut) (local.get $offset)) (f32x4.extract_lane 0 (local.get $second)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; ---- ELBO pieces -------------------------------------------------------------------------------

  ;; Natural log of one positive double (lane 0 of $log2x).
  (func $log (param $x f64) (result f64)
    (f64x2.extract_lane 0 (call $log2x (f64x2.splat (local.get $x)))))

  ;; softplus(l) = max(l, 0) + log(1 + e^−|l|), in double.
  (func $softplus (param $l f64) (result f64)
    (f64.add (f64.max (local.get $l) (f64.const 0))
      (call $log (f64.add (f64.const 1) (call $exp (f64.neg (f64.abs (local.get $l))))))))

;; log p(x|l) of binary pixels under Bernoulli logits, per row: out[r] = Σ_d x·l − softplus(l)
  ;; (float32 [rows, d] inputs), four pixels at a time: e^−|l| and log(1 + e^−|l|) in float32
  ;; ($log1pUnit4), the sums in double; the tail of a row one by one in double.
  (func (export "bernoulliForward") (param $x i32) (param $l i32) (param $out i32) (param $rows i32) (param $d i32)
    (local $r i32) (local $c i32) (local $at i32) (local $sum f64) (local $logit f64)
    (local $l4 v128) (local $x4 v128) (local $e4 v128) (local $logLow v128) (local $logHigh v128) (local $sum2 v128)
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $sum (f64.const 0))
        (local.set $sum2 (v128.const f64x2 0 0))
        (local.set $c (i32.const 0))
        (block $groupsDone
          (loop $nextGroup
            (br_if $groupsDone (i32.gt_u (i32.add (local.get $c) (i32.const 4)) (local.get $d)))
            (local.set $at (i32.shl (i32.add (i32.mul (local.get $r) (local.get $d)) (local.get $c)) (i32.const 2)))
            (local.set $l4 (v128.load align=4 (i32.add (local.get $l) (local.get $at))))
            (local.set $x4 (v128.load align=4 (i32.add (local.get $x) (local.get $at))))
            (local.set $e4 (call $log1pUnit4 (call $exp4 (f32x4.neg (f32x4.abs (local.get $l4))))))
            (local.set $logLow (f64x2.promote_low_f32x4 (local.get $e4)))
            (local.set $logHigh
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $e4) (local.get $e4))))
            ;; x·l − max(l, 0) in float32 is exact enough (x is 0 or 1), then − log(1 + e^−|l|) in double
            (local.set $l4 (f32x4.sub (f32x4.mul (local.get $x4) (local.get $l4)) (f32x4.max (local.get $l4) (v128.const f32x4 0 0 0 0))))
            (local.set $sum2
              (f64x2.add (local.get $sum2)
                (f64x2.add
                  (f64x2.sub (f64x2.promote_low_f32x4 (local.get $l4)) (local.get $logLow))
                  (f64x2.sub
                    (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $l4) (local.get $l4)))
                    (local.get $logHigh)))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $nextGroup)))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $c) (local.get $d)))
            (local.set $at (i32.shl (i32.add (i32.mul (local.get $r) (local.get $d)) (local.get $c)) (i32.const 2)))
            (local.set $logit (f64.promote_f32 (f32.load (i32.add (local.get $l) (local.get $at)))))
            (local.set $sum
              (f64.add (local.get $sum)
                (f64.sub
                  (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $at)))) (local.get $logit))
                  (call $softplus (local.get $logit)))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $next)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2)))
          (f32.demote_f64
            (f64.add (local.get $sum)
              (f64.add (f64x2.extract_lane 0 (local.get $sum2)) (f64x2.extract_lane 1 (local.get $sum2))))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow))))

  ;; Its gradient w.r.t. the logits: dl = dy[r]·(x − σ(l)), with σ from e^−|l| (float32, four at a time).
  (func (export "bernoulliBackward") (param $dy i32) (param $x i32) (param $l i32) (param $dl i32)
    (param $rows i32) (param $d i32)
    (local $r i32) (local $c i32) (local $at i32) (local $g v128) (local $l4 v128) (local $e4 v128) (local $inverse v128)
    (local $width i32)
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $g (v128.load32_splat (i32.add (local.get $dy) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $c (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $c) (local.get $d)))
            (local.set $at (i32.shl (i32.add (i32.mul (local.get $r) (local.get $d)) (local.get $c)) (i32.const 2)))
            (local.set $width (select (i32.const 4) (i32.const 1) (i32.le_u (i32.add (local.get $c) (i32.const 4)) (local.get $d))))
            (local.set $l4
              (if (result v128) (i32.eq (local.get $width) (i32.const 4))
                (then (v128.load align=4 (i32.add (local.get $l) (local.get $at))))
                (else (v128.load32_splat (i32.add (local.get $l) (local.get $at))))))
            (local.set $e4 (call $exp4 (f32x4.neg (f32x4.abs (local.get $l4)))))
            (local.set $inverse (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e4))))
            ;; σ(l) = 1/(1 + e^−|l|) for l ≥ 0, e^−|l|/(1 + e^−|l|) for l < 0; then dy·(x − σ)
            (local.set $l4
              (f32x4.mul (local.get $g)
                (f32x4.sub
                  (if (result v128) (i32.eq (local.get $width) (i32.const 4))
                    (then (v128.load align=4 (i32.add (local.get $x) (local.get $at))))
                    (else (v128.load32_splat (i32.add (local.get $x) (local.get $at)))))
                  (v128.bitselect (local.get $inverse) (f32x4.mul (local.get $e4) (local.get $inverse))
                    (f32x4.ge (local.get $l4) (v128.const f32x4 0 0 0 0))))))
            (if (i32.eq (local.get $width) (i32.const 4))
              (then (v128.store align=4 (i32.add (local.get $dl) (local.get $at)) (local.get $l4)))
              (else (f32.store (i32.add (local.get $dl) (local.get $at)) (f32x4.extract_lane 0 (local.get $l4)))))
            (local.set $c (i32.add (local.get $c) (local.get $width)))
            (br $next)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow))))

  ;; KL(softmax(l) ‖ uniform) of each row of k logits: Σ q log q + log k, in double.
  (func (export "klUniformForward") (param $l i32) (param $out i32) (param $rows i32) (param $k i32)
    (local $r i32) (local $c i32) (local $base i32) (local $max f64) (local $sum f64) (local $logSum f64)
    (local $weighted f64) (local $shifted f64) (local $e f64)
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $base (i32.add (local.get $l) (i32.shl (i32.mul (local.get $r) (local.get $k)) (i32.const 2))))
        (local.set $max (f64.const -inf))
        (local.set $c (i32.const 0))
        (block $d1
          (loop $n1
            (br_if $d1 (i32.ge_u (local.get $c) (local.get $k)))
            (local.set $max
              (f64.max (local.get $max)
                (f64.promote_f32 (f32.load (i32.add (local.get $base) (i32.shl (local.get $c) (i32.const 2)))))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $n1)))
        ;; Σ e^(l−max) and Σ e^(l−max)·(l − max)
        (local.set $sum (f64.const 0))
        (local.set $weighted (f64.const 0))
        (local.set $c (i32.const 0))
        (block $d2
          (loop $n2
            (br_if $d2 (i32.ge_u (local.get $c) (local.get $k)))
            (local.set $shifted
              (f64.sub
                (f64.promote_f32 (f32.load (i32.add (local.get $base) (i32.shl (local.get $c) (i32.const 2)))))
                (local.get $max)))
            (local.set $e (call $exp (local.get $shifted)))
            (local.set $sum (f64.add (local.get $sum) (local.get $e)))
            (if (f64.gt (local.get $e) (f64.const 0))
              (then (local.set $weighted (f64.add (local.get $weighted) (f64.mul (local.get $e) (local.get $shifted))))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $n2)))
        (local.set $logSum (call $log (local.get $sum)))
        ;; Σ q log q = Σ q·(shifted − log S) = weighted/S − log S
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2)))
          (f32.demote_f64
            (f64.add
              (f64.sub (f64.div (local.get $weighted) (local.get $sum)) (local.get $logSum))
              (call $log (f64.convert_i32_u (local.get $k))))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow))))

  ;; Its gradient: dl_c = dy[r]·q_c·(log q_c − Σ q log q), 0 where q_c = 0 (masked logits).
  (func (export "klUniformBackward") (param $dy i32) (param $l i32) (param $dl i32) (param $rows i32) (param $k i32)
    (local $r i32) (local $c i32) (local $base i32) (local $max f64) (local $sum f64) (local $logSum f64)
    (local $entropy f64) (local $shifted f64) (local $q f64) (local $g f64) (local $at i32)
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $base (i32.shl (i32.mul (local.get $r) (local.get $k)) (i32.const 2)))
        (local.set $g (f64.promote_f32 (f32.load (i32.add (local.get $dy) (i32.shl (local.get $r) (i32.const 2))))))
        (local.set $max (f64.const -inf))
        (local.set $c (i32.const 0))
        (block $d1
          (loop $n1
            (br_if $d1 (i32.ge_u (local.get $c) (local.get $k)))
            (local.set $max
              (f64.max (local.get $max)
                (f64.promote_f32
                  (f32.load (i32.add (local.get $l) (i32.add (local.get $base) (i32.shl (local.get $c) (i32.const 2))))))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $n1)))
        (local.set $sum (f64.const 0))
        (local.set $entropy (f64.const 0))
        (local.set $c (i32.const 0))
        (block $d2
          (loop $n2
            (br_if $d2 (i32.ge_u (local.get $c) (local.get $k)))
            (local.set $shifted
              (f64.sub
                (f64.promote_f32
                  (f32.load (i32.add (local.get $l) (i32.add (local.get $base) (i32.shl (local.get $c) (i32.const 2))))))
                (local.get $max)))
            (local.set $q (call $exp (local.get $shifted)))
            (local.set $sum (f64.add (local.get $sum) (local.get $q)))
            (if (f64.gt (local.get $q) (f64.const 0))
              (then (local.set $entropy (f64.add (local.get $entropy) (f64.mul (local.get $q) (local.get $shifted))))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $n2)))
        (local.set $logSum (call $log (local.get $sum)))
        ;; Σ q log q
        (local.set $entropy (f64.sub (f64.div (local.get $entropy) (local.get $sum)) (local.get $logSum)))
        (local.set $c (i32.const 0))
        (block $d3
          (loop $n3
            (br_if $d3 (i32.ge_u (local.get $c) (local.get $k)))
            (local.set $at (i32.add (local.get $base) (i32.shl (local.get $c) (i32.const 2))))
            (local.set $shifted (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $l) (local.get $at)))) (local.get $max)))
            (local.set $q (f64.div (call $exp (local.get $shifted)) (local.get $sum)))
            (f32.store (i32.add (local.get $dl) (local.get $at))
              (if (result f32) (f64.gt (local.get $q) (f64.const 0))
                (then
                  (f32.demote_f64
                    (f64.mul (f64.mul (local.get $g) (local.get $q))
                      (f64.sub (f64.sub (local.get $shifted) (local.get $logSum)) (local.get $entropy)))))
                (else (f32.const 0))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $n3)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow))))


  ;; ---- ExpConcrete (log-space Concrete) log-density ----------------------------------------------
  ;; Per row of k: unmasked categories are those with a finite log-probability lp; n of them.
  ;; score = lp − τ·x, density = Σ score − n·logsumexp(score) + log Γ(n) + (n − 1)·log τ (Maddison et
  ;; al. 2017, App. C.3), −∞ outside the support (x = −∞ at an unmasked category or x > −∞ at a
  ;; masked one). `logGamma` holds log Γ(n) for n = 0..k (float32).

  ;; Fills $conc* for row r: returns 1 when x is in the support, with $concN, $concSum (Σ score) and
  ;; $concLse (logsumexp of the scores).
  (global $concN (mut f64) (f64.const 0))
  (global $concSum (mut f64) (f64.const 0))
  (global $concLse (mut f64) (f64.const 0))
  (func $concreteRow (param $lp i32) (param $x i32) (param $k i32) (param $tau f64) (result i32)
    (local $c i32) (local $at i32) (local $p f64) (local $v f64) (local $score f64) (local $max f64)
    (local $n f64) (local $sum f64) (local $total f64)
    (local.set $max (f64.const -inf))
    (block $d1
      (loop $n1
        (br_if $d1 (i32.ge_u (local.get $c) (local.get $k)))
        (local.set $at (i32.shl (local.get $c) (i32.const 2)))
        (local.set $p (f64.promote_f32 (f32.load (i32.add (local.get $lp) (local.get $at)))))
        (local.set $v (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $at)))))
        (if (f64.eq (f64.sub (local.get $p) (local.get $p)) (f64.const 0))
          (then
            ;; unmasked: x must be finite
            (if (f64.ne (f64.sub (local.get $v) (local.get $v)) (f64.const 0)) (then (return (i32.const 0))))
            (local.set $score (f64.sub (local.get $p) (f64.mul (local.get $tau) (local.get $v))))
            (local.set $n (f64.add (local.get $n) (f64.const 1)))
            (local.set $sum (f64.add (local.get $sum) (local.get $score)))
            (local.set $max (f64.max (local.get $max) (local.get $score))))
          (else
            ;; masked: x must be −∞
            (if (f64.gt (local.get $v) (f64.const -inf)) (then (return (i32.const 0))))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $n1)))
    (local.set $c (i32.const 0))
    (block $d2
      (loop $n2
        (br_if $d2 (i32.ge_u (local.get $c) (local.get $k)))
        (local.set $at (i32.shl (local.get $c) (i32.const 2)))
        (local.set $p (f64.promote_f32 (f32.load (i32.add (local.get $lp) (local.get $at)))))
        (if (f64.eq (f64.sub (local.get $p) (local.get $p)) (f64.const 0))
          (then
            (local.set $total
              (f64.add (local.get $total)
                (call $exp
                  (f64.sub
                    (f64.sub (local.get $p)
                      (f64.mul (local.get $tau) (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $at))))))
                    (local.get $max)))))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $n2)))
    (global.set $concN (local.get $n))
    (global.set $concSum (local.get $sum))
    (global.set $concLse (f64.add (local.get $max) (call $log (local.get $total))))
    (i32.const 1))

  (func (export "expConcreteForward") (param $lp i32) (param $x i32) (param $logGamma i32) (param $out i32)
    (param $rows i32) (param $k i32) (param $tau f64) (param $logTau f64)
    (local $r i32) (local $base i32) (local $n f64)
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $base (i32.shl (i32.mul (local.get $r) (local.get $k)) (i32.const 2)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2)))
          (if (result f32)
            (call $concreteRow (i32.add (local.get $lp) (local.get $base)) (i32.add (local.get $x) (local.get $base))
              (local.get $k) (local.get $tau))
            (then
              (local.set $n (global.get $concN))
              (f32.demote_f64
                (f64.add
                  (f64.sub (global.get $concSum) (f64.mul (local.get $n) (global.get $concLse)))
                  (f64.add
                    (f64.promote_f32
                      (f32.load (i32.add (local.get $logGamma) (i32.shl (i32.trunc_f64_u (local.get $n)) (i32.const 2)))))
                    (f64.mul (f64.sub (local.get $n) (f64.const 1)) (local.get $logTau))))))
            (else (f32.const -inf))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow))))

  ;; Gradients: d/dlp = dy·(1 − n·softmax(score)) at unmasked categories, d/dx = −τ·d/dlp; 0 at
  ;; masked categories and in rows outside the support.
  (func (export "expConcreteBackward") (param $dy i32) (param $lp i32) (param $x i32) (param $dlp i32) (param $dx i32)
    (param $rows i32) (param $k i32) (param $tau f64)
    (local $r i32) (local $c i32) (local $base i32) (local $at i32) (local $inside i32) (local $g f64) (local $p f64)
    (local $d f64)
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $base (i32.shl (i32.mul (local.get $r) (local.get $k)) (i32.const 2)))
        (local.set $inside
          (call $concreteRow (i32.add (local.get $lp) (local.get $base)) (i32.add (local.get $x) (local.get $base))
            (local.get $k) (local.get $tau)))
        (local.set $g (f64.promote_f32 (f32.load (i32.add (local.get $dy) (i32.shl (local.get $r) (i32.const 2))))))
        (local.set $c (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $c) (local.get $k)))
            (local.set $at (i32.add (local.get $base) (i32.shl (local.get $c) (i32.const 2))))
            (local.set $p (f64.promote_f32 (f32.load (i32.add (local.get $lp) (local.get $at)))))
            (local.set $d (f64.const 0))
            (if (i32.and (local.get $inside) (f64.eq (f64.sub (local.get $p) (local.get $p)) (f64.const 0)))
              (then
                (local.set $d
                  (f64.mul (local.get $g)
                    (f64.sub (f64.const 1)
                      (f64.mul (global.get $concN)
                        (call $exp
                          (f64.sub
                            (f64.sub (local.get $p)
                              (f64.mul (local.get $tau) (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $at))))))
                            (global.get $concLse)))))))))
            (f32.store (i32.add (local.get $dlp) (local.get $at)) (f32.demote_f64 (local.get $d)))
            (f32.store (i32.add (local.get $dx) (local.get $at)) (f32.demote_f64 (f64.mul (f64.neg (local.get $tau)) (local.get $d))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $next)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow))))

  ;; ---- matMul: C = op(A)·op(B) on packed panels --------------------------------------------------
  ;; The caller (src/kernels/matMul.ts) cuts the shared dimension into blocks of at most KC, and for
  ;; each block packs A into panels of 4 rows and B into panels of 8 columns — transposes are folded
  ;; into the packing by the strides — then runs matMulPacked, which keeps each 4×8 tile of C in eight
  ;; f32x4 registers for the whole block (two loads of B, four broadcasts of A, eight mul+add per step).
  ;; With relaxed SIMD the FMA micro-kernel runs instead, on panels of 5 rows (end of the module).
  ;; Packs rows [0, m) × columns [0, k) of A (element (i, p) at a + 4·(i·rowStride + p·colStride))
  ;; into panels of `panelRows` rows (4 for matMulPacked, 5 for the FMA micro-kernel): panel q holds, for
  ;; p = 0..k−1, A[panelRows·q + r][p] for r = 0..panelRows − 1; rows past m are 0.
  (func (export "matMulPackA") (param $a i32) (param $rowStride i32) (param $colStride i32)
        (param $m i32) (param $k i32) (param $dst i32) (param $panelRows i32)
    (local $i0 i32) (local $p i32) (local $r i32) (local $row i32) (local $src i32) (local $stride i32)
    (local $step i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $step (i32.shl (local.get $panelRows) (i32.const 2)))
    (local.set $i0 (i32.const 0))
    (block $done (loop $panels
      (br_if $done (i32.ge_u (local.get $i0) (local.get $m)))
      (local.set $p (i32.const 0))
      ;; A full panel goes by f32x4 (what the dense layer's products need); the rest, element by element.
      (if (i32.le_u (i32.add (local.get $i0) (local.get $panelRows)) (local.get $m))
        (then
          (local.set $src (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i0) (local.get $rowStride)) (i32.const 2))))
          (if (i32.eq (local.get $rowStride) (i32.const 1))
            (then ;; Aᵀ stored: the panel's elements of column p lie side by side
              (local.set $stride (i32.shl (local.get $colStride) (i32.const 2)))
              (block $fdone (loop $fast
                (br_if $fdone (i32.ge_u (local.get $p) (local.get $k)))
                (v128.store (local.get $dst) (v128.load (local.get $src)))
                (if (i32.eq (local.get $panelRows) (i32.const 5))
                  (then (f32.store offset=16 (local.get $dst) (f32.load offset=16 (local.get $src)))))
                (local.set $src (i32.add (local.get $src) (local.get $stride)))
                (local.set $dst (i32.add (local.get $dst) (local.get $step)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $fast))))
            (else (if (i32.eq (local.get $colStride) (i32.const 1))
              (then ;; A stored: four rows, four columns at a time, transposed in registers (a fifth row copied)
                (local.set $stride (i32.shl (local.get $rowStride) (i32.const 2)))
                (block $fdone (loop $fast
                  (br_if $fdone (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $k)))
                  (local.set $x0 (v128.load (local.get $src)))
                  (local.set $x1 (v128.load (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 1)))))
                  (local.set $x2 (v128.load (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 2)))))
                  (local.set $x3 (v128.load (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 3)))))
                  (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1)))
                  (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
                  (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3)))
                  (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
                  (v128.store (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                  (v128.store (i32.add (local.get $dst) (i32.mul (local.get $step) (i32.const 1))) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                  (v128.store (i32.add (local.get $dst) (i32.mul (local.get $step) (i32.const 2))) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                  (v128.store (i32.add (local.get $dst) (i32.mul (local.get $step) (i32.const 3))) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                  (if (i32.eq (local.get $panelRows) (i32.const 5))
                    (then
                    (f32.store offset=16 (local.get $dst) (f32.load offset=0 (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 4)))))
                    (f32.store offset=16 (i32.add (local.get $dst) (i32.mul (local.get $step) (i32.const 1))) (f32.load offset=4 (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 4)))))
                    (f32.store offset=16 (i32.add (local.get $dst) (i32.mul (local.get $step) (i32.const 2))) (f32.load offset=8 (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 4)))))
                    (f32.store offset=16 (i32.add (local.get $dst) (i32.mul (local.get $step) (i32.const 3))) (f32.load offset=12 (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 4)))))))
                  (local.set $src (i32.add (local.get $src) (i32.const 16)))
                  (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $step) (i32.const 2))))
                  (local.set $p (i32.add (local.get $p) (i32.const 4)))
                  (br $fast)))))))))
      (block $pdone (loop $columns
        (br_if $pdone (i32.ge_u (local.get $p) (local.get $k)))
        (local.set $r (i32.const 0))
        (block $rdone (loop $rows
          (br_if $rdone (i32.ge_u (local.get $r) (local.get $panelRows)))
          (local.set $row (i32.add (local.get $i0) (local.get $r)))
          (f32.store (local.get $dst)
            (if (result f32) (i32.lt_u (local.get $row) (local.get $m))
              (then (f32.load (i32.add (local.get $a) (i32.shl
                (i32.add (i32.mul (local.get $row) (local.get $rowStride))
                         (i32.mul (local.get $p) (local.get $colStride))) (i32.const 2)))))
              (else (f32.const 0))))
          (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br $rows)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $columns)))
      (local.set $i0 (i32.add (local.get $i0) (local.get $panelRows)))
      (br $panels))))

  ;; Packs rows [0, k) × columns [0, n) of B (element (p, j) at b + 4·(p·rowStride + j·colStride))
  ;; into panels of 8 columns: panel q holds, for p = 0..k−1, B[p][8q+0..8q+7]; columns past n are 0.
  (func (export "matMulPackB") (param $b i32) (param $rowStride i32) (param $colStride i32)
        (param $k i32) (param $n i32) (param $dst i32)
    (local $j0 i32) (local $p i32) (local $c i32) (local $column i32) (local $src i32) (local $stride i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $j0 (i32.const 0))
    (block $done (loop $panels
      (br_if $done (i32.ge_u (local.get $j0) (local.get $n)))
      (local.set $p (i32.const 0))
      ;; A full panel goes by f32x4 (what the dense layer's products need); the rest, element by element.
      (if (i32.le_u (i32.add (local.get $j0) (i32.const 8)) (local.get $n))
        (then
          (local.set $src (i32.add (local.get $b) (i32.shl (i32.mul (local.get $j0) (local.get $colStride)) (i32.const 2))))
          (if (i32.eq (local.get $colStride) (i32.const 1))
            (then ;; B stored: the panel's eight elements of row p lie side by side
              (local.set $stride (i32.shl (local.get $rowStride) (i32.const 2)))
              (block $fdone (loop $fast
                (br_if $fdone (i32.ge_u (local.get $p) (local.get $k)))
                (v128.store (local.get $dst) (v128.load (local.get $src)))
                (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))
                (local.set $src (i32.add (local.get $src) (local.get $stride)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $fast))))
            (else (if (i32.eq (local.get $rowStride) (i32.const 1))
              (then ;; Bᵀ stored: eight columns, four rows at a time, transposed in registers
                (local.set $stride (i32.shl (local.get $colStride) (i32.const 2)))
                (block $fdone (loop $fast
                  (br_if $fdone (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $k)))
                  (local.set $x0 (v128.load (local.get $src)))
                  (local.set $x1 (v128.load (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 1)))))
                  (local.set $x2 (v128.load (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 2)))))
                  (local.set $x3 (v128.load (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 3)))))
                  (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1)))
                  (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
                  (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3)))
                  (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
                  (v128.store (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                  (v128.store offset=32 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                  (v128.store offset=64 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                  (v128.store offset=96 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                  (local.set $x0 (v128.load (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 4)))))
                  (local.set $x1 (v128.load (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 5)))))
                  (local.set $x2 (v128.load (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 6)))))
                  (local.set $x3 (v128.load (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 7)))))
                  (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1)))
                  (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
                  (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3)))
                  (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
                  (v128.store offset=16 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                  (v128.store offset=48 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                  (v128.store offset=80 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                  (v128.store offset=112 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                  (local.set $src (i32.add (local.get $src) (i32.const 16)))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 128)))
                  (local.set $p (i32.add (local.get $p) (i32.const 4)))
                  (br $fast)))))))))
      (block $pdone (loop $rows
        (br_if $pdone (i32.ge_u (local.get $p) (local.get $k)))
        (local.set $c (i32.const 0))
        (block $cdone (loop $columns
          (br_if $cdone (i32.ge_u (local.get $c) (i32.const 8)))
          (local.set $column (i32.add (local.get $j0) (local.get $c)))
          (f32.store (local.get $dst)
            (if (result f32) (i32.lt_u (local.get $column) (local.get $n))
              (then (f32.load (i32.add (local.get $b) (i32.shl
                (i32.add (i32.mul (local.get $p) (local.get $rowStride))
                         (i32.mul (local.get $column) (local.get $colStride))) (i32.const 2)))))
              (else (f32.const 0))))
          (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $columns)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $rows)))
      (local.set $j0 (i32.add (local.get $j0) (i32.const 8)))
      (br $panels))))

  ;; Copies a tile computed in $tile (rows of 8 floats) into C where it lies inside C — rows
  ;; i0..i0+rows−1 below m, columns j0..j0+7 below n — adding to C when accumulating. Both
  ;; micro-kernels end their edge tiles with it.
  (func $matMulPartialTile (param $tile i32) (param $rows i32) (param $c i32) (param $ldc i32)
        (param $i0 i32) (param $j0 i32) (param $m i32) (param $n i32) (param $accumulate i32)
    (local $r i32) (local $col i32) (local $out i32)
    (block $rdone (loop $rows
      (br_if $rdone (i32.or (i32.ge_u (local.get $r) (local.get $rows))
                            (i32.ge_u (i32.add (local.get $i0) (local.get $r)) (local.get $m))))
      (local.set $col (i32.const 0))
      (block $cdone (loop $cols
        (br_if $cdone (i32.or (i32.ge_u (local.get $col) (i32.const 8))
                              (i32.ge_u (i32.add (local.get $j0) (local.get $col)) (local.get $n))))
        (local.set $out (i32.add (local.get $c) (i32.shl (i32.add
          (i32.mul (i32.add (local.get $i0) (local.get $r)) (local.get $ldc))
          (i32.add (local.get $j0) (local.get $col))) (i32.const 2))))
        (f32.store (local.get $out) (f32.add
          (if (result f32) (local.get $accumulate) (then (f32.load (local.get $out))) (else (f32.const 0)))
          (f32.load (i32.add (local.get $tile) (i32.shl
            (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $col)) (i32.const 2))))))
        (local.set $col (i32.add (local.get $col) (i32.const 1)))
        (br $cols)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows))))

  ;; C[0..m)[0..n) (+)= packedA · packedB over k, C row-major with row stride ldc (floats).
  ;; Every 4×8 tile is computed in registers; tiles that cross m or n go through $tile.
  (func (export "matMulPacked") (param $pa i32) (param $pb i32) (param $m i32) (param $n i32)
        (param $k i32) (param $c i32) (param $ldc i32) (param $accumulate i32) (param $tile i32)
    (local $i0 i32) (local $j0 i32) (local $ap i32) (local $bp i32) (local $p i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $out i32) (local $stride i32) (local $full i32)
    (local.set $j0 (i32.const 0))
    (block $jdone (loop $jpanels
      (br_if $jdone (i32.ge_u (local.get $j0) (local.get $n)))
      (local.set $i0 (i32.const 0))
      (block $idone (loop $ipanels
        (br_if $idone (i32.ge_u (local.get $i0) (local.get $m)))
        (local.set $ap (i32.add (local.get $pa) (i32.mul (i32.shl (local.get $i0) (i32.const 2)) (local.get $k))))
        (local.set $bp (i32.add (local.get $pb) (i32.mul (i32.shl (local.get $j0) (i32.const 2)) (local.get $k))))
        (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
        (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
        (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
        (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
        (local.set $p (local.get $k))
        (block $kdone (loop $kloop
          (br_if $kdone (i32.eqz (local.get $p)))
          (local.set $b0 (v128.load (local.get $bp)))
          (local.set $b1 (v128.load offset=16 (local.get $bp)))
          (local.set $a (v128.load32_splat (local.get $ap)))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load32_splat offset=4 (local.get $ap)))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load32_splat offset=8 (local.get $ap)))
          (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load32_splat offset=12 (local.get $ap)))
          (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
          (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
          (local.set $p (i32.sub (local.get $p) (i32.const 1)))
          (br $kloop)))
        ;; Where the tile lies wholly inside C, write C directly; otherwise into $tile (stride 8).
        (local.set $full (i32.and (i32.le_u (i32.add (local.get $i0) (i32.const 4)) (local.get $m))
                                  (i32.le_u (i32.add (local.get $j0) (i32.const 8)) (local.get $n))))
        (if (local.get $full)
          (then
            (local.set $out (i32.add (local.get $c) (i32.shl
              (i32.add (i32.mul (local.get $i0) (local.get $ldc)) (local.get $j0)) (i32.const 2))))
            (local.set $stride (i32.shl (local.get $ldc) (i32.const 2))))
          (else
            (local.set $out (local.get $tile))
            (local.set $stride (i32.const 32))))
        (if (i32.and (local.get $accumulate) (local.get $full))
          (then
            (local.set $c00 (f32x4.add (local.get $c00) (v128.load (local.get $out))))
            (local.set $c01 (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $out))))
            (local.set $out (i32.add (local.get $out) (local.get $stride)))
            (local.set $c10 (f32x4.add (local.get $c10) (v128.load (local.get $out))))
            (local.set $c11 (f32x4.add (local.get $c11) (v128.load offset=16 (local.get $out))))
            (local.set $out (i32.add (local.get $out) (local.get $stride)))
            (local.set $c20 (f32x4.add (local.get $c20) (v128.load (local.get $out))))
            (local.set $c21 (f32x4.add (local.get $c21) (v128.load offset=16 (local.get $out))))
            (local.set $out (i32.add (local.get $out) (local.get $stride)))
            (local.set $c30 (f32x4.add (local.get $c30) (v128.load (local.get $out))))
            (local.set $c31 (f32x4.add (local.get $c31) (v128.load offset=16 (local.get $out))))
            (local.set $out (i32.sub (local.get $out) (i32.mul (local.get $stride) (i32.const 3))))))
        (v128.store (local.get $out) (local.get $c00))
        (v128.store offset=16 (local.get $out) (local.get $c01))
        (local.set $out (i32.add (local.get $out) (local.get $stride)))
        (v128.store (local.get $out) (local.get $c10))
        (v128.store offset=16 (local.get $out) (local.get $c11))
        (local.set $out (i32.add (local.get $out) (local.get $stride)))
        (v128.store (local.get $out) (local.get $c20))
        (v128.store offset=16 (local.get $out) (local.get $c21))
        (local.set $out (i32.add (local.get $out) (local.get $stride)))
        (v128.store (local.get $out) (local.get $c30))
        (v128.store offset=16 (local.get $out) (local.get $c31))
        ;; A partial tile: copy its part inside C (adding when accumulating).
        (if (i32.eqz (local.get $full))
          (then (call $matMulPartialTile (local.get $tile) (i32.const 4) (local.get $c) (local.get $ldc)
                  (local.get $i0) (local.get $j0) (local.get $m) (local.get $n) (local.get $accumulate))))
        (local.set $i0 (i32.add (local.get $i0) (i32.const 4)))
        (br $ipanels)))
      (local.set $j0 (i32.add (local.get $j0) (i32.const 8)))
      (br $jpanels))))

  ;; ==== Dense layer: bias + activation, and the ReLU mask with the bias gradient (helper step-rest) ====
  ;; The dense layer y = act(x·W + b) (src/kernels/denseKernels.ts) runs its products on the packed
  ;; matMul above and the elementwise rest in these two passes, four columns at a time (the tail of
  ;; a row one by one, in lane 0).

  ;; out[r, c] = act(linear[r, c] + bias[c]) with act = max(·, 0) when relu ≠ 0, else the identity;
  ;; out may be linear (in place).
  (func (export "denseBiasActivation")
    (param $linear i32) (param $bias i32) (param $out i32) (param $rows i32) (param $cols i32) (param $relu i32)
    (local $r i32) (local $c i32) (local $at i32) (local $v v128) (local $floor v128)
    ;; −∞ leaves a value unchanged under max: the linear case is the same loop
    (local.set $floor
      (select (v128.const f32x4 0 0 0 0) (v128.const f32x4 -inf -inf -inf -inf) (local.get $relu)))
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $c) (local.get $cols)))
            (local.set $at (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2)))
            (if (i32.le_u (i32.add (local.get $c) (i32.const 4)) (local.get $cols))
              (then
                (local.set $v
                  (f32x4.add (v128.load align=4 (i32.add (local.get $linear) (local.get $at)))
                    (v128.load align=4 (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2))))))
                (v128.store align=4 (i32.add (local.get $out) (local.get $at))
                  (select (f32x4.max (local.get $v) (local.get $floor)) (local.get $v) (local.get $relu)))
                (local.set $c (i32.add (local.get $c) (i32.const 4))))
              (else
                (local.set $v
                  (f32x4.splat
                    (f32.add (f32.load (i32.add (local.get $linear) (local.get $at)))
                      (f32.load (i32.add (local.get $bias) (i32.shl (local.get $c) (i32.const 2)))))))
                (f32.store (i32.add (local.get $out) (local.get $at))
                  (f32x4.extract_lane 0
                    (select (f32x4.max (local.get $v) (local.get $floor)) (local.get $v) (local.get $relu))))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))))
            (br $next)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow))))

  ;; The gradient of act(linear) before the products: dLinear = dy where output > 0 and 0 elsewhere
  ;; when relu ≠ 0 (written to dLinear), or dy itself when linear (nothing written); and the bias
  ;; gradient db[c] = Σ_r dLinear[r, c], summed over rows in order in float32 (as tf.sum(·, 0)).
  (func (export "denseBackward")
    (param $dy i32) (param $output i32) (param $dLinear i32) (param $db i32)
    (param $rows i32) (param $cols i32) (param $relu i32)
    (local $r i32) (local $c i32) (local $at i32) (local $g v128) (local $sumAt i32)
    (local.set $c (i32.const 0))
    (block $zeroed
      (loop $zero
        (br_if $zeroed (i32.ge_u (local.get $c) (local.get $cols)))
        (f32.store (i32.add (local.get $db) (i32.shl (local.get $c) (i32.const 2))) (f32.const 0))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $zero)))
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $c) (local.get $cols)))
            (local.set $at (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2)))
            (local.set $sumAt (i32.add (local.get $db) (i32.shl (local.get $c) (i32.const 2))))
            (if (i32.le_u (i32.add (local.get $c) (i32.const 4)) (local.get $cols))
              (then
                (local.set $g (v128.load align=4 (i32.add (local.get $dy) (local.get $at))))
                (if (local.get $relu)
                  (then
                    (local.set $g
                      (v128.and (local.get $g)
                        (f32x4.gt (v128.load align=4 (i32.add (local.get $output) (local.get $at)))
                          (v128.const f32x4 0 0 0 0))))
                    (v128.store align=4 (i32.add (local.get $dLinear) (local.get $at)) (local.get $g))))
                (v128.store align=4 (local.get $sumAt)
                  (f32x4.add (v128.load align=4 (local.get $sumAt)) (local.get $g)))
                (local.set $c (i32.add (local.get $c) (i32.const 4))))
              (else
                (local.set $g (f32x4.splat (f32.load (i32.add (local.get $dy) (local.get $at)))))
                (if (local.get $relu)
                  (then
                    (local.set $g
                      (v128.and (local.get $g)
                        (f32x4.gt (f32x4.splat (f32.load (i32.add (local.get $output) (local.get $at))))
                          (v128.const f32x4 0 0 0 0))))
                    (f32.store (i32.add (local.get $dLinear) (local.get $at)) (f32x4.extract_lane 0 (local.get $g)))))
                (f32.store (local.get $sumAt)
                  (f32.add (f32.load (local.get $sumAt)) (f32x4.extract_lane 0 (local.get $g))))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))))
            (br $next)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow))))

  ;; log(1 + e) for an f32x4 of e in [0, 1] (the softplus of the Bernoulli log-likelihood):
  ;; 2·atanh(s) with s = e/(2 + e) ≤ 1/3, by its series to s^15 (truncation < 3e-9 relative), so a
  ;; few ulp in float32 — four lanes where the double-precision log did two.
  (func $log1pUnit4 (param $e v128) (result v128)
    (local $s v128) (local $z v128) (local $p v128)
    (local.set $s (f32x4.div (local.get $e) (f32x4.add (local.get $e) (v128.const f32x4 2 2 2 2))))
    (local.set $z (f32x4.mul (local.get $s) (local.get $s)))
    (local.set $p (v128.const f32x4 0.06666667 0.06666667 0.06666667 0.06666667))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (v128.const f32x4 0.07692308 0.07692308 0.07692308 0.07692308)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (v128.const f32x4 0.09090909 0.09090909 0.09090909 0.09090909)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (v128.const f32x4 0.11111111 0.11111111 0.11111111 0.11111111)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (v128.const f32x4 0.14285715 0.14285715 0.14285715 0.14285715)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (v128.const f32x4 0.2 0.2 0.2 0.2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (v128.const f32x4 0.33333334 0.33333334 0.33333334 0.33333334)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (v128.const f32x4 1 1 1 1)))
    (f32x4.mul (f32x4.add (local.get $s) (local.get $s)) (local.get $p)))
  ;; ---- The FMA micro-kernel's source: a 5×8 tile of C ------------------------------------------
  ;; Not called in this module: scripts/buildKernels.ts rewrites its ten mul+add pairs into
  ;; f32x4.relaxed_madd and ships the result as the FMA module's matMulPacked (src/kernels/fmaKernel.ts),
  ;; on A packed by matMulPackA in panels of 5 rows. V8 (Node 20) emitted every load of the loop body
  ;; before its arithmetic, so the tile is as large as 15 xmm registers allow with every operand loaded at
  ;; once: 10 accumulators, 2 vectors of B, A's rows 0–3 in one vector and one splat. Fused, it ran
  ;; at the f32x4 ceiling, 5 % faster than 4×8; as mul+add (one more temporary, and the shuffles share
  ;; the multiply and add pipes) it was 10 % slower than matMulPacked, which stays the fallback.
  (func $matMulPacked5x8 (param $pa i32) (param $pb i32) (param $m i32) (param $n i32)
        (param $k i32) (param $c i32) (param $ldc i32) (param $accumulate i32) (param $tile i32)
    (local $i0 i32) (local $j0 i32) (local $ap i32) (local $bp i32) (local $p i32)
    (local $a v128) (local $aq v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128)
    (local $c30 v128) (local $c31 v128) (local $c40 v128) (local $c41 v128)
    (local $out i32) (local $stride i32) (local $full i32)
    (local.set $j0 (i32.const 0))
    (block $jdone (loop $jpanels
      (br_if $jdone (i32.ge_u (local.get $j0) (local.get $n)))
      (local.set $i0 (i32.const 0))
      (block $idone (loop $ipanels
        (br_if $idone (i32.ge_u (local.get $i0) (local.get $m)))
        (local.set $ap (i32.add (local.get $pa) (i32.mul (i32.mul (local.get $i0) (i32.const 4)) (local.get $k))))
        (local.set $bp (i32.add (local.get $pb) (i32.mul (i32.shl (local.get $j0) (i32.const 2)) (local.get $k))))
        (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
        (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
        (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
        (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
        (local.set $c40 (v128.const i32x4 0 0 0 0)) (local.set $c41 (v128.const i32x4 0 0 0 0))
        (local.set $p (local.get $k))
        ;; Rows 0–3 of A come in one f32x4 and are splatted by shuffles, row 4 by a splatting load.
        (block $kdone (loop $kloop
          (br_if $kdone (i32.eqz (local.get $p)))
          (local.set $b0 (v128.load (local.get $bp)))
          (local.set $b1 (v128.load offset=16 (local.get $bp)))
          (local.set $aq (v128.load (local.get $ap)))
          (local.set $a (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $aq) (local.get $aq)))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $aq) (local.get $aq)))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $aq) (local.get $aq)))
          (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $aq) (local.get $aq)))
          (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load32_splat offset=16 (local.get $ap)))
          (local.set $c40 (f32x4.add (local.get $c40) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c41 (f32x4.add (local.get $c41) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $ap (i32.add (local.get $ap) (i32.const 20)))
          (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
          (local.set $p (i32.sub (local.get $p) (i32.const 1)))
          (br $kloop)))
        ;; Where the tile lies wholly inside C, write C directly; otherwise into $tile (stride 8).
        (local.set $full (i32.and (i32.le_u (i32.add (local.get $i0) (i32.const 5)) (local.get $m))
                                  (i32.le_u (i32.add (local.get $j0) (i32.const 8)) (local.get $n))))
        (if (local.get $full)
          (then
            (local.set $out (i32.add (local.get $c) (i32.shl
              (i32.add (i32.mul (local.get $i0) (local.get $ldc)) (local.get $j0)) (i32.const 2))))
            (local.set $stride (i32.shl (local.get $ldc) (i32.const 2))))
          (else
            (local.set $out (local.get $tile))
            (local.set $stride (i32.const 32))))
        (if (i32.and (local.get $accumulate) (local.get $full))
          (then
            (local.set $c00 (f32x4.add (local.get $c00) (v128.load (local.get $out))))
            (local.set $c01 (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $out))))
            (local.set $out (i32.add (local.get $out) (local.get $stride)))
            (local.set $c10 (f32x4.add (local.get $c10) (v128.load (local.get $out))))
            (local.set $c11 (f32x4.add (local.get $c11) (v128.load offset=16 (local.get $out))))
            (local.set $out (i32.add (local.get $out) (local.get $stride)))
            (local.set $c20 (f32x4.add (local.get $c20) (v128.load (local.get $out))))
            (local.set $c21 (f32x4.add (local.get $c21) (v128.load offset=16 (local.get $out))))
            (local.set $out (i32.add (local.get $out) (local.get $stride)))
            (local.set $c30 (f32x4.add (local.get $c30) (v128.load (local.get $out))))
            (local.set $c31 (f32x4.add (local.get $c31) (v128.load offset=16 (local.get $out))))
            (local.set $out (i32.add (local.get $out) (local.get $stride)))
            (local.set $c40 (f32x4.add (local.get $c40) (v128.load (local.get $out))))
            (local.set $c41 (f32x4.add (local.get $c41) (v128.load offset=16 (local.get $out))))
            (local.set $out (i32.add (local.get $out) (local.get $stride)))
            (local.set $out (i32.sub (local.get $out) (i32.mul (local.get $stride) (i32.const 5))))))
        (v128.store (local.get $out) (local.get $c00))
        (v128.store offset=16 (local.get $out) (local.get $c01))
        (local.set $out (i32.add (local.get $out) (local.get $stride)))
        (v128.store (local.get $out) (local.get $c10))
        (v128.store offset=16 (local.get $out) (local.get $c11))
        (local.set $out (i32.add (local.get $out) (local.get $stride)))
        (v128.store (local.get $out) (local.get $c20))
        (v128.store offset=16 (local.get $out) (local.get $c21))
        (local.set $out (i32.add (local.get $out) (local.get $stride)))
        (v128.store (local.get $out) (local.get $c30))
        (v128.store offset=16 (local.get $out) (local.get $c31))
        (local.set $out (i32.add (local.get $out) (local.get $stride)))
        (v128.store (local.get $out) (local.get $c40))
        (v128.store offset=16 (local.get $out) (local.get $c41))
        ;; A partial tile: copy its part inside C (adding when accumulating).
        (if (i32.eqz (local.get $full))
          (then (call $matMulPartialTile (local.get $tile) (i32.const 5) (local.get $c) (local.get $ldc)
                  (local.get $i0) (local.get $j0) (local.get $m) (local.get $n) (local.get $accumulate))))
        (local.set $i0 (i32.add (local.get $i0) (i32.const 5)))
        (br $ipanels)))
      (local.set $j0 (i32.add (local.get $j0) (i32.const 8)))
      (br $jpanels))))

  ;; ---- Float32 noise: the natural log in f32x4 ----------------------------------------------------
  ;; log x for four f32x4 of positive normal floats (Cephes' logf): x = 2^e·m with m in [√½, √2), f = m − 1,
  ;; log x = e·ln2 + f − f²/2 + f³·P(f), P of degree 8 (Estrin's scheme), ln2 split in two parts;
  ;; within 0.85 ulp (test/random/float32Log.test.ts). src/random/float32Log.ts does the same float32
  ;; operations in the same order with Math.fround, so the noise is bit-identical without WebAssembly.
  ;; The four logs' statements are interleaved so that their chains run in parallel (one log alone is
  ;; latency-bound: each step waits for the one before; four beat two by 13 % in a rotated A/B).
  (func $logf4x4 (param $xa v128) (param $xb v128) (param $xc v128) (param $xd v128) (result v128 v128 v128 v128)
    (local $ea v128) (local $eb v128) (local $ec v128) (local $ed v128) (local $ma v128) (local $mb v128) (local $mc v128) (local $md v128) (local $smalla v128) (local $smallb v128) (local $smallc v128) (local $smalld v128) (local $fa v128) (local $fb v128) (local $fc v128) (local $fd v128) (local $za v128) (local $zb v128) (local $zc v128) (local $zd v128) (local $z2a v128) (local $z2b v128) (local $z2c v128) (local $z2d v128) (local $ya v128) (local $yb v128) (local $yc v128) (local $yd v128)
    ;; x = 2^e·m with m in [½, 1): e = biased exponent − 126 (as a float), m = the mantissa under exponent −1
    (local.set $ea
      (f32x4.convert_i32x4_s
        (i32x4.sub (i32x4.shr_u (local.get $xa) (i32.const 23)) (v128.const i32x4 126 126 126 126))))
    (local.set $eb
      (f32x4.convert_i32x4_s
        (i32x4.sub (i32x4.shr_u (local.get $xb) (i32.const 23)) (v128.const i32x4 126 126 126 126))))
    (local.set $ec
      (f32x4.convert_i32x4_s
        (i32x4.sub (i32x4.shr_u (local.get $xc) (i32.const 23)) (v128.const i32x4 126 126 126 126))))
    (local.set $ed
      (f32x4.convert_i32x4_s
        (i32x4.sub (i32x4.shr_u (local.get $xd) (i32.const 23)) (v128.const i32x4 126 126 126 126))))
    (local.set $ma
      (v128.or (v128.and (local.get $xa) (v128.const i32x4 0x007FFFFF 0x007FFFFF 0x007FFFFF 0x007FFFFF))
        (v128.const i32x4 0x3F000000 0x3F000000 0x3F000000 0x3F000000)))
    (local.set $mb
      (v128.or (v128.and (local.get $xb) (v128.const i32x4 0x007FFFFF 0x007FFFFF 0x007FFFFF 0x007FFFFF))
        (v128.const i32x4 0x3F000000 0x3F000000 0x3F000000 0x3F000000)))
    (local.set $mc
      (v128.or (v128.and (local.get $xc) (v128.const i32x4 0x007FFFFF 0x007FFFFF 0x007FFFFF 0x007FFFFF))
        (v128.const i32x4 0x3F000000 0x3F000000 0x3F000000 0x3F000000)))
    (local.set $md
      (v128.or (v128.and (local.get $xd) (v128.const i32x4 0x007FFFFF 0x007FFFFF 0x007FFFFF 0x007FFFFF))
        (v128.const i32x4 0x3F000000 0x3F000000 0x3F000000 0x3F000000)))
    ;; m < √½: take 2m and e − 1, so f = (m − 1) + m (exact); else f = m − 1 (exact)
    (local.set $smalla (f32x4.lt (local.get $ma) (v128.const f32x4 0.70710677 0.70710677 0.70710677 0.70710677)))
    (local.set $smallb (f32x4.lt (local.get $mb) (v128.const f32x4 0.70710677 0.70710677 0.70710677 0.70710677)))
    (local.set $smallc (f32x4.lt (local.get $mc) (v128.const f32x4 0.70710677 0.70710677 0.70710677 0.70710677)))
    (local.set $smalld (f32x4.lt (local.get $md) (v128.const f32x4 0.70710677 0.70710677 0.70710677 0.70710677)))
    (local.set $fa
      (f32x4.add (f32x4.sub (local.get $ma) (v128.const f32x4 1 1 1 1)) (v128.and (local.get $ma) (local.get $smalla))))
    (local.set $fb
      (f32x4.add (f32x4.sub (local.get $mb) (v128.const f32x4 1 1 1 1)) (v128.and (local.get $mb) (local.get $smallb))))
    (local.set $fc
      (f32x4.add (f32x4.sub (local.get $mc) (v128.const f32x4 1 1 1 1)) (v128.and (local.get $mc) (local.get $smallc))))
    (local.set $fd
      (f32x4.add (f32x4.sub (local.get $md) (v128.const f32x4 1 1 1 1)) (v128.and (local.get $md) (local.get $smalld))))
    (local.set $ea (f32x4.sub (local.get $ea) (v128.and (local.get $smalla) (v128.const f32x4 1 1 1 1))))
    (local.set $eb (f32x4.sub (local.get $eb) (v128.and (local.get $smallb) (v128.const f32x4 1 1 1 1))))
    (local.set $ec (f32x4.sub (local.get $ec) (v128.and (local.get $smallc) (v128.const f32x4 1 1 1 1))))
    (local.set $ed (f32x4.sub (local.get $ed) (v128.and (local.get $smalld) (v128.const f32x4 1 1 1 1))))
    (local.set $za (f32x4.mul (local.get $fa) (local.get $fa)))
    (local.set $zb (f32x4.mul (local.get $fb) (local.get $fb)))
    (local.set $zc (f32x4.mul (local.get $fc) (local.get $fc)))
    (local.set $zd (f32x4.mul (local.get $fd) (local.get $fd)))
    ;; P(f) = Σ c_i f^i by Estrin's scheme (pairs, then pairs of pairs), a short dependency chain
    (local.set $z2a (f32x4.mul (local.get $za) (local.get $za)))
    (local.set $z2b (f32x4.mul (local.get $zb) (local.get $zb)))
    (local.set $z2c (f32x4.mul (local.get $zc) (local.get $zc)))
    (local.set $z2d (f32x4.mul (local.get $zd) (local.get $zd)))
    (local.set $ya
      (f32x4.add
        (f32x4.add
          (f32x4.add (f32x4.add (v128.const f32x4 3.3333331174e-1 3.3333331174e-1 3.3333331174e-1 3.3333331174e-1) (f32x4.mul (local.get $fa) (v128.const f32x4 -2.4999993993e-1 -2.4999993993e-1 -2.4999993993e-1 -2.4999993993e-1)))
            (f32x4.mul (local.get $za) (f32x4.add (v128.const f32x4 2.0000714765e-1 2.0000714765e-1 2.0000714765e-1 2.0000714765e-1) (f32x4.mul (local.get $fa) (v128.const f32x4 -1.6668057665e-1 -1.6668057665e-1 -1.6668057665e-1 -1.6668057665e-1)))))
          (f32x4.mul (local.get $z2a)
            (f32x4.add (f32x4.add (v128.const f32x4 1.4249322787e-1 1.4249322787e-1 1.4249322787e-1 1.4249322787e-1) (f32x4.mul (local.get $fa) (v128.const f32x4 -1.2420140846e-1 -1.2420140846e-1 -1.2420140846e-1 -1.2420140846e-1)))
              (f32x4.mul (local.get $za) (f32x4.add (v128.const f32x4 1.1676998740e-1 1.1676998740e-1 1.1676998740e-1 1.1676998740e-1) (f32x4.mul (local.get $fa) (v128.const f32x4 -1.1514610310e-1 -1.1514610310e-1 -1.1514610310e-1 -1.1514610310e-1)))))))
        (f32x4.mul (f32x4.mul (local.get $z2a) (local.get $z2a)) (v128.const f32x4 7.0376836292e-2 7.0376836292e-2 7.0376836292e-2 7.0376836292e-2))))
    (local.set $yb
      (f32x4.add
        (f32x4.add
          (f32x4.add (f32x4.add (v128.const f32x4 3.3333331174e-1 3.3333331174e-1 3.3333331174e-1 3.3333331174e-1) (f32x4.mul (local.get $fb) (v128.const f32x4 -2.4999993993e-1 -2.4999993993e-1 -2.4999993993e-1 -2.4999993993e-1)))
            (f32x4.mul (local.get $zb) (f32x4.add (v128.const f32x4 2.0000714765e-1 2.0000714765e-1 2.0000714765e-1 2.0000714765e-1) (f32x4.mul (local.get $fb) (v128.const f32x4 -1.6668057665e-1 -1.6668057665e-1 -1.6668057665e-1 -1.6668057665e-1)))))
          (f32x4.mul (local.get $z2b)
            (f32x4.add (f32x4.add (v128.const f32x4 1.4249322787e-1 1.4249322787e-1 1.4249322787e-1 1.4249322787e-1) (f32x4.mul (local.get $fb) (v128.const f32x4 -1.2420140846e-1 -1.2420140846e-1 -1.2420140846e-1 -1.2420140846e-1)))
              (f32x4.mul (local.get $zb) (f32x4.add (v128.const f32x4 1.1676998740e-1 1.1676998740e-1 1.1676998740e-1 1.1676998740e-1) (f32x4.mul (local.get $fb) (v128.const f32x4 -1.1514610310e-1 -1.1514610310e-1 -1.1514610310e-1 -1.1514610310e-1)))))))
        (f32x4.mul (f32x4.mul (local.get $z2b) (local.get $z2b)) (v128.const f32x4 7.0376836292e-2 7.0376836292e-2 7.0376836292e-2 7.0376836292e-2))))
    (local.set $yc
      (f32x4.add
        (f32x4.add
          (f32x4.add (f32x4.add (v128.const f32x4 3.3333331174e-1 3.3333331174e-1 3.3333331174e-1 3.3333331174e-1) (f32x4.mul (local.get $fc) (v128.const f32x4 -2.4999993993e-1 -2.4999993993e-1 -2.4999993993e-1 -2.4999993993e-1)))
            (f32x4.mul (local.get $zc) (f32x4.add (v128.const f32x4 2.0000714765e-1 2.0000714765e-1 2.0000714765e-1 2.0000714765e-1) (f32x4.mul (local.get $fc) (v128.const f32x4 -1.6668057665e-1 -1.6668057665e-1 -1.6668057665e-1 -1.6668057665e-1)))))
          (f32x4.mul (local.get $z2c)
            (f32x4.add (f32x4.add (v128.const f32x4 1.4249322787e-1 1.4249322787e-1 1.4249322787e-1 1.4249322787e-1) (f32x4.mul (local.get $fc) (v128.const f32x4 -1.2420140846e-1 -1.2420140846e-1 -1.2420140846e-1 -1.2420140846e-1)))
              (f32x4.mul (local.get $zc) (f32x4.add (v128.const f32x4 1.1676998740e-1 1.1676998740e-1 1.1676998740e-1 1.1676998740e-1) (f32x4.mul (local.get $fc) (v128.const f32x4 -1.1514610310e-1 -1.1514610310e-1 -1.1514610310e-1 -1.1514610310e-1)))))))
        (f32x4.mul (f32x4.mul (local.get $z2c) (local.get $z2c)) (v128.const f32x4 7.0376836292e-2 7.0376836292e-2 7.0376836292e-2 7.0376836292e-2))))
    (local.set $yd
      (f32x4.add
        (f32x4.add
          (f32x4.add (f32x4.add (v128.const f32x4 3.3333331174e-1 3.3333331174e-1 3.3333331174e-1 3.3333331174e-1) (f32x4.mul (local.get $fd) (v128.const f32x4 -2.4999993993e-1 -2.4999993993e-1 -2.4999993993e-1 -2.4999993993e-1)))
            (f32x4.mul (local.get $zd) (f32x4.add (v128.const f32x4 2.0000714765e-1 2.0000714765e-1 2.0000714765e-1 2.0000714765e-1) (f32x4.mul (local.get $fd) (v128.const f32x4 -1.6668057665e-1 -1.6668057665e-1 -1.6668057665e-1 -1.6668057665e-1)))))
          (f32x4.mul (local.get $z2d)
            (f32x4.add (f32x4.add (v128.const f32x4 1.4249322787e-1 1.4249322787e-1 1.4249322787e-1 1.4249322787e-1) (f32x4.mul (local.get $fd) (v128.const f32x4 -1.2420140846e-1 -1.2420140846e-1 -1.2420140846e-1 -1.2420140846e-1)))
              (f32x4.mul (local.get $zd) (f32x4.add (v128.const f32x4 1.1676998740e-1 1.1676998740e-1 1.1676998740e-1 1.1676998740e-1) (f32x4.mul (local.get $fd) (v128.const f32x4 -1.1514610310e-1 -1.1514610310e-1 -1.1514610310e-1 -1.1514610310e-1)))))))
        (f32x4.mul (f32x4.mul (local.get $z2d) (local.get $z2d)) (v128.const f32x4 7.0376836292e-2 7.0376836292e-2 7.0376836292e-2 7.0376836292e-2))))
    (local.set $ya (f32x4.mul (f32x4.mul (local.get $ya) (local.get $fa)) (local.get $za)))
    (local.set $yb (f32x4.mul (f32x4.mul (local.get $yb) (local.get $fb)) (local.get $zb)))
    (local.set $yc (f32x4.mul (f32x4.mul (local.get $yc) (local.get $fc)) (local.get $zc)))
    (local.set $yd (f32x4.mul (f32x4.mul (local.get $yd) (local.get $fd)) (local.get $zd)))
    (local.set $ya (f32x4.add (local.get $ya) (f32x4.mul (local.get $ea) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $yb (f32x4.add (local.get $yb) (f32x4.mul (local.get $eb) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $yc (f32x4.add (local.get $yc) (f32x4.mul (local.get $ec) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $yd (f32x4.add (local.get $yd) (f32x4.mul (local.get $ed) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $ya (f32x4.sub (local.get $ya) (f32x4.mul (local.get $za) (v128.const f32x4 0.5 0.5 0.5 0.5))))
    (local.set $yb (f32x4.sub (local.get $yb) (f32x4.mul (local.get $zb) (v128.const f32x4 0.5 0.5 0.5 0.5))))
    (local.set $yc (f32x4.sub (local.get $yc) (f32x4.mul (local.get $zc) (v128.const f32x4 0.5 0.5 0.5 0.5))))
    (local.set $yd (f32x4.sub (local.get $yd) (f32x4.mul (local.get $zd) (v128.const f32x4 0.5 0.5 0.5 0.5))))
    (f32x4.add (f32x4.add (local.get $fa) (local.get $ya))
      (f32x4.mul (local.get $ea) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
    (f32x4.add (f32x4.add (local.get $fb) (local.get $yb))
      (f32x4.mul (local.get $eb) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
    (f32x4.add (f32x4.add (local.get $fc) (local.get $yc))
      (f32x4.mul (local.get $ec) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
    (f32x4.add (f32x4.add (local.get $fd) (local.get $yd))
      (f32x4.mul (local.get $ed) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))

  ;; ---- Softmax: two exps per call --------------------------------------------------------------
  ;; $exp4 of two f32x4 (the softmax's, eight at a time), statements interleaved so that both chains
  ;; run in parallel; lane for lane the same operations, so the same bits as $exp4.
  (func $exp4x2 (param $xa v128) (param $xb v128) (result v128 v128)
    (local $na v128) (local $nb v128) (local $ra v128) (local $rb v128) (local $r2a v128) (local $r2b v128) (local $pa v128) (local $pb v128) (local $clampeda v128) (local $clampedb v128) (local $shifteda v128) (local $shiftedb v128)
    (local.set $clampeda (f32x4.pmax (local.get $xa) (v128.const f32x4 -87 -87 -87 -87)))
    (local.set $clampedb (f32x4.pmax (local.get $xb) (v128.const f32x4 -87 -87 -87 -87)))
    (local.set $shifteda
      (f32x4.add (f32x4.mul (local.get $clampeda) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))
        (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $shiftedb
      (f32x4.add (f32x4.mul (local.get $clampedb) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))
        (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $na (f32x4.sub (local.get $shifteda) (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $nb (f32x4.sub (local.get $shiftedb) (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $ra
      (f32x4.sub
        (f32x4.sub (local.get $clampeda) (f32x4.mul (local.get $na) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
        (f32x4.mul (local.get $na) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $rb
      (f32x4.sub
        (f32x4.sub (local.get $clampedb) (f32x4.mul (local.get $nb) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
        (f32x4.mul (local.get $nb) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $r2a (f32x4.mul (local.get $ra) (local.get $ra)))
    (local.set $r2b (f32x4.mul (local.get $rb) (local.get $rb)))
    (local.set $pa (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $pb (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $pa (f32x4.add (f32x4.mul (local.get $pa) (local.get $ra)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $pb (f32x4.add (f32x4.mul (local.get $pb) (local.get $rb)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $pa (f32x4.add (f32x4.mul (local.get $pa) (local.get $ra)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $pb (f32x4.add (f32x4.mul (local.get $pb) (local.get $rb)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $pa (f32x4.add (f32x4.mul (local.get $pa) (local.get $ra)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $pb (f32x4.add (f32x4.mul (local.get $pb) (local.get $rb)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $pa (f32x4.add (f32x4.mul (local.get $pa) (local.get $ra)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $pb (f32x4.add (f32x4.mul (local.get $pb) (local.get $rb)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $pa (f32x4.add (f32x4.mul (local.get $pa) (local.get $ra)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $pb (f32x4.add (f32x4.mul (local.get $pb) (local.get $rb)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $pa
      (f32x4.add (f32x4.add (f32x4.mul (local.get $pa) (local.get $r2a)) (local.get $ra)) (v128.const f32x4 1 1 1 1)))
    (local.set $pb
      (f32x4.add (f32x4.add (f32x4.mul (local.get $pb) (local.get $r2b)) (local.get $rb)) (v128.const f32x4 1 1 1 1)))
    (v128.and
      (f32x4.mul (local.get $pa)
        (i32x4.shl (i32x4.add (local.get $shifteda) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
      ;; zero where x < −87 (masked categories), keep NaN
      (v128.not (f32x4.lt (local.get $xa) (v128.const f32x4 -87 -87 -87 -87))))
    (v128.and
      (f32x4.mul (local.get $pb)
        (i32x4.shl (i32x4.add (local.get $shiftedb) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
      ;; zero where x < −87 (masked categories), keep NaN
      (v128.not (f32x4.lt (local.get $xb) (v128.const f32x4 -87 -87 -87 -87)))))

  ;; ==== Log-space Sinkhorn, the whole iteration loop in one call (helper sinkhorn-kernel) ========
  ;; src/kernels/sinkhornKernels.ts. Each matrix X [n, n] (row-major, n ≥ 4) is normalised through
  ;; its dual potentials: after the row half of iteration t the state is X_ij − U_t[i] − V_{t−1}[j],
  ;; after the column half X_ij − U_t[i] − V_t[j], with U_t[i] = logsumexp_j(X_ij − V_{t−1}[j])
  ;; (V_{−1} = 0) and V_t[j] = logsumexp_i(X_ij − U_t[i]) — the matrices that normalising the state
  ;; itself by rows then columns gives, every logsumexp with its maximum subtracted first, and X is
  ;; only read (it stays in L1). U_t, V_t are stored per iteration ([matrices, iterations, 2, n]) so
  ;; the backward pass rebuilds each half-step's state without storing it. Rows go four columns at
  ;; a time and their last n mod 4 columns by one more block at n − 4 whose already-done lanes are
  ;; masked; columns go in blocks of four columns down the rows (exp in float32: $exp4).

  ;; Lanes k ≥ 4 − (n mod 4): the new columns of a row's last, overlapping block at n − 4.
  (func $skTailMask (param $n i32) (result v128)
    (i32x4.ge_s (v128.const i32x4 0 1 2 3)
      (i32x4.splat (i32.sub (i32.const 4) (i32.and (local.get $n) (i32.const 3))))))

  ;; x[j..j+3] − v[j..j+3] at byte offset $at (v = 0: no potential).
  (func $skShifted (param $x i32) (param $v i32) (param $at i32) (result v128)
    (local $row v128)
    (local.set $row (v128.load align=4 (i32.add (local.get $x) (local.get $at))))
    (if (result v128) (local.get $v)
      (then (f32x4.sub (local.get $row) (v128.load align=4 (i32.add (local.get $v) (local.get $at)))))
      (else (local.get $row))))

  ;; Σ_j exp(x[j] − v[j] − shift) of one row of n (v = 0: no potential), in float32 lanes; the
  ;; exponentials are kept at eRow.
  (func $skRowSum (param $x i32) (param $v i32) (param $n i32) (param $shift f32) (param $eRow i32) (result f32)
    (local $at i32) (local $last i32) (local $shift4 v128) (local $sum v128)
    (local $ex v128) (local $ee v128) (local $ec v128) (local $en v128) (local $er v128) (local $ep v128)
    (local.set $last (i32.shl (i32.sub (local.get $n) (i32.const 4)) (i32.const 2)))
    (local.set $shift4 (f32x4.splat (local.get $shift)))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (local.get $at) (local.get $last)))
        ;; $ee = $exp4 of the shifted entries, inlined (Node 20's V8 does not inline wasm calls)
        (local.set $ex
          (f32x4.sub
            (f32x4.sub (v128.load align=4 (i32.add (local.get $x) (local.get $at)))
              (if (result v128) (local.get $v)
                (then (v128.load align=4 (i32.add (local.get $v) (local.get $at))))
                (else (v128.const f32x4 0 0 0 0))))
            (local.get $shift4)))
        (local.set $ec (f32x4.max (local.get $ex) (v128.const f32x4 -87 -87 -87 -87)))
        (local.set $en (f32x4.nearest (f32x4.mul (local.get $ec) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
        (local.set $er
          (f32x4.sub
            (f32x4.sub (local.get $ec) (f32x4.mul (local.get $en) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
            (f32x4.mul (local.get $en) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
        (local.set $ep (f32x4.add (f32x4.mul (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4) (local.get $er)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
        (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
        (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
        (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
        (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
        (local.set $ep
          (f32x4.add (f32x4.add (f32x4.mul (local.get $ep) (f32x4.mul (local.get $er) (local.get $er))) (local.get $er)) (v128.const f32x4 1 1 1 1)))
        (local.set $ee
          (v128.and
            (f32x4.mul (local.get $ep)
              (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $en)) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
            (v128.not (f32x4.lt (local.get $ex) (v128.const f32x4 -87 -87 -87 -87)))))
        (v128.store align=4 (i32.add (local.get $eRow) (local.get $at)) (local.get $ee))
        (local.set $sum (f32x4.add (local.get $sum) (local.get $ee)))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $next)))
    (if (i32.and (local.get $n) (i32.const 3))
      (then
        (local.set $ee
          (call $exp4 (f32x4.sub (call $skShifted (local.get $x) (local.get $v) (local.get $last)) (local.get $shift4))))
        (v128.store align=4 (i32.add (local.get $eRow) (local.get $last)) (local.get $ee))
        (local.set $sum (f32x4.add (local.get $sum) (v128.and (call $skTailMask (local.get $n)) (local.get $ee))))))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $sum)) (f32x4.extract_lane 1 (local.get $sum)))
      (f32.add (f32x4.extract_lane 2 (local.get $sum)) (f32x4.extract_lane 3 (local.get $sum)))))

  ;; The smallest sum of exponentials trusted after a shift that is not the maximum: below it the
  ;; largest terms may have underflowed, and the logsumexp is taken again with the maximum.
  (global $skSmallestSum f32 (f32.const 1e-30))

  ;; logsumexp_j(x[j] − v[j]) of one row of n (v = 0: no potential), the sum of exponentials in
  ;; float32. With $useShift the exponentials are taken after subtracting $shift, a bound on the
  ;; row's largest entry that needs no pass of its own (the row's previous potential: the entries
  ;; of a column-normalised state are ≤ 0); the row's maximum is used when that sum is too small.
  ;; The exponentials of the last sum are kept at eRow, the shift they used at shiftOut.
  (func $skRowLse (param $x i32) (param $v i32) (param $n i32) (param $shift f32) (param $useShift i32)
    (param $eRow i32) (param $shiftOut i32) (result f32)
    (local $at i32) (local $last i32) (local $mask v128) (local $max v128) (local $m f32) (local $sum f32)
    (if (local.get $useShift)
      (then
        (local.set $sum
          (call $skRowSum (local.get $x) (local.get $v) (local.get $n) (local.get $shift) (local.get $eRow)))
        (if (f32.ge (local.get $sum) (global.get $skSmallestSum))
          (then
            (f32.store (local.get $shiftOut) (local.get $shift))
            (return
              (f32.add (local.get $shift)
                (f32.demote_f64 (call $log (f64.promote_f32 (local.get $sum))))))))))
    (local.set $last (i32.shl (i32.sub (local.get $n) (i32.const 4)) (i32.const 2)))
    (local.set $mask (call $skTailMask (local.get $n)))
    (local.set $max (v128.const f32x4 -inf -inf -inf -inf))
    (block $done1
      (loop $next1
        (br_if $done1 (i32.gt_u (local.get $at) (local.get $last)))
        (local.set $max (f32x4.max (local.get $max) (call $skShifted (local.get $x) (local.get $v) (local.get $at))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $next1)))
    (if (i32.and (local.get $n) (i32.const 3))
      (then
        (local.set $max
          (f32x4.max (local.get $max)
            (v128.bitselect (call $skShifted (local.get $x) (local.get $v) (local.get $last))
              (v128.const f32x4 -inf -inf -inf -inf) (local.get $mask))))))
    (local.set $m
      (f32.max
        (f32.max (f32x4.extract_lane 0 (local.get $max)) (f32x4.extract_lane 1 (local.get $max)))
        (f32.max (f32x4.extract_lane 2 (local.get $max)) (f32x4.extract_lane 3 (local.get $max)))))
    (f32.store (local.get $shiftOut) (local.get $m))
    (f32.add (local.get $m)
      (f32.demote_f64
        (call $log
          (f64.promote_f32 (call $skRowSum (local.get $x) (local.get $v) (local.get $n) (local.get $m) (local.get $eRow)))))))

  ;; Σ_i exp(x[i][j] − u[i] − shift[j]) for the four columns at byte offset $at of an n × n matrix x.
  (func $skColumnSum (param $x i32) (param $u i32) (param $n i32) (param $at i32) (param $shift v128)
    (result v128)
    (local $i i32) (local $p i32) (local $rowBytes i32) (local $sum v128)
    (local $ex v128) (local $ee v128) (local $ec v128) (local $en v128) (local $er v128) (local $ep v128)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $p (i32.add (local.get $x) (local.get $at)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ;; $ee = $exp4 of the shifted entries, inlined (Node 20's V8 does not inline wasm calls)
        (local.set $ex
          (f32x4.sub
            (f32x4.sub (v128.load align=4 (local.get $p))
              (v128.load32_splat (i32.add (local.get $u) (i32.shl (local.get $i) (i32.const 2)))))
            (local.get $shift)))
        (local.set $ec (f32x4.max (local.get $ex) (v128.const f32x4 -87 -87 -87 -87)))
        (local.set $en (f32x4.nearest (f32x4.mul (local.get $ec) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
        (local.set $er
          (f32x4.sub
            (f32x4.sub (local.get $ec) (f32x4.mul (local.get $en) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
            (f32x4.mul (local.get $en) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
        (local.set $ep (f32x4.add (f32x4.mul (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4) (local.get $er)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
        (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
        (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
        (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
        (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
        (local.set $ep
          (f32x4.add (f32x4.add (f32x4.mul (local.get $ep) (f32x4.mul (local.get $er) (local.get $er))) (local.get $er)) (v128.const f32x4 1 1 1 1)))
        (local.set $ee
          (v128.and
            (f32x4.mul (local.get $ep)
              (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $en)) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
            (v128.not (f32x4.lt (local.get $ex) (v128.const f32x4 -87 -87 -87 -87)))))
        (local.set $sum (f32x4.add (local.get $sum) (local.get $ee)))
        (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum))

  ;; shift + log(sum), lane by lane.
  (func $skShiftedLog (param $shift v128) (param $sum v128) (result v128)
    (f32x4.add (local.get $shift)
      (f32x4.replace_lane 3
        (f32x4.replace_lane 2
          (f32x4.replace_lane 1
            (f32x4.splat (f32.demote_f64 (call $log (f64.promote_f32 (f32x4.extract_lane 0 (local.get $sum))))))
            (f32.demote_f64 (call $log (f64.promote_f32 (f32x4.extract_lane 1 (local.get $sum))))))
          (f32.demote_f64 (call $log (f64.promote_f32 (f32x4.extract_lane 2 (local.get $sum))))))
        (f32.demote_f64 (call $log (f64.promote_f32 (f32x4.extract_lane 3 (local.get $sum))))))))

  ;; logsumexp_i(x[i][j] − u[i]) for the four columns at byte offset $at of an n × n matrix x. The
  ;; exponentials are first taken after subtracting $shift (the columns' previous potentials, or 0:
  ;; the entries of a row-normalised state are ≤ 0), with the columns' maxima when a sum is too small.
  (func $skColumnLse (param $x i32) (param $u i32) (param $n i32) (param $at i32) (param $shift v128)
    (result v128)
    (local $i i32) (local $p i32) (local $rowBytes i32) (local $max v128) (local $sum v128)
    (local.set $sum (call $skColumnSum (local.get $x) (local.get $u) (local.get $n) (local.get $at) (local.get $shift)))
    (if (i32x4.all_true (f32x4.ge (local.get $sum) (f32x4.splat (global.get $skSmallestSum))))
      (then (return (call $skShiftedLog (local.get $shift) (local.get $sum)))))
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $max (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $p (i32.add (local.get $x) (local.get $at)))
    (block $done1
      (loop $next1
        (br_if $done1 (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $max
          (f32x4.max (local.get $max)
            (f32x4.sub (v128.load align=4 (local.get $p))
              (v128.load32_splat (i32.add (local.get $u) (i32.shl (local.get $i) (i32.const 2)))))))
        (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next1)))
    (call $skShiftedLog (local.get $max)
      (call $skColumnSum (local.get $x) (local.get $u) (local.get $n) (local.get $at) (local.get $max))))

  ;; v[j..j+3] at byte offset $at, or 0 where v = 0.
  (func $skPrevious (param $v i32) (param $at i32) (result v128)
    (if (result v128) (local.get $v)
      (then (v128.load align=4 (i32.add (local.get $v) (local.get $at))))
      (else (v128.const f32x4 0 0 0 0))))

  ;; The smallest column sum trusted from the row half's kept exponentials: entries that underflowed
  ;; there (below e^−87, times a factor ≤ e^10) are negligible next to it.
  (global $skSmallestKeptSum f32 (f32.const 1e-20))

  ;; V_t for the four columns at byte offset $at from the row half's kept exponentials
  ;; e[i][j] = exp(x_ij − V_{t−1}[j] − shift_i) and factors r_i = exp(shift_i − U_t[i]):
  ;; V_t[j] = V_{t−1}[j] + log Σ_i e[i][j]·r_i (no exp per entry), where $useKept and every sum is
  ;; large enough; else $skColumnLse. $shift = V_{t−1} at these columns.
  (func $skColumnLseKept (param $x i32) (param $u i32) (param $n i32) (param $at i32) (param $shift v128)
    (param $e i32) (param $r i32) (param $useKept i32) (result v128)
    (local $i i32) (local $p i32) (local $rowBytes i32) (local $sum v128)
    (if (local.get $useKept)
      (then
        (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
        (local.set $p (i32.add (local.get $e) (local.get $at)))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $sum
              (f32x4.add (local.get $sum)
                (f32x4.mul (v128.load align=4 (local.get $p))
                  (v128.load32_splat (i32.add (local.get $r) (i32.shl (local.get $i) (i32.const 2)))))))
            (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (if (i32x4.all_true (f32x4.ge (local.get $sum) (f32x4.splat (global.get $skSmallestKeptSum))))
          (then (return (call $skShiftedLog (local.get $shift) (local.get $sum)))))))
    (call $skColumnLse (local.get $x) (local.get $u) (local.get $n) (local.get $at) (local.get $shift)))

  ;; y[j..j+3] = (x[j..j+3] − u) − v[j..j+3] at byte offset $at of a row.
  (func $skStoreOutput (param $x i32) (param $y i32) (param $v i32) (param $u v128) (param $at i32)
    (v128.store align=4 (i32.add (local.get $y) (local.get $at))
      (f32x4.sub
        (f32x4.sub (v128.load align=4 (i32.add (local.get $x) (local.get $at))) (local.get $u))
        (v128.load align=4 (i32.add (local.get $v) (local.get $at))))))

  ;; The forward pass of `matrices` matrices [n, n] at x: `iterations` row-then-column
  ;; normalisations; writes the log of the result, x − U − V, to y and each iteration's potentials
  ;; U_t, V_t to `potentials` [matrices, iterations, 2, n]. Where `deviations` is not 0, also the
  ;; smallest and largest log row sum of each iteration's result, logsumexp_j(x_ij − V_t[j]) − U_t[i],
  ;; to it ([matrices, iterations, 2]: how far the rows are from summing to 1, for a tolerance).
  ;; The column half reuses the row half's exponentials (kept in `scratch`: n² + 2n floats).
  (func (export "sinkhornForward") (param $x i32) (param $y i32) (param $potentials i32)
    (param $deviations i32) (param $scratch i32) (param $matrices i32) (param $n i32) (param $iterations i32)
    (local $kept i32) (local $shifts i32) (local $factors i32) (local $useKept i32)
    (local $low f32) (local $high f32) (local $d f32) (local $b i32) (local $t i32) (local $i i32) (local $at i32) (local $last i32) (local $rowBytes i32)
    (local $xm i32) (local $ym i32) (local $u i32) (local $v i32) (local $vPrevious i32) (local $ui v128)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $last (i32.shl (i32.sub (local.get $n) (i32.const 4)) (i32.const 2)))
    (local.set $kept (local.get $scratch))
    (local.set $shifts (i32.add (local.get $kept) (i32.mul (local.get $rowBytes) (local.get $n))))
    (local.set $factors (i32.add (local.get $shifts) (local.get $rowBytes)))
    (block $matricesDone
      (loop $nextMatrix
        (br_if $matricesDone (i32.ge_u (local.get $b) (local.get $matrices)))
        (local.set $xm (i32.add (local.get $x) (i32.mul (local.get $b) (i32.mul (local.get $rowBytes) (local.get $n)))))
        (local.set $ym (i32.add (local.get $y) (i32.mul (local.get $b) (i32.mul (local.get $rowBytes) (local.get $n)))))
        (local.set $u
          (i32.add (local.get $potentials)
            (i32.mul (local.get $b) (i32.mul (local.get $iterations) (i32.shl (local.get $rowBytes) (i32.const 1))))))
        (local.set $vPrevious (i32.const 0))
        (local.set $t (i32.const 0))
        (block $iterationsDone
          (loop $nextIteration
            (br_if $iterationsDone (i32.ge_u (local.get $t) (local.get $iterations)))
            (local.set $v (i32.add (local.get $u) (local.get $rowBytes)))
            ;; rows: U_t[i] = logsumexp_j(x_ij − V_{t−1}[j])
            (local.set $i (i32.const 0))
            (block $rowsDone
              (loop $nextRow
                (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $n)))
                (f32.store (i32.add (local.get $u) (i32.shl (local.get $i) (i32.const 2)))
                  (call $skRowLse (i32.add (local.get $xm) (i32.mul (local.get $i) (local.get $rowBytes)))
                    (local.get $vPrevious) (local.get $n)
                    (if (result f32) (local.get $t)
                      (then (f32.load (i32.add (i32.sub (local.get $u) (i32.shl (local.get $rowBytes) (i32.const 1)))
                        (i32.shl (local.get $i) (i32.const 2)))))
                      (else (f32.const 0)))
                    (local.get $t)
                    (i32.add (local.get $kept) (i32.mul (local.get $i) (local.get $rowBytes)))
                    (i32.add (local.get $shifts) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $nextRow)))
            ;; columns: V_t[j] = logsumexp_i(x_ij − U_t[i]); the last block overlaps (same values)
            (local.set $useKept
              (call $skColumnFactors (local.get $shifts) (local.get $u) (local.get $factors) (local.get $n)))
            (local.set $at (i32.const 0))
            (block $columnsDone
              (loop $nextColumns
                (br_if $columnsDone (i32.gt_u (local.get $at) (local.get $last)))
                (v128.store align=4 (i32.add (local.get $v) (local.get $at))
                  (call $skColumnLseKept (local.get $xm) (local.get $u) (local.get $n) (local.get $at)
                    (call $skPrevious (local.get $vPrevious) (local.get $at))
                    (local.get $kept) (local.get $factors) (local.get $useKept)))
                (local.set $at (i32.add (local.get $at) (i32.const 16)))
                (br $nextColumns)))
            (if (i32.and (local.get $n) (i32.const 3))
              (then
                (v128.store align=4 (i32.add (local.get $v) (local.get $last))
                  (call $skColumnLseKept (local.get $xm) (local.get $u) (local.get $n) (local.get $last)
                    (call $skPrevious (local.get $vPrevious) (local.get $last))
                    (local.get $kept) (local.get $factors) (local.get $useKept)))))
            (if (local.get $deviations)
              (then
                (local.set $low (f32.const inf))
                (local.set $high (f32.const -inf))
                (local.set $i (i32.const 0))
                (block $deviationsDone
                  (loop $nextDeviation
                    (br_if $deviationsDone (i32.ge_u (local.get $i) (local.get $n)))
                    (local.set $d
                      (f32.sub
                        (call $skRowLse (i32.add (local.get $xm) (i32.mul (local.get $i) (local.get $rowBytes)))
                          (local.get $v) (local.get $n)
                          (f32.load (i32.add (local.get $u) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 1)
                          (local.get $kept) (local.get $shifts))
                        (f32.load (i32.add (local.get $u) (i32.shl (local.get $i) (i32.const 2))))))
                    (local.set $low (f32.min (local.get $low) (local.get $d)))
                    (local.set $high (f32.max (local.get $high) (local.get $d)))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br $nextDeviation)))
                (local.set $at
                  (i32.add (local.get $deviations)
                    (i32.shl (i32.add (i32.mul (local.get $b) (local.get $iterations)) (local.get $t)) (i32.const 3))))
                (f32.store (local.get $at) (local.get $low))
                (f32.store offset=4 (local.get $at) (local.get $high))))
            (local.set $vPrevious (local.get $v))
            (local.set $u (i32.add (local.get $v) (local.get $rowBytes)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $nextIteration)))
        ;; y = (x − U) − V with the last iteration's potentials
        (local.set $u (i32.sub (local.get $vPrevious) (local.get $rowBytes)))
        (local.set $i (i32.const 0))
        (block $outDone
          (loop $nextOutRow
            (br_if $outDone (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $ui (v128.load32_splat (i32.add (local.get $u) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $at (i32.const 0))
            (block $outColumnsDone
              (loop $nextOutColumns
                (br_if $outColumnsDone (i32.gt_u (local.get $at) (local.get $last)))
                (call $skStoreOutput (local.get $xm) (local.get $ym) (local.get $vPrevious) (local.get $ui) (local.get $at))
                (local.set $at (i32.add (local.get $at) (i32.const 16)))
                (br $nextOutColumns)))
            (if (i32.and (local.get $n) (i32.const 3))
              (then (call $skStoreOutput (local.get $xm) (local.get $ym) (local.get $vPrevious) (local.get $ui) (local.get $last))))
            (local.set $xm (i32.add (local.get $xm) (local.get $rowBytes)))
            (local.set $ym (i32.add (local.get $ym) (local.get $rowBytes)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $nextOutRow)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $nextMatrix))))


  ;; The state (x − u) − v[j..j+3] at byte offset $at of a row (v = 0: no potential).
  (func $skState (param $x i32) (param $u v128) (param $v i32) (param $at i32) (result v128)
    (local $shifted v128)
    (local.set $shifted (f32x4.sub (v128.load align=4 (i32.add (local.get $x) (local.get $at))) (local.get $u)))
    (if (result v128) (local.get $v)
      (then (f32x4.sub (local.get $shifted) (v128.load align=4 (i32.add (local.get $v) (local.get $at)))))
      (else (local.get $shifted))))

  ;; One gradient row in the backward pass of a column normalisation, in place: with P = exp of the
  ;; state (x − u) − v, g ← g − P ⊙ columnSums (the lanes of the last block outside the tail mask keep
  ;; their value); P is kept at pRow for the row half. Returns Σ_j of the new row (the next, row,
  ;; half-step's sum).
  (func $skColumnStepRow (param $g i32) (param $x i32) (param $u f32) (param $v i32) (param $columnSums i32)
    (param $pRow i32) (param $n i32) (result f32)
    (local $at i32) (local $last i32) (local $u4 v128) (local $new v128) (local $old v128) (local $sum v128)
    (local $ex v128) (local $ee v128) (local $ec v128) (local $en v128) (local $er v128) (local $ep v128)
    (local.set $last (i32.shl (i32.sub (local.get $n) (i32.const 4)) (i32.const 2)))
    (local.set $u4 (f32x4.splat (local.get $u)))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (local.get $at) (local.get $last)))
        ;; $ee = $exp4 of the state, inlined (Node 20's V8 does not inline wasm calls)
        (local.set $ex
          (f32x4.sub (f32x4.sub (v128.load align=4 (i32.add (local.get $x) (local.get $at))) (local.get $u4))
            (v128.load align=4 (i32.add (local.get $v) (local.get $at)))))
        (local.set $ec (f32x4.max (local.get $ex) (v128.const f32x4 -87 -87 -87 -87)))
        (local.set $en (f32x4.nearest (f32x4.mul (local.get $ec) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
        (local.set $er
          (f32x4.sub
            (f32x4.sub (local.get $ec) (f32x4.mul (local.get $en) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
            (f32x4.mul (local.get $en) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
        (local.set $ep (f32x4.add (f32x4.mul (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4) (local.get $er)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
        (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
        (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
        (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
        (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
        (local.set $ep
          (f32x4.add (f32x4.add (f32x4.mul (local.get $ep) (f32x4.mul (local.get $er) (local.get $er))) (local.get $er)) (v128.const f32x4 1 1 1 1)))
        (local.set $ee
          (v128.and
            (f32x4.mul (local.get $ep)
              (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $en)) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
            (v128.not (f32x4.lt (local.get $ex) (v128.const f32x4 -87 -87 -87 -87)))))
        (v128.store align=4 (i32.add (local.get $pRow) (local.get $at)) (local.get $ee))
        (local.set $new
          (f32x4.sub (v128.load align=4 (i32.add (local.get $g) (local.get $at)))
            (f32x4.mul (local.get $ee) (v128.load align=4 (i32.add (local.get $columnSums) (local.get $at))))))
        (v128.store align=4 (i32.add (local.get $g) (local.get $at)) (local.get $new))
        (local.set $sum (f32x4.add (local.get $sum) (local.get $new)))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $next)))
    (if (i32.and (local.get $n) (i32.const 3))
      (then
        (local.set $old (v128.load align=4 (i32.add (local.get $g) (local.get $last))))
        (local.set $ee (call $exp4 (call $skState (local.get $x) (local.get $u4) (local.get $v) (local.get $last))))
        (v128.store align=4 (i32.add (local.get $pRow) (local.get $last)) (local.get $ee))
        (local.set $new
          (v128.bitselect
            (f32x4.sub (local.get $old)
              (f32x4.mul (local.get $ee)
                (v128.load align=4 (i32.add (local.get $columnSums) (local.get $last)))))
            (local.get $old) (call $skTailMask (local.get $n))))
        (v128.store align=4 (i32.add (local.get $g) (local.get $last)) (local.get $new))
        (local.set $sum (f32x4.add (local.get $sum) (v128.and (call $skTailMask (local.get $n)) (local.get $new))))))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $sum)) (f32x4.extract_lane 1 (local.get $sum)))
      (f32.add (f32x4.extract_lane 2 (local.get $sum)) (f32x4.extract_lane 3 (local.get $sum)))))

  ;; One gradient row in the backward pass of the row normalisation, in place: with P = exp of the
  ;; state (x − u) − v, g ← g − P·rowSum; adds the new row to columnSums (the next,
  ;; column, half-step's sums; lanes outside the tail mask neither change g nor are added). Where
  ;; `factors` is not 0, P is the column half's P (at pRow) times factors[j] = exp(V_t[j] − v[j])
  ;; instead of an exp per entry.
  (func $skRowStepRow (param $g i32) (param $x i32) (param $u f32) (param $v i32) (param $rowSum f32)
    (param $columnSums i32) (param $pRow i32) (param $factors i32) (param $n i32)
    (local $at i32) (local $last i32) (local $u4 v128) (local $s4 v128) (local $new v128) (local $old v128)
    (local $mask v128) (local $ex v128) (local $ee v128) (local $ec v128) (local $en v128) (local $er v128) (local $ep v128)
    (local.set $last (i32.shl (i32.sub (local.get $n) (i32.const 4)) (i32.const 2)))
    (local.set $u4 (f32x4.splat (local.get $u)))
    (local.set $s4 (f32x4.splat (local.get $rowSum)))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (local.get $at) (local.get $last)))
        (if (local.get $factors)
          (then
            ;; P = the column half's P times the column factors
            (local.set $ee
              (f32x4.mul (v128.load align=4 (i32.add (local.get $pRow) (local.get $at)))
                (v128.load align=4 (i32.add (local.get $factors) (local.get $at))))))
          (else
        ;; $ee = $exp4 of the state, inlined (Node 20's V8 does not inline wasm calls)
        (local.set $ex
          (f32x4.sub (f32x4.sub (v128.load align=4 (i32.add (local.get $x) (local.get $at))) (local.get $u4))
            (v128.load align=4 (i32.add (local.get $v) (local.get $at)))))
        (local.set $ec (f32x4.max (local.get $ex) (v128.const f32x4 -87 -87 -87 -87)))
        (local.set $en (f32x4.nearest (f32x4.mul (local.get $ec) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
        (local.set $er
          (f32x4.sub
            (f32x4.sub (local.get $ec) (f32x4.mul (local.get $en) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
            (f32x4.mul (local.get $en) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
        (local.set $ep (f32x4.add (f32x4.mul (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4) (local.get $er)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
        (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
        (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
        (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
        (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
        (local.set $ep
          (f32x4.add (f32x4.add (f32x4.mul (local.get $ep) (f32x4.mul (local.get $er) (local.get $er))) (local.get $er)) (v128.const f32x4 1 1 1 1)))
        (local.set $ee
          (v128.and
            (f32x4.mul (local.get $ep)
              (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $en)) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
            (v128.not (f32x4.lt (local.get $ex) (v128.const f32x4 -87 -87 -87 -87)))))
))
        (local.set $new
          (f32x4.sub (v128.load align=4 (i32.add (local.get $g) (local.get $at))) (f32x4.mul (local.get $ee) (local.get $s4))))
        (v128.store align=4 (i32.add (local.get $g) (local.get $at)) (local.get $new))
        (v128.store align=4 (i32.add (local.get $columnSums) (local.get $at))
          (f32x4.add (v128.load align=4 (i32.add (local.get $columnSums) (local.get $at))) (local.get $new)))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $next)))
    (if (i32.and (local.get $n) (i32.const 3))
      (then
        (local.set $mask (call $skTailMask (local.get $n)))
        (local.set $old (v128.load align=4 (i32.add (local.get $g) (local.get $last))))
        (local.set $new
          (v128.bitselect
            (f32x4.sub (local.get $old)
              (f32x4.mul
                (if (result v128) (local.get $factors)
                  (then
                    (f32x4.mul (v128.load align=4 (i32.add (local.get $pRow) (local.get $last)))
                      (v128.load align=4 (i32.add (local.get $factors) (local.get $last)))))
                  (else (call $exp4 (call $skState (local.get $x) (local.get $u4) (local.get $v) (local.get $last)))))
                (local.get $s4)))
            (local.get $old) (local.get $mask)))
        (v128.store align=4 (i32.add (local.get $g) (local.get $last)) (local.get $new))
        (v128.store align=4 (i32.add (local.get $columnSums) (local.get $last))
          (f32x4.add (v128.load align=4 (i32.add (local.get $columnSums) (local.get $last)))
            (v128.and (local.get $mask) (local.get $new)))))))

  ;; The largest |V_t[j] − V_{t−1}[j]| for which the row half reuses the column half's P: an entry
  ;; that underflowed there (below e^−87) stays below e^−77 here, negligible.
  (global $skLargestStep f32 (f32.const 10))

  ;; factors[j] = exp(v[j] − vPrevious[j]) for the n columns; returns 1 when every |v − vPrevious|
  ;; ≤ $skLargestStep (the factors may be used), else 0.
  (func $skColumnFactors (param $v i32) (param $vPrevious i32) (param $factors i32) (param $n i32) (result i32)
    (local $at i32) (local $last i32) (local $step v128) (local $largest v128)
    (local.set $last (i32.shl (i32.sub (local.get $n) (i32.const 4)) (i32.const 2)))
    (block $done
      (loop $next
        (local.set $step
          (f32x4.sub (v128.load align=4 (i32.add (local.get $v) (local.get $at)))
            (v128.load align=4 (i32.add (local.get $vPrevious) (local.get $at)))))
        (local.set $largest (f32x4.max (local.get $largest) (f32x4.abs (local.get $step))))
        (v128.store align=4 (i32.add (local.get $factors) (local.get $at)) (call $exp4 (local.get $step)))
        (br_if $done (i32.ge_u (local.get $at) (local.get $last)))
        ;; the next block, or the last (overlapping) one
        (local.set $at
          (select (i32.add (local.get $at) (i32.const 16)) (local.get $last)
            (i32.le_u (i32.add (local.get $at) (i32.const 16)) (local.get $last))))
        (br $next)))
    (i32x4.all_true (f32x4.le (local.get $largest) (f32x4.splat (global.get $skLargestStep)))))

  ;; Σ_i g[i][j] of an n × n matrix into columnSums (n floats), four columns at a time.
  (func $skColumnSums (param $g i32) (param $columnSums i32) (param $n i32)
    (local $i i32) (local $at i32) (local $last i32) (local $rowBytes i32)
    (local.set $last (i32.shl (i32.sub (local.get $n) (i32.const 4)) (i32.const 2)))
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (memory.fill (local.get $columnSums) (i32.const 0) (local.get $rowBytes))
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $at (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.gt_u (local.get $at) (local.get $last)))
            (v128.store align=4 (i32.add (local.get $columnSums) (local.get $at))
              (f32x4.add (v128.load align=4 (i32.add (local.get $columnSums) (local.get $at)))
                (v128.load align=4 (i32.add (local.get $g) (local.get $at)))))
            (local.set $at (i32.add (local.get $at) (i32.const 16)))
            (br $next)))
        (if (i32.and (local.get $n) (i32.const 3))
          (then
            (v128.store align=4 (i32.add (local.get $columnSums) (local.get $last))
              (f32x4.add (v128.load align=4 (i32.add (local.get $columnSums) (local.get $last)))
                (v128.and (call $skTailMask (local.get $n))
                  (v128.load align=4 (i32.add (local.get $g) (local.get $last))))))))
        (local.set $g (i32.add (local.get $g) (local.get $rowBytes)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $nextRow))))

  ;; The backward pass of sinkhornForward: dx = the gradient w.r.t. x of Σ dy ⊙ y, through the
  ;; iterations in reverse (each half-step's state rebuilt from x and the stored potentials; the
  ;; gradient of y = z − logsumexp(z) along an axis is dy − exp(y)·Σ dy along it). One pass over the
  ;; matrix per half-step: each pass also sums its new gradient along the other axis for the next.
  ;; The row half's P is the column half's times exp(V_t[j] − V_{t−1}[j]) (one exp per column instead
  ;; of per entry) where those potentials moved by at most $skLargestStep; else its own exp.
  ;; `scratch`: 4n + n² floats (column sums, row sums, zeros: V_{−1}, column factors, P).
  (func (export "sinkhornBackward") (param $dy i32) (param $x i32) (param $potentials i32) (param $dx i32)
    (param $scratch i32) (param $matrices i32) (param $n i32) (param $iterations i32)
    (local $b i32) (local $t i32) (local $i i32) (local $rowBytes i32) (local $matrixBytes i32)
    (local $xm i32) (local $gm i32) (local $u i32) (local $v i32) (local $vPrevious i32)
    (local $columnSums i32) (local $rowSums i32) (local $zeros i32) (local $offset i32)
    (local $factors i32) (local $kept i32) (local $useFactors i32)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $matrixBytes (i32.mul (local.get $rowBytes) (local.get $n)))
    (local.set $columnSums (local.get $scratch))
    (local.set $rowSums (i32.add (local.get $scratch) (local.get $rowBytes)))
    (local.set $zeros (i32.add (local.get $rowSums) (local.get $rowBytes)))
    (memory.fill (local.get $zeros) (i32.const 0) (local.get $rowBytes))
    (local.set $factors (i32.add (local.get $zeros) (local.get $rowBytes)))
    (local.set $kept (i32.add (local.get $factors) (local.get $rowBytes)))
    (memory.copy (local.get $dx) (local.get $dy) (i32.mul (local.get $matrices) (local.get $matrixBytes)))
    (block $matricesDone
      (loop $nextMatrix
        (br_if $matricesDone (i32.ge_u (local.get $b) (local.get $matrices)))
        (local.set $xm (i32.add (local.get $x) (i32.mul (local.get $b) (local.get $matrixBytes))))
        (local.set $gm (i32.add (local.get $dx) (i32.mul (local.get $b) (local.get $matrixBytes))))
        (call $skColumnSums (local.get $gm) (local.get $columnSums) (local.get $n))
        (local.set $t (local.get $iterations))
        (block $iterationsDone
          (loop $previousIteration
            (br_if $iterationsDone (i32.eqz (local.get $t)))
            (local.set $t (i32.sub (local.get $t) (i32.const 1)))
            (local.set $u
              (i32.add (local.get $potentials)
                (i32.mul (i32.shl (local.get $rowBytes) (i32.const 1))
                  (i32.add (i32.mul (local.get $b) (local.get $iterations)) (local.get $t)))))
            (local.set $v (i32.add (local.get $u) (local.get $rowBytes)))
            (local.set $vPrevious (select (i32.sub (local.get $u) (local.get $rowBytes)) (local.get $zeros) (local.get $t)))
            ;; the column half of iteration t (state x − U_t − V_t), row by row, keeping the row sums
            (local.set $i (i32.const 0))
            (block $columnRowsDone
              (loop $nextColumnRow
                (br_if $columnRowsDone (i32.ge_u (local.get $i) (local.get $n)))
                (local.set $offset (i32.mul (local.get $i) (local.get $rowBytes)))
                (f32.store (i32.add (local.get $rowSums) (i32.shl (local.get $i) (i32.const 2)))
                  (call $skColumnStepRow (i32.add (local.get $gm) (local.get $offset))
                    (i32.add (local.get $xm) (local.get $offset))
                    (f32.load (i32.add (local.get $u) (i32.shl (local.get $i) (i32.const 2))))
                    (local.get $v) (local.get $columnSums) (i32.add (local.get $kept) (local.get $offset)) (local.get $n)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $nextColumnRow)))
            ;; the row half of iteration t (state x − U_t − V_{t−1}), summing the new columns
            (local.set $useFactors
              (call $skColumnFactors (local.get $v) (local.get $vPrevious) (local.get $factors) (local.get $n)))
            (memory.fill (local.get $columnSums) (i32.const 0) (local.get $rowBytes))
            (local.set $i (i32.const 0))
            (block $rowsDone
              (loop $nextRow
                (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $n)))
                (local.set $offset (i32.mul (local.get $i) (local.get $rowBytes)))
                (call $skRowStepRow (i32.add (local.get $gm) (local.get $offset))
                  (i32.add (local.get $xm) (local.get $offset))
                  (f32.load (i32.add (local.get $u) (i32.shl (local.get $i) (i32.const 2))))
                  (local.get $vPrevious)
                  (f32.load (i32.add (local.get $rowSums) (i32.shl (local.get $i) (i32.const 2))))
                  (local.get $columnSums) (i32.add (local.get $kept) (local.get $offset))
                  (select (local.get $factors) (i32.const 0) (local.get $useFactors)) (local.get $n))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $nextRow)))
            (br $previousIteration)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $nextMatrix))))

  ;; ==== Relaxed top-k, all k steps of a row in one call (helper topk-speed) =====================
  ;; src/kernels/topKKernels.ts. A row of perturbed logits w is copied into a scratch row padded to
  ;; a multiple of four with −∞ (masked items: p = 0, log(1 − p) = 0, so they stay −∞), and each of
  ;; the k steps works on it in place: s = w·(1/τ), m = max s, J = {i: s_i = m} (the largest, ties
  ;; included), m₂ = max of s off J, f_i = e^(s_i − m₂) off J; with S = Σ f and Z = |J| + e^(m₂−m)·S,
  ;; p = f·e^(m₂−m)/Z off J and 1/Z on J (one exp per item, q = f/S exact even where p underflows);
  ;; w ← w + log1p(−p) off J and w ← w + (m₂ − m) + log S − log Z on J. The backward pass recomputes
  ;; a row's k weight rows into its scratch, then goes back through the steps (one exp per item).

  (func $tkMax (param $v v128) (result f32)
    (f32.max (f32.max (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.max (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  (func $tkSum (param $v v128) (result f32)
    (f32.add (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; One step on a padded row: p added to `total`, with $update the new weights to $wOut (may be $w);
  ;; f to the scratch row $f; at $stats: m, the shift m₂, e^(m₂−m)/Z, 1/Z, 1/S, and 1 (0 where no item
  ;; is off J: then log S = −1e30, as the composed ops' EXCLUDED, and that term has no gradient).
  (func $tkStep (param $w i32) (param $wOut i32) (param $total i32) (param $f i32) (param $n4 i32)
                (param $invTau f32) (param $update i32) (param $stats i32)
    (local $at i32) (local $end i32) (local $inv v128) (local $s v128) (local $isMax v128) (local $acc v128)
    (local $count v128) (local $mv v128) (local $shift v128) (local $fv v128) (local $p v128)
    (local $m f32) (local $m2 f32) (local $sum f32) (local $degenerate i32) (local $z f64) (local $ratio f64)
    (local $cv v128) (local $pJ v128) (local $logKeep v128)
    ;; the inlined $exp4 and $log1pUnit4 (V8 does not inline wasm calls)
    (local $ex v128) (local $en v128) (local $er v128) (local $er2 v128) (local $ep v128) (local $eclamped v128) (local $eshifted v128) (local $le v128) (local $ls v128) (local $lz v128) (local $lp v128)
    (local.set $inv (f32x4.splat (local.get $invTau)))
    (local.set $end (i32.shl (local.get $n4) (i32.const 2)))
    (local.set $acc (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $at (i32.const 0))
    (loop $largest
      (local.set $acc (f32x4.pmax (local.get $acc) (f32x4.mul (v128.load (i32.add (local.get $w) (local.get $at))) (local.get $inv))))
      (br_if $largest (i32.lt_u (local.tee $at (i32.add (local.get $at) (i32.const 16))) (local.get $end))))
    (local.set $m (call $tkMax (local.get $acc)))
    (local.set $mv (f32x4.splat (local.get $m)))
    (local.set $acc (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $count (v128.const i32x4 0 0 0 0))
    (local.set $at (i32.const 0))
    (loop $second
      (local.set $s (f32x4.mul (v128.load (i32.add (local.get $w) (local.get $at))) (local.get $inv)))
      (local.set $isMax (f32x4.eq (local.get $s) (local.get $mv)))
      (local.set $acc (f32x4.pmax (local.get $acc) (v128.bitselect (v128.const f32x4 -inf -inf -inf -inf) (local.get $s) (local.get $isMax))))
      (local.set $count (i32x4.sub (local.get $count) (local.get $isMax)))
      (br_if $second (i32.lt_u (local.tee $at (i32.add (local.get $at) (i32.const 16))) (local.get $end))))
    (local.set $m2 (call $tkMax (local.get $acc)))
    (local.set $degenerate (f32.eq (local.get $m2) (f32.const -inf)))
    (local.set $shift (f32x4.splat (select (local.get $m) (local.get $m2) (local.get $degenerate))))
    (local.set $acc (v128.const f32x4 0 0 0 0))
    (local.set $at (i32.const 0))
    (loop $exps
      (local.set $s (f32x4.mul (v128.load (i32.add (local.get $w) (local.get $at))) (local.get $inv)))
      (local.set $isMax (f32x4.eq (local.get $s) (local.get $mv)))
      (local.set $fv
        (v128.bitselect (v128.const f32x4 0 0 0 0) (block (result v128) ;; $exp4, inlined
    (local.set $ex (f32x4.sub (local.get $s) (local.get $shift)))
    (local.set $eclamped (f32x4.pmax (local.get $ex) (v128.const f32x4 -87 -87 -87 -87)))
    (local.set $eshifted
      (f32x4.add (f32x4.mul (local.get $eclamped) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))
        (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $en (f32x4.sub (local.get $eshifted) (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $er
      (f32x4.sub
        (f32x4.sub (local.get $eclamped) (f32x4.mul (local.get $en) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
        (f32x4.mul (local.get $en) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $er2 (f32x4.mul (local.get $er) (local.get $er)))
    (local.set $ep (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $ep
      (f32x4.add (f32x4.add (f32x4.mul (local.get $ep) (local.get $er2)) (local.get $er)) (v128.const f32x4 1 1 1 1)))
    (v128.and
      (f32x4.mul (local.get $ep)
        (i32x4.shl (i32x4.add (local.get $eshifted) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
      ;; zero where x < −87 (masked categories), keep NaN
      (v128.not (f32x4.lt (local.get $ex) (v128.const f32x4 -87 -87 -87 -87)))))
          (local.get $isMax)))
      ;; f with −1 marking J (f ≥ 0 elsewhere): later passes and the backward read J from it
      (v128.store (i32.add (local.get $f) (local.get $at))
        (v128.bitselect (v128.const f32x4 -1 -1 -1 -1) (local.get $fv) (local.get $isMax)))
      (local.set $acc (f32x4.add (local.get $acc) (local.get $fv)))
      (br_if $exps (i32.lt_u (local.tee $at (i32.add (local.get $at) (i32.const 16))) (local.get $end))))
    (local.set $sum (call $tkSum (local.get $acc)))
    (local.set $ratio
      (select (f64.const 0) (call $exp (f64.promote_f32 (f32.sub (local.get $m2) (local.get $m)))) (local.get $degenerate)))
    (local.set $z
      (f64.add
        (f64.convert_i32_u
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $count)) (i32x4.extract_lane 1 (local.get $count)))
            (i32.add (i32x4.extract_lane 2 (local.get $count)) (i32x4.extract_lane 3 (local.get $count)))))
        (f64.mul (f64.promote_f32 (local.get $sum)) (local.get $ratio))))
    (local.set $cv (f32x4.splat (f32.demote_f64 (f64.div (local.get $ratio) (local.get $z)))))
    (local.set $pJ (f32x4.splat (f32.demote_f64 (f64.div (f64.const 1) (local.get $z)))))
    (local.set $logKeep
      (f32x4.splat
        (f32.demote_f64
          (f64.sub
            (select (f64.const -1e30)
              (f64.add (f64.promote_f32 (f32.sub (local.get $m2) (local.get $m)))
                (call $log (f64.promote_f32 (local.get $sum))))
              (local.get $degenerate))
            (call $log (local.get $z))))))
    (f32.store (local.get $stats) (local.get $m))
    (f32.store offset=4 (local.get $stats) (f32x4.extract_lane 0 (local.get $shift)))
    (f32.store offset=8 (local.get $stats) (f32x4.extract_lane 0 (local.get $cv)))
    (f32.store offset=12 (local.get $stats) (f32x4.extract_lane 0 (local.get $pJ)))
    (f32.store offset=16 (local.get $stats)
      (select (f32.const 0) (f32.div (f32.const 1) (local.get $sum)) (local.get $degenerate)))
    (f32.store offset=20 (local.get $stats) (select (f32.const 0) (f32.const 1) (local.get $degenerate)))
    (local.set $at (i32.const 0))
    (loop $probabilities
      (local.set $isMax (f32x4.lt (v128.load (i32.add (local.get $f) (local.get $at))) (v128.const f32x4 0 0 0 0)))
      (local.set $p
        (v128.bitselect (local.get $pJ) (f32x4.mul (v128.load (i32.add (local.get $f) (local.get $at))) (local.get $cv)) (local.get $isMax)))
      (v128.store (i32.add (local.get $total) (local.get $at)) (f32x4.add (v128.load (i32.add (local.get $total) (local.get $at))) (local.get $p)))
      (if (local.get $update)
        (then
          (v128.store (i32.add (local.get $wOut) (local.get $at))
            (f32x4.add (v128.load (i32.add (local.get $w) (local.get $at)))
              (v128.bitselect (local.get $logKeep) (block (result v128) ;; $log1pUnit4, inlined
    (local.set $le (f32x4.neg (local.get $p)))
    (local.set $ls (f32x4.div (local.get $le) (f32x4.add (local.get $le) (v128.const f32x4 2 2 2 2))))
    (local.set $lz (f32x4.mul (local.get $ls) (local.get $ls)))
    (local.set $lp (v128.const f32x4 0.06666667 0.06666667 0.06666667 0.06666667))
    (local.set $lp (f32x4.add (f32x4.mul (local.get $lp) (local.get $lz)) (v128.const f32x4 0.07692308 0.07692308 0.07692308 0.07692308)))
    (local.set $lp (f32x4.add (f32x4.mul (local.get $lp) (local.get $lz)) (v128.const f32x4 0.09090909 0.09090909 0.09090909 0.09090909)))
    (local.set $lp (f32x4.add (f32x4.mul (local.get $lp) (local.get $lz)) (v128.const f32x4 0.11111111 0.11111111 0.11111111 0.11111111)))
    (local.set $lp (f32x4.add (f32x4.mul (local.get $lp) (local.get $lz)) (v128.const f32x4 0.14285715 0.14285715 0.14285715 0.14285715)))
    (local.set $lp (f32x4.add (f32x4.mul (local.get $lp) (local.get $lz)) (v128.const f32x4 0.2 0.2 0.2 0.2)))
    (local.set $lp (f32x4.add (f32x4.mul (local.get $lp) (local.get $lz)) (v128.const f32x4 0.33333334 0.33333334 0.33333334 0.33333334)))
    (local.set $lp (f32x4.add (f32x4.mul (local.get $lp) (local.get $lz)) (v128.const f32x4 1 1 1 1)))
    (f32x4.mul (f32x4.add (local.get $ls) (local.get $ls)) (local.get $lp))) (local.get $isMax))))))
      (br_if $probabilities (i32.lt_u (local.tee $at (i32.add (local.get $at) (i32.const 16))) (local.get $end)))))

  ;; Copies `n` floats from $from to the padded row $to [n4], the rest filled with $pad.
  (func $tkLoadRow (param $from i32) (param $to i32) (param $n i32) (param $n4 i32) (param $pad f32)
    (local $i i32)
    (memory.copy (local.get $to) (local.get $from) (i32.shl (local.get $n) (i32.const 2)))
    (local.set $i (local.get $n))
    (block $done
      (loop $fill
        (br_if $done (i32.ge_u (local.get $i) (local.get $n4)))
        (f32.store (i32.add (local.get $to) (i32.shl (local.get $i) (i32.const 2))) (local.get $pad))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill))))

  ;; The relaxed k-hot of x [rows, n] to out; scratch: 3·n4 + 8 floats (n4 = n rounded up to 4).
  (func (export "topKForward") (param $x i32) (param $out i32) (param $scratch i32) (param $rows i32)
                (param $n i32) (param $k i32) (param $invTau f32)
    (local $n4 i32) (local $r i32) (local $t i32) (local $w i32) (local $total i32) (local $f i32) (local $stats i32)
    (local.set $n4 (i32.and (i32.add (local.get $n) (i32.const 3)) (i32.const -4)))
    (local.set $w (local.get $scratch))
    (local.set $total (i32.add (local.get $w) (i32.shl (local.get $n4) (i32.const 2))))
    (local.set $f (i32.add (local.get $total) (i32.shl (local.get $n4) (i32.const 2))))
    (local.set $stats (i32.add (local.get $f) (i32.shl (local.get $n4) (i32.const 2))))
    (local.set $r (i32.const 0))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (call $tkLoadRow (i32.add (local.get $x) (i32.shl (i32.mul (local.get $r) (local.get $n)) (i32.const 2)))
          (local.get $w) (local.get $n) (local.get $n4) (f32.const -inf))
        (memory.fill (local.get $total) (i32.const 0) (i32.shl (local.get $n4) (i32.const 2)))
        (local.set $t (i32.const 0))
        (loop $step
          (call $tkStep (local.get $w) (local.get $w) (local.get $total) (local.get $f) (local.get $n4)
            (local.get $invTau) (i32.lt_u (i32.add (local.get $t) (i32.const 1)) (local.get $k)) (local.get $stats))
          (br_if $step (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 1))) (local.get $k))))
        (memory.copy (i32.add (local.get $out) (i32.shl (i32.mul (local.get $r) (local.get $n)) (i32.const 2)))
          (local.get $total) (i32.shl (local.get $n) (i32.const 2)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; Back through one step: G += (1/τ)·∂(dy·p + G·log-keep)/∂s, reading the step's f row (−1 on J) and $stats.
  ;; With a = dy, b = G (the gradient of the next weights), c = −b/(1 − p) off J and B = Σ_J b:
  ;; ∂/∂s_i = p_i(a_i − Σ a·p) + p_i(c_i − Σ c·p) + B·(q_i − p_i), q = f/S off J and 0 on J.
  (func $tkBackStep (param $f i32) (param $keepGrad i32) (param $g i32) (param $dy i32)
                    (param $n4 i32) (param $invTau f32) (param $update i32) (param $stats i32)
    (local $at i32) (local $end i32) (local $inv v128) (local $isMax v128) (local $fv v128)
    (local $p v128) (local $c v128) (local $b v128) (local $cv v128)
    (local $pJ v128) (local $invS v128) (local $sumA v128) (local $sumC v128) (local $sumB v128)
    (local $bigA v128) (local $bigC v128) (local $bigB v128) (local $gs v128)
    (local.set $inv (f32x4.splat (local.get $invTau)))
    (local.set $end (i32.shl (local.get $n4) (i32.const 2)))
    (local.set $cv (v128.load32_splat offset=8 (local.get $stats)))
    (local.set $pJ (v128.load32_splat offset=12 (local.get $stats)))
    (local.set $invS (v128.load32_splat offset=16 (local.get $stats)))
    (local.set $sumA (v128.const f32x4 0 0 0 0))
    (local.set $sumC (v128.const f32x4 0 0 0 0))
    (local.set $sumB (v128.const f32x4 0 0 0 0))
    (local.set $at (i32.const 0))
    (loop $sums
      (local.set $fv (v128.load (i32.add (local.get $f) (local.get $at))))
      (local.set $isMax (f32x4.lt (local.get $fv) (v128.const f32x4 0 0 0 0)))
      (local.set $p (v128.bitselect (local.get $pJ) (f32x4.mul (local.get $fv) (local.get $cv)) (local.get $isMax)))
      (local.set $sumA (f32x4.add (local.get $sumA) (f32x4.mul (v128.load (i32.add (local.get $dy) (local.get $at))) (local.get $p))))
      (if (local.get $update)
        (then
          (local.set $b (v128.load (i32.add (local.get $g) (local.get $at))))
          (local.set $c
            (v128.bitselect (v128.const f32x4 0 0 0 0)
              (f32x4.div (f32x4.neg (local.get $b)) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $p)))
              (local.get $isMax)))
          (v128.store (i32.add (local.get $keepGrad) (local.get $at)) (local.get $c))
          (local.set $sumC (f32x4.add (local.get $sumC) (f32x4.mul (local.get $c) (local.get $p))))
          (local.set $sumB (f32x4.add (local.get $sumB) (v128.and (local.get $b) (local.get $isMax))))))
      (br_if $sums (i32.lt_u (local.tee $at (i32.add (local.get $at) (i32.const 16))) (local.get $end))))
    (local.set $bigA (f32x4.splat (call $tkSum (local.get $sumA))))
    (local.set $bigC (f32x4.splat (call $tkSum (local.get $sumC))))
    (local.set $bigB
      (f32x4.splat (f32.mul (call $tkSum (local.get $sumB)) (f32.load offset=20 (local.get $stats)))))
    (local.set $at (i32.const 0))
    (loop $gradient
      (local.set $fv (v128.load (i32.add (local.get $f) (local.get $at))))
      (local.set $isMax (f32x4.lt (local.get $fv) (v128.const f32x4 0 0 0 0)))
      (local.set $p (v128.bitselect (local.get $pJ) (f32x4.mul (local.get $fv) (local.get $cv)) (local.get $isMax)))
      (local.set $gs (f32x4.mul (local.get $p) (f32x4.sub (v128.load (i32.add (local.get $dy) (local.get $at))) (local.get $bigA))))
      (if (local.get $update)
        (then
          (local.set $gs
            (f32x4.add
              (f32x4.add (local.get $gs) (f32x4.mul (local.get $p) (f32x4.sub (v128.load (i32.add (local.get $keepGrad) (local.get $at))) (local.get $bigC))))
              (f32x4.mul (local.get $bigB)
                (f32x4.sub (v128.and (f32x4.mul (local.get $fv) (local.get $invS)) (v128.not (local.get $isMax)))
                  (local.get $p)))))))
      (v128.store (i32.add (local.get $g) (local.get $at))
        (f32x4.add (v128.load (i32.add (local.get $g) (local.get $at))) (f32x4.mul (local.get $gs) (local.get $inv))))
      (br_if $gradient (i32.lt_u (local.tee $at (i32.add (local.get $at) (i32.const 16))) (local.get $end)))))

  ;; ∂L/∂x [rows, n] from dy and x; scratch: (k + 5)·n4 + 8k floats. Per row: the forward recomputed
  ;; (one weight row, updated in place) keeping each step's f row, then the steps in reverse.
  (func (export "topKBackward") (param $dy i32) (param $x i32) (param $dx i32) (param $scratch i32)
                (param $rows i32) (param $n i32) (param $k i32) (param $invTau f32)
    (local $n4 i32) (local $rowBytes i32) (local $r i32) (local $t i32) (local $weights i32) (local $total i32)
    (local $f i32) (local $keepGrad i32) (local $g i32) (local $dyRow i32) (local $stats i32)
    (local.set $n4 (i32.and (i32.add (local.get $n) (i32.const 3)) (i32.const -4)))
    (local.set $rowBytes (i32.shl (local.get $n4) (i32.const 2)))
    (local.set $f (local.get $scratch))
    (local.set $weights (i32.add (local.get $f) (i32.mul (local.get $k) (local.get $rowBytes))))
    (local.set $total (i32.add (local.get $weights) (local.get $rowBytes)))
    (local.set $keepGrad (i32.add (local.get $total) (local.get $rowBytes)))
    (local.set $g (i32.add (local.get $keepGrad) (local.get $rowBytes)))
    (local.set $dyRow (i32.add (local.get $g) (local.get $rowBytes)))
    (local.set $stats (i32.add (local.get $dyRow) (local.get $rowBytes)))
    (local.set $r (i32.const 0))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (call $tkLoadRow (i32.add (local.get $x) (i32.shl (i32.mul (local.get $r) (local.get $n)) (i32.const 2)))
          (local.get $weights) (local.get $n) (local.get $n4) (f32.const -inf))
        (call $tkLoadRow (i32.add (local.get $dy) (i32.shl (i32.mul (local.get $r) (local.get $n)) (i32.const 2)))
          (local.get $dyRow) (local.get $n) (local.get $n4) (f32.const 0))
        (memory.fill (local.get $g) (i32.const 0) (local.get $rowBytes))
        (local.set $t (i32.const 0))
        (loop $forward
          (call $tkStep (local.get $weights) (local.get $weights) (local.get $total)
            (i32.add (local.get $f) (i32.mul (local.get $t) (local.get $rowBytes))) (local.get $n4) (local.get $invTau)
            (i32.lt_u (i32.add (local.get $t) (i32.const 1)) (local.get $k))
            (i32.add (local.get $stats) (i32.shl (local.get $t) (i32.const 5))))
          (br_if $forward (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 1))) (local.get $k))))
        (loop $backward
          (local.set $t (i32.sub (local.get $t) (i32.const 1)))
          (call $tkBackStep (i32.add (local.get $f) (i32.mul (local.get $t) (local.get $rowBytes)))
            (local.get $keepGrad) (local.get $g) (local.get $dyRow) (local.get $n4) (local.get $invTau)
            (i32.lt_u (i32.add (local.get $t) (i32.const 1)) (local.get $k))
            (i32.add (local.get $stats) (i32.shl (local.get $t) (i32.const 5))))
          (br_if $backward (local.get $t)))
        (memory.copy (i32.add (local.get $dx) (i32.shl (i32.mul (local.get $r) (local.get $n)) (i32.const 2)))
          (local.get $g) (i32.shl (local.get $n) (i32.const 2)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; ---- Sparse A times dense B (the first dense layer's input is binary images, mostly zeros) ----

  ;; The number of nonzero floats among `count` at x (NaN counts as nonzero; ±0 as zero), or, once
  ;; more than `limit` have been seen, a number above `limit` (the scan stops there: a dense A is
  ;; told apart after scanning `limit` floats, not all of them).
  (func (export "countNonzero") (param $x i32) (param $count i32) (param $limit i32) (result i32)
    (local $i i32) (local $lanes v128) (local $total i32) (local $blockEnd i32)
    (block $vectorsDone
      (loop $block
        ;; blocks of 256 floats, the lanes' sum checked against the limit after each
        (local.set $blockEnd (i32.add (local.get $i) (i32.const 256)))
        (if (i32.gt_u (local.get $blockEnd) (i32.and (local.get $count) (i32.const -4)))
          (then (local.set $blockEnd (i32.and (local.get $count) (i32.const -4)))))
        (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $blockEnd)))
        (loop $vector
          ;; f32x4.ne gives −1 in a nonzero lane: subtracting counts it
          (local.set $lanes
            (i32x4.sub (local.get $lanes)
              (f32x4.ne (v128.load align=4 (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))
                (v128.const f32x4 0 0 0 0))))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br_if $vector (i32.lt_u (local.get $i) (local.get $blockEnd))))
        (local.set $total
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $lanes)) (i32x4.extract_lane 1 (local.get $lanes)))
            (i32.add (i32x4.extract_lane 2 (local.get $lanes)) (i32x4.extract_lane 3 (local.get $lanes)))))
        (if (i32.gt_u (local.get $total) (local.get $limit)) (then (return (local.get $total))))
        (br $block)))
    (block $done
      (loop $scalar
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $total
          (i32.add (local.get $total)
            (f32.ne (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))) (f32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scalar)))
    (local.get $total))

  ;; The nonzeros of op(A) [rows × shared] by rows (compressed sparse rows): row r's are entries
  ;; starts[r] ≤ e < starts[r + 1], each with its value (values[e]) and the byte offset of the row of B
  ;; it multiplies (offsets[e] = p · bRowBytes for A's element (r, p)). A's element (r, p) is at
  ;; a + 4·(r·rowStride + p·columnStride). Branchless: every element is written, the count advances
  ;; only past nonzeros (a data-dependent branch would mispredict at every third pixel).
  (func (export "sparseRows")
    (param $a i32) (param $rowStride i32) (param $columnStride i32) (param $rows i32) (param $shared i32)
    (param $bRowBytes i32) (param $starts i32) (param $offsets i32) (param $values i32)
    (local $r i32) (local $p i32) (local $n i32) (local $rowAt i32) (local $v f32)
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (i32.store (i32.add (local.get $starts) (i32.shl (local.get $r) (i32.const 2))) (local.get $n))
        (local.set $rowAt (i32.add (local.get $a) (i32.shl (i32.mul (local.get $r) (local.get $rowStride)) (i32.const 2))))
        (local.set $p (i32.const 0))
        (block $done
          (loop $element
            (br_if $done (i32.ge_u (local.get $p) (local.get $shared)))
            (local.set $v
              (f32.load (i32.add (local.get $rowAt) (i32.shl (i32.mul (local.get $p) (local.get $columnStride)) (i32.const 2)))))
            (f32.store (i32.add (local.get $values) (i32.shl (local.get $n) (i32.const 2))) (local.get $v))
            (i32.store (i32.add (local.get $offsets) (i32.shl (local.get $n) (i32.const 2)))
              (i32.mul (local.get $p) (local.get $bRowBytes)))
            (local.set $n (i32.add (local.get $n) (f32.ne (local.get $v) (f32.const 0))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $element)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row)))
    (i32.store (i32.add (local.get $starts) (i32.shl (local.get $rows) (i32.const 2))) (local.get $n)))

  ;; B [shared × columns] (row stride `rowStride` elements) packed for sparseTimesDense: strips of 32
  ;; columns one after another, each strip its `shared` rows of 32 floats (128 bytes, so a row of a
  ;; strip is two whole cache lines where `out` is 64-byte aligned; TF.js's tensors are only 8-byte
  ;; aligned), the last strip padded with zeros.
  (func (export "sparsePackB") (param $b i32) (param $rowStride i32) (param $shared i32) (param $columns i32)
        (param $out i32)
    (local $j i32) (local $p i32) (local $width i32) (local $from i32)
    (block $stripsDone
      (loop $strip
        (br_if $stripsDone (i32.ge_u (local.get $j) (local.get $columns)))
        (local.set $width (i32.sub (local.get $columns) (local.get $j)))
        (local.set $p (i32.const 0))
        (block $rowsDone
          (loop $row
            (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $shared)))
            (local.set $from
              (i32.add (local.get $b)
                (i32.shl (i32.add (i32.mul (local.get $p) (local.get $rowStride)) (local.get $j)) (i32.const 2))))
            (if (i32.ge_u (local.get $width) (i32.const 32))
              (then
                (v128.store (local.get $out) (v128.load align=4 (local.get $from)))
                (v128.store offset=16 (local.get $out) (v128.load offset=16 align=4 (local.get $from)))
                (v128.store offset=32 (local.get $out) (v128.load offset=32 align=4 (local.get $from)))
                (v128.store offset=48 (local.get $out) (v128.load offset=48 align=4 (local.get $from)))
                (v128.store offset=64 (local.get $out) (v128.load offset=64 align=4 (local.get $from)))
                (v128.store offset=80 (local.get $out) (v128.load offset=80 align=4 (local.get $from)))
                (v128.store offset=96 (local.get $out) (v128.load offset=96 align=4 (local.get $from)))
                (v128.store offset=112 (local.get $out) (v128.load offset=112 align=4 (local.get $from))))
              (else
                (memory.fill (local.get $out) (i32.const 0) (i32.const 128))
                (memory.copy (local.get $out) (local.get $from) (i32.shl (local.get $width) (i32.const 2)))))
            (local.set $out (i32.add (local.get $out) (i32.const 128)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $row)))
        (local.set $j (i32.add (local.get $j) (i32.const 32)))
        (br $strip))))

  ;; `count` entries of S (offsets into a strip of packed B from bAt, and values) times that strip:
  ;; Σ values[e] · (strip's row at offsets[e]) into the 32 floats at out (eight f32x4 accumulators,
  ;; entries in order).
  (func $sparseStrip (param $offsets i32) (param $values i32) (param $count i32) (param $bAt i32) (param $out i32)
    (local $end i32) (local $at i32) (local $v v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $s4 v128) (local $s5 v128) (local $s6 v128) (local $s7 v128)
    (local.set $end (i32.add (local.get $offsets) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $entry
        (br_if $done (i32.ge_u (local.get $offsets) (local.get $end)))
        (local.set $at (i32.add (local.get $bAt) (i32.load (local.get $offsets))))
        (local.set $v (v128.load32_splat (local.get $values)))
        (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $v) (v128.load (local.get $at)))))
        (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $v) (v128.load offset=16 (local.get $at)))))
        (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $v) (v128.load offset=32 (local.get $at)))))
        (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $v) (v128.load offset=48 (local.get $at)))))
        (local.set $s4 (f32x4.add (local.get $s4) (f32x4.mul (local.get $v) (v128.load offset=64 (local.get $at)))))
        (local.set $s5 (f32x4.add (local.get $s5) (f32x4.mul (local.get $v) (v128.load offset=80 (local.get $at)))))
        (local.set $s6 (f32x4.add (local.get $s6) (f32x4.mul (local.get $v) (v128.load offset=96 (local.get $at)))))
        (local.set $s7 (f32x4.add (local.get $s7) (f32x4.mul (local.get $v) (v128.load offset=112 (local.get $at)))))
        (local.set $offsets (i32.add (local.get $offsets) (i32.const 4)))
        (local.set $values (i32.add (local.get $values) (i32.const 4)))
        (br $entry)))
    (v128.store align=4 (local.get $out) (local.get $s0))
    (v128.store offset=16 align=4 (local.get $out) (local.get $s1))
    (v128.store offset=32 align=4 (local.get $out) (local.get $s2))
    (v128.store offset=48 align=4 (local.get $out) (local.get $s3))
    (v128.store offset=64 align=4 (local.get $out) (local.get $s4))
    (v128.store offset=80 align=4 (local.get $out) (local.get $s5))
    (v128.store offset=96 align=4 (local.get $out) (local.get $s6))
    (v128.store offset=112 align=4 (local.get $out) (local.get $s7)))

  ;; C [rows × columns] = S·B for S in compressed sparse rows (sparseRows, with bRowBytes = 128) and B
  ;; packed by sparsePackB: C's row r is Σ over row r's entries of values[e] · (B's row), in the
  ;; entries' order. Strip by strip, so a strip of B (shared · 128 bytes) stays in L2 while every row
  ;; of S passes it; a last strip narrower than 32 columns goes through the 128-byte `tile`.
  (func (export "sparseTimesDense")
    (param $starts i32) (param $offsets i32) (param $values i32) (param $rows i32)
    (param $packedB i32) (param $shared i32) (param $columns i32) (param $c i32) (param $tile i32)
    (local $j i32) (local $r i32) (local $first i32) (local $width i32) (local $out i32) (local $bAt i32)
    (local.set $bAt (local.get $packedB))
    (block $stripsDone
      (loop $strip
        (br_if $stripsDone (i32.ge_u (local.get $j) (local.get $columns)))
        (local.set $width (i32.sub (local.get $columns) (local.get $j)))
        (local.set $r (i32.const 0))
        (block $rowsDone
          (loop $row
            (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $first (i32.load (i32.add (local.get $starts) (i32.shl (local.get $r) (i32.const 2)))))
            (local.set $out
              (i32.add (local.get $c)
                (i32.shl (i32.add (i32.mul (local.get $r) (local.get $columns)) (local.get $j)) (i32.const 2))))
            (call $sparseStrip
              (i32.add (local.get $offsets) (i32.shl (local.get $first) (i32.const 2)))
              (i32.add (local.get $values) (i32.shl (local.get $first) (i32.const 2)))
              (i32.sub (i32.load offset=4 (i32.add (local.get $starts) (i32.shl (local.get $r) (i32.const 2))))
                (local.get $first))
              (local.get $bAt)
              (select (local.get $out) (local.get $tile) (i32.ge_u (local.get $width) (i32.const 32))))
            (if (i32.lt_u (local.get $width) (i32.const 32))
              (then (memory.copy (local.get $out) (local.get $tile) (i32.shl (local.get $width) (i32.const 2)))))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $row)))
        (local.set $bAt (i32.add (local.get $bAt) (i32.shl (local.get $shared) (i32.const 7))))
        (local.set $j (i32.add (local.get $j) (i32.const 32)))
        (br $strip))))
)
