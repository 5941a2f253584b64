/**
 * `timbrescope synth` end to end: a tiny corpus (18 tracks of ~0.25 min, TimGM6mb, 22.05 kHz,
 * stems kept) is generated, then read back with the dataset reader. Checks: every class is
 * active somewhere; the `.lab` files match MedleyDB's activation-confidence recipe recomputed
 * from the written stems by an independent numpy/scipy implementation; silent stems are never
 * labelled active; the artist-conditional split keeps each artist on one side; same seed and
 * options give byte-identical files, also when tracks are generated separately.
 */
import { readFileSync, readdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { registerSynth } from "../../src/cli/synth.js";
import { N_CLASSES, CLASSES } from "../../src/data/classes.js";
import { loadDataset } from "../../src/data/dataset.js";
import { datasetStats } from "../../src/data/dataset-stats.js";
import { makeSplit } from "../../src/data/split.js";
import { generateCorpus, type CorpusOptions } from "../../src/data/synth/corpus.js";
import { parseWav16Mono } from "../../src/data/synth/singer-engines.js";
import { runPython } from "../helpers/python.js";

const root = mkdtempSync(join(tmpdir(), "ts-synth-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const base: CorpusOptions = {
  outDir: join(root, "a"),
  tracks: 18,
  seed: 2,
  minutesPerTrack: 0.25,
  soundfonts: ["timgm6mb"],
  sampleRateHz: 22050,
  keepStems: true,
  styles: [],
  voices: [],
  firstTrack: 0,
};
const report = await generateCorpus(base);
const ds = await loadDataset([base.outDir], { strict: true, requireMix: true });

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe("synth corpus", () => {
  it("is read back by the dataset reader with all 18 classes active", () => {
    expect(ds.tracks.length).toBe(18);
    expect(ds.skipped).toEqual([]);
    const stats = datasetStats(ds);
    for (const c of CLASSES) expect(stats.classes[c.label]?.activeWindows ?? 0, c.label).toBeGreaterThan(0);
    expect(report.windows).toBe(stats.windows);
    for (const t of ds.tracks) {
      expect(t.annotationSource).toBe("v2");
      expect(t.hasBleed).toBe(false);
      expect(t.metadata.origin).toBe("Synthetic");
      expect(t.missingColumns).toEqual([]);
      expect(t.unknownColumns).toEqual([]);
      expect(t.id.split("_").length).toBe(2);
    }
  });

  it("records the sound bank or voice of every stem in the metadata", () => {
    for (const t of ds.tracks) {
      const doc = readFileSync(t.metadataPath, "utf8");
      const stems = doc.split(/\n {2}S\d\d:\n/).slice(1);
      expect(stems.length).toBe(t.stems.length);
      for (const s of stems) expect(/\n {6}(soundfont|voice): \S+/.test(`\n${s}`), s.slice(0, 200)).toBe(true);
    }
  });

  it("writes .lab files that match MedleyDB's recipe recomputed from the stems by numpy/scipy", () => {
    const jobs = ds.tracks.map((t) => ({
      lab: t.annotationPath,
      stems: t.metadata.stems.map((s) => join(base.outDir, "Audio", t.id, t.metadata.stemDir, s.filename)),
      keys: t.metadata.stems.map((s) => s.key),
    }));
    const out = runPython(
      `import numpy as np, scipy.signal as sg, scipy.io.wavfile as wf, json, sys
b, a = sg.butter(2, 0.075, "low")
res = []
for job in json.load(sys.stdin):
    xs = [wf.read(p)[1].astype(np.float32) / np.float32(32767) for p in job["stems"]]
    n = max(len(x) for x in xs); win = 2048; hop = 1024
    L = win * int(np.ceil((n + hop) / win)); w = sg.windows.hann(win + 2)[1:-1]
    E = []
    for x in xs:
        y = np.zeros(L, dtype=np.float32); y[hop:hop + len(x)] = x
        r = np.sqrt(np.maximum(y, 0)).astype(np.float64)
        fr = np.lib.stride_tricks.sliding_window_view(r, win)[::hop]
        E.append((fr * w).mean(axis=1))
    E = np.array(E); E0 = E.sum(axis=0)
    H = len(xs) * E / E0.max(); H[:, E0 < 0.01] = 0
    C = 1 - 1 / (1 + np.exp(20 * (sg.filtfilt(b, a, H, axis=1) - 0.15)))
    lab = np.genfromtxt(job["lab"], delimiter=",", names=True)
    cols = np.array([lab[k] for k in job["keys"]])
    res.append({"rows": [int(C.shape[1]), int(cols.shape[1])], "maxdiff": float(np.abs(C - cols).max()),
                "flips": int(((C >= 0.5) != (cols >= 0.5)).sum()), "cells": int(C.size)})
print(json.dumps(res))`,
      JSON.stringify(jobs),
    );
    const res = JSON.parse(out) as { rows: [number, number]; maxdiff: number; flips: number; cells: number }[];
    let flips = 0;
    let cells = 0;
    for (const r of res) {
      expect(r.rows[0]).toBe(r.rows[1]);
      expect(r.maxdiff).toBeLessThan(1e-3); // %.4f rounding + float32 vs float64 sqrt
      flips += r.flips;
      cells += r.cells;
    }
    expect(flips / cells).toBeLessThan(1e-3);
  });

  it("never labels a stem active in a window where it is silent for 3 s around", () => {
    const sr = base.sampleRateHz;
    let checked = 0;
    for (const t of ds.tracks) {
      for (const stem of t.metadata.stems) {
        const pcm = parseWav16Mono(readFileSync(join(base.outDir, "Audio", t.id, t.metadata.stemDir, stem.filename)));
        if (pcm === undefined) throw new Error(`cannot read stem ${stem.filename}`);
        const classIdx = CLASSES.findIndex((c) => c.label === stem.instruments[0]);
        const others = t.metadata.stems.filter((s) => s !== stem && s.instruments[0] === stem.instruments[0]);
        if (others.length > 0) continue; // another stem of the class may be active there
        for (let w = 0; w < t.labels.nWindows; w++) {
          const from = Math.max(0, (w - 3) * sr);
          const to = Math.min(pcm.samples.length, (w + 4) * sr);
          let silent = true;
          for (let i = from; i < to && silent; i++) if (pcm.samples[i] !== 0) silent = false;
          if (!silent) continue;
          checked++;
          expect(t.labels.classes[w * N_CLASSES + classIdx], `${t.id} ${stem.key} window ${w}`).toBe(0);
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("supports an artist-conditional split (several tracks per artist, each artist on one side)", () => {
    const artists = new Map<string, number>();
    for (const t of ds.tracks) artists.set(t.artistKey, (artists.get(t.artistKey) ?? 0) + 1);
    expect([...artists.values()].some((n) => n > 1)).toBe(true);
    const m = makeSplit(
      ds.tracks.map((t) => ({ id: t.id, artistKey: t.artistKey, classes: t.activeClasses })),
      { seed: 1, testFraction: 0.3 },
    );
    const side = new Map<string, string>();
    const artistOf = new Map(ds.tracks.map((t) => [t.id, t.artistKey]));
    for (const [name, ids] of [
      ["train", m.train],
      ["val", m.validationFrom.train],
      ["test", m.test],
    ] as const) {
      for (const id of ids) {
        const a = artistOf.get(id) as string;
        expect(side.get(a) ?? name, `${a} on two sides`).toBe(name);
        side.set(a, name);
      }
    }
    expect(m.train.length).toBeGreaterThan(0);
    expect(m.test.length).toBeGreaterThan(0);
  });

  it("gives byte-identical files for the same seed and options, also for tracks generated on their own", async () => {
    const again = { ...base, outDir: join(root, "b"), tracks: 3, firstTrack: 5 };
    await generateCorpus(again);
    const filesB = filesUnder(again.outDir);
    expect(filesB.length).toBeGreaterThan(9);
    for (const f of filesB) expect(readFileSync(join(again.outDir, f)).equals(readFileSync(join(base.outDir, f))), f).toBe(true);
  });
});

describe("synth CLI", () => {
  async function run(argv: string[]): Promise<{ code: number; stdout: string }> {
    const program = new Command().exitOverride();
    registerSynth(program);
    let stdout = "";
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string | Uint8Array) => {
      stdout += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
      return true;
    };
    try {
      await program.parseAsync(argv, { from: "user" });
      return { code: 0, stdout };
    } finally {
      process.stdout.write = write;
    }
  }

  it("parses its flags and prints a JSON report", async () => {
    const out = join(root, "cli");
    const { stdout } = await run([
      "synth",
      "--out",
      out,
      "--tracks",
      "1",
      "--seed",
      "9",
      "--minutes-per-track",
      "0.15",
      "--soundfonts",
      "timgm6mb",
      "--json",
    ]);
    const r = JSON.parse(stdout) as { tracks: number; audioSeconds: number; realtimePerCpu: number; classes: Record<string, unknown> };
    expect(r.tracks).toBe(1);
    expect(r.audioSeconds).toBeGreaterThan(5);
    expect(Object.keys(r.classes).length).toBe(18);
    expect(filesUnder(out).filter((f) => f.includes("_STEMS"))).toEqual([]); // stems only with --keep-stems
  });

  it("rejects bad values with a message naming the flag", async () => {
    await expect(run(["synth", "--out", root, "--sample-rate", "48000"])).rejects.toThrow(/--sample-rate 22050 or 44100, got "48000"/);
    await expect(run(["synth", "--out", root, "--tracks", "0"])).rejects.toThrow(/--tracks/);
    await expect(run(["synth", "--out", root, "--soundfonts", "nosuchbank"])).rejects.toThrow(/bank name/);
    await expect(run(["synth", "--out", root, "--styles", "polka"])).rejects.toThrow(/--styles/);
    // a realism element's style without the element: one line naming both, nothing written
    const before = filesUnder(root).length;
    await expect(run(["synth", "--out", root, "--styles", "guitar-rock,cinematic,rock", "--realism", "sparse"])).rejects.toThrow(
      /^Expected --realism to include tones for style guitar-rock, extra for style cinematic$/,
    );
    expect(filesUnder(root).length).toBe(before);
  });
});
