;; Dense float32 kernels of the training hot path, in WebAssembly with 128-bit SIMD.
;; `npm run build:kernels` assembles this file into dense-kernels-binary.ts.
;; Every pointer is a byte offset into the imported memory and every array is float32.
;; A group is 4 feature rows of `dim` values. Scores and score gradients of a group are
;; stored row by row: entry r * m + k belongs to row r and weight row k.
(module
  (memory (import "env" "memory") 1)

  ;; Replaces each value of the `count` rows at x (stored one after another) by
  ;; (value - mean[j]) * inverseScale[j], the standardized feature.
  (func (export "standardizeRows")
    (param $x i32) (param $count i32) (param $mean i32) (param $inverseScale i32) (param $dim i32)
    (local $r i32) (local $j i32) (local $row i32) (local $p i32) (local $bytes i32) (local $end4 i32)
    (local.set $bytes (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $end4 (i32.shl (i32.and (local.get $dim) (i32.const -4)) (i32.const 2)))
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $count)))
        (local.set $row (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $bytes))))
        (local.set $j (i32.const 0))
        (block $d4
          (loop $l4
            (br_if $d4 (i32.ge_u (local.get $j) (local.get $end4)))
            (local.set $p (i32.add (local.get $row) (local.get $j)))
            (v128.store (local.get $p)
              (f32x4.mul
                (f32x4.sub (v128.load (local.get $p)) (v128.load (i32.add (local.get $mean) (local.get $j))))
                (v128.load (i32.add (local.get $inverseScale) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $l4)))
        (block $dt
          (loop $lt
            (br_if $dt (i32.ge_u (local.get $j) (local.get $bytes)))
            (local.set $p (i32.add (local.get $row) (local.get $j)))
            (f32.store (local.get $p)
              (f32.mul
                (f32.sub (f32.load (local.get $p)) (f32.load (i32.add (local.get $mean) (local.get $j))))
                (f32.load (i32.add (local.get $inverseScale) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $lt)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rloop))))

  ;; Writes out[r * m + k] = sum_j w[k][j] * x_r[j] for the rows x0..x3 and the m weight
  ;; rows at w. Each row keeps 2 vector accumulators (8 lanes), which hides the add latency.
  ;; The dim % 4 trailing values are added to lane 0.
  (func (export "dotRows4")
    (param $x0 i32) (param $x1 i32) (param $x2 i32) (param $x3 i32)
    (param $w i32) (param $dim i32) (param $m i32) (param $out i32)
    (local $k i32) (local $j i32) (local $end8 i32) (local $end4 i32) (local $wk i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $v v128) (local $u v128) (local $t f32)
    (local.set $end8 (i32.shl (i32.and (local.get $dim) (i32.const -8)) (i32.const 2)))
    (local.set $end4 (i32.shl (i32.and (local.get $dim) (i32.const -4)) (i32.const 2)))
    (block $kdone
      (loop $kloop
        (br_if $kdone (i32.ge_u (local.get $k) (local.get $m)))
        (local.set $wk (i32.add (local.get $w) (i32.mul (local.get $k) (i32.shl (local.get $dim) (i32.const 2)))))
        (local.set $a0 (v128.const i64x2 0 0)) (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0)) (local.set $a3 (v128.const i64x2 0 0))
        (local.set $b0 (v128.const i64x2 0 0)) (local.set $b1 (v128.const i64x2 0 0))
        (local.set $b2 (v128.const i64x2 0 0)) (local.set $b3 (v128.const i64x2 0 0))
        (local.set $j (i32.const 0))
        (block $d8
          (loop $l8
            (br_if $d8 (i32.ge_u (local.get $j) (local.get $end8)))
            (local.set $v (v128.load (i32.add (local.get $wk) (local.get $j))))
            (local.set $u (v128.load offset=16 (i32.add (local.get $wk) (local.get $j))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $x0) (local.get $j))))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $x1) (local.get $j))))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $x2) (local.get $j))))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $x3) (local.get $j))))))
            (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $u) (v128.load offset=16 (i32.add (local.get $x0) (local.get $j))))))
            (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $u) (v128.load offset=16 (i32.add (local.get $x1) (local.get $j))))))
            (local.set $b2 (f32x4.add (local.get $b2) (f32x4.mul (local.get $u) (v128.load offset=16 (i32.add (local.get $x2) (local.get $j))))))
            (local.set $b3 (f32x4.add (local.get $b3) (f32x4.mul (local.get $u) (v128.load offset=16 (i32.add (local.get $x3) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 32)))
            (br $l8)))
        (if (i32.lt_u (local.get $j) (local.get $end4))
          (then
            (local.set $v (v128.load (i32.add (local.get $wk) (local.get $j))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $x0) (local.get $j))))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $x1) (local.get $j))))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $x2) (local.get $j))))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $x3) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))))
        (local.set $a0 (f32x4.add (local.get $a0) (local.get $b0)))
        (local.set $a1 (f32x4.add (local.get $a1) (local.get $b1)))
        (local.set $a2 (f32x4.add (local.get $a2) (local.get $b2)))
        (local.set $a3 (f32x4.add (local.get $a3) (local.get $b3)))
        ;; The trailing values, one at a time, into lane 0.
        (block $dt
          (loop $lt
            (br_if $dt (i32.ge_u (local.get $j) (i32.shl (local.get $dim) (i32.const 2))))
            (local.set $t (f32.load (i32.add (local.get $wk) (local.get $j))))
            (local.set $a0 (f32x4.replace_lane 0 (local.get $a0) (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32.mul (local.get $t) (f32.load (i32.add (local.get $x0) (local.get $j)))))))
            (local.set $a1 (f32x4.replace_lane 0 (local.get $a1) (f32.add (f32x4.extract_lane 0 (local.get $a1)) (f32.mul (local.get $t) (f32.load (i32.add (local.get $x1) (local.get $j)))))))
            (local.set $a2 (f32x4.replace_lane 0 (local.get $a2) (f32.add (f32x4.extract_lane 0 (local.get $a2)) (f32.mul (local.get $t) (f32.load (i32.add (local.get $x2) (local.get $j)))))))
            (local.set $a3 (f32x4.replace_lane 0 (local.get $a3) (f32.add (f32x4.extract_lane 0 (local.get $a3)) (f32.mul (local.get $t) (f32.load (i32.add (local.get $x3) (local.get $j)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $lt)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 2)))
          (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
                   (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
        (f32.store (i32.add (local.get $out) (i32.shl (i32.add (local.get $m) (local.get $k)) (i32.const 2)))
          (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a1)) (f32x4.extract_lane 1 (local.get $a1)))
                   (f32.add (f32x4.extract_lane 2 (local.get $a1)) (f32x4.extract_lane 3 (local.get $a1)))))
        (f32.store (i32.add (local.get $out) (i32.shl (i32.add (i32.shl (local.get $m) (i32.const 1)) (local.get $k)) (i32.const 2)))
          (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a2)) (f32x4.extract_lane 1 (local.get $a2)))
                   (f32.add (f32x4.extract_lane 2 (local.get $a2)) (f32x4.extract_lane 3 (local.get $a2)))))
        (f32.store (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $m) (i32.const 3)) (local.get $k)) (i32.const 2)))
          (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a3)) (f32x4.extract_lane 1 (local.get $a3)))
                   (f32.add (f32x4.extract_lane 2 (local.get $a3)) (f32x4.extract_lane 3 (local.get $a3)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $kloop))))

  ;; Adds sum_r g[r * m + k] * x_r[j] to acc[k * dim + j] for the rows x0..x3, every
  ;; j < dim and every k < m: the rank-1 updates of a group into the gradient sums.
  (func (export "axpyRows4")
    (param $x0 i32) (param $x1 i32) (param $x2 i32) (param $x3 i32)
    (param $g i32) (param $m i32) (param $acc i32) (param $dim i32)
    (local $k i32) (local $j i32) (local $end4 i32) (local $ak i32) (local $bytes i32)
    (local $g0 v128) (local $g1 v128) (local $g2 v128) (local $g3 v128) (local $p i32)
    (local.set $bytes (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $end4 (i32.shl (i32.and (local.get $dim) (i32.const -4)) (i32.const 2)))
    (block $kdone
      (loop $kloop
        (br_if $kdone (i32.ge_u (local.get $k) (local.get $m)))
        (local.set $ak (i32.add (local.get $acc) (i32.mul (local.get $k) (local.get $bytes))))
        (local.set $g0 (f32x4.splat (f32.load (i32.add (local.get $g) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $g1 (f32x4.splat (f32.load (i32.add (local.get $g) (i32.shl (i32.add (local.get $m) (local.get $k)) (i32.const 2))))))
        (local.set $g2 (f32x4.splat (f32.load (i32.add (local.get $g) (i32.shl (i32.add (i32.shl (local.get $m) (i32.const 1)) (local.get $k)) (i32.const 2))))))
        (local.set $g3 (f32x4.splat (f32.load (i32.add (local.get $g) (i32.shl (i32.add (i32.mul (local.get $m) (i32.const 3)) (local.get $k)) (i32.const 2))))))
        (local.set $j (i32.const 0))
        (block $d4
          (loop $l4
            (br_if $d4 (i32.ge_u (local.get $j) (local.get $end4)))
            (local.set $p (i32.add (local.get $ak) (local.get $j)))
            (v128.store (local.get $p)
              (f32x4.add (v128.load (local.get $p))
                (f32x4.add
                  (f32x4.add (f32x4.mul (local.get $g0) (v128.load (i32.add (local.get $x0) (local.get $j))))
                             (f32x4.mul (local.get $g1) (v128.load (i32.add (local.get $x1) (local.get $j)))))
                  (f32x4.add (f32x4.mul (local.get $g2) (v128.load (i32.add (local.get $x2) (local.get $j))))
                             (f32x4.mul (local.get $g3) (v128.load (i32.add (local.get $x3) (local.get $j))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $l4)))
        (block $dt
          (loop $lt
            (br_if $dt (i32.ge_u (local.get $j) (local.get $bytes)))
            (local.set $p (i32.add (local.get $ak) (local.get $j)))
            (f32.store (local.get $p)
              (f32.add (f32.load (local.get $p))
                (f32.add
                  (f32.add (f32.mul (f32x4.extract_lane 0 (local.get $g0)) (f32.load (i32.add (local.get $x0) (local.get $j))))
                           (f32.mul (f32x4.extract_lane 0 (local.get $g1)) (f32.load (i32.add (local.get $x1) (local.get $j)))))
                  (f32.add (f32.mul (f32x4.extract_lane 0 (local.get $g2)) (f32.load (i32.add (local.get $x2) (local.get $j))))
                           (f32.mul (f32x4.extract_lane 0 (local.get $g3)) (f32.load (i32.add (local.get $x3) (local.get $j))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $lt)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $kloop))))
)
