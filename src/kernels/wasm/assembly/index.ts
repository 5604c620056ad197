// backprop's WebAssembly SIMD kernels, in AssemblyScript (built by scripts/build-wasm.mjs into
// ../kernels-simd.wasm and ../kernels-relaxed.wasm). float32, row-major, pointers are byte
// offsets into the imported memory, which the JavaScript side allocates (src/kernels/wasm/).
// The TypeScript kernels in src/kernels/ are the reference these are tested against.

/** c + a·b: fused (relaxed SIMD, one rounding where the CPU has FMA) or multiply-then-add. */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// @ts-ignore: decorator
@inline function put(p: usize, v: v128, acc: bool): void {
  v128.store(p, acc ? f32x4.add(v128.load(p), v) : v);
}

// @ts-ignore: decorator
@inline function put1(p: usize, v: f32, acc: bool): void {
  store<f32>(p, acc ? load<f32>(p) + v : v);
}

/** The last 1 to 3 floats of a row at p, in the low lanes (the others 0), reading nothing past them. */
// @ts-ignore: decorator
@inline function loadTail(p: usize, rem: i32): v128 {
  if (rem == 1) return v128.load32_zero(p);
  const two = v128.load64_zero(p);
  return rem == 2 ? two : v128.load32_lane(p + 8, two, 2);
}

/** Stores (or adds) the low `rem` lanes of v at p, 1 to 3 floats. */
// @ts-ignore: decorator
@inline function putTail(p: usize, v: v128, rem: i32, acc: bool): void {
  put1(p, f32x4.extract_lane(v, 0), acc);
  if (rem >= 2) put1(p + 4, f32x4.extract_lane(v, 1), acc);
  if (rem == 3) put1(p + 8, f32x4.extract_lane(v, 2), acc);
}

/**
 * out[M×N] (+)= Σ_t A(i, t)·B[t, :] with A(i, t) at A + 4·(i·rs + t·ts) and B's rows N floats
 * apart: z = X·W (rs = K, ts = 1) and ∂W = Xᵀ·δ (rs = 1, ts = K) share it. 4×8 register tiles:
 * each streamed pair of B vectors feeds four rows, each broadcast A value eight columns. Columns
 * from j0 on (the packed path below does the ones before). B's and out's rows are `ld` floats apart
 * (N for a whole product, more for a column panel of one).
 */
function broadcastGemm(A: usize, rs: i32, ts: i32, B: usize, ld: i32, out: usize, M: i32, T: i32, N: i32, j0: i32, acc: bool): void {
  const rowB = <usize>ld << 2;
  const stepA = <usize>ts << 2;
  const rowA = <usize>rs << 2;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = A + <usize>i * rowA;
    const a1 = a0 + rowA, a2 = a1 + rowA, a3 = a2 + rowA;
    const o0 = out + <usize>i * rowB;
    const o1 = o0 + rowB, o2 = o1 + rowB, o3 = o2 + rowB;
    let j = j0;
    for (; j + 8 <= N; j += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let bp = B + (<usize>j << 2);
      let ap: usize = 0;
      for (let t = 0; t < T; t++) {
        const b0 = v128.load(bp), b1 = v128.load(bp, 16);
        const x0 = v128.load32_splat(a0 + ap), x1 = v128.load32_splat(a1 + ap);
        const x2 = v128.load32_splat(a2 + ap), x3 = v128.load32_splat(a3 + ap);
        c00 = madd(x0, b0, c00); c01 = madd(x0, b1, c01);
        c10 = madd(x1, b0, c10); c11 = madd(x1, b1, c11);
        c20 = madd(x2, b0, c20); c21 = madd(x2, b1, c21);
        c30 = madd(x3, b0, c30); c31 = madd(x3, b1, c31);
        bp += rowB;
        ap += stepA;
      }
      const oj = <usize>j << 2;
      put(o0 + oj, c00, acc); put(o0 + oj + 16, c01, acc);
      put(o1 + oj, c10, acc); put(o1 + oj + 16, c11, acc);
      put(o2 + oj, c20, acc); put(o2 + oj + 16, c21, acc);
      put(o3 + oj, c30, acc); put(o3 + oj + 16, c31, acc);
    }
    for (; j + 4 <= N; j += 4) {
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      let bp = B + (<usize>j << 2);
      let ap: usize = 0;
      for (let t = 0; t < T; t++) {
        const b0 = v128.load(bp);
        c0 = madd(v128.load32_splat(a0 + ap), b0, c0);
        c1 = madd(v128.load32_splat(a1 + ap), b0, c1);
        c2 = madd(v128.load32_splat(a2 + ap), b0, c2);
        c3 = madd(v128.load32_splat(a3 + ap), b0, c3);
        bp += rowB;
        ap += stepA;
      }
      const oj = <usize>j << 2;
      put(o0 + oj, c0, acc); put(o1 + oj, c1, acc); put(o2 + oj, c2, acc); put(o3 + oj, c3, acc);
    }
    if (j < N) {
      // The last 1–3 columns in the low lanes of one vector: the same multiply-add per element
      // as the columns before them, so a cut anywhere gives the same bits.
      const rem = N - j;
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      let bp = B + (<usize>j << 2);
      let ap: usize = 0;
      for (let t = 0; t < T; t++) {
        const b0 = loadTail(bp, rem);
        c0 = madd(v128.load32_splat(a0 + ap), b0, c0);
        c1 = madd(v128.load32_splat(a1 + ap), b0, c1);
        c2 = madd(v128.load32_splat(a2 + ap), b0, c2);
        c3 = madd(v128.load32_splat(a3 + ap), b0, c3);
        bp += rowB;
        ap += stepA;
      }
      const oj = <usize>j << 2;
      putTail(o0 + oj, c0, rem, acc); putTail(o1 + oj, c1, rem, acc); putTail(o2 + oj, c2, rem, acc); putTail(o3 + oj, c3, rem, acc);
    }
  }
  for (; i < M; i++) {
    const a0 = A + <usize>i * rowA;
    const o0 = out + <usize>i * rowB;
    let j = j0;
    for (; j + 8 <= N; j += 8) {
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
      let bp = B + (<usize>j << 2);
      let ap: usize = 0;
      for (let t = 0; t < T; t++) {
        const x = v128.load32_splat(a0 + ap);
        c0 = madd(x, v128.load(bp), c0);
        c1 = madd(x, v128.load(bp, 16), c1);
        bp += rowB;
        ap += stepA;
      }
      const oj = <usize>j << 2;
      put(o0 + oj, c0, acc); put(o0 + oj + 16, c1, acc);
    }
    for (; j + 4 <= N; j += 4) {
      let c0 = f32x4.splat(0);
      let bp = B + (<usize>j << 2);
      let ap: usize = 0;
      for (let t = 0; t < T; t++) {
        c0 = madd(v128.load32_splat(a0 + ap), v128.load(bp), c0);
        bp += rowB;
        ap += stepA;
      }
      put(o0 + (<usize>j << 2), c0, acc);
    }
    if (j < N) {
      const rem = N - j;
      let c0 = f32x4.splat(0);
      let bp = B + (<usize>j << 2);
      let ap: usize = 0;
      for (let t = 0; t < T; t++) {
        c0 = madd(v128.load32_splat(a0 + ap), loadTail(bp, rem), c0);
        bp += rowB;
        ap += stepA;
      }
      putTail(o0 + (<usize>j << 2), c0, rem, acc);
    }
  }
}

// Packing: B is copied, KC rows × NC columns at a time, into panels of 8 columns stored
// contiguously (KC·8 floats each), so the 4×8 kernel reads B from a block that stays in L2
// while every row of A passes over it. Worth it when enough rows reuse the block.
const KC = 256;
const NC = 128;
/** Fewest rows of the result for which packing B pays for its copy. */
const PACK_MIN_ROWS = 16;
/** Scratch memory for the packed block of B and strip of A, set by the JavaScript side. */
let scratch: usize = 0;

/** Where the packed block lives: `bytes` must be at least packBytes(). */
export function setScratch(ptr: usize, bytes: i32): void {
  scratch = bytes >= packBytes() ? ptr : 0;
}

/** Bytes of scratch memory the packed products need: the block of B, a 4-row strip of A and its kept steps. */
export function packBytes(): i32 {
  return KC * NC * 4 + KC * 16 + KC * 4;
}

/** Copies B[t0 .. t0+kc, j0 .. j0+nc] (nc a multiple of 8) into 8-column panels at `scratch`. */
function packB(B: usize, ld: i32, t0: i32, kc: i32, j0: i32, nc: i32): void {
  const rowB = <usize>ld << 2;
  let dst = scratch;
  for (let q = 0; q < nc; q += 8) {
    let src = B + <usize>t0 * rowB + (<usize>(j0 + q) << 2);
    for (let t = 0; t < kc; t++) {
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      src += rowB;
      dst += 32;
    }
  }
}

/**
 * The packed path of broadcastGemm for columns [0, N8) (N8 = N rounded down to 8): blocks of
 * KC steps × NC columns, 4×8 register tiles over the packed panels, rows left over 1×8. The
 * steps where all four values of a 4-row strip of A are zero are left out (Zero steps, below)
 * when that saves more than it costs; the kept steps are summed in order either way.
 */
function packedGemm(A: usize, rs: i32, ts: i32, B: usize, ld: i32, out: usize, M: i32, T: i32, N8: i32, acc: bool): void {
  const rowO = <usize>ld << 2;
  const stepA = <usize>ts << 2;
  const rowA = <usize>rs << 2;
  // Xᵀ·δ reads A down columns (a new cache line and often a new page every step): its 4-row
  // strip is always copied first into 4 floats per step, read once per panel after that.
  const copied = rs === 1 && ts !== 1;
  const stripAt = scratch + <usize>KC * NC * 4;
  const keptAt = stripAt + <usize>KC * 16;
  for (let t0 = 0; t0 < T; t0 += KC) {
    const kc = min(KC, T - t0);
    const add = acc || t0 > 0;
    const panelBytes = <usize>kc << 5;
    for (let j0 = 0; j0 < N8; j0 += NC) {
      const nc = min(NC, N8 - j0);
      packB(B, ld, t0, kc, j0, nc);
      const A0 = A + <usize>t0 * stepA;
      let i = 0;
      for (; i + 4 <= M; i += 4) {
        let a0 = A0 + <usize>i * rowA;
        let step = stepA;
        let row = rowA;
        // The strip's entries end at stripEnd when they are compacted (kept steps only, with their
        // panel offsets at keptAt); 0 when A (or its full copy) is read straight.
        let stripEnd: usize = 0;
        if (copied) {
          stripEnd = copyStrip(a0, stepA, kc, stripAt, keptAt);
          a0 = stripAt;
          step = 16;
          row = 4;
          if (stripEnd === stripAt + (<usize>kc << 4)) stripEnd = 0;
        } else if (stepA === 4) {
          const kept = keptSteps(a0, rowA, kc, keptAt);
          // Gathering a kept step costs about half a panel's pass over it; it pays when the
          // panels that read the strip leave out more.
          if ((kc - kept) * (nc >> 3) * 2 > kept) stripEnd = gatherStrip(a0, rowA, kept, stripAt, keptAt);
        }
        const a1 = a0 + row, a2 = a1 + row, a3 = a2 + row;
        const o0 = out + <usize>i * rowO + (<usize>j0 << 2);
        const o1 = o0 + rowO, o2 = o1 + rowO, o3 = o2 + rowO;
        let panel = scratch;
        for (let q = 0; q < nc; q += 8) {
          let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
          let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
          if (stripEnd === 0) {
            let bp = panel;
            let ap: usize = 0;
            for (let t = 0; t < kc; t++) {
              const b0 = v128.load(bp), b1 = v128.load(bp, 16);
              const x0 = v128.load32_splat(a0 + ap), x1 = v128.load32_splat(a1 + ap);
              c00 = madd(x0, b0, c00); c01 = madd(x0, b1, c01);
              c10 = madd(x1, b0, c10); c11 = madd(x1, b1, c11);
              const x2 = v128.load32_splat(a2 + ap), x3 = v128.load32_splat(a3 + ap);
              c20 = madd(x2, b0, c20); c21 = madd(x2, b1, c21);
              c30 = madd(x3, b0, c30); c31 = madd(x3, b1, c31);
              bp += 32;
              ap += step;
            }
          } else {
            let op = keptAt;
            for (let sp = stripAt; sp < stripEnd; sp += 16) {
              const bp = panel + <usize>load<u32>(op);
              const b0 = v128.load(bp), b1 = v128.load(bp, 16);
              const x0 = v128.load32_splat(sp), x1 = v128.load32_splat(sp, 4);
              c00 = madd(x0, b0, c00); c01 = madd(x0, b1, c01);
              c10 = madd(x1, b0, c10); c11 = madd(x1, b1, c11);
              const x2 = v128.load32_splat(sp, 8), x3 = v128.load32_splat(sp, 12);
              c20 = madd(x2, b0, c20); c21 = madd(x2, b1, c21);
              c30 = madd(x3, b0, c30); c31 = madd(x3, b1, c31);
              op += 4;
            }
          }
          const oq = <usize>q << 2;
          put(o0 + oq, c00, add); put(o0 + oq + 16, c01, add);
          put(o1 + oq, c10, add); put(o1 + oq + 16, c11, add);
          put(o2 + oq, c20, add); put(o2 + oq + 16, c21, add);
          put(o3 + oq, c30, add); put(o3 + oq + 16, c31, add);
          panel += panelBytes;
        }
      }
      for (; i < M; i++) {
        const a0 = A0 + <usize>i * rowA;
        const o0 = out + <usize>i * rowO + (<usize>j0 << 2);
        let panel = scratch;
        for (let q = 0; q < nc; q += 8) {
          let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
          let bp = panel;
          let ap: usize = 0;
          for (let t = 0; t < kc; t++) {
            const x = v128.load32_splat(a0 + ap);
            c0 = madd(x, v128.load(bp), c0);
            c1 = madd(x, v128.load(bp, 16), c1);
            bp += 32;
            ap += stepA;
          }
          const oq = <usize>q << 2;
          put(o0 + oq, c0, add); put(o0 + oq + 16, c1, add);
          panel += panelBytes;
        }
      }
    }
  }
}

// Zero steps. A step of a 4-row strip whose four values are all zero adds nothing: each of its
// products 0·b is ±0 (b finite), and an accumulator that starts at +0 is never −0, so c + ±0 = c,
// fused or not. Leaving it out gives the bits of the full sum, so whether a strip leaves its zero
// steps out never changes a result. This is where ReLU's zeros and an input's empty pixels cost
// nothing (a Fashion-MNIST batch of 128 has about a fifth of X·W's steps and two fifths of
// Xᵀ·δ's zero). Where b is ±∞ or NaN, 0·b would have been NaN: a fit stops at the step whose
// gradient or updated weights are not finite (the updates' probe below), and a model file
// holding such weights is refused. The kept steps' byte offsets into a panel (t·32) go to `kept`.

/** Xᵀ·δ's strip: copies the four adjacent values of each step at a (steps stepA apart) to `strip`, compacted to the kept steps; returns the entries' end. */
function copyStrip(a: usize, stepA: usize, kc: i32, strip: usize, kept: usize): usize {
  const zero = f32x4.splat(0);
  let dst = strip;
  let off = kept;
  for (let t = 0; t < kc; t++) {
    const v = v128.load(a);
    v128.store(dst, v);
    store<u32>(off, <u32>t << 5);
    const keep = <usize>v128.any_true(f32x4.ne(v, zero));
    dst += keep << 4;
    off += keep << 2;
    a += stepA;
  }
  return dst;
}

/** X·W's strip, rows `row` bytes apart and steps adjacent: lists the kept steps' offsets at `kept`, returns how many. */
function keptSteps(a: usize, row: usize, kc: i32, kept: usize): i32 {
  const zero = f32x4.splat(0);
  let out = kept;
  let t = 0;
  // Each row read four steps at a time: lane s of the OR of the four rows' tests is step t + s.
  for (; t + 4 <= kc; t += 4) {
    const p = a + (<usize>t << 2);
    const any = v128.or(
      v128.or(f32x4.ne(v128.load(p), zero), f32x4.ne(v128.load(p + row), zero)),
      v128.or(f32x4.ne(v128.load(p + 2 * row), zero), f32x4.ne(v128.load(p + 3 * row), zero)),
    );
    const bits = <usize>i32x4.bitmask(any);
    const tb = <u32>t << 5;
    store<u32>(out, tb); out += (bits & 1) << 2;
    store<u32>(out, tb + 32); out += ((bits >> 1) & 1) << 2;
    store<u32>(out, tb + 64); out += ((bits >> 2) & 1) << 2;
    store<u32>(out, tb + 96); out += (bits >> 3) << 2;
  }
  for (; t < kc; t++) {
    const p = a + (<usize>t << 2);
    store<u32>(out, <u32>t << 5);
    out += <usize>(load<f32>(p) != 0 || load<f32>(p + row) != 0 || load<f32>(p + 2 * row) != 0 || load<f32>(p + 3 * row) != 0) << 2;
  }
  return <i32>((out - kept) >> 2);
}

/** Gathers the four values of each kept step (keptSteps' list) into `strip`; returns the entries' end. */
function gatherStrip(a: usize, row: usize, count: i32, strip: usize, kept: usize): usize {
  let dst = strip;
  const end = kept + (<usize>count << 2);
  for (let kp = kept; kp < end; kp += 4) {
    const p = a + (<usize>load<u32>(kp) >> 3);
    let v = v128.load32_zero(p);
    v = v128.load32_lane(p + row, v, 1);
    v = v128.load32_lane(p + 2 * row, v, 2);
    v = v128.load32_lane(p + 3 * row, v, 3);
    v128.store(dst, v);
    dst += 16;
  }
  return dst;
}

/** Whether an M×N result over T steps takes the packed path (for its full 8-column panels). */
export function packs(M: i32, T: i32, N: i32): bool {
  return scratch !== 0 && M >= PACK_MIN_ROWS && (N & ~7) !== 0 && T !== 0;
}

/**
 * Rows [0, M) × columns [0, N) of a product whose rows are `ld` floats apart, packed or not as
 * the whole product decided. Every element is the same sum in the same order whichever tile
 * computes it, so a product cut into row blocks and 8-column panels (the last one holding the
 * columns past the whole product's last full panel) gives the bits of the uncut one.
 */
function gemmBlock(A: usize, rs: i32, ts: i32, B: usize, ld: i32, out: usize, M: i32, T: i32, N: i32, acc: bool, packed: bool): void {
  const N8 = N & ~7;
  if (!packed || N8 === 0) {
    broadcastGemm(A, rs, ts, B, ld, out, M, T, N, 0, acc);
    return;
  }
  packedGemm(A, rs, ts, B, ld, out, M, T, N8, acc);
  if (N8 < N) broadcastGemm(A, rs, ts, B, ld, out, M, T, N, N8, acc);
}

/** out[m×n] (+)= a[m×k]·b[k×n]. */
export function gemmNN(a: usize, b: usize, out: usize, m: i32, k: i32, n: i32, acc: bool): void {
  gemmBlock(a, k, 1, b, n, out, m, k, n, acc, packs(m, k, n));
}

/** out[k×n] (+)= x[m×k]ᵀ·d[m×n]. */
export function gemmTN(x: usize, d: usize, out: usize, m: i32, k: i32, n: i32, acc: bool): void {
  gemmBlock(x, 1, k, d, n, out, k, m, n, acc, packs(k, m, n));
}

/** Rows [r0, r1) × columns [c0, c1) of gemmNN (c0 a multiple of 8; `packed` from packs(m, k, n)). */
export function gemmNNPart(a: usize, b: usize, out: usize, m: i32, k: i32, n: i32, acc: bool, r0: i32, r1: i32, c0: i32, c1: i32, packed: bool): void {
  gemmBlock(a + (<usize>r0 * <usize>k << 2), k, 1, b + (<usize>c0 << 2), n, out + ((<usize>r0 * <usize>n + <usize>c0) << 2), r1 - r0, k, c1 - c0, acc, packed);
}

/** Rows [r0, r1) × columns [c0, c1) of gemmTN's k×n result (c0 a multiple of 8; `packed` from packs(k, m, n)). */
export function gemmTNPart(x: usize, d: usize, out: usize, m: i32, k: i32, n: i32, acc: bool, r0: i32, r1: i32, c0: i32, c1: i32, packed: bool): void {
  gemmBlock(x + (<usize>r0 << 2), 1, k, d + (<usize>c0 << 2), n, out + ((<usize>r0 * <usize>n + <usize>c0) << 2), r1 - r0, m, c1 - c0, acc, packed);
}

/**
 * out[m×k] (+)= d[m×n]·w[k×n]ᵀ: dot products along contiguous rows, 2 rows of d × 4 rows of w;
 * for rows shorter than 16 (δ of a 10-class output), d·(wᵀ) by broadcasts instead (shortRows).
 */
export function gemmNT(d: usize, w: usize, out: usize, m: i32, n: i32, k: i32, acc: bool): void {
  gemmNTPart(d, w, out, m, n, k, acc, 0, m, 0, k);
}

/** Whether gemmNT's rows are too short for dot products: the product of the whole shape decides, so every cut gives the same bits. */
function shortRows(n: i32, k: i32): bool {
  return n < 16 && scratch !== 0 && (<i64>k * <i64>n) << 2 <= <i64>(KC * NC * 4);
}

/** Rows [r0, r1) × columns [c0, c1) of gemmNT's m×k result (any cut gives the uncut bits: the same arithmetic per element). */
export function gemmNTPart(d: usize, w: usize, out: usize, m: i32, n: i32, k: i32, acc: bool, r0: i32, r1: i32, c0: i32, c1: i32): void {
  if (shortRows(n, k)) {
    // wᵀ's columns [c0, c1) into this thread's scratch (rows k floats apart, as out's), then a
    // broadcast product over n steps: each element a sum in step order, whatever the cut.
    for (let p = c0; p < c1; p++) {
      const src = w + (<usize>p * <usize>n << 2);
      let dst = scratch + (<usize>p << 2);
      for (let j = 0; j < n; j++) {
        store<f32>(dst, load<f32>(src + (<usize>j << 2)));
        dst += <usize>k << 2;
      }
    }
    broadcastGemm(d + (<usize>r0 * <usize>n << 2), n, 1, scratch + (<usize>c0 << 2), k, out + ((<usize>r0 * <usize>k + <usize>c0) << 2), r1 - r0, n, c1 - c0, 0, acc);
    return;
  }
  ntBlock(d + (<usize>r0 * <usize>n << 2), w + (<usize>c0 * <usize>n << 2), out + ((<usize>r0 * <usize>k + <usize>c0) << 2), r1 - r0, n, c1 - c0, k, acc);
}

/** gemmNT on an m×k block of a result whose rows are `ld` floats apart. */
function ntBlock(d: usize, w: usize, out: usize, m: i32, n: i32, k: i32, ld: i32, acc: bool): void {
  const rowD = <usize>n << 2;
  const rowO = <usize>ld << 2;
  const n4 = n & ~3;
  let i = 0;
  for (; i < m; i += 2) {
    const two = i + 1 < m;
    const d0 = d + <usize>i * rowD;
    const d1 = two ? d0 + rowD : d0;
    const o0 = out + <usize>i * rowO;
    const o1 = o0 + rowO;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const w0 = w + <usize>p * rowD;
      const w1 = w0 + rowD, w2 = w1 + rowD, w3 = w2 + rowD;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
      let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
      let j = 0;
      for (; j < n4; j += 4) {
        const off = <usize>j << 2;
        const x0 = v128.load(d0 + off), x1 = v128.load(d1 + off);
        const y0 = v128.load(w0 + off), y1 = v128.load(w1 + off), y2 = v128.load(w2 + off), y3 = v128.load(w3 + off);
        s00 = madd(x0, y0, s00); s01 = madd(x0, y1, s01); s02 = madd(x0, y2, s02); s03 = madd(x0, y3, s03);
        s10 = madd(x1, y0, s10); s11 = madd(x1, y1, s11); s12 = madd(x1, y2, s12); s13 = madd(x1, y3, s13);
      }
      let r00 = hsum(s00), r01 = hsum(s01), r02 = hsum(s02), r03 = hsum(s03);
      let r10 = hsum(s10), r11 = hsum(s11), r12 = hsum(s12), r13 = hsum(s13);
      for (; j < n; j++) {
        const off = <usize>j << 2;
        const x0 = load<f32>(d0 + off), x1 = load<f32>(d1 + off);
        const y0 = load<f32>(w0 + off), y1 = load<f32>(w1 + off), y2 = load<f32>(w2 + off), y3 = load<f32>(w3 + off);
        r00 += x0 * y0; r01 += x0 * y1; r02 += x0 * y2; r03 += x0 * y3;
        r10 += x1 * y0; r11 += x1 * y1; r12 += x1 * y2; r13 += x1 * y3;
      }
      const op = <usize>p << 2;
      put1(o0 + op, r00, acc); put1(o0 + op + 4, r01, acc); put1(o0 + op + 8, r02, acc); put1(o0 + op + 12, r03, acc);
      if (two) { put1(o1 + op, r10, acc); put1(o1 + op + 4, r11, acc); put1(o1 + op + 8, r12, acc); put1(o1 + op + 12, r13, acc); }
    }
    for (; p < k; p++) {
      const w0 = w + <usize>p * rowD;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
      let j = 0;
      for (; j < n4; j += 4) {
        const off = <usize>j << 2;
        const y0 = v128.load(w0 + off);
        s0 = madd(v128.load(d0 + off), y0, s0);
        s1 = madd(v128.load(d1 + off), y0, s1);
      }
      let r0 = hsum(s0), r1 = hsum(s1);
      for (; j < n; j++) {
        const off = <usize>j << 2;
        const y0 = load<f32>(w0 + off);
        r0 += load<f32>(d0 + off) * y0;
        r1 += load<f32>(d1 + off) * y0;
      }
      const op = <usize>p << 2;
      put1(o0 + op, r0, acc);
      if (two) put1(o1 + op, r1, acc);
    }
  }
}

/** out[i, j] += bias[j]. */
export function addRowVector(out: usize, bias: usize, m: i32, n: i32): void {
  const row = <usize>n << 2;
  const n4 = n & ~3;
  for (let i = 0; i < m; i++) {
    const o = out + <usize>i * row;
    let j = 0;
    for (; j < n4; j += 4) {
      const off = <usize>j << 2;
      v128.store(o + off, f32x4.add(v128.load(o + off), v128.load(bias + off)));
    }
    for (; j < n; j++) {
      const off = <usize>j << 2;
      store<f32>(o + off, load<f32>(o + off) + load<f32>(bias + off));
    }
  }
}

/**
 * A dense layer's forward over rows [r0, r1) × columns [c0, c1) of z (rows `ld` floats apart),
 * after the product wrote them: z += bias (bias 0: none), then a = g(z) for an elementwise g
 * (kind < 0: none), row by row while the block is in this thread's cache. The same additions and
 * the same g as addRowVector and activationForward, so the same bits.
 */
function denseEpilogue(z: usize, a: usize, ld: i32, r0: i32, r1: i32, c0: i32, c1: i32, bias: usize, kind: i32, alpha: f32): void {
  const cols = c1 - c0;
  const b = bias + (<usize>c0 << 2);
  for (let r = r0; r < r1; r++) {
    const off = (<usize>r * <usize>ld + <usize>c0) << 2;
    if (bias != 0) addRowVector(z + off, b, 1, cols);
    if (kind >= 0) activationForward(kind, alpha, z + off, a + off, 1, cols);
  }
}

/** z = x·W (+ bias), a = g(z): a dense layer's forward in one call (see denseEpilogue). */
export function denseForward(x: usize, w: usize, z: usize, m: i32, k: i32, n: i32, bias: usize, kind: i32, alpha: f32, a: usize): void {
  gemmNN(x, w, z, m, k, n, false);
  denseEpilogue(z, a, n, 0, m, 0, n, bias, kind, alpha);
}

/** Rows [r0, r1) × columns [c0, c1) of denseForward (the arguments of gemmNNPart first, then bias, kind, alpha, a). */
export function denseForwardPart(x: usize, w: usize, z: usize, m: i32, k: i32, n: i32, acc: bool, r0: i32, r1: i32, c0: i32, c1: i32, packed: bool, bias: usize, kind: i32, alpha: f32, a: usize): void {
  gemmNNPart(x, w, z, m, k, n, acc, r0, r1, c0, c1, packed);
  denseEpilogue(z, a, n, r0, r1, c0, c1, bias, kind, alpha);
}

/**
 * Rows [r0, r1) × columns [c0, c1) of out = a[:, t0..t1)·b[t0..t1, :], not accumulated: a block
 * of one half of a dense layer's forward cut by steps (denseForwardHalves in ../backend.ts), so
 * that each thread reads and its optimiser writes the same rows of W.
 */
export function gemmNNStepsPart(a: usize, b: usize, out: usize, m: i32, k: i32, n: i32, t0: i32, t1: i32, r0: i32, r1: i32, c0: i32, c1: i32, packed: bool): void {
  gemmBlock(a + ((<usize>r0 * <usize>k + <usize>t0) << 2), k, 1, b + ((<usize>t0 * <usize>n + <usize>c0) << 2), n, out + ((<usize>r0 * <usize>n + <usize>c0) << 2), r1 - r0, t1 - t0, c1 - c0, false, packed);
}

/**
 * Rows [r0, r1) of a forward cut by steps: z holds the first half's sums and a the second's;
 * z = z + a, then the epilogue (bias, then a = g(z)). One order of additions for every cut.
 */
export function denseSumPart(z: usize, a: usize, n: i32, r0: i32, r1: i32, bias: usize, kind: i32, alpha: f32): void {
  const from = (<usize>r0 * <usize>n) << 2;
  // The rows as one long row: z[i] += a[i].
  addRowVector(z + from, a + from, 1, (r1 - r0) * n);
  denseEpilogue(z, a, n, r0, r1, 0, n, bias, kind, alpha);
}

/** out[j] (+)= Σ_i d[i, j]. */
export function columnSums(d: usize, out: usize, m: i32, n: i32, acc: bool): void {
  columnSumsPart(d, out, m, n, acc, 0, n);
}

/** Columns [c0, c1) of columnSums (each column's sum runs down its rows in order, as uncut). */
export function columnSumsPart(d0: usize, out0: usize, m: i32, ld: i32, acc: bool, c0: i32, c1: i32): void {
  const row = <usize>ld << 2;
  const d = d0 + (<usize>c0 << 2), out = out0 + (<usize>c0 << 2);
  const n = c1 - c0;
  const n4 = n & ~3;
  if (!acc) memory.fill(out, 0, <usize>n << 2);
  for (let i = 0; i < m; i++) {
    const r = d + <usize>i * row;
    let j = 0;
    for (; j < n4; j += 4) {
      const off = <usize>j << 2;
      v128.store(out + off, f32x4.add(v128.load(out + off), v128.load(r + off)));
    }
    for (; j < n; j++) {
      const off = <usize>j << 2;
      store<f32>(out + off, load<f32>(out + off) + load<f32>(r + off));
    }
  }
}

/** out[i] = a[i]·b[i]. */
export function multiply(a: usize, b: usize, out: usize, n: i32): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const off = <usize>i << 2;
    v128.store(out + off, f32x4.mul(v128.load(a + off), v128.load(b + off)));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(out + off, load<f32>(a + off) * load<f32>(b + off));
  }
}

// Activation codes (the JavaScript side maps names to these).
const LINEAR = 0, SIGMOID = 1, TANH = 2, RELU = 3, LEAKY_RELU = 4, SOFTMAX = 5;

// @ts-ignore: decorator
@inline function sigmoid(z: f32): f32 {
  if (z >= 0) return 1 / (1 + Mathf.exp(-z));
  const e = Mathf.exp(z);
  return e / (1 + e);
}

/** a = g(z) over rows×cols. */
export function activationForward(kind: i32, alpha: f32, z: usize, a: usize, rows: i32, cols: i32): void {
  const n = rows * cols;
  const n4 = n & ~3;
  if (kind == LINEAR) {
    if (a != z) memory.copy(a, z, <usize>n << 2);
  } else if (kind == RELU || kind == LEAKY_RELU) {
    const zero = f32x4.splat(0);
    const slope = f32x4.splat(kind == RELU ? 0 : alpha);
    let i = 0;
    for (; i < n4; i += 4) {
      const off = <usize>i << 2;
      const v = v128.load(z + off);
      // z ≥ 0 keeps z, else relu's +0 (the scalar tail's, not −0 = z·0) or leaky ReLU's slope·z
      v128.store(a + off, kind == RELU ? v128.and(v, f32x4.ge(v, zero)) : v128.bitselect(v, f32x4.mul(v, slope), f32x4.ge(v, zero)));
    }
    for (; i < n; i++) {
      const off = <usize>i << 2;
      const v = load<f32>(z + off);
      store<f32>(a + off, v >= 0 ? v : (kind == RELU ? 0 : alpha * v));
    }
  } else if (kind == SIGMOID) {
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 2;
      store<f32>(a + off, sigmoid(load<f32>(z + off)));
    }
  } else if (kind == TANH) {
    for (let i = 0; i < n; i++) {
      const off = <usize>i << 2;
      store<f32>(a + off, Mathf.tanh(load<f32>(z + off)));
    }
  } else if (kind == SOFTMAX) {
    const row = <usize>cols << 2;
    for (let r = 0; r < rows; r++) {
      const zr = z + <usize>r * row, ar = a + <usize>r * row;
      let max = -Infinity as f32;
      for (let j = 0; j < cols; j++) max = Mathf.max(max, load<f32>(zr + (<usize>j << 2)));
      let sum: f64 = 0;
      for (let j = 0; j < cols; j++) {
        const e = Mathf.exp(load<f32>(zr + (<usize>j << 2)) - max);
        store<f32>(ar + (<usize>j << 2), e);
        sum += e;
      }
      const inv = <f32>(1 / sum);
      for (let j = 0; j < cols; j++) store<f32>(ar + (<usize>j << 2), load<f32>(ar + (<usize>j << 2)) * inv);
    }
  }
}

/** dZ = ∂E/∂z from dA. */
export function activationBackward(kind: i32, alpha: f32, z: usize, a: usize, dA: usize, dZ: usize, rows: i32, cols: i32): void {
  const n = rows * cols;
  const n4 = n & ~3;
  const one = f32x4.splat(1);
  let i = 0;
  if (kind == LINEAR) {
    if (dZ != dA) memory.copy(dZ, dA, <usize>n << 2);
  } else if (kind == RELU || kind == LEAKY_RELU) {
    // Derivative 1 for z ≥ 0 (seed 000's convention), else the slope.
    const zero = f32x4.splat(0);
    const slope = f32x4.splat(kind == RELU ? 0 : alpha);
    for (; i < n4; i += 4) {
      const off = <usize>i << 2;
      const g = v128.load(dA + off);
      v128.store(dZ + off, v128.bitselect(g, f32x4.mul(g, slope), f32x4.ge(v128.load(z + off), zero)));
    }
    for (; i < n; i++) {
      const off = <usize>i << 2;
      const g = load<f32>(dA + off);
      store<f32>(dZ + off, load<f32>(z + off) >= 0 ? g : (kind == RELU ? 0 : alpha * g));
    }
  } else if (kind == SIGMOID) {
    // σ' = σ(1 − σ)
    for (; i < n4; i += 4) {
      const off = <usize>i << 2;
      const s = v128.load(a + off);
      v128.store(dZ + off, f32x4.mul(f32x4.mul(v128.load(dA + off), s), f32x4.sub(one, s)));
    }
    for (; i < n; i++) {
      const off = <usize>i << 2;
      const s = load<f32>(a + off);
      store<f32>(dZ + off, load<f32>(dA + off) * s * (1 - s));
    }
  } else if (kind == TANH) {
    // tanh' = 1 − tanh²
    for (; i < n4; i += 4) {
      const off = <usize>i << 2;
      const t = v128.load(a + off);
      v128.store(dZ + off, f32x4.mul(v128.load(dA + off), f32x4.sub(one, f32x4.mul(t, t))));
    }
    for (; i < n; i++) {
      const off = <usize>i << 2;
      const t = load<f32>(a + off);
      store<f32>(dZ + off, load<f32>(dA + off) * (1 - t * t));
    }
  } else if (kind == SOFTMAX) {
    // ∂E/∂z_j = a_j (∂E/∂a_j − Σ_k ∂E/∂a_k a_k)
    const row = <usize>cols << 2;
    for (let r = 0; r < rows; r++) {
      const ar = a + <usize>r * row, gr = dA + <usize>r * row, dr = dZ + <usize>r * row;
      let dot: f32 = 0;
      for (let j = 0; j < cols; j++) dot += load<f32>(gr + (<usize>j << 2)) * load<f32>(ar + (<usize>j << 2));
      for (let j = 0; j < cols; j++) {
        const off = <usize>j << 2;
        store<f32>(dr + off, load<f32>(ar + off) * (load<f32>(gr + off) - dot));
      }
    }
  }
}

/** Fused output activation + loss: out = scale·(p − y), or with class indices y (stored as floats). */
export function fusedLossGradient(sparse: bool, p: usize, y: usize, out: usize, m: i32, k: i32, scale: f32): void {
  const n = m * k;
  const n4 = n & ~3;
  const c = f32x4.splat(scale);
  let i = 0;
  if (sparse) {
    for (; i < n4; i += 4) {
      const off = <usize>i << 2;
      v128.store(out + off, f32x4.mul(c, v128.load(p + off)));
    }
    for (; i < n; i++) store<f32>(out + (<usize>i << 2), scale * load<f32>(p + (<usize>i << 2)));
    for (let r = 0; r < m; r++) {
      const at = out + ((<usize>(r * k) + <usize><i32>load<f32>(y + (<usize>r << 2))) << 2);
      store<f32>(at, load<f32>(at) - scale);
    }
  } else {
    for (; i < n4; i += 4) {
      const off = <usize>i << 2;
      v128.store(out + off, f32x4.mul(c, f32x4.sub(v128.load(p + off), v128.load(y + off))));
    }
    for (; i < n; i++) {
      const off = <usize>i << 2;
      store<f32>(out + off, scale * (load<f32>(p + off) - load<f32>(y + off)));
    }
  }
}

/** out = scale·(p − y) (mse, sse). */
export function scaledDifference(p: usize, y: usize, out: usize, n: i32, scale: f32): void {
  fusedLossGradient(false, p, y, out, 1, n, scale);
}

// Optimiser updates: each returns Σ w·0 over the new weights (0 if all finite, NaN otherwise).

/**
 * Inverted-dropout mask: scale with probability keep, else 0, from the xoshiro128** state at
 * `state` (four i32 words, read and written back). The TypeScript kernel's draws exactly: two
 * 32-bit outputs per element, 27 + 26 bits over 2^53 (Rng.uniform), so the two backends give the
 * same masks and leave the generator in the same state.
 */
export function dropoutMask(mask: usize, n: i32, keep: f64, scale: f64, state: usize): void {
  let s0 = load<i32>(state), s1 = load<i32>(state, 4), s2 = load<i32>(state, 8), s3 = load<i32>(state, 12);
  const on = <f32>scale;
  for (let i = 0; i < n; i++) {
    let r = rotl<i32>(s1 * 5, 7) * 9;
    let t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<i32>(s3, 11);
    const hi = <u32>r >>> 5;
    r = rotl<i32>(s1 * 5, 7) * 9;
    t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<i32>(s3, 11);
    const lo = <u32>r >>> 6;
    const u = (<f64>hi * 67108864.0 + <f64>lo) / 9007199254740992.0;
    store<f32>(mask + (<usize>i << 2), u < keep ? on : 0);
  }
  store<i32>(state, s0);
  store<i32>(state, s1, 4);
  store<i32>(state, s2, 8);
  store<i32>(state, s3, 12);
}

/**
 * grad += l1·sign(w) + 2·l2·w, returning l1·Σ|w| + l2·Σw²: the TypeScript kernel's arithmetic
 * exactly (each element in f64, rounded once to f32; the sums in f64, in order), so the two
 * backends give the same bits. Scalar, like it: a small table's L2 run spent 15 % of its time in
 * the JavaScript loop.
 */
export function addPenaltyGradient(w: usize, g: usize, n: i32, l1: f64, l2: f64): f64 {
  const twoL2 = 2 * l2;
  let s1: f64 = 0;
  let s2: f64 = 0;
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 2;
    const v = <f64>load<f32>(w + off);
    s1 += abs<f64>(v);
    s2 += v * v;
    const sign: f64 = v > 0 ? 1 : v < 0 ? -1 : 0;
    store<f32>(g + off, <f32>(<f64>load<f32>(g + off) + (l1 * sign + twoL2 * v)));
  }
  return l1 * s1 + l2 * s2;
}

/** w ← w − η·g. */
export function sgd(w: usize, g: usize, n: i32, lr: f32): f32 {
  const n4 = n & ~3;
  const eta = f32x4.splat(lr);
  const zero = f32x4.splat(0);
  let probe = f32x4.splat(0);
  let i = 0;
  for (; i < n4; i += 4) {
    const off = <usize>i << 2;
    const nw = f32x4.sub(v128.load(w + off), f32x4.mul(eta, v128.load(g + off)));
    v128.store(w + off, nw);
    probe = f32x4.add(probe, f32x4.mul(nw, zero));
  }
  let s = hsum(probe);
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const nw = load<f32>(w + off) - lr * load<f32>(g + off);
    store<f32>(w + off, nw);
    s += nw * 0;
  }
  return s;
}

/** v ← μv − ηg; w ← w + v (Nesterov: w ← w + μv − ηg). */
export function sgdMomentum(w: usize, g: usize, v: usize, n: i32, lr: f32, mu: f32, nesterov: bool): f32 {
  const n4 = n & ~3;
  const eta = f32x4.splat(lr), m = f32x4.splat(mu), zero = f32x4.splat(0);
  let probe = f32x4.splat(0);
  let i = 0;
  for (; i < n4; i += 4) {
    const off = <usize>i << 2;
    const eg = f32x4.mul(eta, v128.load(g + off));
    const nv = f32x4.sub(f32x4.mul(m, v128.load(v + off)), eg);
    v128.store(v + off, nv);
    const step = nesterov ? f32x4.sub(f32x4.mul(m, nv), eg) : nv;
    const nw = f32x4.add(v128.load(w + off), step);
    v128.store(w + off, nw);
    probe = f32x4.add(probe, f32x4.add(f32x4.mul(nw, zero), f32x4.mul(nv, zero)));
  }
  let s = hsum(probe);
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const eg = lr * load<f32>(g + off);
    const nv = mu * load<f32>(v + off) - eg;
    store<f32>(v + off, nv);
    const nw = load<f32>(w + off) + (nesterov ? mu * nv - eg : nv);
    store<f32>(w + off, nw);
    s += nw * 0 + nv * 0;
  }
  return s;
}

/** m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; w ← w − α·m/(√v + ε). */
export function adam(w: usize, g: usize, mp: usize, vp: usize, n: i32, alpha: f32, beta1: f32, beta2: f32, eps: f32): f32 {
  const n4 = n & ~3;
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(1 - beta1), b2 = f32x4.splat(beta2), c2 = f32x4.splat(1 - beta2);
  const a = f32x4.splat(alpha), e = f32x4.splat(eps), zero = f32x4.splat(0);
  let probe = f32x4.splat(0);
  let i = 0;
  for (; i < n4; i += 4) {
    const off = <usize>i << 2;
    const gi = v128.load(g + off);
    const mi = f32x4.add(f32x4.mul(b1, v128.load(mp + off)), f32x4.mul(c1, gi));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(vp + off)), f32x4.mul(f32x4.mul(c2, gi), gi));
    v128.store(mp + off, mi);
    v128.store(vp + off, vi);
    const nw = f32x4.sub(v128.load(w + off), f32x4.div(f32x4.mul(a, mi), f32x4.add(f32x4.sqrt(vi), e)));
    v128.store(w + off, nw);
    probe = f32x4.add(probe, f32x4.add(f32x4.mul(nw, zero), f32x4.add(f32x4.mul(mi, zero), f32x4.mul(vi, zero))));
  }
  let s = hsum(probe);
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const gi = load<f32>(g + off);
    const mi = beta1 * load<f32>(mp + off) + (1 - beta1) * gi;
    const vi = beta2 * load<f32>(vp + off) + (1 - beta2) * gi * gi;
    store<f32>(mp + off, mi);
    store<f32>(vp + off, vi);
    const nw = load<f32>(w + off) - (alpha * mi) / (Mathf.sqrt(vi) + eps);
    store<f32>(w + off, nw);
    s += nw * 0 + mi * 0 + vi * 0;
  }
  return s;
}

/** s ← ρs + (1−ρ)g²; Δ = ηg/√(s+ε); w ← w − Δ, or u ← μu + Δ; w ← w − u. */
export function rmsprop(w: usize, g: usize, sp: usize, up: usize, n: i32, lr: f32, rho: f32, mu: f32, eps: f32): f32 {
  let s: f32 = 0;
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 2;
    const gi = load<f32>(g + off);
    const si = rho * load<f32>(sp + off) + (1 - rho) * gi * gi;
    store<f32>(sp + off, si);
    const delta = (lr * gi) / Mathf.sqrt(si + eps);
    let step = delta;
    if (mu > 0) {
      step = mu * load<f32>(up + off) + delta;
      store<f32>(up + off, step);
    }
    const nw = load<f32>(w + off) - step;
    store<f32>(w + off, nw);
    s += nw * 0 + si * 0 + step * 0;
  }
  return s;
}

/** s ← s + g²; w ← w − ηg/√(s + ε). */
export function adagrad(w: usize, g: usize, sp: usize, n: i32, lr: f32, eps: f32): f32 {
  let s: f32 = 0;
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 2;
    const gi = load<f32>(g + off);
    const si = load<f32>(sp + off) + gi * gi;
    store<f32>(sp + off, si);
    const nw = load<f32>(w + off) - (lr * gi) / Mathf.sqrt(si + eps);
    store<f32>(w + off, nw);
    s += nw * 0 + si * 0;
  }
  return s;
}

/** x[i] ← 0 where |x[i]| < below (an optimiser's state, now and then: kernels/optimizer.ts says why); NaN stays. */
export function flushBelow(x: usize, n: i32, below: f32): void {
  const n4 = n & ~3;
  const tiny = f32x4.splat(below);
  let i = 0;
  for (; i < n4; i += 4) {
    const at = x + (<usize>i << 2);
    const v = v128.load(at);
    v128.store(at, v128.andnot(v, f32x4.lt(f32x4.abs(v), tiny)));
  }
  for (; i < n; i++) {
    const at = x + (<usize>i << 2);
    if (Mathf.abs(load<f32>(at)) < below) store<f32>(at, 0);
  }
}

/** 1 when every x[i] is finite: Σ x·0 is 0 for finite values, NaN for NaN or ±∞. */
export function allFinite(x: usize, n: i32): bool {
  const n16 = n & ~15;
  const n4 = n & ~3;
  const zero = f32x4.splat(0);
  // Four probes, so that the adds do not wait for each other (one chain ran at an add's latency).
  let p0 = f32x4.splat(0), p1 = f32x4.splat(0), p2 = f32x4.splat(0), p3 = f32x4.splat(0);
  let i = 0;
  for (; i < n16; i += 16) {
    const at = x + (<usize>i << 2);
    p0 = f32x4.add(p0, f32x4.mul(v128.load(at), zero));
    p1 = f32x4.add(p1, f32x4.mul(v128.load(at, 16), zero));
    p2 = f32x4.add(p2, f32x4.mul(v128.load(at, 32), zero));
    p3 = f32x4.add(p3, f32x4.mul(v128.load(at, 48), zero));
  }
  let probe = f32x4.add(f32x4.add(p0, p1), f32x4.add(p2, p3));
  for (; i < n4; i += 4) probe = f32x4.add(probe, f32x4.mul(v128.load(x + (<usize>i << 2)), zero));
  let s = hsum(probe);
  for (; i < n; i++) s += load<f32>(x + (<usize>i << 2)) * 0;
  return s == 0;
}
