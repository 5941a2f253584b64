/**
 * Where a catalog track's time goes, stage by stage, each timed alone on the calling thread (one
 * core): content hash, decode (wall time, with Xiph's flac in a child process where installed, as the catalog decodes), downmix + resample to 22.05 kHz, mel front-end of every 1 s window,
 * the network (ONNX Runtime, one thread, batches of 8 as the catalog scores them) and the result
 * write (float16 .npy + JSON, atomically). A pipelined run overlaps these across files and cores;
 * their sum per core is the bound: real time factor ≤ cores × trackSec / sum.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { decodeFile } from "../../src/audio/decode.js";
import { flacDecodes } from "../../src/audio/decode-flac-native.js";
import { downmixToMono } from "../../src/audio/downmix.js";
import { StreamingResampler } from "../../src/audio/resample.js";
import { loadInProcessScorer } from "../../src/catalog/analyze-track.js";
import { CATALOG_ANALYSIS, hashFile } from "../../src/catalog/identity.js";
import { resultPaths, writeResult } from "../../src/catalog/result-file.js";
import { melWindowDb } from "../../src/features/mel.js";
import { rms } from "../../src/features/normalize.js";
import { DEFAULT_MEL_PARAMS, framesPerWindow } from "../../src/features/params.js";

/** Milliseconds per stage for one track, one core. */
export interface StageTimes {
  readonly hashMs: number;
  readonly decodeMs: number;
  readonly resampleMs: number;
  readonly melMs: number;
  readonly networkMs: number;
  readonly writeMs: number;
  /** Which FLAC decoder the decode stage used: "native flac" (Xiph's flac, a child process) or "wasm". */
  readonly decoder: string;
}

/** Windows per network call: the catalog's batch (see src/catalog/analyze-track.ts). */
const BATCH = 8;

const time = async <T>(fn: () => Promise<T> | T): Promise<[T, number]> => {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
};

/** Times each stage once on `path` with the model in `modelDir`. */
export async function stageTimes(path: string, modelDir: string): Promise<StageTimes> {
  const p = DEFAULT_MEL_PARAMS;
  const [hash, hashMs] = await time(() => hashFile(path));
  const nativeBefore = flacDecodes.native;
  const [audio, decodeMs] = await time(() => decodeFile(path));
  const decoder = flacDecodes.native > nativeBefore ? "native flac" : "wasm";
  const [mono, resampleMs] = await time(() => {
    const r = new StreamingResampler(audio.sampleRateHz, p.sampleRateHz);
    const a = r.push(downmixToMono(audio.channels));
    const b = r.flush();
    const out = new Float32Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  });
  const level = rms(mono);
  const n = Math.floor(mono.length / p.windowSamples);
  const melSize = p.nMels * framesPerWindow(p);
  const mel = new Float32Array(n * melSize);
  const window = new Float32Array(p.windowSamples);
  const [, melMs] = await time(() => {
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < p.windowSamples; i++) window[i] = (mono[k * p.windowSamples + i] as number) / (level || 1);
      melWindowDb(window, 0, p, mel.subarray(k * melSize, (k + 1) * melSize));
    }
  });
  const scorer = await loadInProcessScorer(modelDir);
  let scores = new Float32Array(0);
  let networkMs: number;
  try {
    await scorer.scoreMel(mel.subarray(0, BATCH * melSize), Math.min(BATCH, n)); // warm-up
    [scores, networkMs] = await time(async () => {
      const out = new Float32Array(n * scorer.labels.length);
      for (let k = 0; k < n; k += BATCH) {
        const m = Math.min(BATCH, n - k);
        out.set(await scorer.scoreMel(mel.subarray(k * melSize, (k + m) * melSize), m), k * scorer.labels.length);
      }
      return out;
    });
  } finally {
    await scorer.dispose?.();
  }
  const dir = mkdtempSync(join(tmpdir(), "timbrescope-bench-write-"));
  try {
    const classes = [...scorer.labels];
    const [, writeMs] = await time(() =>
      writeResult(
        resultPaths(dir, "bench", hash),
        {
          hash,
          bytes: 0,
          modelKey: "bench",
          modelId: scorer.modelId,
          inputRateHz: audio.sampleRateHz,
          durationSec: n,
          windows: n,
          windowSec: CATALOG_ANALYSIS.hopSec,
          classes,
          thresholds: classes.map(() => 0.5),
          tags: classes.map((c) => ({ class: c, score: 0.5, active: true, activeSec: n })),
          top: classes[0] ?? null,
          segments: classes.map((c) => ({ class: c, start: 0, end: n, peak: 0.5 })),
        },
        scores,
      ),
    );
    return { hashMs, decodeMs, resampleMs, melMs, networkMs, writeMs, decoder };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
