/**
 * Short-time power spectrum, one frame at a time, as librosa 0.10 `stft(center=True)` followed by
 * `|.|**2` computes it: the signal is padded by nFft/2 on both sides (zeros, or numpy `reflect`),
 * frame t covers padded samples [t * hop, t * hop + nFft), i.e. it is centred on original sample
 * t * hop, is multiplied by a periodic Hann window and transformed with an unscaled real FFT.
 *
 * No padded copy of the signal is made: frames that reach past either end read their samples
 * through {@link paddedSample}; every other frame is a plain strided read. All arithmetic is float64.
 */
import FFT from "fft.js";
import type { PadMode } from "./params.js";

const hannCache = new Map<number, Float64Array>();

/**
 * Periodic ("DFT-even") Hann window of length n: w[k] = 0.5 - 0.5 cos(2 pi k / n), k = 0..n-1
 * (scipy `get_window("hann", n, fftbins=True)`, librosa's default). Cached; treat as read-only.
 */
export function hannPeriodic(n: number): Float64Array {
  let w = hannCache.get(n);
  if (w === undefined) {
    w = new Float64Array(n);
    for (let k = 0; k < n; k++) w[k] = 0.5 - 0.5 * Math.cos((2 * Math.PI * k) / n);
    hannCache.set(n, w);
  }
  return w;
}

/**
 * Sample `i` of `x` extended beyond its ends by `mode`: "constant" gives 0; "reflect" mirrors
 * without repeating the edge sample (numpy.pad mode="reflect": x[-1] = x[1], x[n] = x[n-2]),
 * repeating the reflection when the pad is longer than the signal, as numpy does.
 */
export function paddedSample(x: ArrayLike<number>, i: number, mode: PadMode): number {
  const n = x.length;
  if (i >= 0 && i < n) return x[i] as number;
  if (mode === "constant" || n === 0) return 0;
  if (n === 1) return x[0] as number;
  const period = 2 * (n - 1);
  let m = i % period;
  if (m < 0) m += period;
  return x[m < n ? m : period - m] as number;
}

/** Number of frames for `nSamples` with center=True: 1 + floor(nSamples / hop). */
export function centeredFrameCount(nSamples: number, hopSamples: number): number {
  return 1 + Math.floor(nSamples / hopSamples);
}

/**
 * Computes |rfft(w * frame)|^2 for bins 0..nFft/2 of one frame. Holds the FFT instance and scratch
 * buffers so repeated calls allocate nothing; reuse one instance per nFft (see {@link framePowerFor}).
 */
export class FramePowerSpectrum {
  readonly nFft: number;
  /** nFft/2 + 1 bins; overwritten by every {@link compute} call. */
  readonly power: Float64Array;
  private readonly fft: FFT;
  private readonly window: Float64Array;
  private readonly frame: Float64Array;
  private readonly spectrum: Float64Array;

  constructor(nFft: number) {
    if (!Number.isInteger(nFft) || nFft < 4 || (nFft & (nFft - 1)) !== 0) {
      throw new RangeError(`nFft must be a power of two >= 4, got ${nFft}`);
    }
    this.nFft = nFft;
    this.fft = new FFT(nFft);
    this.window = hannPeriodic(nFft);
    this.frame = new Float64Array(nFft);
    this.spectrum = new Float64Array(2 * nFft);
    this.power = new Float64Array(nFft / 2 + 1);
  }

  /**
   * Power spectrum of the frame x[start, start + nFft), where `start` (samples, may be negative)
   * is in original-signal coordinates and samples outside x come from `padMode`. For center=True
   * frame t, start = t * hop - nFft / 2. Returns {@link power} (shared, overwritten next call).
   */
  compute(x: ArrayLike<number>, start: number, padMode: PadMode): Float64Array {
    const { nFft, window: w, frame } = this;
    if (start >= 0 && start + nFft <= x.length) {
      for (let k = 0; k < nFft; k++) frame[k] = (x[start + k] as number) * (w[k] as number);
    } else {
      for (let k = 0; k < nFft; k++) frame[k] = paddedSample(x, start + k, padMode) * (w[k] as number);
    }
    // fft.js realTransform fills the non-negative half, bins 0..nFft/2, as interleaved re/im.
    this.fft.realTransform(this.spectrum, frame);
    const s = this.spectrum;
    const p = this.power;
    for (let k = 0, j = 0; k <= nFft / 2; k++, j += 2) {
      const re = s[j] as number;
      const im = s[j + 1] as number;
      p[k] = re * re + im * im;
    }
    return p;
  }
}

const framePowerCache = new Map<number, FramePowerSpectrum>();

/** A shared {@link FramePowerSpectrum} for `nFft` (JS is single-threaded, so sharing is safe). */
export function framePowerFor(nFft: number): FramePowerSpectrum {
  let f = framePowerCache.get(nFft);
  if (f === undefined) {
    f = new FramePowerSpectrum(nFft);
    framePowerCache.set(nFft, f);
  }
  return f;
}
