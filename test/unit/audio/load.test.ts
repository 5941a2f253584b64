/**
 * loadMono: decode -> channel mean -> HQ resample to 22050 Hz (default) as float32, checked against
 * the analytic signal the test file encodes (sines sampled at the output rate).
 */
import { describe, expect, it } from "vitest";
import { loadMono } from "../../../src/audio/load.js";
import { InputFileError, UserError } from "../../../src/errors.js";
import { tempDir, wavBytes, writeFile } from "../../helpers/audio-files.js";
import { expectAllClose } from "../../helpers/close.js";

const dir = tempDir();

/** int16 samples of amp * sin(2 pi f t + phase) at rateHz. */
const sineInt16 = (n: number, rateHz: number, f: number, amp: number, phase: number): Int32Array =>
  Int32Array.from({ length: n }, (_, i) => Math.round(amp * 32767 * Math.sin(2 * Math.PI * f * (i / rateHz) + phase)));

describe("loadMono", () => {
  it("stereo 44.1 kHz -> mono 22.05 kHz: length, source info and the mean signal at the new rate", async () => {
    const n = 44101;
    const p = writeFile(
      dir,
      "stereo.wav",
      wavBytes({
        sampleRateHz: 44100,
        encoding: "pcm16",
        channels: [sineInt16(n, 44100, 1000, 0.5, 0), sineInt16(n, 44100, 3000, 0.4, 1)],
      }),
    );
    const audio = await loadMono(p);
    expect(audio.samples).toBeInstanceOf(Float32Array);
    expect(audio.sampleRateHz).toBe(22050);
    expect(audio.samples.length).toBe(22051); // ceil(44101 / 2)
    expect(audio.source).toEqual({ sampleRateHz: 44100, channels: 2, format: "wav/pcm16", path: p });
    const want = Array.from({ length: audio.samples.length }, (_, m) => {
      const t = m / 22050;
      return (0.5 * Math.sin(2 * Math.PI * 1000 * t) + 0.4 * Math.sin(2 * Math.PI * 3000 * t + 1)) / 2;
    });
    // 16-bit quantisation (<= 1.5e-5 per sample) dominates; the resampler adds ~1e-6. Edges: the
    // file starts/ends abruptly, so only the interior equals the endless sine.
    expectAllClose(audio.samples.subarray(600, -600), want.slice(600, -600), 5e-5, "mono 22050");
  });

  it("48 kHz -> 44.1 kHz on request", async () => {
    const n = 24000;
    const p = writeFile(
      dir,
      "mono48.wav",
      wavBytes({ sampleRateHz: 48000, encoding: "pcm16", channels: [sineInt16(n, 48000, 5000, 0.7, 0.3)] }),
    );
    const audio = await loadMono(p, { sampleRateHz: 44100 });
    expect(audio.samples.length).toBe(22050); // ceil(24000 * 44100 / 48000)
    const want = Array.from({ length: 22050 }, (_, m) => 0.7 * Math.sin(2 * Math.PI * 5000 * (m / 44100) + 0.3));
    expectAllClose(audio.samples.subarray(800, -800), want.slice(800, -800), 5e-5, "mono 44100");
  });

  it("returns the decoded samples unchanged when the file is already at the requested rate", async () => {
    const x = sineInt16(5000, 22050, 440, 0.9, 0);
    const audio = await loadMono(writeFile(dir, "mono22.wav", wavBytes({ sampleRateHz: 22050, encoding: "pcm16", channels: [x] })));
    expectAllClose(
      audio.samples,
      Float32Array.from(x, (v) => v / 32768),
      0,
      "unchanged",
    );
  });

  it("rejects a bad sampleRateHz and passes file errors through", async () => {
    const p = writeFile(dir, "ok.wav", wavBytes({ sampleRateHz: 8000, encoding: "pcm16", channels: [[1, 2, 3]] }));
    await expect(loadMono(p, { sampleRateHz: 22050.5 })).rejects.toThrow(UserError);
    await expect(loadMono(p, { sampleRateHz: 0 })).rejects.toThrow(/Expected sampleRateHz a positive integer in Hz, got 0/);
    await expect(loadMono(`${dir}/absent.wav`)).rejects.toThrow(InputFileError);
  });
});
