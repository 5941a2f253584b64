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
import { DEFAULT_MEL_PARAMS } from "../features/params.js";
import { nowMs } from "../audio/source.js";
import type { AudioChunk } from "../audio/source.js";
import { Windower } from "../audio/windower.js";
import type { AudioWindow } from "../audio/windower.js";
import { checkHopControl } from "../config/hop.js";
import { definedFields } from "../defined-fields.js";
import type { PipelineStatus, SessionInfo } from "../frame.js";
import { Fanout } from "../sinks/fanout.js";
import type { Sink } from "../sinks/sink.js";
import { LatencyStats } from "./latency-stats.js";
import type { LiveOptions, LiveSummary } from "./live-types.js";
import { PostStage } from "./post-stage.js";
import type { LiveControl, PostSettings } from "./post-stage.js";
import { ScorerThread } from "./scorer-thread.js";
import { describeSession, FrameMaker } from "./session.js";

export type { LiveOptions, LiveSummary } from "./live-types.js";

/**
 * A live analysis. Life cycle: {@link LivePipeline.create} (loads the scorer; nothing runs yet, but
 * session, control() and setHop() work, so sinks and control inputs can be built around it) ->
 * {@link LivePipeline.attach} sinks -> {@link LivePipeline.start} (announces the session, starts the
 * source) -> `done` settles once the source ended or stop() was called. The static
 * `LivePipeline.start(opts)` does all three at once.
 */
export class LivePipeline {
  private sessionInfo: SessionInfo;
  /** Settles when the run is over (source ended or stop()), after the sinks were closed. */
  readonly done: Promise<LiveSummary>;
  private readonly windower: Windower;
  private readonly post: PostStage;
  private readonly frames: FrameMaker;
  private readonly fanout: Fanout;
  private readonly latency = new LatencyStats();
  private readonly inference = new LatencyStats(200);
  private readonly pending: AudioWindow[] = [];
  private waiters: (() => void)[] = [];
  private inFlight: Promise<void> | undefined;
  private scored = 0;
  private dropped = 0;
  private started = false;
  private ended = false;
  private closing: Promise<LiveSummary> | undefined;
  private failed = false;
  private finish!: (r: LiveSummary | Error) => void;
  private shutdownOnce: Promise<LiveSummary> | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private cpu = { usage: process.cpuUsage(), atMs: nowMs() };

  private constructor(
    private readonly opts: LiveOptions,
    private readonly scorer: ScorerThread,
  ) {
    const src = opts.source.info;
    const params = opts.params ?? DEFAULT_MEL_PARAMS;
    this.windower = new Windower({
      inputRateHz: src.sampleRateHz,
      inputChannels: src.channels,
      params,
      ...definedFields({ channelMode: opts.channelMode, hopSec: opts.hopSec, normalization: opts.normalization }),
    });
    this.post = new PostStage(scorer.labels, scorer.thresholds, this.windower.laneCount, opts.post);
    this.frames = new FrameMaker(this.post, params.sampleRateHz);
    this.fanout = new Fanout(opts.sinks ?? [], { maxQueue: opts.sinkQueue ?? 256 });
    this.sessionInfo = this.describe();
    this.done = new Promise<LiveSummary | Error>((resolve) => (this.finish = resolve)).then((r) => {
      if (r instanceof Error) throw r;
      return r;
    });
    // A failure is reported through `done` (and logged); not awaiting it must not crash the process.
    this.done.catch(() => undefined);
  }

  /**
   * Loads the scorer in its worker and builds the stages; nothing runs until start().
   * @throws UserError for invalid options or a scorer that cannot be loaded
   */
  static async create(opts: LiveOptions): Promise<LivePipeline> {
    const scorer = await ScorerThread.start(opts.scorer, opts.params ?? DEFAULT_MEL_PARAMS);
    try {
      return new LivePipeline(opts, scorer);
    } catch (err) {
      await scorer.close();
      throw err instanceof RangeError ? new UserError(err.message) : err;
    }
  }

  /**
   * create(), then start(): loads the scorer, announces the session to opts.sinks and starts the source.
   * @throws UserError for invalid options or a scorer that cannot be loaded; the source's start error
   */
  static async start(opts: LiveOptions): Promise<LivePipeline> {
    return (await LivePipeline.create(opts)).start();
  }

  /**
   * Adds sinks (before start()): they receive the session, then every frame and status.
   * @throws Error after start()
   */
  attach(...sinks: Sink[]): this {
    if (this.started || this.ended) throw new Error("LivePipeline: attach sinks before start()");
    for (const s of sinks) this.fanout.add(s);
    return this;
  }

  /**
   * Announces the session to the sinks and starts the source. If the source cannot start, the
   * worker and the sinks are released, `done` rejects, and the source's error is thrown.
   */
  async start(): Promise<this> {
    if (this.started || this.ended) throw new Error("LivePipeline: start() called twice or after stop()");
    this.started = true;
    this.cpu = { usage: process.cpuUsage(), atMs: nowMs() };
    this.sessionInfo = this.describe();
    this.fanout.write({ type: "session", session: this.session });
    this.statusTimer = setInterval(() => this.emitStatus(), this.opts.statusIntervalMs ?? 1000);
    try {
      await this.opts.source.start({
        chunk: (c) => this.onChunk(c),
        end: () => this.onEnd(),
        error: (err) => void this.fail(err),
      });
    } catch (err) {
      // The run never started: release the worker and the sinks, and report the cause.
      this.failed = true;
      this.ended = true;
      clearInterval(this.statusTimer);
      await this.scorer.close();
      await this.fanout.close();
      this.finish(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
    return this;
  }

  /** Applies a control command (also before start()). @throws UserError when it is invalid */
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
  readonly setHop = (hopSec: number): void => {
    this.windower.setHop(checkHopControl(hopSec, this.opts.params ?? DEFAULT_MEL_PARAMS));
    this.sessionInfo = { ...this.sessionInfo, hopSec: this.windower.hopSec };
  };

  /** What runs the network (e.g. "onnxruntime 1.30.0 (cpu, 1 thread)"), null if the scorer does not say. */
  get engine(): string | null {
    return this.scorer.engine;
  }

  /** The session; a new object after a hop change. */
  get session(): SessionInfo {
    return this.sessionInfo;
  }

  /** Thresholds, mutes and smoothing in effect (what control commands change). */
  state(): PostSettings {
    return this.post.settings();
  }

  private describe(): SessionInfo {
    const src = this.opts.source.info;
    return describeSession({
      scorer: this.scorer,
      post: this.post,
      params: this.opts.params ?? DEFAULT_MEL_PARAMS,
      inputRateHz: src.sampleRateHz,
      hopSec: this.windower.hopSec,
      source: { name: src.name, kind: src.kind, channels: src.channels },
      lanes: this.windower.mode === "mix" ? [null] : [...this.windower.channels],
    });
  }

  /** Stops the source, scores what is queued, closes worker and sinks (also before start()). Idempotent. */
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
      timeMs: now,
      device: this.opts.source.info.name,
      xruns: this.opts.source.stats().xruns,
      droppedWindows: this.dropped,
      windowsScored: this.scored,
      latencyMs: this.latency.summary(),
      inferenceMsP50: this.inference.summary().p50,
      numTensors: this.scorer.numTensors,
      cpuPercent: Math.round(cpuPercent * 10) / 10,
      sinks: this.fanout.counters(),
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
    this.inFlight = this.scorer.scoreBatch(samples, batch.length).then(
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
      const frame = this.frames.make(win, scores.slice(i * n, (i + 1) * n));
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
    // The last status closes a run; a pipeline stopped before start() announced nothing.
    if (this.started) this.emitStatus();
    await this.scorer.close();
    await this.fanout.close();
    const summary: LiveSummary = {
      windowsScored: this.scored,
      droppedWindows: this.dropped,
      frames: this.frames.count,
      xruns: this.opts.source.stats().xruns,
      latencyMs: this.latency.summary(),
      sinks: this.fanout.counters(),
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
