/**
 * The offline pipeline: the live pipeline's stages on a whole signal at a given hop. `analyze`
 * builds on {@link analyzeFile}. Differences from live.ts are only where the data comes from (a
 * file stream: the same decode -> downmix -> resample chain as loadMono, bit-identical to the
 * streaming path of live) and that windows are scored in batches, in-process or in a worker pool.
 * Windows are cut and levelled by the WindowCutter the live Windower uses, and sessions and frames
 * are built by session.ts for both, so live and offline agree by construction.
 *
 * Memory is bounded whatever the file's length: the cutter keeps samples only from the next
 * window's start on, windows exist only per batch, and the result holds one small Frame per window.
 * Level normalisation defaults to the paper's whole-track RMS ("track"), which needs the RMS
 * before the first window: short files are kept from that first pass (up to REPLAY_LIMIT
 * samples), longer ones are decoded twice. The live modes (running RMS, fixed RMS, none) are
 * available so that live and offline can be compared exactly.
 */
import type { LevelNormalization } from "../audio/live-loudness.js";
import { openMonoStream } from "../audio/mono-stream.js";
import { WindowCutter, windowStartSample } from "../audio/window-cutter.js";
import type { CutWindow } from "../audio/window-cutter.js";
import { checkHopSec, DEFAULT_HOP_SEC } from "../config/hop.js";
import type { PostConfig } from "../config/post-config.js";
import { rms, sumSquares } from "../features/normalize.js";
import { DEFAULT_MEL_PARAMS } from "../features/params.js";
import type { MelParams } from "../features/params.js";
import type { Frame, SessionInfo } from "../frame.js";
import type { MelScorer } from "./mel-scorer.js";
import { checkScores } from "./mel-scorer.js";
import { PostStage } from "./post-stage.js";
import { isSampleScorer, melInProcess } from "./sample-scorer.js";
import type { SampleScorer } from "./sample-scorer.js";
import { definedFields } from "../defined-fields.js";
import { describeSession, FrameMaker } from "./session.js";
import type { WindowFacts } from "./session.js";

/** Offline level modes: the live ones plus "track" (divide by the whole signal's RMS; the default). */
export type OfflineNormalization = LevelNormalization | { readonly kind: "track" };

/** Options for {@link analyzeSamples} / {@link analyzeFile}. */
export interface OfflineOptions {
  /** Hop between window starts, seconds. Default DEFAULT_HOP_SEC.offline (1 s, the paper's non-overlapping windows). */
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

/** Samples handed to the cutter at a time, so a whole signal in one chunk still yields windows per batch. */
const FEED = 1 << 13;

/** Number of whole windows in `nSamples` at a hop. */
export function windowCount(nSamples: number, hopSec: number, p: MelParams = DEFAULT_MEL_PARAMS): number {
  let k = 0;
  while (windowStartSample(k, hopSec, p.sampleRateHz) + p.windowSamples <= nSamples) k++;
  return k;
}

interface Batch {
  readonly windows: readonly WindowFacts[];
  readonly scores: Promise<Float32Array>;
}

/** What a cut window contributes to its frame offline: one lane, no channel, no capture time. */
const offlineFacts = (w: CutWindow): WindowFacts => ({
  lane: w.lane,
  channel: null,
  index: w.index,
  startSample: w.startSample,
  captureTimeMs: Number.NaN,
  levelRms: w.levelRms,
});

/**
 * Analyses a stream of mono chunks at the analysis rate (params.sampleRateHz).
 * @param trackRms the whole signal's RMS, required when normalization is "track"
 */
export async function analyzeChunks(
  chunks: AsyncIterable<Float32Array> | Iterable<Float32Array>,
  scorerIn: MelScorer | SampleScorer,
  opts: OfflineOptions & {
    readonly trackRms?: number;
    readonly name?: string;
    readonly inputRateHz?: number;
    readonly inFlight?: number;
    readonly totalSamples?: number;
  },
): Promise<OfflineResult> {
  const p = opts.params ?? DEFAULT_MEL_PARAMS;
  const hopSec = checkHopSec(opts.hopSec ?? DEFAULT_HOP_SEC.offline, p);
  const norm = opts.normalization ?? { kind: "track" };
  const trackRms = opts.trackRms ?? Number.NaN;
  if (norm.kind === "track" && !Number.isFinite(trackRms)) throw new Error("analyzeChunks: track normalisation needs trackRms");
  const scorer = isSampleScorer(scorerIn) ? scorerIn : melInProcess(scorerIn, p);
  const cutter = new WindowCutter({ params: p, hopSec, normalization: norm.kind === "track" ? { kind: "fixed", rms: trackRms } : norm });
  const post = new PostStage(scorer.labels, scorer.thresholds, 1, opts.post);
  const maker = new FrameMaker(post, p.sampleRateHz);
  const nLabels = scorer.labels.length;
  const W = p.windowSamples;
  const batchSize = Math.max(1, opts.batchSize ?? 32);
  const maxInFlight = Math.max(1, opts.inFlight ?? 1);
  const frames: Frame[] = [];
  const inFlight: Batch[] = [];
  let pending: CutWindow[] = [];

  const finish = async (b: Batch): Promise<void> => {
    const scores = checkScores(await b.scores, b.windows.length, nLabels);
    for (const f of maker.makeBatch(b.windows, scores, nLabels)) frames.push(f);
    opts.onProgress?.(((b.windows.at(-1)?.startSample ?? 0) + W) / p.sampleRateHz, (opts.totalSamples ?? Number.NaN) / p.sampleRateHz);
  };
  const send = async (): Promise<void> => {
    if (pending.length === 0) return;
    const samples = new Float32Array(pending.length * W);
    pending.forEach((w, j) => samples.set(w.samples, j * W));
    inFlight.push({ windows: pending.map(offlineFacts), scores: scorer.scoreSamples(samples, pending.length) });
    pending = [];
    while (inFlight.length >= maxInFlight) await finish(inFlight.shift() as Batch);
  };
  for await (const chunk of chunks) {
    for (let off = 0; off < chunk.length; off += FEED) {
      for (const w of cutter.push([chunk.subarray(off, off + FEED)])) {
        pending.push(w);
        if (pending.length === batchSize) await send();
      }
    }
  }
  await send();
  while (inFlight.length > 0) await finish(inFlight.shift() as Batch);
  const session = describeSession({
    scorer,
    post,
    params: p,
    inputRateHz: opts.inputRateHz ?? p.sampleRateHz,
    hopSec,
    source: { name: opts.name ?? "samples", kind: "offline", channels: 1 },
    lanes: [null],
  });
  return { session, frames, trackRms };
}

/**
 * Analyses mono samples at the analysis rate (params.sampleRateHz).
 * @param name         shown as the session's source name
 * @param inputRateHz  the file's own rate, for the session (default: the analysis rate)
 */
export function analyzeSamples(
  samples: Float32Array,
  scorer: MelScorer | SampleScorer,
  opts: OfflineOptions = {},
  name = "samples",
  inputRateHz?: number,
): Promise<OfflineResult> {
  const trackRms = rms(samples);
  return analyzeChunks([samples], scorer, { ...opts, trackRms, name, totalSamples: samples.length, ...definedFields({ inputRateHz }) });
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
  scorerIn: MelScorer | SampleScorer | Promise<MelScorer | SampleScorer>,
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
