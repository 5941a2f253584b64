import { describe, expect, it } from "vitest";
import { artistKey, normaliseArtist } from "../../../src/data/artist.js";
import { CLASS_INDEX_BY_LABEL, CLASSES } from "../../../src/data/classes.js";
import { loadDataset } from "../../../src/data/dataset.js";
import { extendSplit, makeSplit } from "../../../src/data/split.js";
import type { SplitManifest, SplitTrack } from "../../../src/data/split.js";
import { MEDLEYDB_ROOT, MIXING_SECRETS_ROOT } from "./expected-labels.js";

describe("artist key", () => {
  it("joins the spellings of docs/datasets.md §9", () => {
    expect(artistKey("Music Delta", "MusicDelta_FunkJazz")).toBe(artistKey("Music Delta Multitracks", "MusicDelta_Rock"));
    expect(artistKey("Hops 'n Vinyl", "HopsNVinyl_A")).toBe(artistKey("Hops ’n Vinyl", "HopsNVinyl_B"));
    expect(artistKey("Declare a String", "X_A")).toBe(artistKey("Declare A String", "X_B"));
    expect(artistKey("Sweat", "X_A")).toBe(artistKey("SWEAT", "X_B"));
    expect(artistKey("Liz Nelson & Jennifer Davies", "LizNelson_Rainfall")).toBe(artistKey("Liz Nelson", "LizNelson_ImComingHome"));
    expect(artistKey("NYU", "Wolf_DieBekherte")).toBe("nyu");
    expect(normaliseArtist("Café Tacvba")).toBe("cafetacvba");
    expect(artistKey("", "Someone_Song")).toBe("someone");
  });
});

/** The filtered fixture pool (MedleyDB + Mixing Secrets, label map on). */
const ds = await loadDataset([MEDLEYDB_ROOT, MIXING_SECRETS_ROOT]);
const fixturePool: SplitTrack[] = ds.tracks.map((t) => ({ id: t.id, artistKey: t.artistKey, classes: t.activeClasses }));

/** A synthetic pool of paper size: 150 artists with 1-4 tracks and random class sets. */
function syntheticPool(n: number): SplitTrack[] {
  let s = 12345;
  const rnd = (): number => (s = (Math.imul(1664525, s) + 1013904223) >>> 0) / 2 ** 32;
  const pool: SplitTrack[] = [];
  for (let a = 0; pool.length < n; a++) {
    const k = 1 + Math.floor(rnd() * 4);
    for (let i = 0; i < k && pool.length < n; i++) {
      const classes = CLASSES.filter((c) => rnd() < (c.index < 6 ? 0.5 : 0.06)).map((c) => c.index);
      pool.push({ id: `Artist${a}_Song${i}`, artistKey: `artist${a}`, classes });
    }
  }
  // Liz Nelson's two spellings must stay together
  pool.push({ id: "LizNelson_Rainfall", artistKey: artistKey("Liz Nelson & Jennifer Davies", "LizNelson_Rainfall"), classes: [0] });
  pool.push({ id: "LizNelson_ImComingHome", artistKey: artistKey("Liz Nelson", "LizNelson_ImComingHome"), classes: [1] });
  return pool;
}

function checkInvariants(m: SplitManifest, pool: readonly SplitTrack[]): void {
  const artistOf = new Map(pool.map((t) => [t.id, t.artistKey]));
  const sideOf = new Map<string, string>();
  for (const [side, ids] of [
    ["train", m.train],
    ["val-train", m.validationFrom.train],
    ["test", m.test],
  ] as const) {
    for (const id of ids) {
      const a = artistOf.get(id) as string;
      const prev = sideOf.get(a);
      expect(prev === undefined || prev === side, `artist ${a} on ${prev} and ${side}`).toBe(true);
      sideOf.set(a, side);
    }
  }
  // every track exactly once in train ∪ validation-from-train ∪ test
  expect([...m.train, ...m.validationFrom.train, ...m.test].sort()).toEqual(pool.map((t) => t.id).sort());
  for (const id of m.validationFrom.test) expect(m.test).toContain(id);
  expect([...m.validation].sort()).toEqual([...m.validationFrom.train, ...m.validationFrom.test].sort());
}

describe("artist-conditional split", () => {
  it("keeps artists on one side on the fixture pool (ClaraBerryAndWooldog's two tracks together)", () => {
    for (const seed of [0, 1, 2, 3, 4, 5, 6, 7]) {
      const m = makeSplit(fixturePool, { seed });
      checkInvariants(m, fixturePool);
      const clara = ["ClaraBerryAndWooldog_AirTraffic", "ClaraBerryAndWooldog_WaltzForMyVictims"];
      const side = (id: string): string => (m.test.includes(id) ? "test" : m.train.includes(id) ? "train" : "val");
      expect(side(clara[0] as string)).toBe(side(clara[1] as string));
    }
  });

  it("is deterministic by seed and differs between seeds", () => {
    const a = makeSplit(fixturePool, { seed: 42 });
    expect(makeSplit([...fixturePool].reverse(), { seed: 42 })).toEqual(a);
    const b = makeSplit(fixturePool, { seed: 43 });
    expect(b.test).not.toEqual(a.test);
    expect(b.poolHash).toBe(a.poolHash);
    expect(a.schema).toBe("timbrescope-split");
    expect(a.version).toBe(1);
  });

  it("scales the validation draw and puts each class with >= 2 artists on both sides", () => {
    const pool = syntheticPool(461);
    const m = makeSplit(pool, { seed: 7 });
    checkInvariants(m, pool);
    expect(m.test.length).toBe(100);
    expect(m.validationFrom.train.length).toBe(50);
    expect(m.validationFrom.test.length).toBe(50);
    expect(m.train.length).toBe(461 + 2 - 100 - 50);
    const lizSide = (id: string): boolean => m.test.includes(id);
    expect(lizSide("LizNelson_Rainfall")).toBe(lizSide("LizNelson_ImComingHome"));
    const small = makeSplit(pool.slice(0, 230), { seed: 7 });
    expect(small.validationFrom.train.length).toBe(Math.round((50 * 230) / 461));
    expect(small.validationFrom.test.length).toBe(Math.round((50 * 230) / 461));
    for (const c of CLASSES) {
      const artists = new Set(pool.filter((t) => t.classes.includes(c.index)).map((t) => t.artistKey));
      if (artists.size >= 2) {
        expect(m.classTracks.test[c.label], c.label).toBeGreaterThan(0);
        expect((m.classTracks.train[c.label] ?? 0) + (m.classTracks.validation[c.label] ?? 0), c.label).toBeGreaterThan(0);
      }
    }
  });

  it("puts tabla on both sides when two tabla artists exist", () => {
    const tabla = CLASS_INDEX_BY_LABEL.get("tabla") as number;
    const pool = syntheticPool(100).map((t) => ({ ...t, classes: t.classes.filter((c) => c !== tabla) }));
    pool.push({ id: "TablaBreakbeatScience_Vger", artistKey: "tablabreakbeatscience", classes: [tabla] });
    pool.push({ id: "TablaBreakbeatScience_Rock", artistKey: "tablabreakbeatscience", classes: [tabla] });
    pool.push({ id: "ChrisJacoby_PigsFoot", artistKey: "chrisjacoby", classes: [tabla] });
    for (const seed of [1, 2, 3]) {
      const m = makeSplit(pool, { seed });
      expect(m.classTracks.test["tabla"]).toBeGreaterThan(0);
      expect((m.classTracks.train["tabla"] ?? 0) + (m.classTracks.validation["tabla"] ?? 0)).toBeGreaterThan(0);
    }
  });

  it("rejects bad input", () => {
    expect(() => makeSplit(fixturePool, { seed: 1.5 })).toThrow(/integer seed/);
    expect(() => makeSplit([...fixturePool, fixturePool[0] as SplitTrack], { seed: 1 })).toThrow(/duplicate/);
  });
});

describe("extending a split to a grown pool (fine-tuning on more data)", () => {
  const pool = syntheticPool(300);
  // cut inside an artist's tracks, so that the grown pool adds tracks to an artist already placed
  const cut = pool.findIndex((t, i) => i >= 200 && pool[i - 1]?.artistKey === t.artistKey);
  const first = makeSplit(pool.slice(0, cut), { seed: 7 });
  const side = (m: SplitManifest, id: string): string =>
    m.validationFrom.train.includes(id)
      ? "val-train"
      : m.validationFrom.test.includes(id)
        ? "val-test"
        : m.train.includes(id)
          ? "train"
          : m.test.includes(id)
            ? "test"
            : "none";

  it("gives back the same split for the same pool", () => {
    expect(extendSplit(first, pool.slice(0, cut), { seed: 7 })).toEqual({ ...first, provenance: { extends: first.poolHash } });
  });

  it("keeps every earlier track's side, sends new tracks of known artists to their artist's side and splits new artists", () => {
    const grown = extendSplit(first, pool, { seed: 7 });
    checkInvariants(grown, pool);
    for (const t of pool.slice(0, cut)) expect(side(grown, t.id), t.id).toBe(side(first, t.id));
    // the artist that straddles the cut: its later tracks follow it
    const straddling = pool.slice(cut).filter((t) => pool.slice(0, cut).some((u) => u.artistKey === t.artistKey));
    expect(straddling.length).toBeGreaterThan(0);
    for (const t of straddling) {
      const was = side(first, (pool.find((u) => u.artistKey === t.artistKey) as SplitTrack).id);
      expect(side(grown, t.id).replace("val-test", "test")).toBe(was.replace("val-test", "test"));
    }
    // new artists land on all sides, about in the paper's proportions
    const fresh = pool
      .slice(cut)
      .filter((t) => !straddling.includes(t))
      .map((t) => side(grown, t.id));
    expect(new Set(fresh)).toEqual(new Set(["train", "val-train", "test", "val-test"]));
    const testShare = fresh.filter((s) => s === "test" || s === "val-test").length / fresh.length;
    expect(testShare).toBeGreaterThan(0.15);
    expect(testShare).toBeLessThan(0.3);
    // a fresh split of the grown pool would have moved earlier training tracks into validation or test
    const fresh300 = makeSplit(pool, { seed: 7 });
    expect(first.train.some((id) => side(fresh300, id) !== "train")).toBe(true);
    expect(grown.provenance["extends"]).toBe(first.poolHash);
  });

  it("drops earlier tracks that left the pool", () => {
    const shrunk = extendSplit(first, pool.slice(10, cut), { seed: 7 });
    checkInvariants(shrunk, pool.slice(10, cut));
    for (const t of pool.slice(0, 10)) expect(side(shrunk, t.id)).toBe("none");
  });
});
