import { describe, expect, it } from "vitest";
import { ClockSlipDetector, pickDevice } from "../../../src/audio/portaudio-source.js";
import type { DeviceInfo } from "../../../src/audio/portaudio-source.js";

/** Feeds 10 ms chunks for `seconds`, lag(tMs) giving each chunk's arrival lag. */
function feed(d: ClockSlipDetector, seconds: number, lag: (tMs: number) => number, startMs = 0): number {
  for (let t = startMs; t < startMs + seconds * 1000; t += 10) d.observe(t + lag(t), lag(t));
  return startMs + seconds * 1000;
}

/** Bursty jitter like the ALSA pulse plugin: 0-15 ms. */
const jitter = (t: number): number => 5 + ((t * 7919) % 15);

describe("ClockSlipDetector", () => {
  it("counts nothing for jitter, a stall that catches up, or slow clock drift", () => {
    const d = new ClockSlipDetector();
    let t = feed(d, 10, jitter);
    // a 300 ms stall: chunks arrive late, then in a burst, and the lag returns to normal
    t = feed(d, 1, (x) => (x - t < 300 ? 300 - (x - t) + jitter(x) : jitter(x)), t);
    // drift: +3 ms per second (a device clock 0.3 % slow)
    feed(d, 30, (x) => jitter(x) + ((x - t) / 1000) * 3, t);
    expect(d.xruns).toBe(0);
  });

  it("counts a lasting step in the lag (frames lost) once", () => {
    const d = new ClockSlipDetector();
    let t = feed(d, 6, jitter);
    t = feed(d, 10, (x) => jitter(x) + 120, t);
    expect(d.xruns).toBe(1);
    feed(d, 6, (x) => jitter(x) + 240, t);
    expect(d.xruns).toBe(2);
  });
});

describe("pickDevice", () => {
  const devs: DeviceInfo[] = [
    {
      id: 0,
      name: "HDA Intel PCH: ALC3246 Analog (hw:0,0)",
      hostAPIName: "ALSA",
      maxInputChannels: 2,
      maxOutputChannels: 2,
      defaultSampleRate: 44100,
    },
    {
      id: 4,
      name: "Scarlett 18i20 USB: Audio (hw:1,0)",
      hostAPIName: "ALSA",
      maxInputChannels: 18,
      maxOutputChannels: 20,
      defaultSampleRate: 48000,
    },
  ];
  it("matches id, exact name, or a unique fragment in any case", () => {
    expect(pickDevice(devs, "4").name).toMatch(/Scarlett/);
    expect(pickDevice(devs, "scarlett").id).toBe(4);
    expect(() => pickDevice(devs, "hw:")).toThrow(
      'Expected --device to name one capture device, got "hw:", which matches several capture devices',
    );
  });
});
