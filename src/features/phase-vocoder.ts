/**
 * Phase-vocoder time stretching, as librosa 0.10 `effects.time_stretch` computes it:
 *
 *   D = stft(y, n_fft=2048, hop=512, window=hann, center=True, pad zeros)
 *   time_steps = arange(0, n_frames, rate)
 *   for each step t: mag = linear interpolation of |D| between columns floor(t), floor(t)+1;
 *     frame = mag * exp(i * phase_acc);  phase_acc += expected advance + wrapped phase deviation
 *   y' = istft(frames, length = round(len(y) / rate))   (overlap-add, window-power normalised)
 *
 * (librosa.core.spectrum.phase_vocoder, after Ellis's 2002 Matlab pvoc; Laroche & Dolson 1999.)
 * Streaming: input STFT columns are computed on demand and output frames overlap-added as they are
 * made, so memory is O(signal length) instead of two full complex spectrograms. Arithmetic is
 * float64 throughout (librosa accumulates the phase in float32 for float32 input; the differences
 * are far below anything that matters for augmentation).
 */
import FFT from "fft.js";
import { hannPeriodic } from "./stft.js";

/** STFT settings (librosa's time_stretch defaults: n_fft 2048, hop n_fft/4). */
export interface VocoderParams {
  /** FFT size, samples, a power of two. Default 2048. */
  readonly nFft: number;
  /** Hop, samples. Default nFft / 4. */
  readonly hopSamples: number;
}

/** librosa's defaults. */
export const DEFAULT_VOCODER: VocoderParams = Object.freeze({ nFft: 2048, hopSamples: 512 });

/** Computes centred, zero-padded STFT columns of one signal on demand. */
class ColumnSource {
  readonly nFrames: number;
  private readonly fft: FFT;
  private readonly window: Float64Array;
  private readonly frame: Float64Array;
  private readonly spec: Float64Array;
  private readonly cache = new Map<number, { mag: Float64Array; phase: Float64Array }>();

  constructor(
    private readonly x: ArrayLike<number>,
    private readonly p: VocoderParams,
  ) {
    this.nFrames = 1 + Math.floor(x.length / p.hopSamples);
    this.fft = new FFT(p.nFft);
    this.window = hannPeriodic(p.nFft);
    this.frame = new Float64Array(p.nFft);
    this.spec = new Float64Array(2 * p.nFft);
  }

  /** Magnitude and phase of column j (zeros beyond the last column, as librosa pads 2 columns). */
  column(j: number): { mag: Float64Array; phase: Float64Array } {
    const hit = this.cache.get(j);
    if (hit !== undefined) return hit;
    const nBins = this.p.nFft / 2 + 1;
    const mag = new Float64Array(nBins);
    const phase = new Float64Array(nBins);
    if (j < this.nFrames) {
      const start = j * this.p.hopSamples - this.p.nFft / 2;
      const { x, frame, window: w } = this;
      for (let k = 0; k < this.p.nFft; k++) {
        const i = start + k;
        frame[k] = i >= 0 && i < x.length ? (x[i] as number) * (w[k] as number) : 0;
      }
      this.fft.realTransform(this.spec, frame);
      for (let k = 0; k < nBins; k++) {
        const re = this.spec[2 * k] as number;
        const im = this.spec[2 * k + 1] as number;
        mag[k] = Math.hypot(re, im);
        phase[k] = Math.atan2(im, re);
      }
    }
    // Only the two newest columns are ever needed again.
    for (const key of this.cache.keys()) if (key < j - 1) this.cache.delete(key);
    const col = { mag, phase };
    this.cache.set(j, col);
    return col;
  }
}

/**
 * Stretches `x` in time by 1 / `rate` (rate > 1 shortens, < 1 lengthens) keeping its pitch.
 * Output length round(x.length / rate), float64.
 */
export function timeStretch(x: ArrayLike<number>, rate: number, p: VocoderParams = DEFAULT_VOCODER): Float64Array {
  if (!(rate > 0 && Number.isFinite(rate))) throw new RangeError(`timeStretch: rate must be positive, got ${rate}`);
  const { nFft, hopSamples: hop } = p;
  const nBins = nFft / 2 + 1;
  const src = new ColumnSource(x, p);
  const length = Math.round(x.length / rate);
  const nSteps = Math.ceil(src.nFrames / rate);
  // istft with a given length uses only the frames that reach into it (librosa istft).
  const nOut = Math.min(nSteps, Math.ceil((length + 2 * (nFft / 2)) / hop));
  const olaLen = nFft + hop * (nOut - 1);
  const y = new Float64Array(olaLen);
  const wss = new Float64Array(olaLen);
  const win = hannPeriodic(nFft);
  const fft = new FFT(nFft);
  const full = new Float64Array(2 * nFft);
  const time = new Float64Array(2 * nFft);
  // Expected phase advance per hop of bin k: 2*pi*hop*k/nFft (np.linspace(0, pi*hop, nBins)).
  const advance = Float64Array.from({ length: nBins }, (_, k) => (Math.PI * hop * k) / (nBins - 1));
  const phaseAcc = Float64Array.from(src.column(0).phase);
  for (let t = 0; t < nOut; t++) {
    const step = t * rate;
    const j = Math.floor(step);
    const alpha = step - j;
    const c0 = src.column(j);
    const c1 = src.column(j + 1);
    for (let k = 0; k < nBins; k++) {
      const mag = (1 - alpha) * (c0.mag[k] as number) + alpha * (c1.mag[k] as number);
      const ph = phaseAcc[k] as number;
      full[2 * k] = mag * Math.cos(ph);
      full[2 * k + 1] = mag * Math.sin(ph);
      let d = (c1.phase[k] as number) - (c0.phase[k] as number) - (advance[k] as number);
      d -= 2 * Math.PI * roundHalfEven(d / (2 * Math.PI));
      phaseAcc[k] = ph + (advance[k] as number) + d;
    }
    // Hermitian completion; irfft ignores the imaginary parts of the DC and Nyquist bins.
    full[1] = 0;
    full[nFft + 1] = 0;
    for (let k = 1; k < nFft / 2; k++) {
      full[2 * (nFft - k)] = full[2 * k] as number;
      full[2 * (nFft - k) + 1] = -(full[2 * k + 1] as number);
    }
    fft.inverseTransform(time, full);
    const at = t * hop;
    for (let n = 0; n < nFft; n++) {
      const w = win[n] as number;
      y[at + n] = (y[at + n] as number) + w * (time[2 * n] as number);
      wss[at + n] = (wss[at + n] as number) + w * w;
    }
  }
  const out = new Float64Array(length);
  const start = nFft / 2;
  // Normalise by the window power where it is not ~0 (librosa: > float tiny).
  for (let i = 0; i < length && start + i < olaLen; i++) {
    const s = wss[start + i] as number;
    const v = y[start + i] as number;
    out[i] = s > 1.1754943508222875e-38 ? v / s : v;
  }
  return out;
}

/** numpy's round: halves to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
