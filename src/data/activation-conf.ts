/**
 * MedleyDB's activation-confidence recipe (Bittner et al., ISMIR 2014; code:
 * marl/medleydb `medleydb/annotate/activation_conf.py`, summarised in docs/datasets.md §5),
 * used when a track has stems but no `.lab` file:
 *
 * 1. each stem mono at 44.1 kHz;
 * 2. envelope: pre-pad 2048 zeros, post-pad to a multiple of 4096, frames of 4096 with hop 2048
 *    (frame k centred on sample 2048·k), half-wave rectify, sqrt, mean of frame × MATLAB
 *    `hanning(4096)` (= scipy `hann(4098)[1:-1]`);
 * 3. `E0 = Σ_stems H`; `H = n_stems · H / max_t E0` (max over the whole track);
 * 4. `H = 0` wherever `E0 < 0.01` (E0 before normalisation);
 * 5. 2nd-order Butterworth low-pass at 0.075 × Nyquist of the frame rate, applied with
 *    `scipy.signal.filtfilt` defaults (odd extension of 3·max(len(a), len(b)) = 9 frames,
 *    `lfilter_zi` initial states scaled by the first sample of each pass);
 * 6. `C = 1 − 1/(1 + exp(20·(H − 0.15)))`.
 *
 * librosa.load returns float32, so the rectify-and-sqrt of step 2 runs in float32 upstream; we
 * round it to float32 the same way (`Math.fround`) and do everything else in float64.
 */
import { UserError } from "../errors.js";
import type { LabTable } from "./lab.js";

/** Parameters of the recipe (MedleyDB defaults). */
export interface ActivationParams {
  /** Stem sample rate the recipe assumes, Hz. Default 44100. */
  readonly sampleRateHz: number;
  /** Frame length in samples; hop is half of it. Default 4096. */
  readonly winLen: number;
  /** Low-pass cutoff as a fraction of the frame-rate Nyquist. Default 0.075. */
  readonly lpfCutoff: number;
  /** Logistic midpoint on the normalised energy. Default 0.15. */
  readonly theta: number;
  /** Logistic slope. Default 20. */
  readonly lambda: number;
  /** Frames whose summed (unnormalised) energy is below this are zeroed. Default 0.01. */
  readonly amplitudeThreshold: number;
}

/** MedleyDB's defaults (`compute_activation_confidence`). */
export const MEDLEYDB_ACTIVATION_PARAMS: ActivationParams = Object.freeze({
  sampleRateHz: 44100,
  winLen: 4096,
  lpfCutoff: 0.075,
  theta: 0.15,
  lambda: 20,
  amplitudeThreshold: 0.01,
});

/** One stem's mono samples at `sampleRateHz`, with its `.lab` column name. */
export interface StemSignal {
  /** `S01`, ... (the column name). */
  readonly key: string;
  readonly samples: Float32Array;
}

/**
 * Envelope of one signal (step 2): one value per frame, frame k centred on sample k·hop. A stem
 * shorter than the others only differs by trailing all-zero frames, so envelopes can be computed
 * one stem at a time (and the samples dropped) and zero-extended later.
 */
export function stemEnvelope(samples: Float32Array, winLen: number = MEDLEYDB_ACTIVATION_PARAMS.winLen): Float64Array {
  const nSamples = samples.length;
  const hop = winLen / 2;
  const padded = winLen * Math.ceil((nSamples + hop) / winLen);
  const nFrames = 1 + (padded - winLen) / hop;
  // sqrt of the half-wave rectified float32 signal, in float32 as upstream
  const root = new Float64Array(nSamples);
  for (let i = 0; i < nSamples; i++) {
    const x = samples[i] as number;
    root[i] = x > 0 ? Math.fround(Math.sqrt(x)) : 0;
  }
  const win = matlabHanning(winLen);
  const env = new Float64Array(nFrames);
  for (let k = 0; k < nFrames; k++) {
    const start = k * hop - hop; // the hop-sample pre-pad puts frame k's centre on sample k·hop
    let acc = 0;
    const j0 = Math.max(0, -start);
    const j1 = Math.min(winLen, nSamples - start);
    for (let j = j0; j < j1; j++) acc += (win[j] as number) * (root[start + j] as number);
    env[k] = acc / winLen;
  }
  return env;
}

/** MATLAB `hanning(n)`: the symmetric Hann window of n+2 points without its two zero ends. */
export function matlabHanning(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let j = 0; j < n; j++) w[j] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (j + 1)) / (n + 1));
  return w;
}

/**
 * Computes the activation confidence of a multitrack from its stems. Stems of unequal length are
 * zero-padded to the longest. Returns a table in `.lab` layout: times `k·hop/sampleRateHz` and
 * one column per stem, in the order given.
 */
export function computeActivationConfidence(stems: readonly StemSignal[], params: ActivationParams = MEDLEYDB_ACTIVATION_PARAMS): LabTable {
  return activationFromEnvelopes(
    stems.map((s) => ({ key: s.key, envelope: stemEnvelope(s.samples, params.winLen) })),
    params,
  );
}

/** Steps 3-6 on per-stem envelopes from {@link stemEnvelope} (shorter ones are zero-extended). */
export function activationFromEnvelopes(
  stems: ReadonlyArray<{ readonly key: string; readonly envelope: Float64Array }>,
  params: ActivationParams = MEDLEYDB_ACTIVATION_PARAMS,
): LabTable {
  if (stems.length === 0) throw new UserError("activation confidence needs at least one stem, got none");
  const nFrames = Math.max(...stems.map((s) => s.envelope.length));
  const H = stems.map((s) => {
    const h = new Float64Array(nFrames);
    h.set(s.envelope);
    return h;
  });
  const e0 = new Float64Array(nFrames);
  for (const h of H) for (let k = 0; k < nFrames; k++) e0[k] = (e0[k] as number) + (h[k] as number);
  let maxE0 = 0;
  for (let k = 0; k < nFrames; k++) maxE0 = Math.max(maxE0, e0[k] as number);
  const { b, a } = butterLowpass2(params.lpfCutoff);
  const values = H.map((h) => {
    const norm = new Float64Array(nFrames);
    for (let k = 0; k < nFrames; k++) {
      // numpy: n * H / max(E0), then H[:, E0 < thr] = 0 (which also clears the 0/0 of a silent track)
      norm[k] = (e0[k] as number) < params.amplitudeThreshold ? 0 : (stems.length * (h[k] as number)) / maxE0;
    }
    const smooth = filtfilt(b, a, norm);
    for (let k = 0; k < nFrames; k++) {
      smooth[k] = 1 - 1 / (1 + Math.exp(params.lambda * ((smooth[k] as number) - params.theta)));
    }
    return smooth;
  });
  const hop = params.winLen / 2;
  const times = new Float64Array(nFrames);
  for (let k = 0; k < nFrames; k++) times[k] = (k * hop) / params.sampleRateHz;
  return { columns: stems.map((s) => s.key), times, values };
}

/**
 * `scipy.signal.butter(2, wn, 'low')` (digital, wn relative to Nyquist): bilinear transform of
 * the analog Butterworth prototype with pre-warping, written out for order 2.
 */
export function butterLowpass2(wn: number): { b: [number, number, number]; a: [number, number, number] } {
  if (!(wn > 0 && wn < 1)) throw new UserError(`Expected a cutoff in (0, 1) relative to Nyquist, got ${wn}`);
  const k = Math.tan((Math.PI * wn) / 2);
  const k2 = k * k;
  const norm = 1 / (1 + Math.SQRT2 * k + k2);
  return {
    b: [k2 * norm, 2 * k2 * norm, k2 * norm],
    a: [1, 2 * (k2 - 1) * norm, (1 - Math.SQRT2 * k + k2) * norm],
  };
}

/**
 * `scipy.signal.filtfilt(b, a, x)` with its defaults for a 2nd-order section: padtype 'odd',
 * padlen 3·max(len(a), len(b)) = 9, initial conditions `lfilter_zi(b, a) · x_ext[0]` forwards
 * and `· y[-1]` backwards. Requires more than padlen samples, as scipy does.
 */
export function filtfilt(b: readonly number[], a: readonly number[], x: Float64Array): Float64Array {
  const edge = 3 * Math.max(a.length, b.length);
  const n = x.length;
  if (n <= edge) {
    throw new UserError(`activation confidence needs more than ${edge} frames (${((edge + 1) * 2048) / 44100} s), got ${n}`);
  }
  const ext = new Float64Array(n + 2 * edge);
  const x0 = x[0] as number;
  const xn = x[n - 1] as number;
  for (let i = 0; i < edge; i++) ext[i] = 2 * x0 - (x[edge - i] as number);
  ext.set(x, edge);
  for (let i = 0; i < edge; i++) ext[edge + n + i] = 2 * xn - (x[n - 2 - i] as number);
  const zi = lfilterZi(b, a);
  const fwd = lfilter2(b, a, ext, zi, ext[0] as number);
  fwd.reverse();
  const bwd = lfilter2(b, a, fwd, zi, fwd[0] as number);
  bwd.reverse();
  return bwd.slice(edge, edge + n);
}

/** `scipy.signal.lfilter_zi` for a 2nd-order filter (a[0] = 1): the step-response steady state. */
function lfilterZi(b: readonly number[], a: readonly number[]): [number, number] {
  const [b0, b1, b2] = [b[0] ?? 0, b[1] ?? 0, b[2] ?? 0];
  const [a1, a2] = [a[1] ?? 0, a[2] ?? 0];
  // (I - companion(a)^T) zi = b[1:] - a[1:]·b[0]
  const B0 = b1 - a1 * b0;
  const B1 = b2 - a2 * b0;
  const z0 = (B0 + B1) / (1 + a1 + a2);
  return [z0, B1 - a2 * z0];
}

/** Direct form II transposed, order 2 (scipy `lfilter`), states initialised to `zi · scale`. */
function lfilter2(b: readonly number[], a: readonly number[], x: Float64Array, zi: [number, number], scale: number): Float64Array {
  const [b0, b1, b2] = [b[0] ?? 0, b[1] ?? 0, b[2] ?? 0];
  const [a1, a2] = [a[1] ?? 0, a[2] ?? 0];
  let z0 = zi[0] * scale;
  let z1 = zi[1] * scale;
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    const yi = b0 * xi + z0;
    z0 = b1 * xi + z1 - a1 * yi;
    z1 = b2 * xi - a2 * yi;
    y[i] = yi;
  }
  return y;
}
