/**
 * Power spectrum |rfft(w · frame)|² of one real frame, specialised for what the mel front-end does
 * ~90 times per second of audio: a power-of-two nFft, a fixed window, float64 throughout, nothing
 * allocated per frame.
 *
 * Why not a general FFT library: fft.js's realTransform spent ≈ 47 % of the mel time on a
 * 4-minute track; this kernel does the same work in fewer passes over memory:
 *  - the real frame of length N is packed as a complex sequence z[n] = x[2n] + i·x[2n+1] of length
 *    M = N/2 and transformed with one M-point complex FFT (the standard "real FFT via half-length
 *    complex FFT", e.g. Press et al., Numerical Recipes 3rd ed. §12.3.2; Sorensen et al., IEEE
 *    Trans. ASSP 35(6), 1987), which halves the butterflies;
 *  - windowing, the even/odd packing, the bit-reversal permutation and the first (twiddle-free)
 *    butterfly stage are one pass over the frame, driven by precomputed index and window tables;
 *  - the remaining stages are radix-4 decimation-in-time butterflies (3 complex multiplies per 4
 *    points instead of radix-2's 4) on split re/im arrays, twiddles read sequentially from a table
 *    computed once with Math.cos/Math.sin (no recurrence, so no accumulated rounding); they run in
 *    a WebAssembly SIMD kernel (./fft-stages-wasm.ts) where available, else in the bit-identical
 *    JS loop below;
 *  - the split of Z into the N/2 + 1 real-input bins is fused with |X|², for bins k and M - k at
 *    once, so X itself is never stored.
 * The arithmetic is plain float64; against numpy.fft.rfft it agrees to ~1e-15 relative to the
 * frame's peak power (test/unit/features/stft.test.ts and real-fft.test.ts check it).
 */

import { createWasmStages } from "./fft-stages-wasm.js";
import type { WasmStages } from "./fft-stages-wasm.js";

/** Which implementation runs the radix-4 stages (bit-identical results). */
export type FftBackend = "wasm" | "js";

/** Bit-reversal of the low `bits` bits of `i`. */
function reverseBits(i: number, bits: number): number {
  let r = 0;
  for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
  return r;
}

/**
 * |rfft(window · x[start, start + nFft))|² for bins 0..nFft/2, unscaled (numpy.fft.rfft convention:
 * X[k] = Σ x[n] w[n] e^{-2πikn/N}). One instance per (nFft, window); it owns its scratch, so one
 * instance must not be used re-entrantly (JS is single-threaded, so a shared instance is fine).
 */
export class RealFftPower {
  readonly nFft: number;
  /** Which implementation runs the radix-4 stages ("js" where WebAssembly SIMD is missing). */
  readonly backend: FftBackend;
  /** nFft/2 + 1 bins, overwritten by every {@link transform} call. */
  readonly power: Float64Array;
  /** Bins of the half-length complex FFT, natural order after a transform. */
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  /**
   * First-stage radix, so that every later stage is radix 4: 4 when log2(nFft/2) is even, else 8
   * (2 only for nFft = 4). nFft = 1024 thus takes a radix-8 pass and three radix-4 passes.
   */
  private readonly firstRadix: 2 | 4 | 8;
  /** Per first-stage group: offset 2·n0 into the frame of its first complex input z[n0]. */
  private readonly loadOffset: Int32Array;
  /** Per first-stage group: the window values of its 2·firstRadix real inputs, in load order. */
  private readonly loadWindow: Float64Array;
  /**
   * Radix-4 twiddles W^k, W^2k, W^3k (W = e^{-2πi/4L}), stage after stage, in the layout of
   * ./fft-stages-wasm.ts: per pair of k, [w1r(k), w1r(k+1), w1i(k), w1i(k+1), w2r.., w2i.., w3r.., w3i..].
   */
  private readonly twiddles: Float64Array;
  /** The wasm kernel when it runs the stages (re, im and twiddles then live in its memory). */
  private readonly wasm: WasmStages | undefined;
  /** Real-input split twiddles e^{-2πik/N} as (re, im), k = 0..N/4. */
  private readonly split: Float64Array;

  /**
   * @param nFft   frame length in samples, a power of two >= 4
   * @param window nFft window values (e.g. hannPeriodic(nFft)); copied into the load table
   * @param options.backend "wasm" (default where WebAssembly SIMD compiles) or "js"
   */
  constructor(nFft: number, window: ArrayLike<number>, options: { backend?: FftBackend } = {}) {
    if (!Number.isInteger(nFft) || nFft < 4 || (nFft & (nFft - 1)) !== 0) {
      throw new RangeError(`nFft must be a power of two >= 4, got ${nFft}`);
    }
    if (window.length !== nFft) throw new RangeError(`window has ${window.length} values, nFft is ${nFft}`);
    this.nFft = nFft;
    const m = nFft / 2;
    const bits = Math.round(Math.log2(m));
    this.firstRadix = bits % 2 === 0 ? 4 : bits === 1 ? 2 : 8;
    this.power = new Float64Array(m + 1);

    // Group g of the first stage occupies bit-reversed positions r·g .. r·g + r - 1, which hold
    // z[n0 + t·M/r] with n0 = rev(r·g) (t in bit-reversed order; the butterflies account for it).
    const r = this.firstRadix;
    const groups = m / r;
    this.loadOffset = new Int32Array(groups);
    this.loadWindow = new Float64Array(groups * 2 * r);
    for (let g = 0; g < groups; g++) {
      const n0 = reverseBits(r * g, bits);
      this.loadOffset[g] = 2 * n0;
      for (let t = 0; t < r; t++) {
        const idx = 2 * n0 + (t * nFft) / r;
        this.loadWindow[g * 2 * r + 2 * t] = window[idx] as number;
        this.loadWindow[g * 2 * r + 2 * t + 1] = window[idx + 1] as number;
      }
    }

    const tw: number[] = [];
    for (let len = r; len < m; len *= 4) {
      for (let k = 0; k < len; k += 2) {
        for (let j = 1; j <= 3; j++) {
          const t0 = (2 * Math.PI * j * k) / (4 * len);
          const t1 = (2 * Math.PI * j * (k + 1)) / (4 * len);
          tw.push(Math.cos(t0), Math.cos(t1), -Math.sin(t0), -Math.sin(t1));
        }
      }
    }
    // Layout of the wasm memory: re [0, m), im [m, 2m), twiddles from 2m (all 16-byte aligned).
    this.wasm = options.backend === "js" ? undefined : createWasmStages(2 * m + tw.length);
    this.backend = this.wasm === undefined ? "js" : "wasm";
    const heap = this.wasm?.heap ?? new Float64Array(2 * m + tw.length);
    this.re = heap.subarray(0, m);
    this.im = heap.subarray(m, 2 * m);
    this.twiddles = heap.subarray(2 * m, 2 * m + tw.length);
    this.twiddles.set(tw);
    this.split = new Float64Array(2 * (m / 2 + 1));
    for (let k = 0; k <= m / 2; k++) {
      const theta = (2 * Math.PI * k) / nFft;
      this.split[2 * k] = Math.cos(theta);
      this.split[2 * k + 1] = -Math.sin(theta);
    }
  }

  /**
   * Power spectrum of window · x[start, start + nFft); the frame must lie inside `x` (callers pad
   * edge frames into a scratch buffer first). Returns {@link power} (shared, overwritten next call).
   */
  transform(x: Float32Array | Float64Array, start: number): Float64Array {
    if (this.firstRadix === 8) this.loadRadix8(x, start);
    else if (this.firstRadix === 4) this.loadRadix4(x, start);
    else this.loadRadix2(x, start);
    if (this.wasm !== undefined) this.wasm.run(0, this.re.length, 2 * this.re.length, this.re.length, this.firstRadix);
    else this.radix4Stages();
    this.splitPower();
    return this.power;
  }

  /** Window, pack, permute and do the first radix-2 stage: (z[n0] ± z[n0 + M/2]). */
  private loadRadix2(x: Float32Array | Float64Array, start: number): void {
    const { re, im, loadOffset: off, loadWindow: w } = this;
    const halfN = this.nFft / 2;
    for (let g = 0, p = 0, q = 0; p < re.length; g++, p += 2, q += 4) {
      const i = start + (off[g] as number);
      const ar = (x[i] as number) * (w[q] as number);
      const ai = (x[i + 1] as number) * (w[q + 1] as number);
      const br = (x[i + halfN] as number) * (w[q + 2] as number);
      const bi = (x[i + halfN + 1] as number) * (w[q + 3] as number);
      re[p] = ar + br;
      im[p] = ai + bi;
      re[p + 1] = ar - br;
      im[p + 1] = ai - bi;
    }
  }

  /** Window, pack, permute and do the first radix-4 stage (a twiddle-free 4-point DFT). */
  private loadRadix4(x: Float32Array | Float64Array, start: number): void {
    const { re, im, loadOffset: off, loadWindow: w } = this;
    const qN = this.nFft / 4;
    for (let g = 0, p = 0, q = 0; p < re.length; g++, p += 4, q += 8) {
      const i = start + (off[g] as number);
      // u_t = z[n0 + t·M/4] sits at x[i + t·N/4]; positions hold t = 0, 2, 1, 3.
      const u0r = (x[i] as number) * (w[q] as number);
      const u0i = (x[i + 1] as number) * (w[q + 1] as number);
      const u1r = (x[i + qN] as number) * (w[q + 2] as number);
      const u1i = (x[i + qN + 1] as number) * (w[q + 3] as number);
      const u2r = (x[i + 2 * qN] as number) * (w[q + 4] as number);
      const u2i = (x[i + 2 * qN + 1] as number) * (w[q + 5] as number);
      const u3r = (x[i + 3 * qN] as number) * (w[q + 6] as number);
      const u3i = (x[i + 3 * qN + 1] as number) * (w[q + 7] as number);
      const s0r = u0r + u2r,
        s0i = u0i + u2i,
        d0r = u0r - u2r,
        d0i = u0i - u2i;
      const s1r = u1r + u3r,
        s1i = u1i + u3i,
        d1r = u1r - u3r,
        d1i = u1i - u3i;
      re[p] = s0r + s1r;
      im[p] = s0i + s1i;
      re[p + 1] = d0r + d1i;
      im[p + 1] = d0i - d1r;
      re[p + 2] = s0r - s1r;
      im[p + 2] = s0i - s1i;
      re[p + 3] = d0r - d1i;
      im[p + 3] = d0i + d1r;
    }
  }

  /**
   * Window, pack, permute and do the first radix-8 stage: an 8-point DFT of u_t = z[n0 + t·M/8]
   * as two 4-point DFTs (even and odd t) joined by the twiddles W8^k = e^{-iπk/4}.
   */
  private loadRadix8(x: Float32Array | Float64Array, start: number): void {
    const { re, im, loadOffset: off, loadWindow: w } = this;
    const e = this.nFft / 8;
    for (let g = 0, p = 0, q = 0; p < re.length; g++, p += 8, q += 16) {
      const i = start + (off[g] as number);
      const u0r = (x[i] as number) * (w[q] as number),
        u0i = (x[i + 1] as number) * (w[q + 1] as number);
      const u1r = (x[i + e] as number) * (w[q + 2] as number),
        u1i = (x[i + e + 1] as number) * (w[q + 3] as number);
      const u2r = (x[i + 2 * e] as number) * (w[q + 4] as number),
        u2i = (x[i + 2 * e + 1] as number) * (w[q + 5] as number);
      const u3r = (x[i + 3 * e] as number) * (w[q + 6] as number),
        u3i = (x[i + 3 * e + 1] as number) * (w[q + 7] as number);
      const u4r = (x[i + 4 * e] as number) * (w[q + 8] as number),
        u4i = (x[i + 4 * e + 1] as number) * (w[q + 9] as number);
      const u5r = (x[i + 5 * e] as number) * (w[q + 10] as number),
        u5i = (x[i + 5 * e + 1] as number) * (w[q + 11] as number);
      const u6r = (x[i + 6 * e] as number) * (w[q + 12] as number),
        u6i = (x[i + 6 * e + 1] as number) * (w[q + 13] as number);
      const u7r = (x[i + 7 * e] as number) * (w[q + 14] as number),
        u7i = (x[i + 7 * e + 1] as number) * (w[q + 15] as number);
      // E = DFT4(u0, u2, u4, u6), O = DFT4(u1, u3, u5, u7).
      const es0r = u0r + u4r,
        es0i = u0i + u4i,
        ed0r = u0r - u4r,
        ed0i = u0i - u4i;
      const es1r = u2r + u6r,
        es1i = u2i + u6i,
        ed1r = u2r - u6r,
        ed1i = u2i - u6i;
      const os0r = u1r + u5r,
        os0i = u1i + u5i,
        od0r = u1r - u5r,
        od0i = u1i - u5i;
      const os1r = u3r + u7r,
        os1i = u3i + u7i,
        od1r = u3r - u7r,
        od1i = u3i - u7i;
      const e0r = es0r + es1r,
        e0i = es0i + es1i,
        e2r = es0r - es1r,
        e2i = es0i - es1i;
      const e1r = ed0r + ed1i,
        e1i = ed0i - ed1r,
        e3r = ed0r - ed1i,
        e3i = ed0i + ed1r;
      const o0r = os0r + os1r,
        o0i = os0i + os1i,
        o2r = os0r - os1r,
        o2i = os0i - os1i;
      const o1r = od0r + od1i,
        o1i = od0i - od1r,
        o3r = od0r - od1i,
        o3i = od0i + od1r;
      // W8^1 (a + ib) = ((a + b) + i(b - a)) / √2, W8^2 (a + ib) = b - ia, W8^3 (a + ib) = ((b - a) - i(a + b)) / √2.
      const t1r = (o1r + o1i) * Math.SQRT1_2,
        t1i = (o1i - o1r) * Math.SQRT1_2;
      const t3r = (o3i - o3r) * Math.SQRT1_2,
        t3i = -(o3r + o3i) * Math.SQRT1_2;
      re[p] = e0r + o0r;
      im[p] = e0i + o0i;
      re[p + 4] = e0r - o0r;
      im[p + 4] = e0i - o0i;
      re[p + 1] = e1r + t1r;
      im[p + 1] = e1i + t1i;
      re[p + 5] = e1r - t1r;
      im[p + 5] = e1i - t1i;
      re[p + 2] = e2r + o2i;
      im[p + 2] = e2i - o2r;
      re[p + 6] = e2r - o2i;
      im[p + 6] = e2i + o2r;
      re[p + 3] = e3r + t3r;
      im[p + 3] = e3i + t3i;
      re[p + 7] = e3r - t3r;
      im[p + 7] = e3i - t3i;
    }
  }

  /**
   * Radix-4 DIT stages from length L = firstRadix up to M. The four length-L blocks being combined
   * hold the DFTs of the subsequences r = 0, 2, 1, 3 (bit-reversed order), hence the twiddle
   * exponents k·{0, 2, 1, 3} on blocks 0..3.
   */
  private radix4Stages(): void {
    const { re, im, twiddles: tw } = this;
    const m = re.length;
    let t0 = 0;
    for (let len = this.firstRadix; len < m; len *= 4) {
      const span = 4 * len;
      for (let base = 0; base < m; base += span) {
        for (let k = 0; k < len; k++) {
          const t = t0 + 12 * (k >> 1) + (k & 1);
          const w1r = tw[t] as number,
            w1i = tw[t + 2] as number;
          const w2r = tw[t + 4] as number,
            w2i = tw[t + 6] as number;
          const w3r = tw[t + 8] as number,
            w3i = tw[t + 10] as number;
          const i0 = base + k,
            i1 = i0 + len,
            i2 = i1 + len,
            i3 = i2 + len;
          const a0r = re[i0] as number,
            a0i = im[i0] as number;
          const b1r = re[i1] as number,
            b1i = im[i1] as number;
          const b2r = re[i2] as number,
            b2i = im[i2] as number;
          const b3r = re[i3] as number,
            b3i = im[i3] as number;
          const a2r = b1r * w2r - b1i * w2i,
            a2i = b1r * w2i + b1i * w2r;
          const a1r = b2r * w1r - b2i * w1i,
            a1i = b2r * w1i + b2i * w1r;
          const a3r = b3r * w3r - b3i * w3i,
            a3i = b3r * w3i + b3i * w3r;
          const s0r = a0r + a2r,
            s0i = a0i + a2i,
            d0r = a0r - a2r,
            d0i = a0i - a2i;
          const s1r = a1r + a3r,
            s1i = a1i + a3i,
            d1r = a1r - a3r,
            d1i = a1i - a3i;
          re[i0] = s0r + s1r;
          im[i0] = s0i + s1i;
          re[i1] = d0r + d1i;
          im[i1] = d0i - d1r;
          re[i2] = s0r - s1r;
          im[i2] = s0i - s1i;
          re[i3] = d0r - d1i;
          im[i3] = d0i + d1r;
        }
      }
      t0 += 6 * len;
    }
  }

  /**
   * X[k] = E[k] + W^k O[k] with E = (Z[k] + conj Z[M-k]) / 2, O = (Z[k] - conj Z[M-k]) / 2i and
   * W = e^{-2πi/N}; X[M-k] = conj(E[k] - W^k O[k]), so one pass over k = 1..M/2-1 gives both bins.
   * E and O are formed without the 1/2; the 1/4 on |.|² is exact (a power of two).
   */
  private splitPower(): void {
    const { re, im, power: pw, split: sw } = this;
    const m = re.length;
    const z0r = re[0] as number,
      z0i = im[0] as number;
    pw[0] = (z0r + z0i) * (z0r + z0i);
    pw[m] = (z0r - z0i) * (z0r - z0i);
    for (let k = 1, j = m - 1; k < j; k++, j--) {
      const ar = re[k] as number,
        ai = im[k] as number;
      const br = re[j] as number,
        bi = im[j] as number;
      const er = ar + br,
        ei = ai - bi;
      const dr = ar - br,
        di = ai + bi;
      const wr = sw[2 * k] as number,
        wi = sw[2 * k + 1] as number;
      // T = W^k · (-i)(Z[k] - conj Z[M-k]) = W^k · (di - i·dr)
      const tr = wr * di + wi * dr;
      const ti = wi * di - wr * dr;
      const pr = er + tr,
        pi = ei + ti,
        qr = er - tr,
        qi = ei - ti;
      pw[k] = 0.25 * (pr * pr + pi * pi);
      pw[j] = 0.25 * (qr * qr + qi * qi);
    }
    const h = m >> 1;
    const hr = re[h] as number,
      hi = im[h] as number;
    pw[h] = hr * hr + hi * hi;
  }
}
