/**
 * Where both pipelines build what the sinks receive: the session description and one Frame per
 * scored window (raw scores -> the post stage -> smoothed, active, triggers). Live and offline
 * differ only in the facts they pass in (the source, the lanes, the capture times), so their
 * sessions and frames agree by construction.
 */
import { nowMs } from "../audio/source.js";
import { findClass } from "../data/classes.js";
import type { MelParams } from "../features/params.js";
import type { Frame, SessionInfo } from "../frame.js";
import type { PostStage } from "./post-stage.js";

/** What a pipeline knows about its run when it describes it. */
export interface SessionFacts {
  /** The scorer's labels (score order) and model id. */
  readonly scorer: { readonly labels: readonly string[]; readonly modelId: string };
  /** The post stage: its thresholds and rule names go into the session. */
  readonly post: PostStage;
  /** Front-end params: analysis rate and window length. */
  readonly params: MelParams;
  /** Source sample rate, Hz. */
  readonly inputRateHz: number;
  /** Hop between windows, seconds. */
  readonly hopSec: number;
  readonly source: SessionInfo["source"];
  /** Input channel (0-based) of each lane; [null] for the mix. */
  readonly lanes: SessionInfo["lanes"];
}

/** The session description of a run starting now (thresholds as the post stage has them now). */
export function describeSession(f: SessionFacts): SessionInfo {
  const p = f.params;
  return {
    labels: f.scorer.labels,
    classIds: f.scorer.labels.map((l) => findClass(l)?.id ?? l),
    modelId: f.scorer.modelId,
    thresholds: f.post.thresholds(),
    sampleRateHz: p.sampleRateHz,
    inputRateHz: f.inputRateHz,
    hopSec: f.hopSec,
    windowSec: p.windowSamples / p.sampleRateHz,
    source: f.source,
    lanes: f.lanes,
    rules: f.post.rules.map((r) => r.name),
    startedAtMs: nowMs(),
  };
}

/** What a window contributes to its frame. */
export type WindowFacts = Pick<Frame, "lane" | "channel" | "index" | "startSample" | "captureTimeMs" | "levelRms">;

/** Turns scored windows into frames, numbering them (seq) in the order they are made. */
export class FrameMaker {
  private seq = 0;

  /**
   * @param post          the run's post stage (one lane per analysed lane)
   * @param sampleRateHz  the analysis rate, Hz (the frames' sample clock)
   */
  constructor(
    private readonly post: PostStage,
    private readonly sampleRateHz: number,
  ) {}

  /** Frames made so far. */
  get count(): number {
    return this.seq;
  }

  /** Post-processes one window's raw scores (labels.length of them) and returns its frame. */
  make(win: WindowFacts, raw: Float32Array): Frame {
    const post = this.post.step(win.lane, raw, win.startSample / this.sampleRateHz);
    return {
      seq: this.seq++,
      lane: win.lane,
      channel: win.channel,
      index: win.index,
      startSample: win.startSample,
      sampleRateHz: this.sampleRateHz,
      captureTimeMs: win.captureTimeMs,
      levelRms: win.levelRms,
      raw,
      ...post,
    };
  }

  /** The frames of a scored batch: row i of `scores` (windows.length x nLabels) belongs to windows[i]. */
  makeBatch(windows: readonly WindowFacts[], scores: Float32Array, nLabels: number): Frame[] {
    return windows.map((w, i) => this.make(w, scores.slice(i * nLabels, (i + 1) * nLabels)));
  }
}
