/**
 * MelParams: THE front-end contract, defined once. Every model's manifest carries `melParamsHash`,
 * and loading a model whose hash differs from the running front-end is an error naming the field.
 *
 * The values reproduce librosa 0.10's
 *   melspectrogram(y, sr=22050, n_fft=1024, hop_length=256, n_mels=96, fmin=0, fmax=11025)
 *   power_to_db(S, ref=1.0, amin=1e-10, top_db=80)
 * on 1 s windows, as in Gururani et al. (ISMIR 2018) §3.1.
 *
 * Frame count: one 22050-sample window with center=True gives 1 + floor(22050/256) = 87 frames.
 * The paper writes "96 x 86"; no librosa setting turns exactly 22050 samples into 86 frames
 * (86 = frames per second). We keep all 87 (see docs/fixtures.md, "Frame count").
 */
import { createHash } from "node:crypto";

export type PadMode = "constant" | "reflect";

export interface MelParams {
  /** Analysis sample rate, Hz. Audio is resampled to this first. Default 22050. */
  readonly sampleRateHz: number;
  /** FFT size in samples (= window length). Default 1024. */
  readonly nFft: number;
  /** Hop between STFT frames, samples. Default 256. */
  readonly hopSamples: number;
  /** Analysis window: periodic Hann (scipy `get_window('hann', n, fftbins=True)`). */
  readonly window: "hann-periodic";
  /** librosa center=True: pad nFft/2 on both sides so frame t is centred on sample t*hop. */
  readonly center: true;
  /** Padding used by center=True: zeros (librosa >= 0.9 default) or mirror without edge repeat. */
  readonly padMode: PadMode;
  /** Magnitude exponent: 2 = power spectrum. */
  readonly power: 2;
  /** Number of mel bands. Default 96. */
  readonly nMels: number;
  /** Lowest band edge, Hz. Default 0. */
  readonly fMinHz: number;
  /** Highest band edge, Hz. Default 11025 (Nyquist). */
  readonly fMaxHz: number;
  /** Slaney mel scale (linear below 1 kHz, log above) with Slaney area normalisation. */
  readonly melScale: "slaney";
  readonly melNorm: "slaney";
  /** power_to_db reference (1.0), floor amin (1e-10) and dynamic range top_db (80 dB, per window). */
  readonly dbRef: number;
  readonly dbAmin: number;
  readonly topDb: number;
  /** Model input window, samples (1 s at 22050 Hz). */
  readonly windowSamples: number;
  /** Offline level normalisation before windowing: divide by the whole track's RMS. */
  readonly normalization: "rms-track";
}

/** The paper's front-end. */
export const DEFAULT_MEL_PARAMS: MelParams = Object.freeze({
  sampleRateHz: 22050,
  nFft: 1024,
  hopSamples: 256,
  window: "hann-periodic",
  center: true,
  padMode: "constant",
  power: 2,
  nMels: 96,
  fMinHz: 0,
  fMaxHz: 11025,
  melScale: "slaney",
  melNorm: "slaney",
  dbRef: 1,
  dbAmin: 1e-10,
  topDb: 80,
  windowSamples: 22050,
  normalization: "rms-track",
});

/** Number of STFT frames for `n` samples with center=True: 1 + floor(n / hop). */
export function frameCount(nSamples: number, p: MelParams = DEFAULT_MEL_PARAMS): number {
  return 1 + Math.floor(nSamples / p.hopSamples);
}

/** Frames in one model window (87 for the defaults). */
export function framesPerWindow(p: MelParams = DEFAULT_MEL_PARAMS): number {
  return frameCount(p.windowSamples, p);
}

/** Stable JSON: keys sorted, so the hash does not depend on property order. */
function canonicalJson(p: MelParams): string {
  const rec = p as unknown as Record<string, unknown>;
  return JSON.stringify(
    Object.keys(rec)
      .sort()
      .map((k) => [k, rec[k]]),
  );
}

/** Stable hash of the params (sha256 of canonical JSON, first 16 hex digits). */
export function melParamsHash(p: MelParams = DEFAULT_MEL_PARAMS): string {
  return createHash("sha256").update(canonicalJson(p)).digest("hex").slice(0, 16);
}

/** Lists the fields in which `a` and `b` differ, e.g. `["padMode: constant != reflect"]`. */
export function diffMelParams(a: MelParams, b: MelParams): string[] {
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort();
  return keys.filter((k) => ra[k] !== rb[k]).map((k) => `${k}: ${String(ra[k])} != ${String(rb[k])}`);
}

/** Returns the default params with `padMode` replaced. */
export function withPadMode(padMode: PadMode, p: MelParams = DEFAULT_MEL_PARAMS): MelParams {
  return Object.freeze({ ...p, padMode });
}
