/**
 * A deterministic stand-in for the model, for pipeline tests only (never offered to users): class c
 * "listens" to the mel bands around band b_c = round((c + 0.5) * nMels / nClasses), so a sine at
 * {@link classToneHz}(c) makes class c score high. Loadable in the scorer worker through
 * {@link fakeScorerSpec} (module path + plain options).
 *
 * Scores per window, from the [nMels][nFrames] dB input:
 *   relative: peak_c = mean over frames of max dB in bands b_c-1..b_c+1;  s_c = sigmoid((peak_c - (max - 20)) / 2)
 *   absolute: s_c = sigmoid((peak_c + 20) / 5)  (depends on the input level, to expose level differences)
 */
import { fileURLToPath } from "node:url";
import { CLASSES } from "../../src/data/classes.js";
import { DEFAULT_MEL_PARAMS, framesPerWindow } from "../../src/features/params.js";
import type { ScorerSpec, MelScorer } from "../../src/pipeline/mel-scorer.js";

/** Options of the fake scorer (plain data, cloneable into the worker). */
export interface FakeScorerOptions {
  readonly mode?: "relative" | "absolute";
  /** Extra time per scoreMel() call, ms (a slow model). */
  readonly delayMs?: number;
  readonly modelId?: string;
  /** Thresholds for all classes. Default 0.5. */
  readonly threshold?: number;
  /** Busy-wait this long per scoreMel() call, ms (a model that hogs its thread). */
  readonly busyMs?: number;
  /** Fail every score() call with this message. */
  readonly failWith?: string;
}

const N_MELS = DEFAULT_MEL_PARAMS.nMels;
const N_CLASSES = CLASSES.length;

/** Mel band class c listens to. */
export function classBand(c: number): number {
  return Math.round(((c + 0.5) * N_MELS) / N_CLASSES);
}

/** Slaney mel -> Hz (librosa mel_to_hz, htk=False). */
function melToHz(m: number): number {
  const fSp = 200 / 3;
  const minLogMel = 1000 / fSp;
  const logstep = Math.log(6.4) / 27;
  return m < minLogMel ? fSp * m : 1000 * Math.exp(logstep * (m - minLogMel));
}

function hzToMel(f: number): number {
  const fSp = 200 / 3;
  const logstep = Math.log(6.4) / 27;
  return f < 1000 ? f / fSp : 1000 / fSp + Math.log(f / 1000) / logstep;
}

/** Centre frequency of the band class c listens to, Hz (a sine here drives class c). */
export function classToneHz(c: number): number {
  const maxMel = hzToMel(DEFAULT_MEL_PARAMS.fMaxHz);
  return melToHz(((classBand(c) + 1) * maxMel) / (N_MELS + 1));
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Scores one window (exported so tests can compute expectations on mel input directly). */
export function fakeScores(mel: Float32Array, mode: "relative" | "absolute" = "relative"): Float32Array {
  const nFrames = framesPerWindow();
  let max = -Infinity;
  for (const v of mel) max = Math.max(max, v);
  const out = new Float32Array(N_CLASSES);
  for (let c = 0; c < N_CLASSES; c++) {
    const b = classBand(c);
    let sum = 0;
    for (let t = 0; t < nFrames; t++) {
      let peak = -Infinity;
      for (let k = Math.max(0, b - 1); k <= Math.min(N_MELS - 1, b + 1); k++) peak = Math.max(peak, mel[k * nFrames + t] as number);
      sum += peak;
    }
    const peak = sum / nFrames;
    out[c] = mode === "relative" ? sigmoid((peak - (max - 20)) / 2) : sigmoid((peak + 20) / 5);
  }
  return out;
}

/** The factory the worker imports. */
export function createScorer(options: unknown): MelScorer {
  const o = (options ?? {}) as FakeScorerOptions;
  const melSize = N_MELS * framesPerWindow();
  let calls = 0;
  return {
    labels: CLASSES.map((c) => c.label),
    thresholds: CLASSES.map(() => o.threshold ?? 0.5),
    modelId: o.modelId ?? "fake-bands",
    numTensors: () => 7,
    async scoreMel(windows: Float32Array, n: number): Promise<Float32Array> {
      calls++;
      if (o.failWith !== undefined) throw new Error(o.failWith);
      if (o.delayMs !== undefined && o.delayMs > 0) await new Promise((r) => setTimeout(r, o.delayMs));
      for (const t0 = Date.now(); Date.now() - t0 < (o.busyMs ?? 0););
      const out = new Float32Array(n * N_CLASSES);
      for (let i = 0; i < n; i++) out.set(fakeScores(windows.subarray(i * melSize, (i + 1) * melSize), o.mode), i * N_CLASSES);
      return out;
    },
    dispose: () => {
      calls = -calls;
    },
  };
}

/** A spec that loads this module's createScorer in the worker. */
export function fakeScorerSpec(options: FakeScorerOptions = {}): ScorerSpec {
  return { module: fileURLToPath(import.meta.url), options };
}
