/**
 * The `sampled` realism element as a whole: off, a seeded track is byte-identical to what the
 * generator wrote before the element existed (the checksum was taken from commit fe18b11, before
 * any sampler code); on, it draws from its own stream, so the songs differ from the off songs
 * only in the sampled parts' sources and cabinets, in about the intended shares; and a track
 * rendered with sampler parts (Salamander piano, GMRockKit drums) is the same bytes twice.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { artistBlocks, featuredClass, makeArtist } from "../../../../src/data/synth/artists.js";
import { generateCorpus } from "../../../../src/data/synth/corpus.js";
import type { BankChoice } from "../../../../src/data/synth/lineup.js";
import { NoteCache } from "../../../../src/data/synth/note-cache.js";
import { NO_REALISM } from "../../../../src/data/synth/realism.js";
import { Rng } from "../../../../src/data/synth/rng.js";
import { requireSampleSets, type SampledSets } from "../../../../src/data/synth/sample-sets.js";
import { songBars, type Part, type Song } from "../../../../src/data/synth/score.js";
import { composeSong } from "../../../../src/data/synth/song.js";
import { resolveBanks } from "../../../../src/data/synth/soundbanks.js";
import { renderTrack } from "../../../../src/data/synth/track.js";

const root = mkdtempSync(join(tmpdir(), "ts-sampled-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** sha256 over every file under `dir` (relative path, newline, bytes), in path order. */
function treeHash(dir: string): string {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
  const h = createHash("sha256");
  for (const f of files) h.update(`${f}\n`).update(readFileSync(join(dir, f)));
  return h.digest("hex");
}

const SEED = 11;
const blocks = artistBlocks(SEED, 60);
const SETS: SampledSets = {
  piano: ["salamander-grand-v3"],
  drums: ["gm-rock-kit", "forzee-stereo"],
  strums: ["belofilms-strums"],
  cabinets: ["amps/A", "bands/B"],
};

function song(k: number, sampled: SampledSets | undefined): Song {
  const block = blocks.find((b) => k >= b.first && k < b.first + b.size);
  if (block === undefined) throw new Error(`no block for ${k}`);
  const artist = makeArtist(block, { seed: SEED, gmBanks: ["timgm6mb"], styles: [], voices: [] });
  const banks: BankChoice = { gm: ["timgm6mb"], kits: [], ...(sampled === undefined ? {} : { sampled }) };
  const seedKey = `synth/${SEED}/track/${k}`;
  const featured = [featuredClass(SEED, k), ...(artist.signature === undefined ? [] : [artist.signature])];
  return composeSong(new Rng(seedKey), artist, {
    minutes: 1,
    banks,
    featured,
    seedKey,
    ...(sampled === undefined ? {} : { realism: { ...NO_REALISM, sampled: true } }),
  });
}

/** A song with every part's source and cabinet blanked: what `sampled` must leave alone. */
const withoutSources = (s: Song): unknown => ({
  ...s,
  parts: s.parts.map((p: Part) => ({ ...p, source: null, fx: { ...p.fx, cabinet: null } })),
});

describe("realism element sampled", () => {
  it("off: a seeded track is byte-identical to the generator before the element (fe18b11)", async () => {
    const out = join(root, "off");
    const opts = {
      outDir: out,
      tracks: 1,
      seed: 2,
      minutesPerTrack: 0.2,
      soundfonts: ["timgm6mb"],
      sampleRateHz: 22050 as const,
      keepStems: false,
    };
    await generateCorpus({ ...opts, styles: [], voices: [], firstTrack: 1, realism: NO_REALISM });
    expect(treeHash(out)).toBe("c7e0e9168ab02407eea007b33df5224de444518ba9363c143da315dda12391c7");
  });

  it("on: says in one line what to install when a required set is missing", () => {
    const saved = process.env["TIMBRESCOPE_SAMPLES"];
    process.env["TIMBRESCOPE_SAMPLES"] = join(root, "no-samples");
    try {
      const line = ((): string => {
        try {
          requireSampleSets(() => [], "guitarix-common");
          return "";
        } catch (e) {
          return (e as Error).message;
        }
      })();
      expect(line).toMatch(
        /^--realism sampled needs recorded samples: apt-get install --no-install-recommends .*guitarix-common && npm install /,
      );
      expect(line).toMatch(/--prefix \S*no-samples .*@audio-samples\/piano-velocity16@1\.0\.5$/);
      expect(line).not.toContain("\n");
    } finally {
      if (saved === undefined) delete process.env["TIMBRESCOPE_SAMPLES"];
      else process.env["TIMBRESCOPE_SAMPLES"] = saved;
    }
  });

  it("on: changes only the sampled parts' sources and cabinets, in about the intended shares", () => {
    const count = { piano: [0, 0], "drum set": [0, 0], strum: [0, 0], cabinet: [0, 0] };
    for (let k = 0; k < 60; k++) {
      const off = song(k, undefined);
      const on = song(k, SETS);
      expect(JSON.stringify(withoutSources(on)), `track ${k}`).toBe(JSON.stringify(withoutSources(off)));
      on.parts.forEach((p, i) => {
        const before = off.parts[i] as Part;
        const sampled = p.source.kind === "sampler";
        if (!sampled) expect(p.source).toEqual(before.source);
        const tally = (key: keyof typeof count, hit: boolean): void => {
          count[key][0] = (count[key][0] as number) + 1;
          count[key][1] = (count[key][1] as number) + (hit ? 1 : 0);
        };
        if (p.label === "piano" || p.label === "drum set") tally(p.label, sampled);
        if (p.label === "acoustic guitar" && sampled) tally("strum", true);
        if (p.label.endsWith("electric guitar")) tally("cabinet", p.fx.cabinet !== undefined);
        expect(p.fx.cabinet === undefined || p.label.endsWith("electric guitar")).toBe(true);
      });
    }
    for (const key of ["piano", "drum set", "cabinet"] as const) {
      const [n = 0, hits = 0] = count[key];
      expect(n, key).toBeGreaterThan(8);
      expect(hits / n, key).toBeGreaterThan(0.2);
      expect(hits / n, key).toBeLessThan(0.8);
    }
    expect(count.strum[1]).toBeGreaterThan(0);
  });

  it("on: the same seed renders the same bytes twice (Salamander piano, GMRockKit drums)", async () => {
    const sets: SampledSets = { piano: ["salamander-grand-v3"], drums: ["gm-rock-kit"], strums: [], cabinets: [] };
    const k =
      Array.from({ length: 40 }, (_, i) => i).find((i) => song(i, sets).parts.filter((p) => p.source.kind === "sampler").length >= 2) ?? -1;
    expect(k).toBeGreaterThanOrEqual(0);
    const s = song(k, sets);
    // The first two sections of its sampler parts keep the test short.
    const sections = s.sections.slice(0, 2);
    const beats = songBars({ sections }) * s.beatsPerBar;
    const parts = s.parts.filter((p) => p.source.kind === "sampler").map((p) => ({ ...p, notes: p.notes.filter((n) => n.beat < beats) }));
    const short: Song = { ...s, sections, parts, fadeOutSec: 0 };
    const banks = resolveBanks(["timgm6mb"]);
    const hashes: string[] = [];
    for (const run of ["a", "b"]) {
      const outDir = join(root, run);
      const ctx = { sampleRateHz: 22050, banks, cache: new NoteCache(), voices: new Map(), realism: { ...NO_REALISM, sampled: true } };
      await renderTrack(ctx, short, { outDir, artist: "Sampled", title: "T0", keepStems: true, synth: {} });
      hashes.push(treeHash(outDir));
      const yaml = readFileSync(join(outDir, "Metadata", "Sampled_T0_METADATA.yaml"), "utf8");
      expect(yaml).toMatch(/sampler: (salamander-grand-v3|gm-rock-kit)/);
      expect(yaml).toMatch(/sampler_licence: /);
    }
    expect(hashes[0]).toBe(hashes[1]);
  });
});
