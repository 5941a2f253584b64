/**
 * The offline pipeline: the live pipeline's stages on a whole signal at a given hop. `analyze`
 * builds on {@link analyzeFile}. Differences from live.ts are only where the data comes from (a
 * file stream: the same decode -> downmix -> resample chain as loadMono, bit-identical to the
 * streaming path of live) and that windows are scored in batches, in-process or in a worker pool.
 *
 * Memory is bounded whatever the file's length: samples are kept only from the next window's
 * start on, windows exist only per batch, and the result holds one small Frame per window.
 * Level normalisation defaults to the paper's whole-track RMS ("track"), which needs the RMS
 * before the first window: short files are kept from that first pass (up to REPLAY_LIMIT
 * samples), longer ones are decoded twice. The live modes (running RMS, fixed RMS, none) are
 * available so that live and offline can be compared exactly.
 */
import { applyLevel, createLevelTracker } from "../audio/live-loudness.js";
import type { LevelNormalization } from "../audio/live-loudness.js";
import { openMonoStream } from "../audio/mono-stream.js";
import { checkHopSec, DEFAULT_HOP_SEC, windowStartSample } from "../audio/windower.js";
import { nowMs } from "../audio/source.js";
import type { PostConfig } from "../config/triggers.js";
import { findClass } from "../data/classes.js";
import { melWindowDb } from "../features/mel.js";
import { rms, sumSquares } from "../features/normalize.js";
import { DEFAULT_MEL_PARAMS, framesPerWindow } from "../features/params.js";
import type { MelParams } from "../features/params.js";
import type { Frame, SessionInfo } from "./frame.js";
import { PostStage } from "./post-stage.js";
import { checkScores } from "./scorer.js";
import type { WindowScorer } from "./scorer.js";
import type { SampleScorer } from "./worker-pool.js";

/** Offline level modes: the live ones plus "track" (divide by the whole signal's RMS; the default). */
export type OfflineNormalization = LevelNormalization | { readonly kind: "track" };

/** Options for {@link analyzeSamples} / {@link analyzeFile}. */
export interface OfflineOptions {
  /** Hop between window starts, seconds. Default 0.25 (1 = the paper's non-overlapping windows). */
  readonly hopSec?: number;
  /** Default { kind: "track" }. */
  readonly normalization?: OfflineNormalization;
  /** Post-processing config (default DEFAULT_POST_CONFIG); frames carry smoothed/active/triggers. */
  readonly post?: PostConfig;
  /** Windows per scorer call. Default 32. */
  readonly batchSize?: number;
  readonly params?: MelParams;
  /** Files whose analysis-rate length is at most this are decoded once (default REPLAY_LIMIT); tests lower it. */
  readonly replayLimitSamples?: number;
  /** Called after each scored batch with the seconds analysed so far and the signal's length (NaN if unknown). */
  readonly onProgress?: (sec: number, totalSec: number) => void;
}

/** What an offline run produces. */
export interface OfflineResult {
  readonly session: SessionInfo;
  /** One frame per window that fits entirely in the signal: starts windowStartSample(k) + windowSamples <= length. */
  readonly frames: Frame[];
  /** RMS of the whole signal (what "track" divides by; NaN when another mode skipped computing it). */
  readonly trackRms: number;
}

/** Files up to this many analysis-rate samples (10 min at 22.05 kHz, 53 MB) are decoded once. */
export const REPLAY_LIMIT = 10 * 60 * 22050;

/** Number of whole windows in `nSamples` at a hop. */
export function windowCount(nSamples: number, hopSec: number, p: MelParams = DEFAULT_MEL_PARAMS): number {
  let k = 0;
  while (windowStartSample(k, hopSec, p.sampleRateHz) + p.windowSamples <= nSamples) k++;
  return k;
}

/** A WindowScorer as a SampleScorer: the mel front-end runs here, then the scorer. */
function inProcess(scorer: WindowScorer, p: MelParams): SampleScorer {
  const melSize = p.nMels * framesPerWindow(p);
  return {
    labels: scorer.labels, thresholds: scorer.thresholds, modelId: scorer.modelId,
    async scoreSamples(samples, n) {
      const mel = new Float32Array(n * melSize);
      for (let j = 0; j < n; j++) melWindowDb(samples.subarray(j * p.windowSamples, (j + 1) * p.windowSamples), 0, p, mel.subarray(j * melSize, (j + 1) * melSize));
      return scorer.score(mel, n);
    },
  };
}

const isSampleScorer = (s: WindowScorer | SampleScorer): s is SampleScorer => "scoreSamples" in s;

interface Batch {
  readonly meta: { start: number; levelRms: number }[];
  readonly scores: Promise<Float32Array>;
}

/**
 * Analyses a stream of mono chunks at the analysis rate (params.sampleRateHz).
 * @param trackRms the whole signal's RMS, required when normalization is "track"
 */
export async function analyzeChunks(
  chunks: AsyncIterable<Float32Array> | Iterable<Float32Array>,
  scorerIn: WindowScorer | SampleScorer,
  opts: OfflineOptions & { readonly trackRms?: number; readonly name?: string; readonly inputRateHz?: number; readonly inFlight?: number; readonly totalSamples?: number },
): Promise<OfflineResult> {
  const p = opts.params ?? DEFAULT_MEL_PARAMS;
  const hopSec = checkHopSec(opts.hopSec ?? DEFAULT_HOP_SEC, p);
  const norm = opts.normalization ?? { kind: "track" };
  const trackRms = opts.trackRms ?? Number.NaN;
  if (norm.kind === "track" && !Number.isFinite(trackRms)) throw new Error("analyzeChunks: track normalisation needs trackRms");
  const scorer = isSampleScorer(scorerIn) ? scorerIn : inProcess(scorerIn, p);
  const level = createLevelTracker(norm.kind === "track" ? { kind: "fixed", rms: trackRms } : norm, p.sampleRateHz);
  const post = new PostStage(scorer.labels, scorer.thresholds, 1, opts.post);
  const nLabels = scorer.labels.length;
  const W = p.windowSamples;
  const batchSize = Math.max(1, opts.batchSize ?? 32);
  const maxInFlight = Math.max(1, opts.inFlight ?? 1);
  const frames: Frame[] = [];
  const inFlight: Batch[] = [];
  // buf holds samples [bufStart, bufStart + bufLen) of the signal.
  let buf = new Float32Array(Math.max(2 * W, 1 << 16));
  let bufStart = 0;
  let bufLen = 0;
  let pushed = 0;
  let k = 0;
  let windows = new Float32Array(batchSize * W);
  let meta: Batch["meta"] = [];

  const finish = async (b: Batch): Promise<void> => {
    const scores = checkScores(await b.scores, b.meta.length, nLabels);
    b.meta.forEach((m, j) => {
      const raw = scores.slice(j * nLabels, (j + 1) * nLabels);
      const idx = frames.length;
      frames.push({
        seq: idx, lane: 0, channel: null, index: idx, startSample: m.start, sampleRateHz: p.sampleRateHz, captureTimeMs: Number.NaN,
        levelRms: m.levelRms, raw, ...post.step(0, raw, m.start / p.sampleRateHz),
      });
    });
    opts.onProgress?.(((b.meta.at(-1)?.start ?? 0) + W) / p.sampleRateHz, (opts.totalSamples ?? Number.NaN) / p.sampleRateHz);
  };
  const send = async (): Promise<void> => {
    if (meta.length === 0) return;
    inFlight.push({ meta, scores: scorer.scoreSamples(windows.subarray(0, meta.length * W), meta.length) });
    windows = new Float32Array(batchSize * W);
    meta = [];
    while (inFlight.length >= maxInFlight) await finish(inFlight.shift() as Batch);
  };
  const take = async (): Promise<void> => {
    for (;;) {
      const start = windowStartSample(k, hopSec, p.sampleRateHz);
      const end = start + W;
      if (end > bufStart + bufLen) break;
      // Feed the level tracker exactly up to the window's end, as the live windower has.
      if (end > pushed) level.push(buf.subarray(pushed - bufStart, end - bufStart));
      pushed = Math.max(pushed, end);
      const levelRms = level.rmsAt(end);
      const slot = windows.subarray(meta.length * W, (meta.length + 1) * W);
      slot.set(buf.subarray(start - bufStart, end - bufStart));
      applyLevel(slot, levelRms);
      meta.push({ start, levelRms });
      k++;
      if (meta.length === batchSize) await send();
    }
  };
  for await (const chunk of chunks) {
    // Drop what no later window or the level tracker needs, then append.
    const keepFrom = Math.min(windowStartSample(k, hopSec, p.sampleRateHz), pushed);
    if (keepFrom > bufStart) {
      buf.copyWithin(0, keepFrom - bufStart, bufLen);
      bufLen -= keepFrom - bufStart;
      bufStart = keepFrom;
    }
    if (bufLen + chunk.length > buf.length) {
      const bigger = new Float32Array(Math.max(2 * buf.length, bufLen + chunk.length));
      bigger.set(buf.subarray(0, bufLen));
      buf = bigger;
    }
    buf.set(chunk, bufLen);
    bufLen += chunk.length;
    await take();
  }
  await send();
  while (inFlight.length > 0) await finish(inFlight.shift() as Batch);
  const session: SessionInfo = {
    labels: scorer.labels, classIds: scorer.labels.map((l) => findClass(l)?.id ?? l), modelId: scorer.modelId, thresholds: post.thresholds(),
    sampleRateHz: p.sampleRateHz, inputRateHz: opts.inputRateHz ?? p.sampleRateHz, hopSec, windowSec: W / p.sampleRateHz,
    source: { name: opts.name ?? "samples", kind: "offline", channels: 1 }, lanes: [null], rules: post.rules.map((r) => r.name), startedAtMs: nowMs(),
  };
  return { session, frames, trackRms };
}

/**
 * Analyses mono samples at the analysis rate (params.sampleRateHz).
 * @param name         shown as the session's source name
 * @param inputRateHz  the file's own rate, for the session (default: the analysis rate)
 */
export function analyzeSamples(
  samples: Float32Array,
  scorer: WindowScorer | SampleScorer,
  opts: OfflineOptions = {},
  name = "samples",
  inputRateHz?: number,
): Promise<OfflineResult> {
  const trackRms = rms(samples);
  return analyzeChunks([samples], scorer, { ...opts, trackRms, name, totalSamples: samples.length, ...(inputRateHz === undefined ? {} : { inputRateHz }) });
}

/**
 * Streams `path` (decode, channel mean, HQ resample to the analysis rate: loadMono's samples)
 * through the pipeline. `scorerIn` may still be loading: it is awaited only once the first pass
 * (the track RMS) is done.
 * @param inFlight batches scored concurrently (the size of a worker pool); default 1
 * @throws InputFileError for unreadable or undecodable files
 */
export async function analyzeFile(
  path: string,
  scorerIn: WindowScorer | SampleScorer | Promise<WindowScorer | SampleScorer>,
  opts: OfflineOptions & { readonly inFlight?: number } = {},
): Promise<OfflineResult> {
  const p = opts.params ?? DEFAULT_MEL_PARAMS;
  const stream = await openMonoStream(path, { sampleRateHz: p.sampleRateHz });
  try {
    const base = { ...opts, name: path, inputRateHz: stream.source.sampleRateHz, totalSamples: stream.length };
    if ((opts.normalization ?? { kind: "track" }).kind !== "track") return await analyzeChunks(stream.chunks(), await scorerIn, base);
    // First pass: the track RMS; short files keep their chunks for the second pass.
    let sum = 0;
    let n = 0;
    const limit = opts.replayLimitSamples ?? REPLAY_LIMIT;
    let kept: Float32Array[] | undefined = stream.length <= limit ? [] : undefined;
    for await (const c of stream.chunks()) {
      sum = sumSquares(c, sum);
      n += c.length;
      kept?.push(c);
      if (kept !== undefined && n > limit) kept = undefined;
    }
    const trackRms = n === 0 ? 0 : Math.sqrt(sum / n);
    // A scorer still loading (worker start-up, model load) was overlapped with the first pass.
    return await analyzeChunks(kept ?? stream.chunks(), await scorerIn, { ...base, trackRms });
  } finally {
    await stream.close();
  }
}
