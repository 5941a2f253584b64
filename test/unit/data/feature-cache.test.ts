import { readdirSync, truncateSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadMono } from "../../../src/audio/load.js";
import { getTrackFeatures } from "../../../src/data/feature-cache.js";
import { melWindowDb } from "../../../src/features/mel.js";
import { rmsNormalize } from "../../../src/features/normalize.js";
import { DEFAULT_MEL_PARAMS, withPadMode } from "../../../src/features/params.js";
import { pcmSignal, tempDir, wavBytes, writeFile } from "../../helpers/audio-files.js";

const N_CLASSES = 18;
const PER_WINDOW = 96 * 87;

function labelsFor(nWindows: number, seed: number): Uint8Array {
  const y = new Uint8Array(nWindows * N_CLASSES);
  for (let i = 0; i < y.length; i++) y[i] = (i * 7 + seed) % 5 === 0 ? 1 : 0;
  return y;
}

describe("feature cache", () => {
  const dir = tempDir("timbrescope-cache-");
  const cacheDir = join(dir, "cache");
  // 3.5 s of 44.1 kHz stereo noise: 3 whole windows after resampling to 22050 Hz.
  const wav = writeFile(dir, "mix.wav", wavBytes({ sampleRateHz: 44100, encoding: "pcm16", channels: pcmSignal(154350, 2, 16, 3) }));

  it("computes windows with the shared front-end, stores them, and reads them back unchanged", async () => {
    const labels = labelsFor(3, 1);
    const first = await getTrackFeatures({ trackId: "T_A", audioPath: wav, labels, nClasses: N_CLASSES }, { cacheDir });
    expect(first.fromCache).toBe(false);
    expect(first.header.nWindows).toBe(3);
    expect(first.mel.length).toBe(3 * PER_WINDOW);
    expect([...first.labels]).toEqual([...labels]);

    // Same as running the front-end directly on the RMS-normalised mix.
    const audio = await loadMono(wav);
    const x = rmsNormalize(audio.samples);
    for (let w = 0; w < 3; w++) {
      const direct = melWindowDb(x, w * 22050, DEFAULT_MEL_PARAMS);
      const cached = first.mel.subarray(w * PER_WINDOW, (w + 1) * PER_WINDOW);
      expect(
        cached.every((v, i) => Object.is(v, direct[i])),
        `window ${w} bit-identical`,
      ).toBe(true);
    }

    const second = await getTrackFeatures({ trackId: "T_A", audioPath: wav, labels, nClasses: N_CLASSES }, { cacheDir });
    expect(second.fromCache).toBe(true);
    expect(Buffer.from(second.mel.buffer).equals(Buffer.from(first.mel.buffer))).toBe(true);
    expect(second.header).toEqual(first.header);
  });

  it("keys entries by labels, MelParams and variant", async () => {
    const base = { trackId: "T_A", audioPath: wav, nClasses: N_CLASSES };
    const newLabels = await getTrackFeatures({ ...base, labels: labelsFor(3, 2) }, { cacheDir });
    expect(newLabels.fromCache).toBe(false);
    const reflect = await getTrackFeatures({ ...base, labels: labelsFor(3, 1) }, { cacheDir, params: withPadMode("reflect") });
    expect(reflect.fromCache).toBe(false);
    expect(reflect.header.melParamsHash).not.toBe(newLabels.header.melParamsHash);
    const reversed = await getTrackFeatures(
      { ...base, labels: labelsFor(3, 1), variant: "reversed", transform: (s) => s.slice().reverse() },
      { cacheDir },
    );
    expect(reversed.fromCache).toBe(false);
    expect(reversed.header.variant).toBe("reversed");
    await expect(getTrackFeatures({ ...base, labels: labelsFor(3, 1), variant: "x" }, { cacheDir })).rejects.toThrow(/needs a transform/);
  });

  it("recomputes a corrupt entry instead of reading it", async () => {
    const labels = labelsFor(3, 1);
    const entries = readdirSync(cacheDir).filter((f) => f.endsWith(".feat"));
    expect(entries.length).toBeGreaterThanOrEqual(3);
    for (const e of entries) truncateSync(join(cacheDir, e), Math.floor(statSync(join(cacheDir, e)).size / 2));
    const again = await getTrackFeatures({ trackId: "T_A", audioPath: wav, labels, nClasses: N_CLASSES }, { cacheDir });
    expect(again.fromCache).toBe(false);
    expect(again.mel.length).toBe(3 * PER_WINDOW);
    const reread = await getTrackFeatures({ trackId: "T_A", audioPath: wav, labels, nClasses: N_CLASSES }, { cacheDir });
    expect(reread.fromCache).toBe(true);
  });

  it("uses only whole windows of audio when the labels claim more", async () => {
    const r = await getTrackFeatures({ trackId: "T_B", audioPath: wav, labels: labelsFor(5, 1), nClasses: N_CLASSES }, { cacheDir });
    expect(r.header.nWindows).toBe(3);
    expect(r.labels.length).toBe(3 * N_CLASSES);
  });
});
