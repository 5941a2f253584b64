/**
 * Mel front-end benchmark: timbrescope's mel (src/features/mel.ts, one core) on a 4-minute track
 * against essentia.js and a NumPy implementation of the same recipe, same samples, same run.
 *
 * essentia.js (0.1.3, the npm build) has no whole-spectrogram call, so it runs its documented
 * per-frame chain FrameGenerator(1024, 256) -> Windowing(hann, unnormalised, no zero-phase) ->
 * Spectrum(1024) -> MelBands(96 bands, 0–11025 Hz, 22050 Hz, type power, slaneyMel warping,
 * unit_tri normalisation, linear weighting), then the same power_to_db in JavaScript. What differs
 * from our recipe: a symmetric Hann window, float32 arithmetic, essentia's own triangle
 * normalisation ('unit_tri', not Slaney's 2/(f[m+2]-f[m]) area norm), and its frame count.
 */
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadMono } from "../src/audio/load.js";
import { powerToDb } from "../src/features/db.js";
import { melWholeDb, melWindowDb } from "../src/features/mel.js";
import { rmsNormalize } from "../src/features/normalize.js";
import { DEFAULT_MEL_PARAMS, framesPerWindow } from "../src/features/params.js";
import { readNpy } from "../src/io/npy.js";
import type { MelResults, RateFigure } from "./lib/schema.js";
import { numpyMel } from "./lib/python-refs.js";
import { timeRepeats } from "./lib/stats.js";

/** Options of {@link benchMel}. */
export interface MelBenchOptions {
  /** The 4-minute input file. */
  readonly trackPath: string;
  /** Scratch folder for the raw samples handed to Python. */
  readonly tmpDir: string;
  /** Seconds of the track essentia.js processes (it takes ~35 ms per second of audio). */
  readonly essentiaSec: number;
  readonly quick: boolean;
  readonly progress: (msg: string) => void;
}

/** The narrow slice of essentia.js used here (the package ships no typings for Node). */
interface EssentiaVector {
  size(): number;
  get(i: number): EssentiaVector;
  delete(): void;
}
interface EssentiaApi {
  FrameGenerator(signal: Float32Array, frameSize: number, hopSize: number): EssentiaVector;
  Windowing(
    frame: EssentiaVector,
    normalized: boolean,
    size: number,
    type: string,
    zeroPadding: number,
    zeroPhase: boolean,
  ): { frame: EssentiaVector };
  Spectrum(frame: EssentiaVector, size: number): { spectrum: EssentiaVector };
  MelBands(
    spectrum: EssentiaVector,
    hi: number,
    inputSize: number,
    log: boolean,
    lo: number,
    normalize: string,
    bands: number,
    sr: number,
    type: string,
    warping: string,
    weighting: string,
  ): { bands: EssentiaVector };
  vectorToArray(v: EssentiaVector): Float32Array;
  version: string;
}

function loadEssentia(): EssentiaApi {
  const req = createRequire(import.meta.url);
  const pkg = req("essentia.js") as { Essentia: new (wasm: unknown) => EssentiaApi; EssentiaWASM: unknown };
  return new pkg.Essentia(pkg.EssentiaWASM);
}

/** essentia.js mel dB of `y`; returns the frame count and seconds for the full chain and for window+spectrum only. */
function essentiaMel(ess: EssentiaApi, y: Float32Array): { frames: number; fullSec: number; spectrumSec: number } {
  const p = DEFAULT_MEL_PARAMS;
  const t0 = performance.now();
  const frames = ess.FrameGenerator(y, p.nFft, p.hopSamples);
  const n = frames.size();
  const power = new Float64Array(p.nMels * n);
  let spectrumMs = 0;
  for (let t = 0; t < n; t++) {
    const f = frames.get(t);
    const s0 = performance.now();
    const w = ess.Windowing(f, false, p.nFft, "hann", 0, false);
    const s = ess.Spectrum(w.frame, p.nFft);
    spectrumMs += performance.now() - s0;
    const m = ess.MelBands(
      s.spectrum,
      p.fMaxHz,
      p.nFft / 2 + 1,
      false,
      p.fMinHz,
      "unit_tri",
      p.nMels,
      p.sampleRateHz,
      "power",
      "slaneyMel",
      "linear",
    );
    const bands = ess.vectorToArray(m.bands);
    for (let k = 0; k < p.nMels; k++) power[k * n + t] = bands[k] as number;
    f.delete();
    w.frame.delete();
    s.spectrum.delete();
    m.bands.delete();
  }
  frames.delete();
  powerToDb(power, p);
  return { frames: n, fullSec: (performance.now() - t0) / 1000, spectrumSec: spectrumMs / 1000 };
}

function rate(name: string, seconds: number, frames: number, audioSec: number, note: string): RateFigure {
  return { name, seconds, audioSec, framesPerSec: frames / seconds, realTimeFactor: audioSec / seconds, note };
}

/** Runs the mel section. */
export async function benchMel(o: MelBenchOptions): Promise<MelResults> {
  const p = DEFAULT_MEL_PARAMS;
  const audio = await loadMono(o.trackPath, { sampleRateHz: p.sampleRateHz });
  const y = rmsNormalize(audio.samples);
  const audioSec = y.length / p.sampleRateHz;

  // Ours and NumPy alternate, round by round, and each keeps its best round: on a shared machine the
  // load changes from minute to minute, and the best repetition is the one least disturbed by it.
  const raw = join(o.tmpDir, "mel-input-f32.raw");
  writeFileSync(raw, Buffer.from(y.buffer, y.byteOffset, y.byteLength));
  const npyPath = join(o.tmpDir, "mel-numpy.npy");
  const rounds = o.quick ? 2 : 3;
  let ours = melWholeDb(y);
  const wholeMs: number[] = [];
  const numpySec: number[] = [];
  let numpyFrames = 0;
  let numpyInfo = "";
  let numpyError: string | undefined;
  for (let round = 0; round < rounds; round++) {
    o.progress(`mel: round ${round + 1}/${rounds}: timbrescope melWholeDb, then NumPy (1 BLAS thread)`);
    wholeMs.push(
      ...(await timeRepeats(() => (ours = melWholeDb(y)), { warmup: round === 0 ? 1 : 0, minReps: 2, budgetMs: 1000, maxReps: 5 })),
    );
    if (numpyError !== undefined) continue;
    try {
      const r = await numpyMel(raw, npyPath, 2);
      numpySec.push(...r.seconds);
      numpyFrames = r.frames;
      numpyInfo = r.info;
    } catch (err) {
      numpyError = err instanceof Error ? err.message : String(err);
      o.progress(`mel: NumPy reference failed: ${numpyError}`);
    }
  }
  const oursWhole = rate(
    "timbrescope melWholeDb (float64, 1 core)",
    Math.min(...wholeMs) / 1000,
    ours.nFrames,
    audioSec,
    `best of ${wholeMs.length}, interleaved with NumPy`,
  );
  let numpy: RateFigure | null = null;
  let numpyMaxAbsDb: number | null = null;
  if (numpySec.length > 0) {
    numpy = rate(
      "NumPy (float64, pocketfft + matmul, 1 thread)",
      Math.min(...numpySec),
      numpyFrames,
      audioSec,
      `best of ${numpySec.length}, interleaved with ours`,
    );
    const ref = await readNpy(npyPath);
    let worst = 0;
    for (let i = 0; i < ours.data.length; i++) worst = Math.max(worst, Math.abs((ours.data[i] as number) - Number(ref.data[i])));
    numpyMaxAbsDb = ref.data.length === ours.data.length ? worst : Number.POSITIVE_INFINITY;
  }

  // The model-window path analyze and live use: one 1 s window at a time, each padded on its own.
  const out = new Float32Array(p.nMels * framesPerWindow(p));
  const nWin = Math.floor(y.length / p.windowSamples);
  const winMs = await timeRepeats(
    () => {
      for (let k = 0; k < nWin; k++) melWindowDb(y, k * p.windowSamples, p, out);
    },
    { warmup: 1, minReps: 2, budgetMs: o.quick ? 1000 : 3000, maxReps: 10 },
  );
  const perWindowSec = Math.min(...winMs) / 1000 / nWin;

  o.progress(`mel: essentia.js on ${o.essentiaSec} s of the track`);
  let essentia: RateFigure | null = null;
  let essentiaSpectrum: RateFigure | null = null;
  try {
    const ess = loadEssentia();
    const slice = y.subarray(0, Math.min(y.length, Math.round(o.essentiaSec * p.sampleRateHz)));
    essentiaMel(ess, slice.subarray(0, Math.min(slice.length, p.sampleRateHz))); // warm-up
    const e = essentiaMel(ess, slice);
    const sec = slice.length / p.sampleRateHz;
    essentia = rate(
      `essentia.js ${ess.version} (wasm, per-frame API, float32)`,
      e.fullSec,
      e.frames,
      sec,
      `${sec.toFixed(0)} s of the track`,
    );
    essentiaSpectrum = rate("essentia.js Windowing + Spectrum only", e.spectrumSec, e.frames, sec, "lower bound: no mel bands, no dB");
  } catch (err) {
    o.progress(`mel: essentia.js failed: ${err instanceof Error ? err.message : String(err)}`);
  }

  return {
    trackSec: audioSec,
    frames: ours.nFrames,
    ours: oursWhole,
    oursWindow: {
      name: "timbrescope melWindowDb (1 s model windows)",
      seconds: perWindowSec * nWin,
      audioSec: nWin,
      framesPerSec: (nWin * framesPerWindow(p)) / (perWindowSec * nWin),
      realTimeFactor: 1 / perWindowSec,
      note: `${(perWindowSec * 1000).toFixed(2)} ms per window`,
    },
    essentia,
    essentiaSpectrumOnly: essentiaSpectrum,
    numpy,
    numpyMaxAbsDb,
    numpyInfo,
  };
}
