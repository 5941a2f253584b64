import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CLASS_INDEX_BY_LABEL } from "../../../src/data/classes.js";
import { labelledMixes, loadDataset } from "../../../src/data/dataset.js";
import type { Dataset, Track } from "../../../src/data/dataset.js";
import { setLogWriter } from "../../../src/log.js";
import { MEDLEYDB_ROOT, MIXING_SECRETS_ROOT } from "./expected-labels.js";

const ROOTS = [MEDLEYDB_ROOT, MIXING_SECRETS_ROOT];
const V2 = "Annotations/Activation_Confidence/v2";
const ORIGINAL = "Annotations/Activation_Confidence/original";
const cls = (l: string): number => CLASS_INDEX_BY_LABEL.get(l) as number;
const track = (ds: Dataset, id: string): Track => {
  const t = ds.tracks.find((x) => x.id === id);
  if (t === undefined) throw new Error(`${id} not kept; skipped: ${JSON.stringify(ds.skipped)}`);
  return t;
};

function tempRoot(): string {
  return mkdtempSync(join(tmpdir(), "timbrescope-ds-"));
}

/** Copies fixture files `rel` (relative to the MedleyDB fixture root) into `root`, optionally editing the text. */
function copy(root: string, rel: string, edit?: (text: string) => string, from = MEDLEYDB_ROOT, to = rel): void {
  const dst = join(root, to);
  mkdirSync(dirname(dst), { recursive: true });
  if (edit === undefined) copyFileSync(join(from, rel), dst);
  else writeFileSync(dst, edit(readFileSync(join(from, rel), "utf8")));
}
const meta = (id: string): string => `Metadata/${id}_METADATA.yaml`;
const lab = (dir: string, id: string): string => `${dir}/${id}_ACTIVATION_CONF.lab`;

let restoreLog: (() => void) | undefined;
function captureLog(): string[] {
  const lines: string[] = [];
  const prev = setLogWriter((l) => lines.push(l));
  restoreLog = () => setLogWriter(prev);
  return lines;
}
afterEach(() => {
  restoreLog?.();
  restoreLog = undefined;
});

describe("dataset reader on the fixture roots", async () => {
  const filtered = await loadDataset(ROOTS);
  const unfiltered = await loadDataset(ROOTS, { unfiltered: true });

  it("drops bleed tracks and the class-less MusicDelta_ChineseYaoZu, recording why", () => {
    expect(filtered.skipped.map((s) => s.track)).toEqual([
      "BannedFromTheZoo_Encore",
      "BigStoneCulture_FragileThoughts",
      "DonCamilloChoir_MarshMarigoldsSong",
      "MatthewEntwistle_Lontano",
      "MusicDelta_ChineseYaoZu",
      "Phoenix_ElzicsFarewell",
      "PurlingHiss_Lolita",
      "Wolf_DieBekherte",
    ]);
    for (const s of filtered.skipped) {
      expect(s.reason).toMatch(s.track === "MusicDelta_ChineseYaoZu" ? /none of the 18 classes/ : /has_bleed: yes/);
    }
    expect(filtered.tracks).toHaveLength(26);
    expect(filtered.filtered).toBe(true);
  });

  it("keeps everything with unfiltered", () => {
    expect(unfiltered.skipped).toEqual([]);
    expect(unfiltered.tracks).toHaveLength(34);
    expect(track(unfiltered, "MusicDelta_ChineseYaoZu").activeClasses).toEqual([]);
  });

  it("prefers v2 and falls back to original", () => {
    expect(track(unfiltered, "AmarLal_SpringDay1").annotationSource).toBe("v2");
    expect(track(unfiltered, "AmarLal_SpringDay1").labRows).toBe(2885);
    expect(track(unfiltered, "AmarLal_SpringDay1").annotationPath).toBe(join(MEDLEYDB_ROOT, lab(V2, "AmarLal_SpringDay1")));
    expect(track(unfiltered, "MatthewEntwistle_Lontano").annotationSource).toBe("original");
    expect(track(unfiltered, "BalazsDanielBoogieWoogieTrio_OwnWayToBoogie").annotationSource).toBe("mixing-secrets");
  });

  it("joins .lab columns by name: header-mismatch tracks count their odd columns", () => {
    const phoenix = track(unfiltered, "Phoenix_ElzicsFarewell");
    expect(phoenix.unknownColumns).toEqual([]);
    expect(phoenix.missingColumns).toEqual(["S04"]);
    const purling = track(unfiltered, "PurlingHiss_Lolita");
    expect(purling.unknownColumns).toEqual(["S07"]);
    expect(purling.missingColumns).toEqual(["S05"]);
    expect(purling.rawLabelActiveWindows.has("tambourine")).toBe(false); // S05 has no column: never active
    expect(track(unfiltered, "AlexanderRoss_VelvetCurtain").unknownColumns).toEqual([]);
  });

  it("logs the header mismatches without failing", async () => {
    const lines = captureLog();
    await loadDataset([MEDLEYDB_ROOT], { unfiltered: true, trackIds: new Set(["PurlingHiss_Lolita"]) });
    expect(lines.join("\n")).toMatch(
      /PurlingHiss_Lolita: .*1 column\(s\) without a stem ignored \(S07\); 1 stem\(s\) without a column never active \(S05\)/,
    );
  });

  it("records artist keys, datasets and a track record the training code can use", () => {
    expect(track(filtered, "LizNelson_Rainfall").artistKey).toBe("liznelson");
    expect(track(filtered, "MusicDelta_FunkJazz").artistKey).toBe("musicdelta");
    expect(track(unfiltered, "Wolf_DieBekherte").artistKey).toBe("nyu");
    expect(track(filtered, "LeadInc_InnerCircle").dataset).toBe("mixing-secrets");
    expect(track(filtered, "Snowmine_Curfews").dataset).toBe("medleydb");
    expect(track(filtered, "Snowmine_Curfews").mixPath).toBeUndefined();
    expect(labelledMixes(filtered)).toEqual([]); // no audio in the fixtures
  });

  it("applies the label map to Mixing Secrets only (bassdi/bassmic -> electric bass)", async () => {
    const nomap = await loadDataset(ROOTS, { labelMap: null });
    const balazs = track(filtered, "BalazsDanielBoogieWoogieTrio_OwnWayToBoogie");
    const balazsRaw = track(nomap, "BalazsDanielBoogieWoogieTrio_OwnWayToBoogie");
    expect(balazsRaw.classActiveWindows[cls("electric bass")]).toBe(0);
    expect(balazs.classActiveWindows[cls("electric bass")]).toBeGreaterThan(100);
    expect(balazs.classActiveWindows[cls("vocalists")]).toBeGreaterThan(0); // male vocalists -> vocalists
    expect(balazs.stems.find((s) => s.key === "S02")).toMatchObject({ rawLabels: ["bassmic"], labels: ["electric bass"] });
    expect(balazs.rawLabelActiveWindows.get("bassmic")).toBeGreaterThan(0); // raw labels stay as written
    expect(track(filtered, "BenjaminJohn_BetterWay").classActiveWindows[cls("electric bass")]).toBeGreaterThan(0); // bass
    // unchanged for tracks whose labels are all leaves
    expect(track(filtered, "LeadInc_InnerCircle").classActiveWindows).toEqual(track(nomap, "LeadInc_InnerCircle").classActiveWindows);
    expect(filtered.labelMapVersion).toMatch(/^ms-label-map-/);
    expect(nomap.labelMapVersion).toBeNull();
  });
});

describe("dataset reader on constructed roots", () => {
  it("keeps a bleed track that contains tabla and drops a bleed track without", async () => {
    const root = tempRoot();
    const bleed = (t: string): string => t.replace("has_bleed: 'no'", "has_bleed: 'yes'");
    for (const id of ["TablaBreakbeatScience_Vger", "AmarLal_SpringDay1"]) {
      copy(root, meta(id), bleed);
      copy(root, lab(V2, id));
    }
    const ds = await loadDataset([root]);
    expect(ds.tracks.map((t) => t.id)).toEqual(["TablaBreakbeatScience_Vger"]);
    expect(track(ds, "TablaBreakbeatScience_Vger").hasBleed).toBe(true);
    expect(ds.skipped).toEqual([{ track: "AmarLal_SpringDay1", reason: expect.stringMatching(/has_bleed/) as unknown }]);
  });

  it("finds metadata and annotations in different roots, original only when v2 is absent", async () => {
    const a = tempRoot();
    const b = tempRoot();
    copy(a, meta("AmarLal_SpringDay1"));
    copy(b, lab(ORIGINAL, "AmarLal_SpringDay1"));
    const ds = await loadDataset([a, b]);
    expect(track(ds, "AmarLal_SpringDay1").annotationSource).toBe("original");
    expect(track(ds, "AmarLal_SpringDay1").labRows).toBe(2884);
  });

  it("does not map MedleyDB labels even when they look like Mixing Secrets strings", async () => {
    const root = tempRoot();
    copy(root, meta("AmarLal_SpringDay1"), (t) => t.replace(/instrument: acoustic guitar/g, "instrument: acousticgtr"));
    copy(root, lab(V2, "AmarLal_SpringDay1"));
    const ds = await loadDataset([root], { unfiltered: true });
    expect(track(ds, "AmarLal_SpringDay1").classActiveWindows[cls("acoustic guitar")]).toBe(0);
  });

  it("reads the Mixing Secrets per-track metadata copy (Medley_Format/Audio/<T>/)", async () => {
    const root = tempRoot();
    const id = "LeadInc_InnerCircle";
    copy(root, `metadata/${id}_METADATA.yaml`, undefined, MIXING_SECRETS_ROOT, `Medley_Format/Audio/${id}/${id}_METADATA.yaml`);
    copy(root, `annotations/${id}_ACTIVATION_CONF.lab`, undefined, MIXING_SECRETS_ROOT);
    const ds = await loadDataset([root]);
    expect(track(ds, id).metadataPath).toBe(join(root, `Medley_Format/Audio/${id}/${id}_METADATA.yaml`));
    expect(track(ds, id).labels.nWindows).toBe(322);
  });

  it("skips malformed tracks with a reason naming the file, or stops with strict", async () => {
    const root = tempRoot();
    copy(root, meta("AmarLal_SpringDay1"));
    copy(root, lab(V2, "AmarLal_SpringDay1"));
    copy(root, meta("KarimDouaidy_Yatora"), (t) => t.replace("has_bleed: 'no'", "has_bleed: [oops"));
    copy(root, lab(V2, "KarimDouaidy_Yatora"));
    copy(root, meta("MusicDelta_FunkJazz"));
    copy(root, lab(V2, "MusicDelta_FunkJazz"), (t) => t.replace(/\n0\.0464,/, "\n0.0464,x,"));
    copy(root, meta("Auctioneer_OurFutureFaces"));
    const lines = captureLog();
    const ds = await loadDataset([root]);
    expect(ds.tracks.map((t) => t.id)).toEqual(["AmarLal_SpringDay1"]);
    const reasons = Object.fromEntries(ds.skipped.map((s) => [s.track, s.reason]));
    expect(reasons["KarimDouaidy_Yatora"]).toMatch(/^malformed: .*KarimDouaidy_Yatora_METADATA\.yaml: malformed YAML/);
    expect(reasons["MusicDelta_FunkJazz"]).toMatch(
      /^malformed: .*MusicDelta_FunkJazz_ACTIVATION_CONF\.lab: line 3: expected 5 fields, got 6/,
    );
    expect(reasons["Auctioneer_OurFutureFaces"]).toMatch(/no activation-confidence file, and the stem audio to compute one was not found/);
    expect(lines.filter((l) => l.startsWith("warn: skipping"))).toHaveLength(2);
    await expect(loadDataset([root], { strict: true })).rejects.toThrow(/KarimDouaidy_Yatora_METADATA\.yaml: malformed YAML/);
  });

  it("throws one-line errors for a missing root and a root without metadata", async () => {
    await expect(loadDataset(["/nonexistent/medleydb"])).rejects.toThrow(/^\/nonexistent\/medleydb: dataset root not found$/);
    const empty = tempRoot();
    await expect(loadDataset([empty])).rejects.toThrow(new RegExp(`^${empty}: no \\*_METADATA\\.yaml found`));
    await expect(loadDataset([])).rejects.toThrow(/at least one dataset root/);
  });

  it("restricts to a track list", async () => {
    const ds = await loadDataset(ROOTS, { trackIds: new Set(["AmarLal_SpringDay1", "LeadInc_InnerCircle", "NotThere_Track"]) });
    expect(ds.tracks.map((t) => t.id)).toEqual(["AmarLal_SpringDay1", "LeadInc_InnerCircle"]);
    expect(ds.skipped).toEqual([]);
  });
});
