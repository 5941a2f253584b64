/**
 * PortAudio capture (naudiodon) from virtual ALSA devices, no sound hardware: the AudioSource
 * conformance suite on an unpaced (null slave) and a paced (private PulseAudio) device, device
 * lookup, and the live pipeline fed by a device giving the same frames as the offline pipeline.
 */
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { registerDevices } from "../../src/cli/devices.js";
import { listInputDevices, pickDevice, PortAudioSource } from "../../src/audio/portaudio-source.js";
import { LivePipeline } from "../../src/pipeline/live.js";
import { analyzeSamples } from "../../src/pipeline/offline.js";
import { resample } from "../../src/audio/resample.js";
import { downmixToMono } from "../../src/audio/downmix.js";
import { tempDir } from "../helpers/audio-files.js";
import { expectAllClose } from "../helpers/close.js";
import { CollectSink } from "../helpers/collect-sink.js";
import { describeAudioSource } from "../helpers/describe-audio-source.js";
import { createScorer, fakeScorerSpec } from "../helpers/fake-scorer.js";
import { sceneInt16 } from "../helpers/live-signals.js";
import { startPrivatePulse, writeVirtualDevices } from "../helpers/virtual-audio.js";
import type { PrivatePulse } from "../helpers/virtual-audio.js";

const dir = tempDir("timbrescope-pa-");
const mono = sceneInt16(
  [
    { seconds: 1, classes: [2] },
    { seconds: 1, classes: [3] },
  ],
  48000,
);
// After its infile ends, the ALSA file plugin keeps delivering stale buffer contents (measured: not
// zeros), so the recordings run 0.5 s past the windows compared: the resampler's look-ahead at the
// last window then reads real samples in both pipelines.
const stereo = [
  sceneInt16(
    [
      { seconds: 3, classes: [2] },
      { seconds: 0.5, classes: [] },
    ],
    44100,
  )[0]!,
  sceneInt16(
    [
      { seconds: 3, classes: [3] },
      { seconds: 0.5, classes: [] },
    ],
    44100,
    1,
    9,
  )[0]!,
];
// alsa-lib reads this when naudiodon first initialises PortAudio in this process.
process.env["XDG_CONFIG_HOME"] = writeVirtualDevices(dir, [
  { name: "mono", channels: mono },
  { name: "st", channels: stereo },
]);

let pulse: Promise<PrivatePulse> | undefined;
const pulseUp = async (): Promise<void> => {
  pulse ??= startPrivatePulse(dir);
  const p = await pulse;
  Object.assign(process.env, p.env);
};
afterAll(async () => {
  if (pulse !== undefined) await (await pulse).stop();
});

const toFloat = (x: Int32Array): Float32Array => Float32Array.from(x, (v) => v / 32768);
const reference = toFloat(mono[0]!).subarray(0, 48000);
const base = { channels: 1, sampleRateHz: 48000, framesPerChunk: 480, reference };

describeAudioSource("PortAudio, unpaced virtual device", {
  ...base,
  paced: false,
  make: () => PortAudioSource.open({ device: "filecap_mono", channels: 1, sampleRateHz: 48000 }),
});

describeAudioSource("PortAudio, paced virtual device (PulseAudio)", {
  ...base,
  reference: reference.subarray(0, 28800),
  paced: true,
  make: async () => {
    await pulseUp();
    return PortAudioSource.open({ device: "filecap_mono_paced", channels: 1, sampleRateHz: 48000 });
  },
});

describe("PortAudio devices", () => {
  it("lists the virtual capture devices and finds one by id, name or unique fragment", async () => {
    const devices = await listInputDevices();
    const names = devices.map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(["filecap_mono", "filecap_st", "filecap_mono_paced"]));
    const st = devices.find((d) => d.name === "filecap_st")!;
    expect(st.hostAPIName).toBe("ALSA");
    expect(pickDevice(devices, String(st.id))).toBe(st);
    expect(pickDevice(devices, "filecap_st")).toBe(st);
    expect(pickDevice(devices, "_ST_PACED").name).toBe("filecap_st_paced");
    expect(() => pickDevice(devices, "filecap")).toThrow(/got "filecap", which matches several capture devices/);
    expect(() => pickDevice(devices, "nothing-like-it")).toThrow(/matches no capture device \(available: .*filecap_mono/);
    await expect(PortAudioSource.open({ device: "filecap_st", channels: 999 })).rejects.toThrow(
      /Expected at most \d+ channels on filecap_st, got 999/,
    );
    const bad = await PortAudioSource.open({ device: "filecap_st", channels: 2, sampleRateHz: 1 });
    await expect(bad.start({ chunk: () => undefined })).rejects.toThrow(
      "Cannot open capture device filecap_st with 2 channels at 1 Hz (Format not supported: Invalid sample rate)",
    );
  });
});

describe("timbrescope devices", () => {
  it("prints the capture devices as JSON (stdout) for --json", async () => {
    const program = new Command("timbrescope").exitOverride();
    registerDevices(program);
    let out = "";
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string | Uint8Array) => ((out += String(chunk)), true);
    try {
      await program.parseAsync(["devices", "--json"], { from: "user" });
    } finally {
      process.stdout.write = write;
    }
    const list = JSON.parse(out) as { id: number; name: string; hostApi: string; inputs: number; defaultRateHz: number }[];
    expect(list.find((d) => d.name === "filecap_st")).toMatchObject({ hostApi: "ALSA" });
    expect(list.every((d) => d.inputs > 0)).toBe(true);
  });
});

describe("live pipeline on a capture device", () => {
  it("per-channel capture gives the same frames as the offline pipeline on each channel", async () => {
    const source = await PortAudioSource.open({ device: "filecap_st", channels: 2, sampleRateHz: 44100 });
    const sink = new CollectSink();
    // The null-slave device runs far faster than real time: queue enough windows that none of the
    // file's are dropped before they are scored.
    const p = await LivePipeline.start({
      source,
      scorer: fakeScorerSpec({ mode: "absolute" }),
      sinks: [sink],
      hopSec: 0.5,
      channelMode: { kind: "per-channel" },
      maxPendingWindows: 400,
      stopAfterWindows: 5,
    });
    await p.done;
    for (const lane of [0, 1]) {
      const x = new Float32Array(resample(downmixToMono([toFloat(stereo[lane]!)]), 44100, 22050));
      const off = await analyzeSamples(x, createScorer({ mode: "absolute" }), { hopSec: 0.5, normalization: { kind: "running" } });
      const offFrames = off.frames.slice(0, 5); // windows inside the first 3 s
      const live = sink.frames.filter((f) => f.lane === lane).slice(0, 5);
      expect(offFrames.at(-1)?.startSample).toBe(44100);
      expect(live.map((f) => [f.channel, f.startSample])).toEqual(offFrames.map((f) => [lane, f.startSample]));
      expectAllClose(
        live.flatMap((f) => Array.from(f.raw)),
        offFrames.flatMap((f) => Array.from(f.raw)),
        1e-6,
        `lane ${lane} raw`,
      );
    }
    // channel 1 carries the singer (class 2), channel 2 the guitar (class 3)
    const first = sink.frames.filter((f) => f.index === 0);
    expect(first.map((f) => [f.raw[2]! > 0.5, f.raw[3]! > 0.5])).toEqual([
      [true, false],
      [false, true],
    ]);
  });
});
