import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { createLabelMap, validateLabelMap } from "../../../src/data/label-map.js";
import type { LabelMapTable } from "../../../src/data/label-map.js";
import { MS_LABEL_MAP_TABLE } from "../../../src/data/ms-label-map-table.js";
import { readTaxonomy } from "../../../src/data/taxonomy.js";
import { readTrackMetadata } from "../../../src/data/metadata.js";
import { CLASSES } from "../../../src/data/classes.js";
import { MEDLEYDB_ROOT, MIXING_SECRETS_ROOT } from "./expected-labels.js";
import { readdirSync } from "node:fs";

const taxonomy = await readTaxonomy(resolve(MEDLEYDB_ROOT, "taxonomy.yaml"));

describe("taxonomy.yaml", () => {
  it("has 122 leaves including the 18 classes, Main System and Unlabeled", () => {
    expect(taxonomy.leaves.size).toBe(122);
    for (const c of CLASSES) expect(taxonomy.leaves.has(c.label), c.label).toBe(true);
    expect(taxonomy.leaves.has("Main System")).toBe(true);
    expect(taxonomy.leaves.has("electric organ")).toBe(false);
    expect(taxonomy.families.get("violin")).toEqual(["strings", "bowed"]);
  });
});

describe("Mixing Secrets label map table", () => {
  it("is versioned and consistent with the taxonomy (targets are leaves, calls have reasons)", () => {
    expect(MS_LABEL_MAP_TABLE.version).toMatch(/^ms-label-map-\d+$/);
    expect(validateLabelMap(MS_LABEL_MAP_TABLE, taxonomy.leaves)).toEqual([]);
  });

  it("has a row for every non-taxonomy stem label of the fixture tracks", async () => {
    const dir = resolve(MIXING_SECRETS_ROOT, "metadata");
    const missing: string[] = [];
    for (const f of readdirSync(dir)) {
      const m = await readTrackMetadata(resolve(dir, f));
      for (const s of m.stems) {
        for (const l of s.instruments)
          if (!taxonomy.leaves.has(l) && MS_LABEL_MAP_TABLE.labels[l] === undefined) missing.push(`${m.id} ${s.key} ${l}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("maps the strings docs/datasets.md states (§8)", () => {
    const map = createLabelMap();
    const to = (label: string): string | null => map.map("AnyTrack_X", "S01", label).to;
    for (const l of ["bass", "bassdi", "bassmic", "electric bassdi", "electric bassampmic"]) expect(to(l)).toBe("electric bass");
    for (const l of ["male vocalists", "backingvox", "backingvos", "male singers", "female singers"]) expect(to(l)).toBe("vocalists");
    for (const l of ["wurlitzer", "rhodesdi", "rhodesamp"]) expect(to(l)).toBe("electric piano");
    expect(to("pianodry")).toBe("piano");
    expect(to("acousticgtr")).toBe("acoustic guitar");
    expect(to("fiddle")).toBe("violin");
    for (const l of ["stringsmix", "strings_ensemble", "stringspizz"]) expect(to(l)).toBe("string section");
    expect(to("violins")).toBe("violin section");
    expect(to("main system")).toBe("Main System");
    expect(to("ukelele")).toBe("ukulele");
    expect(to("piano")).toBe("piano"); // leaves pass through
  });

  it("leaves per-track strings unresolved unless a track override decides them", () => {
    const map = createLabelMap();
    expect(map.map("SomeBand_Song", "S03", "leadvox")).toEqual({ to: null, resolved: false, changed: true });
    expect(map.map("ColtonBenjamin_CantLetYouGo", "S13", "leadvox")).toEqual({ to: "male singer", resolved: true, changed: true });
    // an override is tied to the stem and to the label it was decided for
    expect(map.map("ColtonBenjamin_CantLetYouGo", "S12", "leadvox").resolved).toBe(false);
    expect(map.map("HeadwoundHarry_XXXV", "S02", "elecgtr").to).toBe("distorted electric guitar");
    expect(map.map("BigStoneCulture_FragileThoughts", "S04", "gtr")).toEqual({ to: null, resolved: true, changed: true });
  });

  it("a custom table overrides per track and rejects duplicate overrides", () => {
    const table: LabelMapTable = {
      version: "test-1",
      source: "test",
      labels: { gtr: { to: null, basis: "per-track", reason: "r" } },
      overrides: [{ track: "A_B", stem: "S02", label: "gtr", to: "clean electric guitar", basis: "track-context", reason: "r" }],
    };
    const map = createLabelMap(table);
    expect(map.map("A_B", "S02", "gtr").to).toBe("clean electric guitar");
    expect(map.map("A_C", "S02", "gtr").to).toBeNull();
    expect(() => createLabelMap({ ...table, overrides: [...table.overrides, ...table.overrides] })).toThrow(/duplicate override/);
    expect(validateLabelMap({ ...table, labels: { gtr: { to: "guitar", basis: "judgement" } } }, taxonomy.leaves)).toEqual([
      '"gtr" -> "guitar": not a taxonomy leaf',
      '"gtr": a judgement row needs a reason',
    ]);
  });
});
