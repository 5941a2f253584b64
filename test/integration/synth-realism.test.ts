/**
 * `timbrescope synth --realism`: a small corpus with the elements `extra`, `expressive` and
 * `sparse` is read back by the dataset reader. Non-class instruments keep their own MedleyDB
 * labels (so `dataset stats` lists them) and raise no class; a song played only by non-class
 * instruments has no active class in any window although its mix is loud; gestures and the
 * realism switch are recorded in the metadata; output is deterministic; `--realism none` renders
 * exactly what no option renders. With `tones`, the guitar-led styles put an electric guitar on
 * the melody, labelled as its class, and the singing tone's settings are in the metadata.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLASS_INDEX_BY_LABEL, N_CLASSES } from "../../src/data/classes.js";
import { loadDataset } from "../../src/data/dataset.js";
import { datasetStats } from "../../src/data/dataset-stats.js";
import { generateCorpus, type CorpusOptions } from "../../src/data/synth/corpus.js";
import { OTHER_INSTRUMENTS } from "../../src/data/synth/other-instruments.js";
import { NO_REALISM, parseRealism } from "../../src/data/synth/realism.js";
import { parseWav16Mono } from "../../src/data/synth/singer-engines.js";

const root = mkdtempSync(join(tmpdir(), "ts-realism-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const common: CorpusOptions = {
  outDir: join(root, "a"),
  tracks: 6,
  seed: 31,
  minutesPerTrack: 0.3,
  soundfonts: ["timgm6mb"],
  sampleRateHz: 22050,
  keepStems: false,
  styles: ["cinematic", "latin", "rock"],
  voices: [],
  firstTrack: 0,
};
const base: CorpusOptions = { ...common, realism: parseRealism("extra,expressive,sparse") };
await generateCorpus(base);
const soloOther: CorpusOptions = { ...base, outDir: join(root, "solo"), tracks: 2, seed: 32, styles: ["solo-other"] };
await generateCorpus(soloOther);
const guitarLed: CorpusOptions = {
  ...common,
  outDir: join(root, "tones"),
  tracks: 2,
  seed: 33,
  styles: ["guitar-rock", "guitar-ballad"],
  realism: parseRealism("tones"),
};
await generateCorpus(guitarLed);
const ds = await loadDataset([base.outDir], { strict: true, requireMix: true });
const soloDs = await loadDataset([soloOther.outDir], { strict: true, requireMix: true });

/** Rendering a few tracks takes seconds, or a minute on a loaded machine. */
const RENDER_TIMEOUT_MS = 300_000;

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((x) => x.isFile())
    .map((x) => join(x.parentPath, x.name).slice(dir.length + 1))
    .sort();
}

function digest(dir: string): string {
  const h = createHash("sha256");
  for (const f of files(dir)) {
    h.update(f);
    h.update(readFileSync(join(dir, f)));
  }
  return h.digest("hex");
}

describe("synth --realism extra,expressive,sparse", () => {
  it("plays non-class instruments under their own MedleyDB labels, which raise no class", () => {
    const stats = datasetStats(ds);
    const others = Object.keys(stats.labels).filter((l) => OTHER_INSTRUMENTS[l] !== undefined);
    expect(others.length).toBeGreaterThanOrEqual(3);
    for (const t of ds.tracks) {
      for (const s of t.stems) {
        if (OTHER_INSTRUMENTS[s.rawLabels[0] as string] !== undefined) expect(s.classIndices, `${t.id} ${s.rawLabels[0]}`).toEqual([]);
      }
    }
    for (const l of Object.keys(OTHER_INSTRUMENTS)) expect(CLASS_INDEX_BY_LABEL.has(l), l).toBe(false);
  });

  it("labels no class anywhere in a song that only non-class instruments play, though its mix is loud", () => {
    const onlyOthers = soloDs.tracks.filter((t) => t.stems.every((s) => OTHER_INSTRUMENTS[s.rawLabels[0] as string] !== undefined));
    expect(onlyOthers.length).toBe(2);
    for (const t of onlyOthers) {
      expect(
        t.labels.classes.every((v) => v === 0),
        t.id,
      ).toBe(true);
      const pcm = parseWav16Mono(readFileSync(t.mixPath as string));
      let e = 0;
      for (const v of pcm?.samples ?? []) e += v * v;
      expect(Math.sqrt(e / (pcm?.samples.length ?? 1)), t.id).toBeGreaterThan(0.01);
    }
  });

  it("records the realism switch and the gestures in the metadata", () => {
    const docs = ds.tracks.map((t) => readFileSync(t.metadataPath, "utf8"));
    for (const d of docs) expect(d).toMatch(/realism: '?extra,expressive,sparse'?\n/);
    expect(docs.some((d) => /gestures: .*(bend|vibrato|slide)/.test(d))).toBe(true);
  });

  it(
    "is deterministic, and --realism none renders what no option renders",
    async () => {
      // Tracks 4 and 5 again, on their own: the same bytes as in the whole corpus.
      const again = { ...base, outDir: join(root, "b"), firstTrack: 4, tracks: 2 };
      await generateCorpus(again);
      for (const f of files(again.outDir))
        expect(readFileSync(join(again.outDir, f)).equals(readFileSync(join(base.outDir, f))), f).toBe(true);
      const plain = { ...common, tracks: 2, styles: [], outDir: join(root, "c") };
      const none = { ...plain, outDir: join(root, "d"), realism: NO_REALISM };
      await generateCorpus(plain);
      await generateCorpus(none);
      expect(digest(none.outDir)).toBe(digest(plain.outDir));
    },
    RENDER_TIMEOUT_MS,
  );
});

describe("synth --realism tones", () => {
  it("puts an electric guitar on the melody, labelled as its class, with the tone in the metadata", async () => {
    const g = await loadDataset([guitarLed.outDir], { strict: true, requireMix: true });
    expect(g.tracks.length).toBe(2);
    const docs = g.tracks.map((t) => readFileSync(t.metadataPath, "utf8"));
    for (const d of docs) {
      expect(d).toMatch(/realism: '?tones'?\n/);
      expect(d).toMatch(/instrument: (distorted|clean) electric guitar\n(.*\n){1,8}\s+role: lead\n/);
    }
    expect(docs.some((d) => /tone_hz: \d+\n/.test(d) && /amp_gain_db: -?[\d.]+\n/.test(d))).toBe(true);
    for (const t of g.tracks) {
      const guitars = ["distorted electric guitar", "clean electric guitar"].map((l) => CLASS_INDEX_BY_LABEL.get(l) as number);
      const active = guitars.some((c) => t.labels.classes.some((v, i) => i % N_CLASSES === c && v === 1));
      expect(active, t.id).toBe(true);
    }
  });
});
