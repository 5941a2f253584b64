/**
 * A file played as if it were a capture device: the same chunk sizes as the PortAudio source
 * (default 10 ms), either paced at real time ("realtime": chunk k is delivered when its last frame
 * would have been captured) or as fast as the consumer takes them ("fast": each chunk waits for the
 * listener's promise, so nothing is dropped and the live pipeline can be compared with offline).
 * With `loop`, the file repeats seamlessly and the sample clock keeps counting.
 */
import { decodeFile } from "./decode.js";
import type { DecodedAudio } from "./types.js";
import { nowMs } from "./source.js";
import type { AudioSource, AudioSourceInfo, SourceHealth, SourceListener, SourceStats } from "./source.js";

/** How a file source is paced. */
export type FilePace = "realtime" | "fast";

/** Options for {@link FileSource.open}. */
export interface FileSourceOptions {
  /** "realtime" (default) or "fast". */
  readonly pace?: FilePace;
  /** Repeat the file forever. Default false. */
  readonly loop?: boolean;
  /** Frames per chunk. Default {@link defaultFramesPerChunk} (10 ms, as the PortAudio source). */
  readonly framesPerChunk?: number;
}

/** Default chunk size for a rate: 10 ms of frames (480 at 48 kHz, 441 at 44.1 kHz), at least 1. */
export function defaultFramesPerChunk(sampleRateHz: number): number {
  return Math.max(1, Math.round(sampleRateHz / 100));
}

/** Interleaves planar channels into one frames x channels array. */
function interleave(channels: readonly Float32Array[]): Float32Array {
  const k = channels.length;
  const n = channels[0]?.length ?? 0;
  const out = new Float32Array(n * k);
  channels.forEach((ch, c) => {
    for (let i = 0; i < n; i++) out[i * k + c] = ch[i] as number;
  });
  return out;
}

/** Plays decoded audio as a stream of chunks. */
export class FileSource implements AudioSource {
  readonly info: AudioSourceInfo;
  private readonly frames: Float32Array;
  private readonly totalFrames: number;
  private readonly pace: FilePace;
  private readonly loop: boolean;
  private running: Promise<void> | undefined;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private counters = { chunks: 0, frames: 0 };

  private constructor(name: string, audio: DecodedAudio, opts: FileSourceOptions) {
    const framesPerChunk = opts.framesPerChunk ?? defaultFramesPerChunk(audio.sampleRateHz);
    if (!Number.isInteger(framesPerChunk) || framesPerChunk <= 0)
      throw new RangeError(`Expected framesPerChunk a positive integer, got ${framesPerChunk}`);
    this.info = { name, kind: "file", channels: audio.channels.length, sampleRateHz: audio.sampleRateHz, framesPerChunk };
    this.frames = interleave(audio.channels);
    this.totalFrames = audio.channels[0]?.length ?? 0;
    this.pace = opts.pace ?? "realtime";
    this.loop = opts.loop ?? false;
  }

  /**
   * Decodes `path` (any format decodeFile reads) and returns a source for it.
   * @throws InputFileError when the file cannot be read or decoded
   */
  static async open(path: string, opts: FileSourceOptions = {}): Promise<FileSource> {
    return new FileSource(path, await decodeFile(path), opts);
  }

  /** A source over audio already in memory (tests, generated signals). */
  static fromAudio(name: string, audio: DecodedAudio, opts: FileSourceOptions = {}): FileSource {
    return new FileSource(name, audio, opts);
  }

  start(listener: SourceListener): Promise<void> {
    if (this.running !== undefined) return Promise.reject(new Error("FileSource: already started"));
    if (this.loop && this.totalFrames === 0) return Promise.reject(new Error(`FileSource: cannot loop the empty file ${this.info.name}`));
    this.stopping = false;
    this.counters = { chunks: 0, frames: 0 };
    this.running = this.run(listener);
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.wake?.();
    const r = this.running;
    if (r !== undefined) await r;
    this.running = undefined;
  }

  stats(): SourceStats {
    return { ...this.counters, xruns: 0 };
  }

  /** A file cannot be lost: always "ok", no gaps. */
  health(): SourceHealth {
    return { state: "ok", gaps: 0 };
  }

  private sleepUntil(tMs: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, Math.max(0, tMs - nowMs()));
    });
  }

  /** Delivers chunks until the end (without loop) or stop(). */
  private async run(listener: SourceListener): Promise<void> {
    const { channels, sampleRateHz, framesPerChunk } = this.info;
    const t0 = nowMs();
    let startFrame = 0;
    let pos = 0;
    try {
      while (!this.stopping) {
        const want = this.loop ? framesPerChunk : Math.min(framesPerChunk, this.totalFrames - pos);
        if (want <= 0) break;
        const data = new Float32Array(want * channels);
        for (let got = 0; got < want;) {
          if (pos === this.totalFrames) pos = 0;
          const take = Math.min(want - got, this.totalFrames - pos);
          data.set(this.frames.subarray(pos * channels, (pos + take) * channels), got * channels);
          got += take;
          pos += take;
        }
        const dueMs = t0 + ((startFrame + want) / sampleRateHz) * 1000;
        if (this.pace === "realtime") {
          await this.sleepUntil(dueMs);
          if (this.stopping) break;
        } else {
          // Let timers and sockets run between chunks even when the consumer never waits.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        const captureTimeMs = this.pace === "realtime" ? dueMs : nowMs();
        const chunk = { data, channels, frames: want, sampleRateHz, startFrame, captureTimeMs };
        startFrame += want;
        this.counters.chunks++;
        this.counters.frames += want;
        const pending = listener.chunk(chunk);
        if (this.pace === "fast" && pending !== undefined) await pending;
      }
      if (!this.stopping) listener.end?.();
    } catch (err) {
      listener.error?.(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
