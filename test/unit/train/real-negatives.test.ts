/**
 * Partly labelled real recordings in training (`train --real-negatives`): the loss leaves unknown
 * targets out (value and gradient) and equals Keras's binary cross-entropy without them; the window
 * store turns the stored unknown byte into -1; the list refuses what it must (development-set
 * tracks, unknown classes, bad fields) with one line naming the file; entries carry the checked
 * classes as 0 and the rest as unknown, repeated as asked.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { CLASSES, N_CLASSES } from "../../../src/data/classes.js";
import { DEFAULT_MEL_PARAMS } from "../../../src/features/params.js";
import { initBackend } from "../../../src/model/backend.js";
import { partialLabels, readRealNegatives, realNegativeEntries } from "../../../src/train/real-negatives.js";
import { bceLoss } from "../../../src/train/step.js";
import { UNKNOWN_LABEL, WindowStore } from "../../../src/train/window-store.js";
import { tempDir, wavBytes, writeFile } from "../../helpers/audio-files.js";

const dir = tempDir("ts-real-neg-");
const DRUMS = CLASSES.findIndex((c) => c.id === "drums");
const CLEAN = CLASSES.findIndex((c) => c.id === "clean-guitar");

beforeAll(async () => {
  await initBackend("cpu");
});

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe("bceLoss with unknown targets", () => {
  const rnd = lcg(3);
  const n = 6;
  const p = Array.from({ length: n * 4 }, () => 0.02 + 0.96 * rnd());
  const y = Array.from({ length: n * 4 }, () => (rnd() < 0.5 ? 1 : 0));

  it("equals Keras binary cross-entropy (tf.metrics) when every target is known", () => {
    const ours = bceLoss(tf.tensor2d(y, [n, 4]), tf.tensor2d(p, [n, 4])).dataSync()[0] as number;
    const keras = tf.mean(tf.metrics.binaryCrossentropy(tf.tensor2d(y, [n, 4]), tf.tensor2d(p, [n, 4]))).dataSync()[0] as number;
    expect(Math.abs(ours - keras)).toBeLessThan(1e-6);
  });

  it("leaves unknown targets out: value = Keras on the known ones x known share; zero gradient where unknown", () => {
    const masked = y.map((v, i) => (i % 3 === 0 ? -1 : v));
    const known = masked.flatMap((v, i) => (v < 0 ? [] : [i]));
    const ours = bceLoss(tf.tensor2d(masked, [n, 4]), tf.tensor2d(p, [n, 4])).dataSync()[0] as number;
    const kerasKnown = tf
      .mean(tf.metrics.binaryCrossentropy(tf.tensor1d(known.map((i) => y[i] as number)), tf.tensor1d(known.map((i) => p[i] as number))))
      .dataSync()[0] as number;
    expect(Math.abs(ours - (kerasKnown * known.length) / masked.length)).toBeLessThan(1e-6);
    const grad = tf
      .grad((q: tf.Tensor) => bceLoss(tf.tensor2d(masked, [n, 4]), q))(tf.tensor2d(p, [n, 4]))
      .dataSync();
    masked.forEach((v, i) => {
      if (v < 0) expect(grad[i]).toBe(0);
      else {
        // d/dp of -(t log p + (1 - t) log(1 - p)) / N
        const pi = p[i] as number;
        const expected = (v === 1 ? -1 / pi : 1 / (1 - pi)) / masked.length;
        expect(Math.abs((grad[i] as number) - expected)).toBeLessThan(1e-4 * Math.abs(expected));
      }
    });
  });
});

describe("window store", () => {
  it("reads a stored unknown label as -1 and 0 / 1 as they are", () => {
    const labels = new Uint8Array([1, 0, UNKNOWN_LABEL, UNKNOWN_LABEL, 0, 1]);
    const store = new WindowStore(
      [{ trackId: "t", trackIndex: 0, variant: "", nWindows: 2, labels, source: { kind: "memory", mel: new Float32Array(2 * 2) } }],
      { nMels: 2, nFrames: 1, nClasses: 3 },
    );
    const x = new Float32Array(4);
    const y = new Float32Array(6);
    store.read(new Int32Array([0, 1, 0, 0]), x, y);
    expect([...y]).toEqual([UNKNOWN_LABEL, 0, 1, 1, 0, UNKNOWN_LABEL].map((v) => (v === UNKNOWN_LABEL ? -1 : v)));
  });
});

function list(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
}

describe("real-negatives list", () => {
  it("the project's list parses, names no development-set track and keeps validation tracks out of training", () => {
    const l = readRealNegatives(join(process.cwd(), "config", "real-negatives.yaml"));
    expect(l.tracks.filter((t) => t.part === "train").length).toBeGreaterThanOrEqual(5);
    expect(l.tracks.filter((t) => t.part === "validation").length).toBeGreaterThanOrEqual(1);
    for (const t of l.tracks) expect(t.absent).toContain(DRUMS);
  });

  it("refuses a development-set track, an unknown class and a bad part, each with one line naming the file", () => {
    const dev = list(
      "dev.yaml",
      "schema: timbrescope-real-negatives\nsources:\n  - root: /usr/share/games/wesnoth/1.16/data/core/music\n    absent: [drums]\n    tracks: [{ file: love_theme.ogg }]\n",
    );
    expect(() => readRealNegatives(dev)).toThrow(/dev\.yaml.*love_theme\.ogg is scored by the real-music development set/);
    const cls = list(
      "cls.yaml",
      "schema: timbrescope-real-negatives\nsources:\n  - root: /x\n    absent: [drums, kazoo]\n    tracks: [{ file: a.ogg }]\n",
    );
    expect(() => readRealNegatives(cls)).toThrow(/cls\.yaml.*"kazoo" is not one of the 18 classes/);
    const part = list(
      "part.yaml",
      "schema: timbrescope-real-negatives\nsources:\n  - root: /x\n    absent: [drums]\n    tracks: [{ file: a.ogg, part: test }]\n",
    );
    expect(() => readRealNegatives(part)).toThrow(/part\.yaml.*a\.ogg: part must be train or validation/);
    const schema = list("schema.yaml", "sources: []\n");
    expect(() => readRealNegatives(schema)).toThrow(/schema\.yaml.*not a real-negatives list/);
    for (const f of [dev, cls, part, schema]) {
      try {
        readRealNegatives(f);
      } catch (err) {
        expect(String((err as Error).message)).not.toContain("\n");
      }
    }
  });

  it("labels the checked classes 0 and the rest unknown, repeated as asked, validation tracks left out", async () => {
    const rate = 22050;
    const tone = Array.from({ length: rate * 3 + 500 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)));
    writeFile(dir, "a.wav", wavBytes({ sampleRateHz: rate, encoding: "pcm16", channels: [tone] }));
    writeFile(dir, "b.wav", wavBytes({ sampleRateHz: rate, encoding: "pcm16", channels: [tone] }));
    const p = list(
      "ok.yaml",
      `schema: timbrescope-real-negatives\nrepeat: 3\nsources:\n  - root: ${dir}\n    absent: [drums, clean-guitar]\n    tracks: [{ file: a.wav }, { file: b.wav, part: validation }]\n`,
    );
    const l = readRealNegatives(p);
    const entries = await realNegativeEntries(l, { cacheDir: join(dir, "cache"), melParams: DEFAULT_MEL_PARAMS, firstTrackIndex: 7 });
    expect(entries.length).toBe(3);
    for (const e of entries) {
      expect(e.trackId).toBe(`real:${join(dir, "a.wav")}`);
      expect(e.trackIndex).toBe(7);
      expect(e.nWindows).toBe(3);
      expect([...e.labels]).toEqual([...partialLabels(3, [DRUMS, CLEAN])]);
    }
    const row = [...(entries[0]?.labels.subarray(0, N_CLASSES) ?? [])];
    expect(row.filter((v) => v === 0).length).toBe(2);
    expect(row[DRUMS]).toBe(0);
    expect(row.filter((v) => v === UNKNOWN_LABEL).length).toBe(N_CLASSES - 2);
    const missing = list(
      "missing.yaml",
      `schema: timbrescope-real-negatives\nsources:\n  - root: ${dir}\n    absent: [drums]\n    tracks: [{ file: nope.ogg }]\n`,
    );
    await expect(
      realNegativeEntries(readRealNegatives(missing), { cacheDir: join(dir, "cache"), melParams: DEFAULT_MEL_PARAMS, firstTrackIndex: 0 }),
    ).rejects.toThrow(/nope\.ogg is not there/);
  });
});
