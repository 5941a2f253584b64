/**
 * Capture through PortAudio (naudiodon): the ONLY file that imports naudiodon.
 *
 * naudiodon is an optional dependency built from source during `npm install`; it is imported
 * lazily so everything else works on machines where it did not build, and `live --device` then
 * says what to install ({@link loadNaudiodon}). Facts this file relies on (docs/audio-io.md
 * §3): each 'data' chunk is exactly `highwaterMark` bytes, so we set it to
 * framesPerBuffer frames; buffer timestamps are whole seconds, so time comes from the frame counter
 * and chunk arrival; with closeOnError false, overflows are only printf'd, so xruns are detected on
 * the clock instead ({@link ClockSlipDetector}).
 *
 * Device loss: a device that is unplugged (or whose server goes away) either reports an error or
 * simply stops delivering. Both count as "lost" (the second after `stallMs` without a chunk): the
 * stream is closed and reopened with exponential backoff (the device is looked up again by name, as
 * its id may change), and chunks resume on the same, unbroken sample clock. Each transition is
 * reported through `onDeviceEvent`, so the bridge can log it and mark the gap in the activity log.
 */
import { UserError, oneLine } from "../errors.js";
import { nowMs, s16leToFloat32 } from "./source.js";
import type { AudioSource, AudioSourceInfo, SourceHealth, SourceListener, SourceStats } from "./source.js";

/** What `live --device` / `devices` print when naudiodon is not available. */
export const NAUDIODON_MISSING =
  "audio capture needs the optional package naudiodon, which did not build here: install a C++ toolchain " +
  "(Debian: apt-get install -y build-essential python3) and run `npm install` again (it builds naudiodon from source " +
  "with nodedir=/usr); until then use `live --input FILE`";

/** One PortAudio device as naudiodon describes it. */
export interface DeviceInfo {
  readonly id: number;
  readonly name: string;
  readonly hostAPIName: string;
  readonly maxInputChannels: number;
  readonly maxOutputChannels: number;
  readonly defaultSampleRate: number;
}

interface AudioIoStream {
  on(event: "data", cb: (buf: Buffer) => void): unknown;
  on(event: "error", cb: (err: Error) => void): unknown;
  start(): void;
  quit(): Promise<void>;
}

/** The narrow part of naudiodon's API used here. */
export interface Naudiodon {
  getDevices(): DeviceInfo[];
  AudioIO: new (opts: { inOptions: Record<string, number | boolean> }) => AudioIoStream;
  SampleFormat16Bit: number;
}

let cached: Promise<Naudiodon> | undefined;

/** How a module is imported; replaceable so tests can simulate a missing native build. */
export type ModuleImporter = (name: string) => Promise<unknown>;

const importModule: ModuleImporter = (name) => import(name);

/**
 * Imports naudiodon (once, with the default importer).
 * @throws UserError with {@link NAUDIODON_MISSING} when it is not installed or did not build
 */
export function loadNaudiodon(importer?: ModuleImporter): Promise<Naudiodon> {
  const load = async (): Promise<Naudiodon> => {
    try {
      const mod = (await (importer ?? importModule)("naudiodon")) as { default?: unknown };
      const api = (mod.default ?? mod) as Partial<Naudiodon>;
      if (typeof api.getDevices !== "function" || typeof api.AudioIO !== "function") throw new Error("unexpected module shape");
      return api as Naudiodon;
    } catch (err) {
      if (importer === undefined) cached = undefined;
      throw new UserError(NAUDIODON_MISSING, { cause: err });
    }
  };
  if (importer !== undefined) return load();
  cached ??= load();
  return cached;
}

/** Capture devices (at least one input channel), in PortAudio's order. */
export async function listInputDevices(): Promise<DeviceInfo[]> {
  const pa = await loadNaudiodon();
  return pa.getDevices().filter((d) => d.maxInputChannels > 0);
}

/**
 * Finds a capture device by numeric id, exact name, or unique case-insensitive name fragment.
 * @throws UserError naming what was asked and what exists
 */
export function pickDevice(devices: readonly DeviceInfo[], query: string): DeviceInfo {
  const q = query.trim();
  const byId = /^\d+$/.test(q) ? devices.find((d) => d.id === Number(q)) : undefined;
  const exact = devices.find((d) => d.name === q);
  const partial = devices.filter((d) => d.name.toLowerCase().includes(q.toLowerCase()));
  const hit = byId ?? exact ?? (partial.length === 1 ? partial[0] : undefined);
  if (hit !== undefined) return hit;
  const names = devices.map((d) => `${d.id}:${d.name}`).join(", ") || "none";
  const why = partial.length > 1 ? "matches several capture devices" : "matches no capture device";
  throw new UserError(`Expected --device to name one capture device, got "${query}", which ${why} (available: ${names})`);
}

/**
 * Detects lost audio on the clock: with a device clocked like the system clock, (arrival time -
 * audio time) only jitters; frames lost in an overrun make it step up for good. The minimum lag
 * of each block of chunks is compared with the previous block's; a rise of more than `thresholdMs`
 * that persists for two blocks counts as one xrun. Slow clock drift moves the baseline instead.
 */
export class ClockSlipDetector {
  private baseline = Number.POSITIVE_INFINITY;
  private blockMin = Number.POSITIVE_INFINITY;
  private blockStartMs = Number.NaN;
  private suspect = false;
  /** Slips detected so far. */
  xruns = 0;

  /** @param blockMs length of a comparison block (default 2000 ms); thresholdMs rise that counts (default 50 ms) */
  constructor(
    private readonly blockMs = 2000,
    private readonly thresholdMs = 50,
  ) {}

  /** Records one chunk: `lagMs` = arrival wall clock - (start + frames so far / rate). */
  observe(arrivalMs: number, lagMs: number): void {
    if (Number.isNaN(this.blockStartMs)) this.blockStartMs = arrivalMs;
    this.blockMin = Math.min(this.blockMin, lagMs);
    if (arrivalMs - this.blockStartMs < this.blockMs) return;
    const m = this.blockMin;
    if (m > this.baseline + this.thresholdMs) {
      if (this.suspect) {
        this.xruns++;
        this.baseline = m;
        this.suspect = false;
      } else this.suspect = true;
    } else {
      this.suspect = false;
      this.baseline = Number.isFinite(this.baseline) ? Math.max(Math.min(this.baseline, m), m - this.thresholdMs / 2) : m;
    }
    this.blockMin = Number.POSITIVE_INFINITY;
    this.blockStartMs = arrivalMs;
  }
}

/** A change in the capture device's state (see the file comment). */
export type DeviceEvent =
  | { readonly type: "lost"; readonly reason: string; readonly timeMs: number; readonly atFrame: number }
  | { readonly type: "retry"; readonly attempt: number; readonly delayMs: number; readonly error: string; readonly timeMs: number }
  | { readonly type: "resumed"; readonly timeMs: number; readonly atFrame: number; readonly gapMs: number; readonly attempts: number };

/** Reconnection settings. */
export interface ReconnectOptions {
  /** No chunk for this long means the device is gone, ms. Default max(500, 50 chunk periods). */
  readonly stallMs?: number;
  /** First retry delay, ms; doubled after each failure. Default 250. */
  readonly initialDelayMs?: number;
  /** Longest retry delay, ms. Default 5000. */
  readonly maxDelayMs?: number;
  /** A reopened stream that delivers nothing for this long counts as a failed attempt, ms. Default stallMs. */
  readonly firstChunkMs?: number;
}

/** Options for {@link PortAudioSource.open}. */
export interface PortAudioOptions {
  /** Device id/name (see pickDevice); default: PortAudio's default input device. */
  readonly device?: string;
  /** Channels to open (default min(device maximum, preferChannels)). */
  readonly channels?: number;
  /** Channels to open when `channels` is not given, capped at the device maximum. Default 2. */
  readonly preferChannels?: number;
  /** Sample rate, Hz (default: the device's default rate). */
  readonly sampleRateHz?: number;
  /** Frames per chunk (default 10 ms at the rate). */
  readonly framesPerChunk?: number;
  /** Reopen a lost device (default on); false: a device error ends the run. */
  readonly reconnect?: ReconnectOptions | false;
  /** Called on every device state change. */
  readonly onDeviceEvent?: (e: DeviceEvent) => void;
  /** The PortAudio binding (tests pass a simulated one). Default: naudiodon, loaded lazily. */
  readonly naudiodon?: Naudiodon;
}

/** A PortAudio capture stream (16-bit, interleaved) delivering float32 chunks. */
export class PortAudioSource implements AudioSource {
  readonly info: AudioSourceInfo;
  private io: AudioIoStream | undefined;
  private listener: SourceListener | undefined;
  private counters = { chunks: 0, frames: 0 };
  private slips = new ClockSlipDetector();
  /** Slips counted by detectors replaced at earlier resumptions. */
  private xrunsBefore = 0;
  private t0 = 0;
  private lastChunkMs = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private lostAtMs: number | undefined;
  private attempts = 0;
  private running = false;
  /** Device losses so far (this run). */
  gaps = 0;
  private readonly deviceListeners: ((e: DeviceEvent) => void)[] = [];

  private constructor(
    private readonly pa: Naudiodon,
    private deviceId: number,
    info: AudioSourceInfo,
    private readonly opts: PortAudioOptions,
  ) {
    this.info = info;
    if (opts.onDeviceEvent !== undefined) this.deviceListeners.push(opts.onDeviceEvent);
  }

  /** Adds a listener for device state changes (besides options.onDeviceEvent), e.g. once the activity log is open. */
  watchDevice(listener: (e: DeviceEvent) => void): void {
    this.deviceListeners.push(listener);
  }

  /**
   * Resolves the device and settings (no stream is opened until start()).
   * @throws UserError when naudiodon is missing, the device is unknown, or channels exceed the device
   */
  static async open(opts: PortAudioOptions = {}): Promise<PortAudioSource> {
    const pa = opts.naudiodon ?? (await loadNaudiodon());
    const devices = pa.getDevices().filter((d) => d.maxInputChannels > 0);
    const dev = opts.device === undefined ? undefined : pickDevice(devices, opts.device);
    const maxCh = dev?.maxInputChannels ?? 2;
    const channels = opts.channels ?? Math.min(maxCh, opts.preferChannels ?? 2);
    if (!Number.isInteger(channels) || channels < 1 || channels > maxCh) {
      throw new UserError(`Expected at most ${maxCh} channels on ${dev?.name ?? "the default device"}, got ${channels}`);
    }
    const sampleRateHz = opts.sampleRateHz ?? dev?.defaultSampleRate ?? 48000;
    const framesPerChunk = opts.framesPerChunk ?? Math.max(1, Math.round(sampleRateHz / 100));
    const name = dev?.name ?? "default";
    return new PortAudioSource(pa, dev?.id ?? -1, { name, kind: "device", channels, sampleRateHz, framesPerChunk }, opts);
  }

  /** "ok", "lost" (retrying) or "stopped". */
  get state(): "ok" | "lost" | "stopped" {
    return !this.running ? "stopped" : this.lostAtMs === undefined ? "ok" : "lost";
  }

  private get stallMs(): number {
    const r = this.opts.reconnect;
    const chunkMs = (this.info.framesPerChunk / this.info.sampleRateHz) * 1000;
    return (r === false ? undefined : r?.stallMs) ?? Math.max(500, 50 * chunkMs);
  }

  start(listener: SourceListener): Promise<void> {
    if (this.running) return Promise.reject(new Error("PortAudioSource: already started"));
    const { name, channels, sampleRateHz } = this.info;
    this.counters = { chunks: 0, frames: 0 };
    this.gaps = 0;
    this.xrunsBefore = 0;
    this.slips = new ClockSlipDetector();
    try {
      this.openStream();
    } catch (err) {
      return Promise.reject(
        new UserError(`Cannot open capture device ${name} with ${channels} channels at ${sampleRateHz} Hz (${oneLine(err)})`, {
          cause: err,
        }),
      );
    }
    this.listener = listener;
    this.running = true;
    this.t0 = nowMs();
    this.lastChunkMs = this.t0;
    if (this.opts.reconnect !== false) {
      this.watchdog = setInterval(() => this.checkStall(), Math.max(20, Math.round(this.stallMs / 4)));
    }
    return Promise.resolve();
  }

  /** Opens and starts a stream on the current device id. @throws what naudiodon throws */
  private openStream(): void {
    const { channels, sampleRateHz, framesPerChunk } = this.info;
    const io = new this.pa.AudioIO({
      inOptions: {
        channelCount: channels,
        sampleFormat: this.pa.SampleFormat16Bit,
        sampleRate: sampleRateHz,
        deviceId: this.deviceId,
        closeOnError: false,
        framesPerBuffer: framesPerChunk,
        highwaterMark: framesPerChunk * channels * 2,
      },
    });
    this.io = io;
    io.on("data", (buf) => this.onData(io, buf));
    io.on("error", (err) => {
      if (this.io !== io) return;
      if (this.opts.reconnect === false) this.listener?.error?.(err);
      else this.lose(`device error: ${oneLine(err)}`);
    });
    io.start();
  }

  private emit(e: DeviceEvent): void {
    for (const listener of this.deviceListeners) {
      try {
        listener(e);
      } catch {
        // a reporting problem must not stop capture
      }
    }
  }

  private checkStall(): void {
    if (!this.running || this.lostAtMs !== undefined) return;
    const silentMs = nowMs() - this.lastChunkMs;
    if (silentMs > this.stallMs) this.lose(`no audio for ${Math.round(silentMs)} ms`);
  }

  /** The device is gone: close the stream and start retrying. */
  private lose(reason: string): void {
    if (!this.running || this.lostAtMs !== undefined) return;
    this.lostAtMs = nowMs();
    this.gaps++;
    this.attempts = 0;
    this.emit({ type: "lost", reason, timeMs: this.lostAtMs, atFrame: this.counters.frames });
    this.closeStream();
    this.scheduleRetry();
  }

  private closeStream(): void {
    const io = this.io;
    this.io = undefined;
    // quit() on a vanished device may never settle; nothing waits for it.
    if (io !== undefined)
      void Promise.resolve()
        .then(() => io.quit())
        .catch(() => undefined);
  }

  private scheduleRetry(): void {
    const r = this.opts.reconnect === false ? {} : (this.opts.reconnect ?? {});
    const delayMs = Math.min(r.maxDelayMs ?? 5000, (r.initialDelayMs ?? 250) * 2 ** Math.min(this.attempts, 16));
    this.retryTimer = setTimeout(() => this.retry(delayMs), delayMs);
  }

  private retry(delayMs: number): void {
    if (!this.running) return;
    this.attempts++;
    try {
      // The device may come back under another id: look it up by name again.
      if (this.opts.device !== undefined) {
        const devices = this.pa.getDevices().filter((d) => d.maxInputChannels > 0);
        const dev = devices.find((d) => d.name === this.info.name) ?? pickDevice(devices, this.opts.device);
        this.deviceId = dev.id;
      }
      this.openStream();
    } catch (err) {
      this.closeStream();
      this.emit({ type: "retry", attempt: this.attempts, delayMs, error: oneLine(err), timeMs: nowMs() });
      this.scheduleRetry();
      return;
    }
    // Opened: it counts as back once a chunk arrives (onData); a silent stream is another failure.
    const io = this.io;
    const r = this.opts.reconnect === false ? {} : (this.opts.reconnect ?? {});
    this.retryTimer = setTimeout(() => {
      if (!this.running || this.io !== io || this.lostAtMs === undefined) return;
      this.closeStream();
      this.emit({ type: "retry", attempt: this.attempts, delayMs, error: "the reopened stream delivered no audio", timeMs: nowMs() });
      this.scheduleRetry();
    }, r.firstChunkMs ?? this.stallMs);
  }

  private onData(io: AudioIoStream, buf: Buffer): void {
    // naudiodon keeps emitting queued chunks for a moment after quit(); they belong to no run.
    if (this.io !== io || this.listener === undefined) return;
    const { channels, sampleRateHz } = this.info;
    const data = s16leToFloat32(buf);
    const frames = data.length / channels;
    const arrival = nowMs();
    this.lastChunkMs = arrival;
    if (this.lostAtMs !== undefined) {
      // Back: the sample clock goes on where it stopped; the slip detector starts a new baseline.
      const gapMs = arrival - this.lostAtMs;
      this.lostAtMs = undefined;
      clearTimeout(this.retryTimer);
      this.t0 = arrival - (this.counters.frames / sampleRateHz) * 1000;
      this.xrunsBefore += this.slips.xruns;
      this.slips = new ClockSlipDetector();
      this.emit({ type: "resumed", timeMs: arrival, atFrame: this.counters.frames, gapMs, attempts: this.attempts });
    }
    const startFrame = this.counters.frames;
    this.counters.frames += frames;
    this.counters.chunks++;
    this.slips.observe(arrival, arrival - (this.t0 + (this.counters.frames / sampleRateHz) * 1000));
    // A device cannot wait: a returned promise is deliberately not awaited.
    const listener = this.listener;
    const pending = listener.chunk({ data, channels, frames, sampleRateHz, startFrame, captureTimeMs: arrival });
    if (pending !== undefined) pending.catch((err: unknown) => listener.error?.(err instanceof Error ? err : new Error(String(err))));
  }

  async stop(): Promise<void> {
    const io = this.io;
    this.running = false;
    this.io = undefined;
    this.listener = undefined;
    this.lostAtMs = undefined;
    clearInterval(this.watchdog);
    clearTimeout(this.retryTimer);
    if (io !== undefined) await io.quit();
  }

  stats(): SourceStats {
    return { ...this.counters, xruns: this.xrunsBefore + this.slips.xruns };
  }

  health(): SourceHealth {
    return { state: this.state, gaps: this.gaps };
  }
}
