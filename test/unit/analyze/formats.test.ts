/**
 * Every export parsed back with an independent parser (split for CSV-like text, JSON.parse, and
 * @tonejs/midi's reader for MIDI) and compared with what the hand-made frames imply.
 */
import midiPkg from "@tonejs/midi";
import { describe, expect, it } from "vitest";
import { formatCsv, formatJson, formatJsonl } from "../../../src/analyze/formats/data.js";
import { formatAudacity, formatReaper } from "../../../src/analyze/formats/daw.js";
import { formatJams } from "../../../src/analyze/formats/jams.js";
import { formatMidi, MIDI_BASE_NOTE } from "../../../src/analyze/formats/midi.js";
import { formatTable } from "../../../src/analyze/formats/table.js";
import { poolFrames } from "../../../src/analyze/rows.js";
import { IDS, LABELS, RAW, THRESHOLDS, frames, session } from "./frames.js";

const a = poolFrames("dir/song, live.wav", session(), frames(), 1);
const a5 = poolFrames("b.wav", session(), frames(), 5);

/** Expected per-window active flags straight from RAW and the thresholds. */
const ACTIVE = RAW.map((r) => r.map((v, c) => (Math.fround(v) >= (THRESHOLDS[c] as number) ? 1 : 0)));
/** Hand-worked segments of RAW at 1 s: [label, start, end, peak], by start then class. */
const SEGMENTS: [string, number, number, number][] = [
  ["drum set", 0, 2, 0.9],
  ["piano", 1, 3, 0.7],
  ["flute", 2, 3, 0.35],
  ["drum set", 3, 5, 0.7],
  ["piano", 4, 5, 0.55],
  ["flute", 4, 6, 0.5],
];
const NAME: Record<string, string> = { "drum set": "Drum set", piano: "Piano", flute: "Flute" };

/** Minimal RFC 4180 line splitter (quoted fields with doubled quotes). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

describe("json / jsonl / csv", () => {
  it("json holds every row's scores and flags and the segments", () => {
    const doc = JSON.parse(formatJson([a, a5])) as {
      model: string;
      resolution: number;
      files: {
        file: string;
        classes: string[];
        thresholds: number[];
        rows: { start: number; end: number; scores: number[]; active: number[] }[];
        segments: { class: string; start: number; end: number; peak: number }[];
      }[];
    };
    expect(doc.model).toBe("hand");
    const f = doc.files[0]!;
    expect(f.file).toBe("dir/song, live.wav");
    expect(f.classes).toEqual(IDS);
    expect(f.thresholds).toEqual(THRESHOLDS);
    expect(f.rows.map((r) => [r.start, r.end])).toEqual(RAW.map((_, k) => [k, k + 1]));
    f.rows.forEach((r, k) => r.scores.forEach((v, c) => expect(v).toBeCloseTo(RAW[k]![c]!, 6)));
    expect(f.rows.map((r) => r.active)).toEqual(ACTIVE);
    const byId = Object.fromEntries(LABELS.map((l, i) => [l, IDS[i]]));
    expect(f.segments.map((s) => [s.class, s.start, s.end, s.peak])).toEqual(SEGMENTS.map(([l, s, e, p]) => [byId[l], s, e, p]));
    expect(doc.files[1]!.rows.map((r) => [r.start, r.end, ...r.active])).toEqual([
      [0, 5, 1, 1, 1],
      [5, 6, 0, 0, 1],
    ]);
  });

  it("json names each class beside its id, also for a model whose labels are the ids", () => {
    const byIds = poolFrames("ids.wav", { ...session(), labels: [...IDS] }, frames(), 1);
    for (const x of [a, byIds]) {
      const f = (JSON.parse(formatJson([x])) as { files: { classes: string[]; labels: string[] }[] }).files[0]!;
      expect(f.classes).toEqual(IDS);
      expect(f.labels).toEqual(LABELS);
    }
  });

  it("jsonl has one parsable object per row", () => {
    const lines = formatJsonl([a])
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { file: string; start: number; end: number; scores: Record<string, number>; active: string[] });
    expect(lines).toHaveLength(RAW.length);
    lines.forEach((o, k) => {
      expect([o.file, o.start, o.end]).toEqual(["dir/song, live.wav", k, k + 1]);
      IDS.forEach((id, c) => expect(o.scores[id]).toBeCloseTo(RAW[k]![c]!, 6));
      expect(o.active).toEqual(IDS.filter((_, c) => ACTIVE[k]![c] === 1));
    });
  });

  it("csv has a header, a quoted file field, scores and flags", () => {
    const [header, ...rows] = formatCsv([a]).trimEnd().split("\n").map(splitCsv);
    expect(header).toEqual(["file", "start", "end", ...IDS, ...IDS.map((i) => `${i}_active`)]);
    expect(rows).toHaveLength(RAW.length);
    rows.forEach((r, k) => {
      expect(r.slice(0, 3)).toEqual(["dir/song, live.wav", String(k), String(k + 1)]);
      r.slice(3, 6).forEach((v, c) => expect(Number(v)).toBeCloseTo(RAW[k]![c]!, 6));
      expect(r.slice(6).map(Number)).toEqual(ACTIVE[k]);
    });
  });
});

describe("DAW exports", () => {
  it("audacity: start<TAB>end<TAB>label per segment", () => {
    const parsed = formatAudacity(a)
      .trimEnd()
      .split("\n")
      .map((l) => l.split("\t"));
    expect(parsed.map(([s, e, l]) => [l, Number(s), Number(e)])).toEqual(SEGMENTS.map(([l, s, e]) => [NAME[l], s, e]));
  });

  it("reaper: #,Name,Start,End,Length with R ids and m:ss.mmm times", () => {
    const [header, ...rows] = formatReaper(a).trimEnd().split("\n").map(splitCsv);
    expect(header).toEqual(["#", "Name", "Start", "End", "Length"]);
    const sec = (t: string): number => {
      const [m, s] = t.split(":");
      return Number(m) * 60 + Number(s);
    };
    expect(rows.map((r) => [r[0], r[1], sec(r[2]!), sec(r[3]!), sec(r[4]!)])).toEqual(
      SEGMENTS.map(([l, s, e], i) => [`R${i + 1}`, NAME[l], s, e, e - s]),
    );
    expect(formatReaper(poolFrames("x", session(), frames([[0, 0, 0]]), 1))).toBe("#,Name,Start,End,Length\n");
  });

  it("midi: one named track per instrument, one note per segment (read back with @tonejs/midi)", () => {
    const midi = new midiPkg.Midi(formatMidi(a));
    expect(midi.tracks.map((t) => t.name)).toEqual(["Drum set", "Piano", "Flute"]);
    const notes = midi.tracks.flatMap((t) => t.notes.map((n) => [t.name, n.midi, n.time, n.time + n.duration, n.velocity]));
    const expected = [...SEGMENTS]
      .sort((x, y) => LABELS.indexOf(x[0] as never) - LABELS.indexOf(y[0] as never) || x[1] - y[1])
      .map(([l, s, e, p]) => [NAME[l], MIDI_BASE_NOTE + LABELS.indexOf(l as never), s, e, p]);
    expect(notes.length).toBe(expected.length);
    notes.forEach((n, i) => {
      const x = expected[i]!;
      expect([n[0], n[1]]).toEqual([x[0], x[1]]);
      // MIDI velocities are 7-bit: within one step of the peak score.
      expect(Math.abs((n[4] as number) - (x[4] as number))).toBeLessThanOrEqual(1 / 127);
      expect(Math.abs((n[2] as number) - (x[2] as number))).toBeLessThan(1e-3);
      expect(Math.abs((n[3] as number) - (x[3] as number))).toBeLessThan(1e-3);
    });
  });

  it("jams: a tag_open annotation with one observation per segment", () => {
    const doc = JSON.parse(formatJams(a)) as {
      file_metadata: { duration: number; jams_version: string };
      annotations: {
        namespace: string;
        data: { time: number; duration: number; value: string; confidence: number }[];
        annotation_metadata: object;
      }[];
    };
    expect(doc.file_metadata.duration).toBe(6);
    expect(doc.annotations).toHaveLength(1);
    const ann = doc.annotations[0]!;
    expect(ann.namespace).toBe("tag_open");
    expect(ann.data.map((d) => [d.value, d.time, d.time + d.duration, d.confidence])).toEqual(SEGMENTS);
  });
});

describe("table", () => {
  it("lists active instruments by active time with their ranges", () => {
    const lines = formatTable(a);
    expect(lines[0]).toContain("dir/song, live.wav");
    // drums 4 s, flute 3 s, piano 3 s (piano's peak 0.7 > flute's 0.5 breaks the tie)
    expect(lines.slice(1).map((l) => l.trim().split(/\s{2,}/)[0])).toEqual(["Drum set", "Piano", "Flute"]);
    expect(lines[1]).toContain("0:00.0-0:02.0, 0:03.0-0:05.0");
    expect(formatTable(poolFrames("q.wav", session(), frames([[0.1, 0.2, 0.05]]), 1))[1]).toBe(
      "  no instrument above its threshold; highest: Piano 0.20",
    );
  });
});

describe("smoothed (post stage) segments", () => {
  // hop 0.5: frames at 0..2.5 s with the post stage's flags set by hand; cells are the 0.5 s at each window's centre
  const RAW6 = [
    [0.9, 0.1, 0.2],
    [0.6, 0.7, 0.1],
    [0.2, 0.8, 0.1],
    [0.1, 0.6, 0.1],
    [0.7, 0.2, 0.1],
    [0.8, 0.1, 0.1],
  ];
  const FLAGS = [
    [1, 0, 0],
    [1, 1, 0],
    [0, 1, 0],
    [0, 1, 0],
    [1, 0, 0],
    [1, 0, 0],
  ];
  const flagged = frames(RAW6, 0.5).map((f, k) => ({ ...f, active: Uint8Array.from(FLAGS[k]!) }));
  const p = poolFrames("p.wav", session(0.5), flagged, 1, { segments: "post" });
  const POST: [string, number, number, number][] = [
    ["drum set", 0, 1.25, 0.9],
    ["piano", 0.75, 2.25, 0.8],
    ["drum set", 2.25, 3.5, 0.8],
  ];
  /** The same windows' raw segments: 1 s rows max-pooled and thresholded. */
  const RAW_SEGS: [string, number, number, number][] = [
    ["drum set", 0, 1, 0.9],
    ["piano", 0, 2, 0.8],
    ["drum set", 2, 3, 0.8],
  ];
  const byId = Object.fromEntries(LABELS.map((l, i) => [l, IDS[i]]));

  it("json: segments from the post stage, rawSegments and rows from the scores", () => {
    const f = (
      JSON.parse(formatJson([p])) as {
        files: {
          segmentSource: string;
          segments: { class: string; start: number; end: number; peak: number }[];
          rawSegments: { class: string; start: number; end: number; peak: number }[];
          rows: { start: number; active: number[] }[];
        }[];
      }
    ).files[0]!;
    expect(f.segmentSource).toBe("post");
    expect(f.segments.map((s) => [s.class, s.start, s.end, s.peak])).toEqual(POST.map(([l, s, e, x]) => [byId[l], s, e, x]));
    expect(f.rawSegments.map((s) => [s.class, s.start, s.end, s.peak])).toEqual(RAW_SEGS.map(([l, s, e, x]) => [byId[l], s, e, x]));
    expect(f.rows.map((r) => [r.start, ...r.active])).toEqual([
      [0, 1, 1, 0],
      [1, 0, 1, 0],
      [2, 1, 0, 0],
    ]);
  });

  it("audacity, reaper, midi and jams carry the smoothed segments", () => {
    expect(
      formatAudacity(p)
        .trimEnd()
        .split("\n")
        .map((l) => l.split("\t"))
        .map(([s, e, l]) => [l, Number(s), Number(e)]),
    ).toEqual(POST.map(([l, s, e]) => [NAME[l], s, e]));
    const sec = (t: string): number => {
      const [m, s] = t.split(":");
      return Number(m) * 60 + Number(s);
    };
    const [, ...regions] = formatReaper(p).trimEnd().split("\n").map(splitCsv);
    expect(regions.map((r) => [r[0], r[1], sec(r[2]!), sec(r[3]!), sec(r[4]!)])).toEqual(
      POST.map(([l, s, e], i) => [`R${i + 1}`, NAME[l], s, e, e - s]),
    );
    const midi = new midiPkg.Midi(formatMidi(p));
    const notes = midi.tracks.flatMap((t) =>
      t.notes.map((n) => [t.name, n.midi, Number(n.time.toFixed(3)), Number((n.time + n.duration).toFixed(3))]),
    );
    expect(notes).toEqual([
      ["Drum set", MIDI_BASE_NOTE, 0, 1.25],
      ["Drum set", MIDI_BASE_NOTE, 2.25, 3.5],
      ["Piano", MIDI_BASE_NOTE + 1, 0.75, 2.25],
    ]);
    const jams = JSON.parse(formatJams(p)) as {
      annotations: {
        data: { time: number; duration: number; value: string; confidence: number }[];
        annotation_metadata: { annotation_rules: string; annotator: { segments: string } };
      }[];
    };
    const ann = jams.annotations[0]!;
    expect(ann.data.map((d) => [d.value, d.time, d.time + d.duration, d.confidence])).toEqual(POST);
    expect(ann.annotation_metadata.annotator.segments).toBe("post");
    expect(ann.annotation_metadata.annotation_rules).toMatch(/hysteresis/);
  });

  it("table: ranges and active time from the smoothed segments", () => {
    const lines = formatTable(p);
    expect(lines[1]).toMatch(/^ {2}Drum set\s+71%\s+peak 0\.90\s+0:00\.0-0:01\.3, 0:02\.3-0:03\.5$/);
    expect(lines[2]).toMatch(/^ {2}Piano\s+43%\s+peak 0\.80\s+0:00\.8-0:02\.3$/);
  });
});
