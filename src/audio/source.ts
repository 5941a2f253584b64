/**
 * The audio source contract shared by the PortAudio capture and the file player, so the live
 * pipeline cannot tell them apart (and the live == offline test can drive it from a file).
 *
 * A source delivers chunks of interleaved float32 frames in order, each stamped with a running
 * frame counter (the sample clock, starting at 0 on every start()) and the wall-clock time at which
 * its last frame was captured. Time in the pipeline is derived from the counter, never from chunk
 * arrival (PortAudio's own timestamps are whole seconds; see docs/audio-io.md, §3).
 */

/** One block of captured audio. */
export interface AudioChunk {
  /** Interleaved samples, frames x channels, nominal range [-1, 1]. */
  readonly data: Float32Array;
  /** Channels per frame. */
  readonly channels: number;
  /** Frames in this chunk (data.length / channels). */
  readonly frames: number;
  /** Sample rate of the source, Hz. */
  readonly sampleRateHz: number;
  /** Sample-clock index of the first frame since start() (frames, at sampleRateHz). */
  readonly startFrame: number;
  /** Wall-clock time at which the LAST frame of the chunk was captured, epoch milliseconds (fractional). */
  readonly captureTimeMs: number;
}

/** What a source is: fixed for its lifetime. */
export interface AudioSourceInfo {
  /** Human-readable name: device name or file path. */
  readonly name: string;
  /** "device" for capture hardware (cannot wait), "file" for the file player. */
  readonly kind: "device" | "file";
  /** Channels per frame delivered. */
  readonly channels: number;
  /** Delivered sample rate, Hz. */
  readonly sampleRateHz: number;
  /** Frames per chunk (the last chunk of a file may be shorter). */
  readonly framesPerChunk: number;
}

/** Receives what a source produces. */
export interface SourceListener {
  /**
   * Called once per chunk, in order. A device source ignores the return value (capture never
   * waits); an unpaced file source awaits a returned promise, so a slow consumer sets its pace.
   */
  chunk(chunk: AudioChunk): void | Promise<void>;
  /** The stream ended (end of file without --loop). Not called after stop(). */
  end?(): void;
  /** The source failed and stopped. */
  error?(err: Error): void;
}

/** Counters a source keeps about its own health. */
export interface SourceStats {
  /** Chunks delivered since start(). */
  readonly chunks: number;
  /** Frames delivered since start(). */
  readonly frames: number;
  /** Overruns / clock slips detected (frames lost before they reached us), since start(). */
  readonly xruns: number;
}

/** A source's device state, as the health log (`live --status-log`) reports it. */
export interface SourceHealth {
  /** "ok" (running or ready), "lost" (the device went away; retrying) or "stopped". */
  readonly state: "ok" | "lost" | "stopped";
  /** Device losses in the current (or last) run. */
  readonly gaps: number;
}

/**
 * A startable, stoppable stream of audio chunks. start() after stop() starts again from a fresh
 * sample clock (startFrame 0). Calling start() twice without stop() is an error.
 */
export interface AudioSource {
  readonly info: AudioSourceInfo;
  /** Starts delivering to `listener`; resolves once the stream is running. */
  start(listener: SourceListener): Promise<void>;
  /** Stops; no chunk is delivered after the returned promise resolves. Idempotent. */
  stop(): Promise<void>;
  /** Health counters of the current (or last) run. */
  stats(): SourceStats;
  /** Device state and losses (a file is always "ok", with no gaps). */
  health(): SourceHealth;
}

/** Wall clock in epoch milliseconds with sub-millisecond resolution (monotonic within a process). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Converts interleaved 16-bit little-endian PCM bytes to float32 in [-1, 1) (divides by 32768). */
export function s16leToFloat32(bytes: Uint8Array): Float32Array {
  const n = bytes.length >> 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, n * 2);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, true) / 32768;
  return out;
}
