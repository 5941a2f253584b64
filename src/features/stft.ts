/**
 * Short-time power spectrum, one frame at a time, as librosa 0.10 `stft(center=True)` followed by
 * `|.|**2` computes it: the signal is padded by nFft/2 on both sides (zeros, or numpy `reflect`),
 * frame t covers padded samples [t * hop, t * hop + nFft), i.e. it is centred on original sample
 * t * hop, is multiplied by a periodic Hann window and transformed with an unscaled real FFT.
 *
 * No padded copy of the signal is made: frames that reach past either end are assembled through
 * {@link paddedSample} in a one-frame scratch buffer; every other frame is read in place by the
 * FFT kernel (./real-fft.ts). All arithmetic is float64.
 */
import type { PadMode } from "./params.js";
import { RealFftPower } from "./real-fft.js";

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
 * Computes |rfft(w * frame)|^2 for bins 0..nFft/2 of one frame. Holds the FFT kernel and scratch
 * buffers so repeated calls allocate nothing; reuse one instance per nFft (see {@link framePowerFor}).
 */
export class FramePowerSpectrum {
  readonly nFft: number;
  /** nFft/2 + 1 bins; overwritten by every {@link compute} call. */
  readonly power: Float64Array;
  private readonly kernel: RealFftPower;
  /** One padded frame, for frames that reach past either end of the signal. */
  private readonly edgeFrame: Float64Array;

  constructor(nFft: number) {
    this.kernel = new RealFftPower(nFft, hannPeriodic(nFft)); // validates nFft
    this.nFft = nFft;
    this.power = this.kernel.power;
    this.edgeFrame = new Float64Array(nFft);
  }

  /**
   * Power spectrum of the frame x[start, start + nFft), where `start` (samples, may be negative)
   * is in original-signal coordinates and samples outside x come from `padMode`. For center=True
   * frame t, start = t * hop - nFft / 2. Returns {@link power} (shared, overwritten next call).
   */
  compute(x: Float32Array | Float64Array, start: number, padMode: PadMode): Float64Array {
    const { nFft } = this;
    if (start >= 0 && start + nFft <= x.length) return this.kernel.transform(x, start);
    // The window is applied by the kernel, so the edge frame holds raw padded samples; interior and
    // edge frames therefore go through exactly the same arithmetic.
    const frame = this.edgeFrame;
    for (let k = 0; k < nFft; k++) frame[k] = paddedSample(x, start + k, padMode);
    return this.kernel.transform(frame, 0);
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
