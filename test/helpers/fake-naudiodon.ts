/**
 * A simulated PortAudio binding (the narrow `Naudiodon` API of src/audio/portaudio-source.ts) with one
 * capture device that a test can unplug and plug back in: paced 16-bit chunks of a sine from a
 * timer, a device list that loses the device, streams that stop delivering ("silent", like a
 * vanished ALSA/Pulse device) or report an error ("error"), and a device that may come back under
 * a new id.
 */
import type { DeviceInfo, Naudiodon } from "../../src/audio/portaudio-source.js";

type Listener = (arg: never) => void;

/** The simulated device and its controls. */
export interface FakeAudio {
  readonly api: Naudiodon;
  /** Streams opened so far. */
  opened: number;
  /** Removes the device; running streams go silent or emit an error. */
  unplug(how: "silent" | "error"): void;
  /** Lists the device again, under `id` (default: the same id). */
  replug(id?: number): void;
}

/** A fake with one device `name` (`channels` inputs at `rateHz`). */
export function fakeNaudiodon(name = "Fake USB Audio", channels = 2, rateHz = 48000, toneHz = 440): FakeAudio {
  let device: DeviceInfo | undefined = {
    id: 3,
    name,
    hostAPIName: "ALSA",
    maxInputChannels: channels,
    maxOutputChannels: 0,
    defaultSampleRate: rateHz,
  };
  let lastId = 3;
  const streams = new Set<{ stop: () => void; fail: () => void }>();
  const state: FakeAudio = {
    opened: 0,
    api: undefined as unknown as Naudiodon,
    unplug(how) {
      device = undefined;
      for (const s of [...streams]) (how === "silent" ? s.stop : s.fail)();
    },
    replug(id = lastId) {
      lastId = id;
      device = { id, name, hostAPIName: "ALSA", maxInputChannels: channels, maxOutputChannels: 0, defaultSampleRate: rateHz };
    },
  };
  let phase = 0;
  class AudioIO {
    private readonly listeners = new Map<string, Listener[]>();
    private timer: NodeJS.Timeout | undefined;
    private readonly frames: number;
    private readonly ch: number;
    private readonly handle = {
      stop: (): void => this.halt(),
      fail: (): void => this.emit("error", new Error("PortAudio: device unavailable (-9985)")),
    };
    constructor(opts: { inOptions: Record<string, number | boolean> }) {
      const id = opts.inOptions["deviceId"];
      if (device === undefined || (id !== -1 && id !== device.id)) throw new Error(`Invalid device ID ${String(id)}`);
      this.frames = Number(opts.inOptions["framesPerBuffer"]);
      this.ch = Number(opts.inOptions["channelCount"]);
      state.opened++;
    }
    on(event: string, cb: Listener): this {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), cb]);
      return this;
    }
    private emit(event: string, arg: unknown): void {
      for (const cb of this.listeners.get(event) ?? []) (cb as (a: unknown) => void)(arg);
    }
    start(): void {
      streams.add(this.handle);
      const periodMs = (this.frames / rateHz) * 1000;
      const t0 = Date.now();
      let sent = 0;
      // Deliver whatever is due every few ms, like a device clock that timers only approximate.
      this.timer = setInterval(() => {
        while ((sent + 1) * periodMs <= Date.now() - t0) {
          const buf = Buffer.alloc(this.frames * this.ch * 2);
          for (let i = 0; i < this.frames; i++) {
            const v = Math.round(0.3 * 32767 * Math.sin(phase));
            phase += (2 * Math.PI * toneHz) / rateHz;
            for (let c = 0; c < this.ch; c++) buf.writeInt16LE(v, 2 * (i * this.ch + c));
          }
          sent++;
          this.emit("data", buf);
        }
      }, 5);
    }
    private halt(): void {
      clearInterval(this.timer);
      streams.delete(this.handle);
    }
    quit(): Promise<void> {
      this.halt();
      return Promise.resolve();
    }
  }
  (state as { api: Naudiodon }).api = {
    getDevices: () => (device === undefined ? [] : [device]),
    AudioIO,
    SampleFormat16Bit: 8,
  };
  return state;
}
