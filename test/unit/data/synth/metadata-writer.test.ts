import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseTrackMetadata } from "../../../../src/data/metadata.js";
import { formatMetadataYaml, scalar, type TrackEntry } from "../../../../src/data/synth/metadata-writer.js";

const entry: TrackEntry = {
  artist: "Synth7A003",
  title: "T00012",
  genre: "Funk/Soul",
  instrumental: false,
  mixFilename: "Synth7A003_T00012_MIX.wav",
  stemDir: "Synth7A003_T00012_STEMS",
  rawDir: "Synth7A003_T00012_RAW",
  stems: [
    {
      key: "S01",
      component: "",
      filename: "Synth7A003_T00012_STEM_01.wav",
      instrument: "drum set",
      rawFilename: "Synth7A003_T00012_RAW_01_01.wav",
      synth: { soundfont: "fluidr3", bank: 128, program: 0 },
    },
    {
      key: "S02",
      component: "melody",
      filename: "Synth7A003_T00012_STEM_02.wav",
      instrument: "male singer",
      rawFilename: "Synth7A003_T00012_RAW_02_01.wav",
      synth: { voice: "festival:kal_diphone", eq: [], gain_db: -2.5, note: "yes" },
    },
  ],
  synth: { seed: 7, form: ["intro:4", "verse:8"], key: "Eb dorian", meter: "4/4" },
};

describe("metadata writer", () => {
  const text = formatMetadataYaml(entry);

  it("writes MedleyDB's 16 keys in MedleyDB's order, plus the generator's `synth` block", () => {
    const doc = parse(text) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual([
      "album",
      "artist",
      "composer",
      "excerpt",
      "genre",
      "has_bleed",
      "instrumental",
      "mix_filename",
      "origin",
      "producer",
      "raw_dir",
      "stem_dir",
      "stems",
      "synth",
      "title",
      "version",
      "website",
    ]);
    expect(doc["has_bleed"]).toBe("no");
    expect(doc["excerpt"]).toBe("no");
    expect(doc["instrumental"]).toBe("no");
    expect(doc["version"]).toBe(1.2);
    expect(doc["album"]).toBe("");
    expect(text).toContain("has_bleed: 'no'\n");
    expect((doc["synth"] as Record<string, unknown>)["form"]).toEqual(["intro:4", "verse:8"]);
    const s2 = (doc["stems"] as Record<string, Record<string, unknown>>)["S02"] as Record<string, unknown>;
    expect((s2["synth"] as Record<string, unknown>)["note"]).toBe("yes");
    expect((s2["raw"] as Record<string, Record<string, unknown>>)["R01"]).toEqual({
      filename: "Synth7A003_T00012_RAW_02_01.wav",
      instrument: "male singer",
    });
  });

  it("is read by the dataset reader", () => {
    const meta = parseTrackMetadata(text, "/x/Synth7A003_T00012_METADATA.yaml");
    expect(meta.id).toBe("Synth7A003_T00012");
    expect(meta.artist).toBe("Synth7A003");
    expect(meta.hasBleed).toBe(false);
    expect(meta.instrumental).toBe(false);
    expect(meta.version).toBe("1.2");
    expect(meta.stems.map((s) => [s.key, s.component, s.instruments])).toEqual([
      ["S01", "", ["drum set"]],
      ["S02", "melody", ["male singer"]],
    ]);
  });

  it("quotes strings YAML would misread", () => {
    expect(scalar("yes")).toBe("'yes'");
    expect(scalar("On")).toBe("'On'");
    expect(scalar("")).toBe("''");
    expect(scalar("it's")).toBe("'it''s'");
    expect(scalar("4/4")).toBe("'4/4'");
    expect(scalar("a: b")).toBe("'a: b'");
    expect(scalar("drum set")).toBe("drum set");
    expect(scalar(-2.123456)).toBe("-2.1235");
    for (const v of ["yes", "On", "", "it's", "4/4", "a: b", "12", "null", "x #y"]) expect(parse(`k: ${scalar(v)}`)).toEqual({ k: v });
  });

  it("writes a map value (the mastering record) as a nested block", () => {
    const master = { tilt_db: -1.5, codec: "none", reverb: "room", bands: [1, 2], on: true };
    const doc = parse(formatMetadataYaml({ ...entry, synth: { ...entry.synth, master, empty: {} } })) as { synth: Record<string, unknown> };
    expect(doc.synth["master"]).toEqual(master);
    expect(doc.synth["empty"]).toEqual({});
    expect(doc.synth["seed"]).toBe(7);
  });
});
