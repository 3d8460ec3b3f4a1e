;; Hand-written WASM SIMD kernels that run on TF.js' own WASM heap (the module imports the backend's
;; memory; pointers are byte offsets of tensors in it). Assembled by scripts/build-simd-kernels.ts
;; into kernelsBinary.ts; the placeholder line becomes the import of a plain or a shared memory.
(module
  {{MEMORY}}

  ;; Adam on the first n elements (n a multiple of 4): m and s in place, the new weights into o.
  ;; Double precision, in JavaScript's operation order (promote, compute, round once to float32), so
  ;; the result is bit for bit the scalar JavaScript update's (optimizer.ts, adamUpdate):
  ;;   m' = β1·m + (1 − β1)·g;  s' = β2·s + ((1 − β2)·g)·g;  o = w − (a·m') / (√s'·b + ε)
  (func (export "adam")
    (param $w i32) (param $m i32) (param $s i32) (param $g i32) (param $o i32) (param $n i32)
    (param $a f64) (param $b f64) (param $eps f64)
    (local $off i32) (local $end i32)
    (local $b1 v128) (local $b1c v128) (local $b2 v128) (local $b2c v128)
    (local $va v128) (local $vb v128) (local $veps v128)
    (local $g4 v128) (local $m4 v128) (local $s4 v128) (local $w4 v128)
    (local $glo v128) (local $ghi v128) (local $mlo v128) (local $mhi v128)
    (local $slo v128) (local $shi v128) (local $olo v128) (local $ohi v128)
    (local.set $b1 (f64x2.splat (f64.const 0.9)))
    (local.set $b1c (f64x2.splat (f64.sub (f64.const 1) (f64.const 0.9))))
    (local.set $b2 (f64x2.splat (f64.const 0.999)))
    (local.set $b2c (f64x2.splat (f64.sub (f64.const 1) (f64.const 0.999))))
    (local.set $va (f64x2.splat (local.get $a)))
    (local.set $vb (f64x2.splat (local.get $b)))
    (local.set $veps (f64x2.splat (local.get $eps)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $g4 (v128.load align=4 (i32.add (local.get $g) (local.get $off))))
        (local.set $m4 (v128.load align=4 (i32.add (local.get $m) (local.get $off))))
        (local.set $s4 (v128.load align=4 (i32.add (local.get $s) (local.get $off))))
        (local.set $w4 (v128.load align=4 (i32.add (local.get $w) (local.get $off))))
        (local.set $glo (f64x2.promote_low_f32x4 (local.get $g4)))
        (local.set $ghi (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $g4) (local.get $g4))))
        ;; m' = β1·m + (1 − β1)·g
        (local.set $mlo (f64x2.add
          (f64x2.mul (local.get $b1) (f64x2.promote_low_f32x4 (local.get $m4)))
          (f64x2.mul (local.get $b1c) (local.get $glo))))
        (local.set $mhi (f64x2.add
          (f64x2.mul (local.get $b1) (f64x2.promote_low_f32x4
            (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $m4) (local.get $m4))))
          (f64x2.mul (local.get $b1c) (local.get $ghi))))
        ;; s' = β2·s + ((1 − β2)·g)·g
        (local.set $slo (f64x2.add
          (f64x2.mul (local.get $b2) (f64x2.promote_low_f32x4 (local.get $s4)))
          (f64x2.mul (f64x2.mul (local.get $b2c) (local.get $glo)) (local.get $glo))))
        (local.set $shi (f64x2.add
          (f64x2.mul (local.get $b2) (f64x2.promote_low_f32x4
            (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $s4) (local.get $s4))))
          (f64x2.mul (f64x2.mul (local.get $b2c) (local.get $ghi)) (local.get $ghi))))
        ;; o = w − (a·m') / (√s'·b + ε)
        (local.set $olo (f64x2.sub
          (f64x2.promote_low_f32x4 (local.get $w4))
          (f64x2.div (f64x2.mul (local.get $va) (local.get $mlo))
            (f64x2.add (f64x2.mul (f64x2.sqrt (local.get $slo)) (local.get $vb)) (local.get $veps)))))
        (local.set $ohi (f64x2.sub
          (f64x2.promote_low_f32x4
            (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $w4) (local.get $w4)))
          (f64x2.div (f64x2.mul (local.get $va) (local.get $mhi))
            (f64x2.add (f64x2.mul (f64x2.sqrt (local.get $shi)) (local.get $vb)) (local.get $veps)))))
        (v128.store align=4 (i32.add (local.get $m) (local.get $off))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (local.get $mlo)) (f32x4.demote_f64x2_zero (local.get $mhi))))
        (v128.store align=4 (i32.add (local.get $s) (local.get $off))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (local.get $slo)) (f32x4.demote_f64x2_zero (local.get $shi))))
        (v128.store align=4 (i32.add (local.get $o) (local.get $off))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (local.get $olo)) (f32x4.demote_f64x2_zero (local.get $ohi))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $next)))
  )

  ;; 1 when the first n float32 values at p (n a multiple of 4) are all finite, else 0: x − x is 0
  ;; for every finite x and NaN for ±Inf and NaN, and a sum keeps a NaN.
  (func (export "allFinite") (param $p i32) (param $n i32) (result i32)
    (local $off i32) (local $end i32) (local $acc v128) (local $x v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $x (v128.load align=4 (i32.add (local.get $p) (local.get $off))))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.sub (local.get $x) (local.get $x))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $next)))
    (i32x4.all_true (f32x4.eq (local.get $acc) (f32x4.splat (f32.const 0))))
  )

  ;; dst = srcᵀ for a rows × cols float32 matrix (both multiples of 4), in 4 × 4 blocks (eight
  ;; shuffles each), `strip` columns of src at a time (a multiple of 4) so that the rows of dst being
  ;; written stay in cache: narrow when dst's rows are long (their lines share a cache set).
  ;; Row strides in floats: src row i starts at src + 4·i·srcStride, dst row j at dst + 4·j·dstStride
  ;; (cols and rows for a dense matrix).
  (func (export "transpose") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (param $srcStride i32) (param $dstStride i32) (param $strip i32)
    (local $j0 i32) (local $j1 i32) (local $i i32) (local $j i32) (local $p i32) (local $q i32)
    (local $rowBytes i32) (local $colBytes i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rowBytes (i32.shl (local.get $srcStride) (i32.const 2)))
    (local.set $colBytes (i32.shl (local.get $dstStride) (i32.const 2)))
    (block $doneJ0
      (loop $nextJ0
        (br_if $doneJ0 (i32.ge_u (local.get $j0) (local.get $cols)))
        (local.set $j1 (i32.add (local.get $j0) (local.get $strip)))
        (if (i32.gt_u (local.get $j1) (local.get $cols)) (then (local.set $j1 (local.get $cols))))
        (local.set $i (i32.const 0))
        (block $doneI
          (loop $nextI
            (br_if $doneI (i32.ge_u (local.get $i) (local.get $rows)))
            (local.set $j (local.get $j0))
            (block $doneJ
              (loop $nextJ
                (br_if $doneJ (i32.ge_u (local.get $j) (local.get $j1)))
                ;; p: src[i][j]; q: dst[j][i]
                (local.set $p (i32.add (local.get $src)
                  (i32.shl (i32.add (i32.mul (local.get $i) (local.get $srcStride)) (local.get $j)) (i32.const 2))))
                (local.set $q (i32.add (local.get $dst)
                  (i32.shl (i32.add (i32.mul (local.get $j) (local.get $dstStride)) (local.get $i)) (i32.const 2))))
                (local.set $r0 (v128.load align=4 (local.get $p)))
                (local.set $r1 (v128.load align=4 (i32.add (local.get $p) (local.get $rowBytes))))
                (local.set $r2 (v128.load align=4
                  (i32.add (local.get $p) (i32.shl (local.get $rowBytes) (i32.const 1)))))
                (local.set $r3 (v128.load align=4
                  (i32.add (local.get $p) (i32.mul (local.get $rowBytes) (i32.const 3)))))
                ;; a0 b0 a1 b1 | a2 b2 a3 b3 | c0 d0 c1 d1 | c2 d2 c3 d3
                (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
                (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
                (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
                (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
                (v128.store align=4 (local.get $q)
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                (v128.store align=4 (i32.add (local.get $q) (local.get $colBytes))
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                (v128.store align=4 (i32.add (local.get $q) (i32.shl (local.get $colBytes) (i32.const 1)))
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                (v128.store align=4 (i32.add (local.get $q) (i32.mul (local.get $colBytes) (i32.const 3)))
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $nextJ)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $nextI)))
        (local.set $j0 (local.get $j1))
        (br $nextJ0)))
  )

  ;; [A, B, C] → [B, A, C]: blocks of C values (4-byte elements) move whole.
  ;; Only the output's blocks j0 ≤ j < j1 (0 and b for all of it), so threads can share the rows.
  (func (export "swapBlocks") (param $src i32) (param $dst i32) (param $a i32) (param $b i32) (param $c i32)
    (param $j0 i32) (param $j1 i32)
    (local $i i32) (local $j i32) (local $bytes i32) (local $q i32)
    (local.set $bytes (i32.shl (local.get $c) (i32.const 2)))
    (local.set $j (local.get $j0))
    (local.set $q (i32.add (local.get $dst) (i32.mul (i32.mul (local.get $j0) (local.get $a)) (local.get $bytes))))
    (block $doneJ
      (loop $nextJ
        (br_if $doneJ (i32.ge_u (local.get $j) (local.get $j1)))
        (local.set $i (i32.const 0))
        (block $doneI
          (loop $nextI
            (br_if $doneI (i32.ge_u (local.get $i) (local.get $a)))
            ;; dst[j][i] = src[i][j]
            (memory.copy (local.get $q)
              (i32.add (local.get $src)
                (i32.mul (i32.add (i32.mul (local.get $i) (local.get $b)) (local.get $j)) (local.get $bytes)))
              (local.get $bytes))
            (local.set $q (i32.add (local.get $q) (local.get $bytes)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $nextI)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $nextJ)))
  )

  ;; max(0, x) in place on n floats (n a multiple of 4) as XNNPACK's fused ReLU clamps: pmax against
  ;; zero, so NaN and −0 become +0 (its products with a ReLU give exactly these values).
  (func (export "reluInPlace") (param $p i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (v128.store align=4 (local.get $p)
          (f32x4.pmax (f32x4.splat (f32.const 0)) (v128.load align=4 (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next)))
  )

  ;; out[c] = Σ_r x[r][c] for a rows × cols float32 matrix (cols a multiple of 4), each column summed
  ;; from row 0 down in float32, as the backend's Sum does after moving the reduced axes last. Rows
  ;; start `stride` floats apart (cols for a whole matrix, more for a range of its columns).
  (func (export "sumRows") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (param $stride i32)
    (local $c i32) (local $p i32) (local $end i32) (local $acc v128) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 2)))
    (block $doneC
      (loop $nextC
        (br_if $doneC (i32.ge_u (local.get $c) (local.get $cols)))
        (local.set $p (i32.add (local.get $src) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $end (i32.add (local.get $p) (i32.mul (local.get $rows) (local.get $rowBytes))))
        (local.set $acc (f32x4.splat (f32.const 0)))
        (block $doneR
          (loop $nextR
            (br_if $doneR (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $acc (f32x4.add (local.get $acc) (v128.load align=4 (local.get $p))))
            (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
            (br $nextR)))
        (v128.store align=4 (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2))) (local.get $acc))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $nextC)))
  )

  ;; Four rows of a product accumulated in place, for the filter gradient of a convolution:
  ;;   c_r[j] += Σ_m a_r[m]·b[m][j]   (r = 0..3, j < cols, cols a multiple of 4, m = 0..n−1 in order)
  ;; with a_r[m] at a_r + m·aStride and b[m] at b + m·bStride (byte offsets and strides). Each sum
  ;; adds one float32 product at a time, in m's order, from the value already in c_r: the order of
  ;; XNNPACK's convolution kernels (wasmsimd, one accumulator per output), so that calling this for
  ;; the taps in their order gives its values bit for bit. Rows may repeat (same a and c): a repeated
  ;; row stores the same value twice.
  (func (export "accumulateRows4")
    (param $a0 i32) (param $a1 i32) (param $a2 i32) (param $a3 i32) (param $aStride i32)
    (param $b i32) (param $bStride i32) (param $n i32)
    (param $c0 i32) (param $c1 i32) (param $c2 i32) (param $c3 i32) (param $cols i32)
    (local $col i32) (local $colEnd8 i32) (local $colBytes i32) (local $pa i32) (local $pb i32) (local $aEnd i32)
    (local $va v128) (local $vb0 v128) (local $vb1 v128)
    (local $acc0x0 v128) (local $acc0x1 v128) (local $acc1x0 v128) (local $acc1x1 v128) (local $acc2x0 v128) (local $acc2x1 v128) (local $acc3x0 v128) (local $acc3x1 v128)
    (local.set $aEnd (i32.mul (local.get $n) (local.get $aStride)))
    (local.set $colBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $colEnd8 (i32.and (local.get $colBytes) (i32.const -32)))
    ;; eight columns at a time
    (block $doneCol8
      (loop $nextCol8
        (br_if $doneCol8 (i32.ge_u (local.get $col) (local.get $colEnd8)))
        (local.set $acc0x0 (v128.load align=4 (i32.add (local.get $c0) (local.get $col))))
        (local.set $acc0x1 (v128.load align=4 (i32.add (local.get $c0) (i32.add (local.get $col) (i32.const 16)))))
        (local.set $acc1x0 (v128.load align=4 (i32.add (local.get $c1) (local.get $col))))
        (local.set $acc1x1 (v128.load align=4 (i32.add (local.get $c1) (i32.add (local.get $col) (i32.const 16)))))
        (local.set $acc2x0 (v128.load align=4 (i32.add (local.get $c2) (local.get $col))))
        (local.set $acc2x1 (v128.load align=4 (i32.add (local.get $c2) (i32.add (local.get $col) (i32.const 16)))))
        (local.set $acc3x0 (v128.load align=4 (i32.add (local.get $c3) (local.get $col))))
        (local.set $acc3x1 (v128.load align=4 (i32.add (local.get $c3) (i32.add (local.get $col) (i32.const 16)))))
        (local.set $pa (i32.const 0))
        (local.set $pb (local.get $b))
        (block $doneM8
          (loop $nextM8
            (br_if $doneM8 (i32.ge_u (local.get $pa) (local.get $aEnd)))
            (local.set $vb0 (v128.load align=4 (i32.add (local.get $pb) (local.get $col))))
            (local.set $vb1 (v128.load align=4 (i32.add (local.get $pb) (i32.add (local.get $col) (i32.const 16)))))
            (local.set $va (v128.load32_splat align=4 (i32.add (local.get $a0) (local.get $pa))))
            (local.set $acc0x0 (f32x4.add (local.get $acc0x0) (f32x4.mul (local.get $va) (local.get $vb0))))
            (local.set $acc0x1 (f32x4.add (local.get $acc0x1) (f32x4.mul (local.get $va) (local.get $vb1))))
            (local.set $va (v128.load32_splat align=4 (i32.add (local.get $a1) (local.get $pa))))
            (local.set $acc1x0 (f32x4.add (local.get $acc1x0) (f32x4.mul (local.get $va) (local.get $vb0))))
            (local.set $acc1x1 (f32x4.add (local.get $acc1x1) (f32x4.mul (local.get $va) (local.get $vb1))))
            (local.set $va (v128.load32_splat align=4 (i32.add (local.get $a2) (local.get $pa))))
            (local.set $acc2x0 (f32x4.add (local.get $acc2x0) (f32x4.mul (local.get $va) (local.get $vb0))))
            (local.set $acc2x1 (f32x4.add (local.get $acc2x1) (f32x4.mul (local.get $va) (local.get $vb1))))
            (local.set $va (v128.load32_splat align=4 (i32.add (local.get $a3) (local.get $pa))))
            (local.set $acc3x0 (f32x4.add (local.get $acc3x0) (f32x4.mul (local.get $va) (local.get $vb0))))
            (local.set $acc3x1 (f32x4.add (local.get $acc3x1) (f32x4.mul (local.get $va) (local.get $vb1))))
            (local.set $pa (i32.add (local.get $pa) (local.get $aStride)))
            (local.set $pb (i32.add (local.get $pb) (local.get $bStride)))
            (br $nextM8)))
        (v128.store align=4 (i32.add (local.get $c0) (local.get $col)) (local.get $acc0x0))
        (v128.store align=4 (i32.add (local.get $c0) (i32.add (local.get $col) (i32.const 16))) (local.get $acc0x1))
        (v128.store align=4 (i32.add (local.get $c1) (local.get $col)) (local.get $acc1x0))
        (v128.store align=4 (i32.add (local.get $c1) (i32.add (local.get $col) (i32.const 16))) (local.get $acc1x1))
        (v128.store align=4 (i32.add (local.get $c2) (local.get $col)) (local.get $acc2x0))
        (v128.store align=4 (i32.add (local.get $c2) (i32.add (local.get $col) (i32.const 16))) (local.get $acc2x1))
        (v128.store align=4 (i32.add (local.get $c3) (local.get $col)) (local.get $acc3x0))
        (v128.store align=4 (i32.add (local.get $c3) (i32.add (local.get $col) (i32.const 16))) (local.get $acc3x1))
        (local.set $col (i32.add (local.get $col) (i32.const 32)))
        (br $nextCol8)))
    ;; then four
    (if (i32.lt_u (local.get $col) (local.get $colBytes))
      (then
        (local.set $acc0x0 (v128.load align=4 (i32.add (local.get $c0) (local.get $col))))
        (local.set $acc1x0 (v128.load align=4 (i32.add (local.get $c1) (local.get $col))))
        (local.set $acc2x0 (v128.load align=4 (i32.add (local.get $c2) (local.get $col))))
        (local.set $acc3x0 (v128.load align=4 (i32.add (local.get $c3) (local.get $col))))
        (local.set $pa (i32.const 0))
        (local.set $pb (local.get $b))
        (block $doneM4
          (loop $nextM4
            (br_if $doneM4 (i32.ge_u (local.get $pa) (local.get $aEnd)))
            (local.set $vb0 (v128.load align=4 (i32.add (local.get $pb) (local.get $col))))
            (local.set $va (v128.load32_splat align=4 (i32.add (local.get $a0) (local.get $pa))))
            (local.set $acc0x0 (f32x4.add (local.get $acc0x0) (f32x4.mul (local.get $va) (local.get $vb0))))
            (local.set $va (v128.load32_splat align=4 (i32.add (local.get $a1) (local.get $pa))))
            (local.set $acc1x0 (f32x4.add (local.get $acc1x0) (f32x4.mul (local.get $va) (local.get $vb0))))
            (local.set $va (v128.load32_splat align=4 (i32.add (local.get $a2) (local.get $pa))))
            (local.set $acc2x0 (f32x4.add (local.get $acc2x0) (f32x4.mul (local.get $va) (local.get $vb0))))
            (local.set $va (v128.load32_splat align=4 (i32.add (local.get $a3) (local.get $pa))))
            (local.set $acc3x0 (f32x4.add (local.get $acc3x0) (f32x4.mul (local.get $va) (local.get $vb0))))
            (local.set $pa (i32.add (local.get $pa) (local.get $aStride)))
            (local.set $pb (i32.add (local.get $pb) (local.get $bStride)))
            (br $nextM4)))
        (v128.store align=4 (i32.add (local.get $c0) (local.get $col)) (local.get $acc0x0))
        (v128.store align=4 (i32.add (local.get $c1) (local.get $col)) (local.get $acc1x0))
        (v128.store align=4 (i32.add (local.get $c2) (local.get $col)) (local.get $acc2x0))
        (v128.store align=4 (i32.add (local.get $c3) (local.get $col)) (local.get $acc3x0))))
  )
  ;; The address of input pixel (iy, ix) of an image, or of `zero` (ci zeros) where it lies in the
  ;; padding: XNNPACK's convolutions read a zero buffer there, so a padded tap adds 0·w products.
  (func $pixelOrZero (param $img i32) (param $iy i32) (param $ix i32) (param $h i32) (param $w i32)
    (param $ci i32) (param $zero i32) (result i32)
    (if (result i32)
      (i32.and (i32.lt_u (local.get $iy) (local.get $h)) (i32.lt_u (local.get $ix) (local.get $w)))
      (then
        (i32.add (local.get $img)
          (i32.shl
            (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix)) (local.get $ci))
            (i32.const 2))))
      (else (local.get $zero)))
  )

  ;; The input addresses of output pixel q's taps, row-major, into taps[4·t + r] (r = the pixel's
  ;; place in its group of four).
  (func $tapAddresses (param $q i32) (param $r i32) (param $taps i32)
    (param $x i32) (param $zero i32) (param $h i32) (param $w i32) (param $ci i32)
    (param $kh i32) (param $kw i32) (param $stride i32) (param $top i32) (param $left i32)
    (param $oh i32) (param $ow i32)
    (local $plane i32) (local $img i32) (local $iy i32) (local $ix i32) (local $ky i32) (local $kx i32) (local $at i32)
    (local.set $plane (i32.mul (local.get $oh) (local.get $ow)))
    (local.set $img (i32.add (local.get $x)
      (i32.shl (i32.mul (i32.div_u (local.get $q) (local.get $plane)) (i32.mul (i32.mul (local.get $h) (local.get $w)) (local.get $ci))) (i32.const 2))))
    (local.set $q (i32.rem_u (local.get $q) (local.get $plane)))
    (local.set $iy (i32.sub (i32.mul (i32.div_u (local.get $q) (local.get $ow)) (local.get $stride)) (local.get $top)))
    (local.set $ix (i32.sub (i32.mul (i32.rem_u (local.get $q) (local.get $ow)) (local.get $stride)) (local.get $left)))
    (local.set $at (i32.add (local.get $taps) (i32.shl (local.get $r) (i32.const 2))))
    (block $doneKy
      (loop $nextKy
        (br_if $doneKy (i32.ge_u (local.get $ky) (local.get $kh)))
        (local.set $kx (i32.const 0))
        (block $doneKx
          (loop $nextKx
            (br_if $doneKx (i32.ge_u (local.get $kx) (local.get $kw)))
            (i32.store (local.get $at)
              (call $pixelOrZero (local.get $img) (i32.add (local.get $iy) (local.get $ky)) (i32.add (local.get $ix) (local.get $kx))
                (local.get $h) (local.get $w) (local.get $ci) (local.get $zero)))
            (local.set $at (i32.add (local.get $at) (i32.const 16)))
            (local.set $kx (i32.add (local.get $kx) (i32.const 1)))
            (br $nextKx)))
        (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
        (br $nextKy)))
  )

  ;; A convolution (NHWC input [n, h, w, ci], filter [kh, kw, ci, co], co a multiple of 4, no
  ;; dilation) for output pixels p0 ≤ p < p1 of [n, oh, ow] (p0 a multiple of 4), four at a time:
  ;;   out[p][j] = Σ_{ky, kx} Σ_m in[p's tap (ky, kx)][m]·f[ky][kx][m][j]
  ;; from +0, taps in row-major order and channels in order within a tap, one float32 product at a
  ;; time: XNNPACK's order (its indirect GEMM), so the values are its convolution's bit for bit.
  ;; `taps` is scratch for 4·kh·kw addresses.
  (func (export "convRows4")
    (param $x i32) (param $zero i32) (param $f i32) (param $out i32) (param $taps i32)
    (param $h i32) (param $w i32) (param $ci i32) (param $co i32)
    (param $kh i32) (param $kw i32) (param $stride i32) (param $top i32) (param $left i32)
    (param $oh i32) (param $ow i32) (param $p0 i32) (param $p1 i32)
    (local $p i32) (local $q i32) (local $coBytes i32) (local $col i32) (local $colEnd8 i32)
    (local $c0 i32) (local $c1 i32) (local $c2 i32) (local $c3 i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $t i32) (local $tEnd i32) (local $pa i32) (local $aEnd i32) (local $pb i32)
    (local $va v128) (local $vb0 v128) (local $vb1 v128)
    (local $acc0x0 v128) (local $acc0x1 v128) (local $acc1x0 v128) (local $acc1x1 v128) (local $acc2x0 v128) (local $acc2x1 v128) (local $acc3x0 v128) (local $acc3x1 v128)
    (local.set $coBytes (i32.shl (local.get $co) (i32.const 2)))
    (local.set $colEnd8 (i32.and (local.get $coBytes) (i32.const -32)))
    (local.set $aEnd (i32.shl (local.get $ci) (i32.const 2)))
    (local.set $tEnd (i32.add (local.get $taps) (i32.shl (i32.mul (local.get $kh) (local.get $kw)) (i32.const 4))))
    (local.set $p (local.get $p0))
    (block $donePixels
      (loop $nextQuad
        (br_if $donePixels (i32.ge_u (local.get $p) (local.get $p1)))
        ;; the four pixels (a last group repeats its last pixel: the same value, stored twice)
        (local.set $c0 (i32.add (local.get $out) (i32.mul (local.get $p) (local.get $coBytes))))
        (call $tapAddresses (local.get $p) (i32.const 0) (local.get $taps) (local.get $x) (local.get $zero) (local.get $h) (local.get $w) (local.get $ci) (local.get $kh) (local.get $kw) (local.get $stride) (local.get $top) (local.get $left) (local.get $oh) (local.get $ow))
        (local.set $q (select (i32.add (local.get $p) (i32.const 1)) (i32.sub (local.get $p1) (i32.const 1)) (i32.lt_u (i32.add (local.get $p) (i32.const 1)) (local.get $p1))))
        (local.set $c1 (i32.add (local.get $out) (i32.mul (local.get $q) (local.get $coBytes))))
        (call $tapAddresses (local.get $q) (i32.const 1) (local.get $taps) (local.get $x) (local.get $zero) (local.get $h) (local.get $w) (local.get $ci) (local.get $kh) (local.get $kw) (local.get $stride) (local.get $top) (local.get $left) (local.get $oh) (local.get $ow))
        (local.set $q (select (i32.add (local.get $p) (i32.const 2)) (i32.sub (local.get $p1) (i32.const 1)) (i32.lt_u (i32.add (local.get $p) (i32.const 2)) (local.get $p1))))
        (local.set $c2 (i32.add (local.get $out) (i32.mul (local.get $q) (local.get $coBytes))))
        (call $tapAddresses (local.get $q) (i32.const 2) (local.get $taps) (local.get $x) (local.get $zero) (local.get $h) (local.get $w) (local.get $ci) (local.get $kh) (local.get $kw) (local.get $stride) (local.get $top) (local.get $left) (local.get $oh) (local.get $ow))
        (local.set $q (select (i32.add (local.get $p) (i32.const 3)) (i32.sub (local.get $p1) (i32.const 1)) (i32.lt_u (i32.add (local.get $p) (i32.const 3)) (local.get $p1))))
        (local.set $c3 (i32.add (local.get $out) (i32.mul (local.get $q) (local.get $coBytes))))
        (call $tapAddresses (local.get $q) (i32.const 3) (local.get $taps) (local.get $x) (local.get $zero) (local.get $h) (local.get $w) (local.get $ci) (local.get $kh) (local.get $kw) (local.get $stride) (local.get $top) (local.get $left) (local.get $oh) (local.get $ow))
        ;; eight output channels at a time
        (local.set $col (i32.const 0))
        (block $doneCols8
          (loop $nextCols8
            (br_if $doneCols8 (i32.ge_u (local.get $col) (local.get $colEnd8)))
            (local.set $acc0x0 (v128.const i32x4 0 0 0 0)) (local.set $acc0x1 (v128.const i32x4 0 0 0 0))
            (local.set $acc1x0 (v128.const i32x4 0 0 0 0)) (local.set $acc1x1 (v128.const i32x4 0 0 0 0))
            (local.set $acc2x0 (v128.const i32x4 0 0 0 0)) (local.set $acc2x1 (v128.const i32x4 0 0 0 0))
            (local.set $acc3x0 (v128.const i32x4 0 0 0 0)) (local.set $acc3x1 (v128.const i32x4 0 0 0 0))
            (local.set $pb (i32.add (local.get $f) (local.get $col)))
            (local.set $t (local.get $taps))
            (block $doneTaps8
              (loop $nextTap8
                (br_if $doneTaps8 (i32.ge_u (local.get $t) (local.get $tEnd)))
                (local.set $a0 (i32.load (local.get $t)))
                (local.set $a1 (i32.load offset=4 (local.get $t)))
                (local.set $a2 (i32.load offset=8 (local.get $t)))
                (local.set $a3 (i32.load offset=12 (local.get $t)))
                (local.set $pa (i32.const 0))
                (block $doneM8
                  (loop $nextM8
                    (br_if $doneM8 (i32.ge_u (local.get $pa) (local.get $aEnd)))
                    (local.set $vb0 (v128.load align=4 (local.get $pb)))
                    (local.set $vb1 (v128.load offset=16 align=4 (local.get $pb)))
                    (local.set $va (v128.load32_splat align=4 (i32.add (local.get $a0) (local.get $pa))))
                    (local.set $acc0x0 (f32x4.add (local.get $acc0x0) (f32x4.mul (local.get $va) (local.get $vb0))))
                    (local.set $acc0x1 (f32x4.add (local.get $acc0x1) (f32x4.mul (local.get $va) (local.get $vb1))))
                    (local.set $va (v128.load32_splat align=4 (i32.add (local.get $a1) (local.get $pa))))
                    (local.set $acc1x0 (f32x4.add (local.get $acc1x0) (f32x4.mul (local.get $va) (local.get $vb0))))
                    (local.set $acc1x1 (f32x4.add (local.get $acc1x1) (f32x4.mul (local.get $va) (local.get $vb1))))
                    (local.set $va (v128.load32_splat align=4 (i32.add (local.get $a2) (local.get $pa))))
                    (local.set $acc2x0 (f32x4.add (local.get $acc2x0) (f32x4.mul (local.get $va) (local.get $vb0))))
                    (local.set $acc2x1 (f32x4.add (local.get $acc2x1) (f32x4.mul (local.get $va) (local.get $vb1))))
                    (local.set $va (v128.load32_splat align=4 (i32.add (local.get $a3) (local.get $pa))))
                    (local.set $acc3x0 (f32x4.add (local.get $acc3x0) (f32x4.mul (local.get $va) (local.get $vb0))))
                    (local.set $acc3x1 (f32x4.add (local.get $acc3x1) (f32x4.mul (local.get $va) (local.get $vb1))))
                    (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
                    (local.set $pb (i32.add (local.get $pb) (local.get $coBytes)))
                    (br $nextM8)))
                (local.set $t (i32.add (local.get $t) (i32.const 16)))
                (br $nextTap8)))
            (v128.store align=4 (i32.add (local.get $c0) (local.get $col)) (local.get $acc0x0))
            (v128.store offset=16 align=4 (i32.add (local.get $c0) (local.get $col)) (local.get $acc0x1))
            (v128.store align=4 (i32.add (local.get $c1) (local.get $col)) (local.get $acc1x0))
            (v128.store offset=16 align=4 (i32.add (local.get $c1) (local.get $col)) (local.get $acc1x1))
            (v128.store align=4 (i32.add (local.get $c2) (local.get $col)) (local.get $acc2x0))
            (v128.store offset=16 align=4 (i32.add (local.get $c2) (local.get $col)) (local.get $acc2x1))
            (v128.store align=4 (i32.add (local.get $c3) (local.get $col)) (local.get $acc3x0))
            (v128.store offset=16 align=4 (i32.add (local.get $c3) (local.get $col)) (local.get $acc3x1))
            (local.set $col (i32.add (local.get $col) (i32.const 32)))
            (br $nextCols8)))
        ;; then four
        (if (i32.lt_u (local.get $col) (local.get $coBytes))
          (then
            (local.set $acc0x0 (v128.const i32x4 0 0 0 0)) (local.set $acc1x0 (v128.const i32x4 0 0 0 0))
            (local.set $acc2x0 (v128.const i32x4 0 0 0 0)) (local.set $acc3x0 (v128.const i32x4 0 0 0 0))
            (local.set $pb (i32.add (local.get $f) (local.get $col)))
            (local.set $t (local.get $taps))
            (block $doneTaps4
              (loop $nextTap4
                (br_if $doneTaps4 (i32.ge_u (local.get $t) (local.get $tEnd)))
                (local.set $a0 (i32.load (local.get $t)))
                (local.set $a1 (i32.load offset=4 (local.get $t)))
                (local.set $a2 (i32.load offset=8 (local.get $t)))
                (local.set $a3 (i32.load offset=12 (local.get $t)))
                (local.set $pa (i32.const 0))
                (block $doneM4
                  (loop $nextM4
                    (br_if $doneM4 (i32.ge_u (local.get $pa) (local.get $aEnd)))
                    (local.set $vb0 (v128.load align=4 (local.get $pb)))
                    (local.set $acc0x0 (f32x4.add (local.get $acc0x0) (f32x4.mul (v128.load32_splat align=4 (i32.add (local.get $a0) (local.get $pa))) (local.get $vb0))))
                    (local.set $acc1x0 (f32x4.add (local.get $acc1x0) (f32x4.mul (v128.load32_splat align=4 (i32.add (local.get $a1) (local.get $pa))) (local.get $vb0))))
                    (local.set $acc2x0 (f32x4.add (local.get $acc2x0) (f32x4.mul (v128.load32_splat align=4 (i32.add (local.get $a2) (local.get $pa))) (local.get $vb0))))
                    (local.set $acc3x0 (f32x4.add (local.get $acc3x0) (f32x4.mul (v128.load32_splat align=4 (i32.add (local.get $a3) (local.get $pa))) (local.get $vb0))))
                    (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
                    (local.set $pb (i32.add (local.get $pb) (local.get $coBytes)))
                    (br $nextM4)))
                (local.set $t (i32.add (local.get $t) (i32.const 16)))
                (br $nextTap4)))
            (v128.store align=4 (i32.add (local.get $c0) (local.get $col)) (local.get $acc0x0))
            (v128.store align=4 (i32.add (local.get $c1) (local.get $col)) (local.get $acc1x0))
            (v128.store align=4 (i32.add (local.get $c2) (local.get $col)) (local.get $acc2x0))
            (v128.store align=4 (i32.add (local.get $c3) (local.get $col)) (local.get $acc3x0))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $nextQuad)))
  )
  ;; expf as the backend computes it (musl's, from Arm's optimized routines: TF.js' Exp kernel is
  ;; compiled from it), step for step in double precision, so that its results are the backend's
  ;; bit for bit. `table` points at the 32 words 2^(i/32) − (i << 47) (simdKernels.ts writes them).
  (func $expf (param $x f32) (param $table i32) (result f32)
    (local $bits i32) (local $abstop i32) (local $z f64) (local $kd f64) (local $ki i64) (local $r f64)
    (local $s f64) (local $y f64)
    (local.set $bits (i32.reinterpret_f32 (local.get $x)))
    (local.set $abstop (i32.and (i32.shr_u (local.get $bits) (i32.const 20)) (i32.const 0x7ff)))
    (if (i32.ge_u (local.get $abstop) (i32.const 0x42b)) ;; |x| >= 88 or x is NaN
      (then
        (if (i32.eq (local.get $bits) (i32.const 0xff800000)) (then (return (f32.const 0))))
        (if (i32.ge_u (local.get $abstop) (i32.const 0x7f8)) (then (return (f32.add (local.get $x) (local.get $x)))))
        (if (f32.gt (local.get $x) (f32.const 0x1.62e42ep6)) (then (return (f32.const inf))))
        (if (f32.lt (local.get $x) (f32.const -0x1.9fe368p6)) (then (return (f32.const 0))))))
    ;; x·N/ln2 = k + r, r in [-1/2, 1/2], k rounded to nearest by the shift
    (local.set $z (f64.mul (f64.const 0x1.71547652b82fep+5) (f64.promote_f32 (local.get $x))))
    (local.set $kd (f64.add (local.get $z) (f64.const 0x1.8p+52)))
    (local.set $ki (i64.reinterpret_f64 (local.get $kd)))
    (local.set $kd (f64.sub (local.get $kd) (f64.const 0x1.8p+52)))
    (local.set $r (f64.sub (local.get $z) (local.get $kd)))
    ;; s = 2^(k/N) from the table, y = s·(C0·r³ + C1·r² + C2·r + 1)
    (local.set $s (f64.reinterpret_i64
      (i64.add
        (i64.load (i32.add (local.get $table) (i32.shl (i32.wrap_i64 (i64.and (local.get $ki) (i64.const 31))) (i32.const 3))))
        (i64.shl (local.get $ki) (i64.const 47)))))
    (local.set $y (f64.add (f64.mul (f64.const 0x1.62e42ff0c52d6p-6) (local.get $r)) (f64.const 1)))
    (local.set $y (f64.add
      (f64.mul
        (f64.add (f64.mul (f64.const 0x1.c6af84b912394p-20) (local.get $r)) (f64.const 0x1.ebfce50fac4f3p-13))
        (f64.mul (local.get $r) (local.get $r)))
      (local.get $y)))
    (f32.demote_f64 (f64.mul (local.get $y) (local.get $s)))
  )

  ;; The value of row element (r, j) as the masked log-sum-exp sees it: x, or −1e30 where the bool
  ;; mask (one byte per element, when $mask is not 0) is false.
  (func $maskedValue (param $x i32) (param $mask i32) (param $i i32) (result f32)
    (if (result f32)
      (i32.and (i32.ne (local.get $mask) (i32.const 0)) (i32.eqz (i32.load8_u (i32.add (local.get $mask) (local.get $i)))))
      (then (f32.const -1e30))
      (else (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
  )

  ;; For rows r0 ≤ r < r1 of x [rows, cols] (masked, above): shift[r] = max_j v_j and sum[r] =
  ;; Σ_j expf(v_j − shift[r]) added in float32 from 0 in j's order (as the backend's Sum over the
  ;; last axis). The max starts from the first value and takes any greater one, so a NaN after the
  ;; first place is skipped where the backend's Max gives NaN; the row's sum is NaN either way
  ;; (expf(NaN − shift)), and so are its log-sum-exp and gradient.
  (func (export "logSumExpRows") (param $x i32) (param $mask i32) (param $cols i32) (param $r0 i32)
    (param $r1 i32) (param $shift i32) (param $sum i32) (param $table i32)
    (local $r i32) (local $i i32) (local $end i32) (local $m f32) (local $v f32) (local $acc f32)
    (local.set $r (local.get $r0))
    (block $doneRows
      (loop $nextRow
        (br_if $doneRows (i32.ge_u (local.get $r) (local.get $r1)))
        (local.set $i (i32.mul (local.get $r) (local.get $cols)))
        (local.set $end (i32.add (local.get $i) (local.get $cols)))
        (local.set $m (call $maskedValue (local.get $x) (local.get $mask) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (block $doneMax
          (loop $nextMax
            (br_if $doneMax (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $v (call $maskedValue (local.get $x) (local.get $mask) (local.get $i)))
            (if (f32.gt (local.get $v) (local.get $m)) (then (local.set $m (local.get $v))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $nextMax)))
        (local.set $i (i32.sub (local.get $end) (local.get $cols)))
        (local.set $acc (f32.const 0))
        (block $doneSum
          (loop $nextSum
            (br_if $doneSum (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $acc (f32.add (local.get $acc)
              (call $expf (f32.sub (call $maskedValue (local.get $x) (local.get $mask) (local.get $i)) (local.get $m)) (local.get $table))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $nextSum)))
        (f32.store (i32.add (local.get $shift) (i32.shl (local.get $r) (i32.const 2))) (local.get $m))
        (f32.store (i32.add (local.get $sum) (i32.shl (local.get $r) (i32.const 2))) (local.get $acc))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow)))
  )

  ;; The gradient of the masked log-sum-exp for rows r0 ≤ r < r1:
  ;;   dx[r][j] = (dy[r]·expf(v_j − lse[r]))·keep_j   (keep_j 1 or 0; no factor without a mask)
  ;; the products in the backend's order (its gradients of the log-sum-exp and of the mask's Select).
  (func (export "logSumExpGradRows") (param $x i32) (param $mask i32) (param $cols i32) (param $r0 i32)
    (param $r1 i32) (param $lse i32) (param $dy i32) (param $dx i32) (param $table i32)
    (local $r i32) (local $i i32) (local $end i32) (local $l f32) (local $d f32) (local $g f32)
    (local.set $r (local.get $r0))
    (block $doneRows
      (loop $nextRow
        (br_if $doneRows (i32.ge_u (local.get $r) (local.get $r1)))
        (local.set $l (f32.load (i32.add (local.get $lse) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $d (f32.load (i32.add (local.get $dy) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $i (i32.mul (local.get $r) (local.get $cols)))
        (local.set $end (i32.add (local.get $i) (local.get $cols)))
        (block $doneCols
          (loop $nextCol
            (br_if $doneCols (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $g (f32.mul (local.get $d)
              (call $expf (f32.sub (call $maskedValue (local.get $x) (local.get $mask) (local.get $i)) (local.get $l)) (local.get $table))))
            (if (i32.ne (local.get $mask) (i32.const 0))
              (then (local.set $g (f32.mul (local.get $g)
                (select (f32.const 1) (f32.const 0) (i32.load8_u (i32.add (local.get $mask) (local.get $i))))))))
            (f32.store (i32.add (local.get $dx) (i32.shl (local.get $i) (i32.const 2))) (local.get $g))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $nextCol)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow)))
  )
  ;; Elementwise on floats begin ≤ i < end (multiples of 4) of a, into out:
  ;;   op 0: a + b,  1: a·b  (b[i mod period], period a multiple of 4: a bias when it is shorter)
  ;;   op 2: step (1 where a > 0, else alpha; NaN stays NaN),  3: ReLU (max(a, 0): NaN stays NaN,
  ;;   −0 becomes +0),  4: a copy,  5: a / b[0],  6: a·step(b) (ReLU's gradient: dy·step(x), step as
  ;;   op 2 with alpha 0; b as in ops 0 and 1),  7: b[i mod period] (a bias repeated; a unread),
  ;;   8: +0 (a and b unread)
  ;; each as the backend computes it, so the values are its kernels' bit for bit.
  (func (export "mapRange") (param $op i32) (param $a i32) (param $b i32) (param $out i32)
    (param $begin i32) (param $end i32) (param $period i32) (param $alpha f32)
    (local $p i32) (local $pEnd i32) (local $j i32) (local $jEnd i32) (local $va v128) (local $v v128)
    (local.set $p (i32.shl (local.get $begin) (i32.const 2)))
    (local.set $pEnd (i32.shl (local.get $end) (i32.const 2)))
    (local.set $jEnd (i32.shl (local.get $period) (i32.const 2)))
    (if (i32.or (i32.lt_u (local.get $op) (i32.const 2))
          (i32.or (i32.eq (local.get $op) (i32.const 6)) (i32.eq (local.get $op) (i32.const 7))))
      (then (local.set $j (i32.shl (i32.rem_u (local.get $begin) (local.get $period)) (i32.const 2)))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $pEnd)))
        (block $computed
          (if (i32.eq (local.get $op) (i32.const 7))
            (then
              (local.set $v (v128.load align=4 (i32.add (local.get $b) (local.get $j))))
              (br $computed)))
          (if (i32.eq (local.get $op) (i32.const 8))
            (then
              (local.set $v (v128.const i32x4 0 0 0 0))
              (br $computed)))
          (local.set $va (v128.load align=4 (i32.add (local.get $a) (local.get $p))))
          (if (i32.eqz (local.get $op))
            (then
              (local.set $v (f32x4.add (local.get $va) (v128.load align=4 (i32.add (local.get $b) (local.get $j)))))
              (br $computed)))
          (if (i32.eq (local.get $op) (i32.const 1))
            (then
              (local.set $v (f32x4.mul (local.get $va) (v128.load align=4 (i32.add (local.get $b) (local.get $j)))))
              (br $computed)))
          (if (i32.eq (local.get $op) (i32.const 2))
            (then
              (local.set $v (v128.bitselect
                (f32x4.splat (f32.const 1))
                (f32x4.splat (local.get $alpha))
                (f32x4.gt (local.get $va) (f32x4.splat (f32.const 0)))))
              (local.set $v (v128.bitselect (local.get $va) (local.get $v) (f32x4.ne (local.get $va) (local.get $va))))
              (br $computed)))
          (if (i32.eq (local.get $op) (i32.const 3))
            (then
              (local.set $v (f32x4.max (local.get $va) (f32x4.splat (f32.const 0))))
              (br $computed)))
          (if (i32.eq (local.get $op) (i32.const 5))
            (then
              (local.set $v (f32x4.div (local.get $va) (v128.load32_splat align=4 (local.get $b))))
              (br $computed)))
          (if (i32.eq (local.get $op) (i32.const 6))
            (then
              (local.set $v (v128.load align=4 (i32.add (local.get $b) (local.get $j))))
              (local.set $v (v128.bitselect
                (local.get $v)
                (v128.bitselect
                  (f32x4.splat (f32.const 1))
                  (f32x4.splat (f32.const 0))
                  (f32x4.gt (local.get $v) (f32x4.splat (f32.const 0))))
                (f32x4.ne (local.get $v) (local.get $v))))
              (local.set $v (f32x4.mul (local.get $va) (local.get $v)))
              (br $computed)))
          (local.set $v (local.get $va)))
        (v128.store align=4 (i32.add (local.get $out) (local.get $p)) (local.get $v))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (if (i32.ge_u (local.get $j) (local.get $jEnd)) (then (local.set $j (i32.const 0))))
        (br $next)))
  )
)
