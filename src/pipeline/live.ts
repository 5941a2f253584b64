/**
 * The live pipeline: source -> windower (downmix/select, streaming resample, ring, 1 s windows,
 * level) -> scorer worker (mel + model, off the main thread) -> post (ballistics, hysteresis,
 * triggers) -> sinks (fanout). Only the source and the sinks differ from pipeline/offline.ts.
 *
 * Capture never waits on the model: windows queue (at most maxPendingWindows) while one batch is
 * in the worker; with overflow "drop" (devices, paced files) the oldest queued window is dropped and
 * counted when the queue is full, with "wait" (an unpaced file) the source is held back instead, so
 * every window is scored (live == offline). Latency per frame = time the frame was handed to the
 * sinks (the OSC bundle sent) - wall-clock capture time of the window's last sample.
 */
import { UserError } from "../errors.js";
import { log } from "../log.js";
import { findClass } from "../data/classes.js";
import { DEFAULT_MEL_PARAMS } from "../features/params.js";
import type { MelParams } from "../features/params.js";
import type { LevelNormalization } from "../audio/live-loudness.js";
import { nowMs } from "../audio/source.js";
import type { AudioChunk, AudioSource } from "../audio/source.js";
import { Windower } from "../audio/windower.js";
import type { AudioWindow, ChannelMode } from "../audio/windower.js";
import type { PostConfig } from "../config/triggers.js";
import { Fanout } from "../sinks/fanout.js";
import type { Sink } from "../sinks/sink.js";
import { LatencyStats } from "./frame.js";
import type { Frame, LatencySummary, PipelineStatus, SessionInfo, SinkCounters } from "./frame.js";
import { PostStage } from "./post-stage.js";
import type { LiveControl } from "./post-stage.js";
import type { ScorerSpec } from "./scorer.js";
import { WorkerScorer } from "./worker-scorer.js";

/** Options for {@link LivePipeline.start}. */
export interface LiveOptions {
  readonly source: AudioSource;
  readonly scorer: ScorerSpec;
  readonly sinks?: readonly Sink[];
  /** Hop between windows, seconds. Default 0.25. */
  readonly hopSec?: number;
  /** Default: mix of all channels. */
  readonly channelMode?: ChannelMode;
  /** Default: running RMS (see audio/live-loudness.ts). */
  readonly normalization?: LevelNormalization;
  /** Smoothing, hysteresis, thresholds, mutes, rules. Default DEFAULT_POST_CONFIG. */
  readonly post?: PostConfig;
  /** "drop" (default) or "wait"; see the file comment. */
  readonly overflow?: "drop" | "wait";
  /** Windows queued for the scorer before dropping/waiting. Default 16. */
  readonly maxPendingWindows?: number;
  /** Windows per scorer call at most. Default 16. */
  readonly maxBatch?: number;
  /** Status period, ms. Default 1000. */
  readonly statusIntervalMs?: number;
  /** Called with every status (after it went to the sinks). */
  readonly onStatus?: (s: PipelineStatus) => void;
  /** Recording on/off (WS/OSC "record"); absent = no recorder, the command is an error. */
  readonly onRecord?: (on: boolean) => void;
  /** Score only windows 0 .. n-1 (per lane), then stop by itself (tests, benchmarks). */
  readonly stopAfterWindows?: number;
  /**
   * Score only windows that end within the first n samples of the analysis clock, then stop
   * (`--duration`): unlike a window count, this stays right when the hop changes during the run.
   */
  readonly stopAfterSamples?: number;
  /** Fanout queue per sink. Default 256. */
  readonly sinkQueue?: number;
  readonly params?: MelParams;
}

/** Totals of a finished run. */
export interface LiveSummary {
  readonly windowsScored: number;
  readonly droppedWindows: number;
  readonly frames: number;
  readonly xruns: number;
  readonly latencyMs: LatencySummary;
  readonly sinks: readonly SinkCounters[];
}

/** A running live analysis. */
export class LivePipeline {
  private sessionInfo: SessionInfo;
  /** Settles when the run is over (source ended or stop()), after the sinks were closed. */
  readonly done: Promise<LiveSummary>;
  private readonly windower: Windower;
  private readonly post: PostStage;
  private readonly fanout: Fanout;
  private readonly latency = new LatencyStats();
  private readonly inference = new LatencyStats(200);
  private readonly pending: AudioWindow[] = [];
  private waiters: (() => void)[] = [];
  private inFlight: Promise<void> | undefined;
  private seq = 0;
  private scored = 0;
  private dropped = 0;
  private ended = false;
  private closing: Promise<LiveSummary> | undefined;
  private failed = false;
  private finish!: (r: LiveSummary | Error) => void;
  private shutdownOnce: Promise<LiveSummary> | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private cpu = { usage: process.cpuUsage(), atMs: nowMs() };

  private constructor(
    private readonly opts: LiveOptions,
    private readonly scorer: WorkerScorer,
  ) {
    const src = opts.source.info;
    const params = opts.params ?? DEFAULT_MEL_PARAMS;
    this.windower = new Windower({
      inputRateHz: src.sampleRateHz, inputChannels: src.channels, params,
      ...(opts.channelMode === undefined ? {} : { channelMode: opts.channelMode }),
      ...(opts.hopSec === undefined ? {} : { hopSec: opts.hopSec }),
      ...(opts.normalization === undefined ? {} : { normalization: opts.normalization }),
    });
    this.post = new PostStage(scorer.labels, scorer.thresholds, this.windower.laneCount, opts.post);
    this.fanout = new Fanout(opts.sinks ?? [], { maxQueue: opts.sinkQueue ?? 256 });
    this.sessionInfo = {
      labels: scorer.labels, classIds: scorer.labels.map((l) => findClass(l)?.id ?? l), modelId: scorer.modelId,
      thresholds: this.post.thresholds(), sampleRateHz: params.sampleRateHz, inputRateHz: src.sampleRateHz, hopSec: this.windower.hopSec,
      windowSec: params.windowSamples / params.sampleRateHz, source: { name: src.name, kind: src.kind, channels: src.channels },
      lanes: this.windower.mode === "mix" ? [null] : [...this.windower.channels], rules: this.post.rules.map((r) => r.name), startedAtMs: nowMs(),
    };
    this.done = new Promise<LiveSummary | Error>((resolve) => (this.finish = resolve)).then((r) => {
      if (r instanceof Error) throw r;
      return r;
    });
    // A failure is reported through `done` (and logged); not awaiting it must not crash the process.
    this.done.catch(() => undefined);
  }

  /**
   * Loads the scorer in its worker, announces the session to the sinks and starts the source.
   * @throws UserError for invalid options or a scorer that cannot be loaded
   */
  static async start(opts: LiveOptions): Promise<LivePipeline> {
    const scorer = await WorkerScorer.start(opts.scorer, opts.params ?? DEFAULT_MEL_PARAMS);
    let p: LivePipeline;
    try {
      p = new LivePipeline(opts, scorer);
    } catch (err) {
      await scorer.close();
      throw err instanceof RangeError ? new UserError(err.message) : err;
    }
    p.fanout.write({ type: "session", session: p.session });
    p.statusTimer = setInterval(() => p.emitStatus(), opts.statusIntervalMs ?? 1000);
    try {
      await opts.source.start({
        chunk: (c) => p.onChunk(c),
        end: () => p.onEnd(),
        error: (err) => void p.fail(err),
      });
    } catch (err) {
      // The run never started: release the worker and the sinks, and report the cause.
      p.failed = true;
      clearInterval(p.statusTimer);
      await scorer.close();
      await p.fanout.close();
      throw err;
    }
    return p;
  }

  /** Applies a control command. @throws UserError when it is invalid */
  readonly control = (cmd: LiveControl): void => {
    if (cmd.type === "record") {
      if (this.opts.onRecord === undefined) throw new UserError("recording is not available: start live with --record FILE.jsonl");
      this.opts.onRecord(cmd.on);
    } else this.post.control(cmd);
  };

  /**
   * Changes the hop from the next window on (the windows already queued keep theirs); `session`
   * then reports the new hop. @throws UserError for a hop outside (0, 1] s
   */
  setHop(hopSec: number): void {
    try {
      this.windower.setHop(hopSec);
    } catch (err) {
      throw new UserError(`Expected a hop in (0, ${this.session.windowSec}] seconds, got ${hopSec}`, { cause: err });
    }
    this.sessionInfo = { ...this.sessionInfo, hopSec: this.windower.hopSec };
  }

  /** The session; a new object after a hop change. */
  /** What runs the network (e.g. "onnxruntime 1.30.0 (cpu, 1 thread)"), null if the scorer does not say. */
  get engine(): string | null {
    return this.scorer.engine;
  }

  get session(): SessionInfo {
    return this.sessionInfo;
  }

  /** Thresholds and mutes in effect. */
  state(): { thresholds: number[]; muted: boolean[] } {
    return { thresholds: this.post.thresholds(), muted: this.post.muted() };
  }

  /** Stops the source, scores what is queued, closes worker and sinks. Idempotent. */
  stop(): Promise<LiveSummary> {
    return this.close(() => this.opts.source.stop());
  }

  /** The one way a run ends without error: no new windows, drain, close. */
  private close(stopSource: () => Promise<void>): Promise<LiveSummary> {
    this.closing ??= (async () => {
      this.ended = true;
      for (const r of this.waiters.splice(0)) r();
      await stopSource();
      await this.drain();
      return this.shutdown();
    })().catch(async (err: unknown) => {
      await this.fail(err);
      return this.done;
    });
    return this.closing;
  }

  /** Current health. */
  status(): PipelineStatus {
    const now = nowMs();
    const usage = process.cpuUsage(this.cpu.usage);
    const cpuPercent = ((usage.user + usage.system) / 1000 / Math.max(1, now - this.cpu.atMs)) * 100;
    this.cpu = { usage: process.cpuUsage(), atMs: now };
    return {
      timeMs: now, device: this.opts.source.info.name, xruns: this.opts.source.stats().xruns, droppedWindows: this.dropped,
      windowsScored: this.scored, latencyMs: this.latency.summary(), inferenceMsP50: this.inference.summary().p50,
      numTensors: this.scorer.numTensors, cpuPercent: Math.round(cpuPercent * 10) / 10, sinks: this.fanout.counters(),
    };
  }

  private emitStatus(): void {
    const s = this.status();
    this.fanout.write({ type: "status", status: s });
    this.opts.onStatus?.(s);
  }

  private onChunk(chunk: AudioChunk): void | Promise<void> {
    if (this.ended) return;
    this.enqueue(this.windower.push(chunk));
    if (this.opts.overflow === "wait" && this.pending.length >= this.maxPending()) {
      return new Promise((resolve) => this.waiters.push(resolve));
    }
  }

  private onEnd(): void {
    if (this.ended) return;
    this.enqueue(this.windower.flush());
    void this.close(() => Promise.resolve());
  }

  private maxPending(): number {
    return (this.opts.maxPendingWindows ?? 16) * this.windower.laneCount;
  }

  private enqueue(all: AudioWindow[]): void {
    const stopAt = this.opts.stopAfterWindows ?? Infinity;
    const stopEnd = this.opts.stopAfterSamples ?? Infinity;
    const span = this.windower.windowSamples;
    const windows = all.filter((w) => w.index < stopAt && w.startSample + span <= stopEnd);
    // The first window past the limit ends the run (the queued ones are still scored).
    if (windows.length < all.length) void this.stop();
    this.pending.push(...windows);
    // "wait" holds the source back, but a source that ignores that must still not grow memory.
    const limit = this.opts.overflow === "wait" ? 4 * this.maxPending() : this.maxPending();
    const excess = this.pending.length - limit;
    if (excess > 0) {
      this.pending.splice(0, excess);
      this.dropped += excess;
    }
    this.pump();
  }

  /** Sends the next batch when none is in flight. */
  private pump(): void {
    if (this.inFlight !== undefined || this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.opts.maxBatch ?? 16);
    const w = this.windower.windowSamples;
    const samples = new Float32Array(batch.length * w);
    batch.forEach((win, i) => samples.set(win.samples, i * w));
    if (this.pending.length < this.maxPending()) for (const r of this.waiters.splice(0)) r();
    this.inFlight = this.scorer.score(samples, batch.length).then(
      (res) => {
        this.inference.add(res.melMs + res.scoreMs);
        this.emitFrames(batch, res.scores);
        this.inFlight = undefined;
        this.pump();
      },
      (err: unknown) => {
        this.inFlight = undefined;
        void this.fail(err);
      },
    );
  }

  private emitFrames(batch: readonly AudioWindow[], scores: Float32Array): void {
    const n = this.scorer.labels.length;
    batch.forEach((win, i) => {
      const raw = scores.slice(i * n, (i + 1) * n);
      const res = this.post.step(win.lane, raw, win.startSample / this.session.sampleRateHz);
      const frame: Frame = {
        seq: this.seq++, lane: win.lane, channel: win.channel, index: win.index, startSample: win.startSample,
        sampleRateHz: this.session.sampleRateHz, captureTimeMs: win.captureTimeMs, levelRms: win.levelRms, raw, ...res,
      };
      this.fanout.write({ type: "frame", frame });
      this.latency.add(nowMs() - win.captureTimeMs);
      this.scored++;
    });
  }

  /** Resolves once nothing is queued or in flight. */
  private async drain(): Promise<void> {
    while (this.inFlight !== undefined || this.pending.length > 0) {
      this.pump();
      await this.inFlight;
    }
  }

  private shutdown(): Promise<LiveSummary> {
    this.shutdownOnce ??= this.shutdownNow();
    return this.shutdownOnce;
  }

  private async shutdownNow(): Promise<LiveSummary> {
    clearInterval(this.statusTimer);
    for (const r of this.waiters.splice(0)) r();
    this.emitStatus();
    await this.scorer.close();
    await this.fanout.close();
    const summary: LiveSummary = {
      windowsScored: this.scored, droppedWindows: this.dropped, frames: this.seq, xruns: this.opts.source.stats().xruns,
      latencyMs: this.latency.summary(), sinks: this.fanout.counters(),
    };
    this.finish(summary);
    return summary;
  }

  private async fail(err: unknown): Promise<void> {
    if (this.failed) return;
    this.failed = true;
    const e = err instanceof Error ? err : new Error(String(err));
    log.error(`live pipeline: ${e.message}`);
    this.pending.length = 0;
    clearInterval(this.statusTimer);
    this.ended = true;
    for (const r of this.waiters.splice(0)) r();
    await this.opts.source.stop().catch(() => undefined);
    await this.scorer.close().catch(() => undefined);
    await this.fanout.close().catch(() => undefined);
    this.finish(e);
  }
}
