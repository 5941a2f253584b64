/**
 * The offline pipeline: the live pipeline's stages on a whole signal at a given hop. `analyze`
 * (issue 6) builds on {@link analyzeFile}. Differences from live.ts are only where the data comes
 * from (loadMono: whole-file downmix + resample, bit-identical to the streaming path) and that the
 * scorer runs in-process on batches.
 *
 * Level normalisation defaults to the paper's whole-track RMS ("track"); the live modes
 * (running RMS, fixed RMS, none) are available so that live and offline can be compared exactly.
 */
import { loadMono } from "../audio/load.js";
import { applyLevel, createLevelTracker } from "../audio/live-loudness.js";
import type { LevelNormalization } from "../audio/live-loudness.js";
import { checkHopSec, DEFAULT_HOP_SEC, windowStartSample } from "../audio/windower.js";
import type { PostConfig } from "../config/triggers.js";
import { findClass } from "../data/classes.js";
import { melWindowDb } from "../features/mel.js";
import { rms } from "../features/normalize.js";
import { DEFAULT_MEL_PARAMS, framesPerWindow } from "../features/params.js";
import type { MelParams } from "../features/params.js";
import { nowMs } from "../audio/source.js";
import type { Frame, SessionInfo } from "./frame.js";
import { PostStage } from "./post-stage.js";
import { checkScores } from "./scorer.js";
import type { WindowScorer } from "./scorer.js";

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
}

/** What an offline run produces. */
export interface OfflineResult {
  readonly session: SessionInfo;
  /** One frame per window that fits entirely in the signal: starts windowStartSample(k) + windowSamples <= length. */
  readonly frames: Frame[];
  /** RMS of the whole signal (what "track" divides by). */
  readonly trackRms: number;
}

/** Number of whole windows in `nSamples` at a hop. */
export function windowCount(nSamples: number, hopSec: number, p: MelParams = DEFAULT_MEL_PARAMS): number {
  let k = 0;
  while (windowStartSample(k, hopSec, p.sampleRateHz) + p.windowSamples <= nSamples) k++;
  return k;
}

/**
 * Analyses mono samples at the analysis rate (params.sampleRateHz).
 * @param name         shown as the session's source name
 * @param inputRateHz  the file's own rate, for the session (default: the analysis rate)
 */
export async function analyzeSamples(
  samples: Float32Array,
  scorer: WindowScorer,
  opts: OfflineOptions = {},
  name = "samples",
  inputRateHz?: number,
): Promise<OfflineResult> {
  const p = opts.params ?? DEFAULT_MEL_PARAMS;
  const hopSec = checkHopSec(opts.hopSec ?? DEFAULT_HOP_SEC, p);
  const trackRms = rms(samples);
  const norm = opts.normalization ?? { kind: "track" };
  const level = createLevelTracker(norm.kind === "track" ? { kind: "fixed", rms: trackRms } : norm, p.sampleRateHz);
  const post = new PostStage(scorer.labels, scorer.thresholds, 1, opts.post);
  const nLabels = scorer.labels.length;
  const melSize = p.nMels * framesPerWindow(p);
  const batchSize = Math.max(1, opts.batchSize ?? 32);
  const total = windowCount(samples.length, hopSec, p);
  const frames: Frame[] = [];
  const window = new Float32Array(p.windowSamples);
  let pushed = 0;
  for (let k0 = 0; k0 < total; k0 += batchSize) {
    const n = Math.min(batchSize, total - k0);
    const mel = new Float32Array(n * melSize);
    const meta: { start: number; levelRms: number }[] = [];
    for (let j = 0; j < n; j++) {
      const start = windowStartSample(k0 + j, hopSec, p.sampleRateHz);
      const end = start + p.windowSamples;
      // Feed the level tracker exactly up to the window's end, as the live windower has.
      level.push(samples.subarray(pushed, end));
      pushed = Math.max(pushed, end);
      const levelRms = level.rmsAt(end);
      window.set(samples.subarray(start, end));
      melWindowDb(applyLevel(window, levelRms), 0, p, mel.subarray(j * melSize, (j + 1) * melSize));
      meta.push({ start, levelRms });
    }
    const scores = checkScores(await scorer.score(mel, n), n, nLabels);
    meta.forEach((m, j) => {
      const raw = scores.slice(j * nLabels, (j + 1) * nLabels);
      frames.push({
        seq: k0 + j, lane: 0, channel: null, index: k0 + j, startSample: m.start, sampleRateHz: p.sampleRateHz, captureTimeMs: Number.NaN,
        levelRms: m.levelRms, raw, ...post.step(0, raw, m.start / p.sampleRateHz),
      });
    });
  }
  const session: SessionInfo = {
    labels: scorer.labels, classIds: scorer.labels.map((l) => findClass(l)?.id ?? l), modelId: scorer.modelId, thresholds: post.thresholds(),
    sampleRateHz: p.sampleRateHz, inputRateHz: inputRateHz ?? p.sampleRateHz, hopSec, windowSec: p.windowSamples / p.sampleRateHz,
    source: { name, kind: "offline", channels: 1 }, lanes: [null], rules: post.rules.map((r) => r.name), startedAtMs: nowMs(),
  };
  return { session, frames, trackRms };
}

/**
 * Decodes `path` (loadMono: channel mean, HQ resample to the analysis rate) and analyses it.
 * @throws InputFileError for unreadable or undecodable files
 */
export async function analyzeFile(path: string, scorer: WindowScorer, opts: OfflineOptions = {}): Promise<OfflineResult> {
  const p = opts.params ?? DEFAULT_MEL_PARAMS;
  const audio = await loadMono(path, { sampleRateHz: p.sampleRateHz });
  return analyzeSamples(audio.samples, scorer, opts, path, audio.source.sampleRateHz);
}
