import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { InputFileError } from "../../../src/errors.js";
import { parseTrackMetadata, readTrackMetadata } from "../../../src/data/metadata.js";
import { MEDLEYDB_ROOT, MIXING_SECRETS_ROOT } from "./expected-labels.js";

const mdb = (id: string): string => resolve(MEDLEYDB_ROOT, "Metadata", `${id}_METADATA.yaml`);
const ms = (id: string): string => resolve(MIXING_SECRETS_ROOT, "metadata", `${id}_METADATA.yaml`);

describe("metadata YAML -> typed record", () => {
  it("normalises a MedleyDB file (yes/no strings, float version, list fields, sorted stems)", async () => {
    const m = await readTrackMetadata(mdb("PurlingHiss_Lolita"));
    expect(m.id).toBe("PurlingHiss_Lolita");
    expect(m.artist).toBe("Purling Hiss");
    expect(m.hasBleed).toBe(true);
    expect(m.excerpt).toBe(false);
    expect(m.version).toBe("1.2");
    expect(m.composer).toEqual(["Purling Hiss"]);
    expect(m.website).toEqual(["www.shakingthrough.com/purlinghiss"]);
    expect(m.mixFilename).toBe("PurlingHiss_Lolita_MIX.wav");
    expect(m.stemDir).toBe("PurlingHiss_Lolita_STEMS");
    expect(m.stems.map((s) => s.key)).toEqual(["S01", "S02", "S03", "S04", "S05", "S06"]);
    expect(m.stems.map((s) => s.index)).toEqual([1, 2, 3, 4, 5, 6]);
    const s2 = m.stems[1];
    expect(s2?.instruments).toEqual(["drum set"]);
    expect(s2?.raws.map((r) => r.key)).toHaveLength(10);
    expect(s2?.raws[3]).toEqual({ key: "R04", index: 4, filename: "PurlingHiss_Lolita_RAW_02_04.wav", instruments: ["kick drum"] });
    expect(m.stems[5]?.component).toBe("melody");
  });

  it("keeps list-valued instruments as lists and wraps single labels", async () => {
    const bep = await readTrackMetadata(mdb("BlackEyedPeas_IGottaFeeling"));
    expect(bep.stems.find((s) => s.key === "S14")?.instruments).toEqual(["male singer", "female singer"]);
    expect(bep.stems.find((s) => s.key === "S01")?.instruments).toEqual(["violin section"]);
    const mc = await readTrackMetadata(mdb("McFrontalot_LivinOnTheCornerOfDudeAndCatastrophe"));
    expect(mc.stems.find((s) => s.key === "S05")?.instruments).toEqual(["male singer", "male rapper"]);
    const mis = await readTrackMetadata(mdb("Misfits_AstroZombies"));
    expect(mis.stems.find((s) => s.key === "S04")?.instruments).toEqual(["male singer", "vocalists"]);
    for (const s of [...bep.stems, ...mc.stems, ...mis.stems]) {
      expect(Array.isArray(s.instruments)).toBe(true);
      for (const r of s.raws) expect(Array.isArray(r.instruments)).toBe(true);
    }
  });

  it("reads a Mixing Secrets file (string version, empty fields, free-form file names)", async () => {
    const m = await readTrackMetadata(ms("BalazsDanielBoogieWoogieTrio_OwnWayToBoogie"));
    expect(m.origin).toBe("Mixing Secrets");
    expect(m.version).toBe("3.0");
    expect(m.album).toBe("");
    expect(m.composer).toEqual([]);
    expect(m.stems).toHaveLength(15);
    expect(m.stems[0]?.filename).toBe("BalazsDanielBoogieWoogieTrio_OwnWayToBoogie_STEM_drums.wav");
    expect(m.stems[1]?.filename).toBe("10_BassMic2.wav");
    expect(m.stems[1]?.instruments).toEqual(["bassmic"]);
    expect(m.stems[1]?.raws[0]?.instruments).toEqual(["BassMic"]);
  });

  it("null website, numeric stem order, empty raw label", () => {
    const text = [
      "artist: A",
      "has_bleed: 'no'",
      "mix_filename: A_B_MIX.wav",
      "stem_dir: A_B_STEMS",
      "website: null",
      "stems:",
      "  S10: {component: '', filename: ten.wav, instrument: piano}",
      "  S02: {component: '', filename: two.wav, instrument: [drum set, tabla]}",
      "  S03:",
      "    {component: '', filename: three.wav, instrument: piano, raw: {R01: {filename: r.wav, instrument: ''}}}",
    ].join("\n");
    const m = parseTrackMetadata(text, "/x/A_B_METADATA.yaml");
    expect(m.website).toEqual([]);
    expect(m.stems.map((s) => s.key)).toEqual(["S02", "S03", "S10"]);
    expect(m.stems[0]?.raws).toEqual([]);
    // Mixing Secrets StreetNoise_Revelations has a raw labelled '': not a reason to drop the track
    expect(m.stems[1]?.raws[0]?.instruments).toEqual([]);
  });

  it.each([
    ["artist: [unclosed", /A_B_METADATA\.yaml: malformed YAML/],
    ["- just a list", /document: expected a mapping/],
    ["artist: A\nhas_bleed: 'no'\nmix_filename: m.wav\nstem_dir: s", /stems: expected a mapping/],
    ["artist: A\nhas_bleed: maybe\nmix_filename: m.wav\nstem_dir: s\nstems: {}", /has_bleed: expected 'yes' or 'no', got "maybe"/],
    [
      "artist: A\nhas_bleed: 'no'\nmix_filename: m.wav\nstem_dir: s\nstems:\n  S01: {filename: a.wav, instrument: 3}",
      /stems\.S01\.instrument: expected a label/,
    ],
    [
      "artist: A\nhas_bleed: 'no'\nmix_filename: m.wav\nstem_dir: s\nstems:\n  X1: {filename: a.wav, instrument: piano}",
      /stems\.X1: expected a key like S01/,
    ],
  ])("rejects malformed metadata with a one-line error naming the file (%#)", (text, re) => {
    let err: unknown;
    try {
      parseTrackMetadata(text, "/data/A_B_METADATA.yaml");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputFileError);
    expect((err as Error).message).toMatch(/^\/data\/A_B_METADATA\.yaml: /);
    expect((err as Error).message).toMatch(re);
    expect((err as Error).message).not.toContain("\n");
  });

  it("names a missing file", async () => {
    await expect(readTrackMetadata("/nonexistent/X_Y_METADATA.yaml")).rejects.toThrow(
      /X_Y_METADATA\.yaml: cannot read metadata \(ENOENT\)/,
    );
  });
});
