/** The catalog query language: parsing, errors, and answers on a small hand-made index. */
import { describe, expect, it } from "vitest";
import { openCatalog } from "../../../src/catalog/db.js";
import { ingestResult, registerModel, upsertFiles } from "../../../src/catalog/index-store.js";
import { complement, intersect, normalize, union } from "../../../src/catalog/intervals.js";
import { parseQuery, queryClasses } from "../../../src/catalog/query-parse.js";
import { runQuery } from "../../../src/catalog/query-run.js";
import type { TrackResult } from "../../../src/catalog/result-file.js";
import { formatQuery } from "../../../src/catalog/report.js";
import { CATALOG_ANALYSIS } from "../../../src/catalog/identity.js";
import { UserError } from "../../../src/errors.js";
import { tempDir } from "../../helpers/audio-files.js";

describe("parseQuery", () => {
  it("reads the three questions of the issue", () => {
    expect(parseQuery("distorted-guitar >= 30s").expr).toEqual({
      kind: "seconds",
      cls: "distorted-guitar",
      op: ">=",
      value: 30,
      unit: "s",
    });
    expect(parseQuery("top is piano").expr).toEqual({ kind: "top", cls: "piano" });
    expect(parseQuery("when violin and flute")).toMatchObject({
      kind: "when",
      minSec: 0,
      expr: {
        kind: "and",
        items: [
          { kind: "class", cls: "violin" },
          { kind: "class", cls: "flute" },
        ],
      },
    });
  });

  it("takes units, labels, names, synonyms and precedence", () => {
    expect(parseQuery("piano >= 2 min").expr).toMatchObject({ value: 120, unit: "s" });
    expect(parseQuery("piano > 50%").expr).toMatchObject({ op: ">", value: 50, unit: "%" });
    expect(parseQuery("piano < 10").expr).toMatchObject({ op: "<", value: 10, unit: "s" });
    expect(parseQuery('"distorted electric guitar"').expr).toEqual({ kind: "tag", cls: "distorted-guitar" });
    expect(parseQuery("'Drum set' score >= 0.8").expr).toEqual({ kind: "score", cls: "drums", op: ">=", value: 0.8 });
    expect(parseQuery("top = organ").expr).toEqual({ kind: "top", cls: "organ" });
    // and binds tighter than or; not tighter than and.
    expect(parseQuery("piano or violin & !drums").expr).toEqual({
      kind: "or",
      items: [
        { kind: "tag", cls: "piano" },
        {
          kind: "and",
          items: [
            { kind: "tag", cls: "violin" },
            { kind: "not", item: { kind: "tag", cls: "drums" } },
          ],
        },
      ],
    });
    expect(parseQuery("(piano or violin) and drums").expr).toMatchObject({ kind: "and", items: [{ kind: "or" }, { kind: "tag" }] });
    expect(parseQuery("when piano and not drums for >= 5s")).toMatchObject({ kind: "when", minSec: 5 });
    expect(queryClasses(parseQuery("when (violin or flute) and not violin"))).toEqual(["violin", "flute"]);
  });

  it.each([
    ["", /empty query/],
    ["banjo >= 3s", /expected a class name .*"banjo" \(column 1\)/],
    ["piano >=", /expected a number at the end/],
    ["piano >= 3 parsecs", /expected and, or or the end of the query at "parsecs" \(column 12\)/],
    ["(piano or violin", /expected "\)" at the end/],
    ["top piano", /expected "is" or "=" after top at "piano"/],
    ["piano $ violin", /unexpected "\$" at column 7/],
    ["when piano for 10%", /seconds or minutes after for/],
  ])("refuses %j with a one-line message", (text, message) => {
    let err: unknown;
    try {
      parseQuery(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain("\n");
  });
});

describe("intervals", () => {
  it("merges, intersects and complements", () => {
    const a = normalize([
      { start: 5, end: 8 },
      { start: 0, end: 2 },
      { start: 2, end: 3 },
    ]);
    expect(a).toEqual([
      { start: 0, end: 3 },
      { start: 5, end: 8 },
    ]);
    expect(intersect(a, [{ start: 1, end: 6 }])).toEqual([
      { start: 1, end: 3 },
      { start: 5, end: 6 },
    ]);
    expect(union(a, [{ start: 3, end: 5 }])).toEqual([{ start: 0, end: 8 }]);
    expect(complement(a, 10)).toEqual([
      { start: 3, end: 5 },
      { start: 8, end: 10 },
    ]);
    expect(complement([], 4)).toEqual([{ start: 0, end: 4 }]);
  });
});

const CLASSES = ["drums", "piano", "violin", "flute", "distorted-guitar"];

/** A result with given active seconds per class as segments. */
function result(
  hash: string,
  durationSec: number,
  segs: Record<string, [number, number][]>,
  scores: Record<string, number> = {},
): TrackResult {
  const tags = CLASSES.map((c) => {
    const activeSec = (segs[c] ?? []).reduce((s, [a, b]) => s + b - a, 0);
    return { class: c, score: scores[c] ?? (activeSec > 0 ? 0.9 : 0.1), active: activeSec > 0, activeSec };
  });
  const top = [...tags].sort((x, y) => y.activeSec - x.activeSec)[0];
  return {
    schema: "timbrescope-catalog-result",
    schemaVersion: 1,
    hash,
    bytes: 1,
    modelKey: "m1",
    modelId: "test-model",
    analysis: CATALOG_ANALYSIS,
    inputRateHz: 44100,
    durationSec,
    windows: durationSec,
    windowSec: 1,
    classes: CLASSES,
    thresholds: CLASSES.map(() => 0.5),
    tags,
    top: top !== undefined && top.activeSec > 0 ? top.class : null,
    segments: Object.entries(segs).flatMap(([c, list]) => list.map(([start, end]) => ({ class: c, start, end, peak: 0.9 }))),
    scores: { file: `${hash}.scores.npy`, dtype: "<f2", shape: [durationSec, CLASSES.length], sha256: "" },
  };
}

describe("runQuery", () => {
  const cat = openCatalog(tempDir("timbrescope-catalog-query-"), { create: true });
  registerModel(cat.db, { dir: "/models/m1", key: "m1", labels: CLASSES, description: "test" });
  upsertFiles(cat.db, [
    { path: "/lib/rock.flac", size: 1, mtimeMs: 1, hash: "h-rock" },
    { path: "/lib/ballad.flac", size: 1, mtimeMs: 1, hash: "h-ballad" },
    { path: "/lib/copy/ballad.flac", size: 1, mtimeMs: 1, hash: "h-ballad" },
    { path: "/lib/chamber.wav", size: 1, mtimeMs: 1, hash: "h-chamber" },
    { path: "/lib/pending.wav", size: 1, mtimeMs: 1, hash: "h-pending" },
  ]);
  ingestResult(
    cat.db,
    result("h-rock", 200, {
      "distorted-guitar": [
        [10, 30],
        [60, 75],
      ],
      drums: [[0, 200]],
    }),
    "x",
    "test",
  );
  ingestResult(cat.db, result("h-ballad", 180, { piano: [[0, 150]], drums: [[100, 180]], "distorted-guitar": [[150, 160]] }), "x", "test");
  ingestResult(
    cat.db,
    result("h-chamber", 120, {
      violin: [
        [0, 60],
        [90, 120],
      ],
      flute: [[30, 100]],
      piano: [[0, 20]],
    }),
    "x",
    "test",
  );
  const ask = (text: string): ReturnType<typeof runQuery> => runQuery(cat.db, "m1", parseQuery(text));
  const paths = (text: string): string[] => ask(text).hits.map((h) => h.path);

  it("finds tracks by active seconds, tags, scores and top instrument", () => {
    expect(paths("distorted-guitar >= 30s")).toEqual(["/lib/rock.flac"]);
    expect(paths("distorted-guitar >= 10s")).toEqual(["/lib/ballad.flac", "/lib/rock.flac"]);
    expect(paths("distorted-guitar")).toEqual(["/lib/ballad.flac", "/lib/rock.flac"]);
    expect(paths("top is piano")).toEqual(["/lib/ballad.flac"]);
    expect(paths("top is drums")).toEqual(["/lib/rock.flac"]);
    expect(paths("piano > 50%")).toEqual(["/lib/ballad.flac"]);
    expect(paths("piano and not drums")).toEqual(["/lib/chamber.wav"]);
    expect(paths("violin score >= 0.9 or top is drums")).toEqual(["/lib/chamber.wav", "/lib/rock.flac"]);
    expect(paths("piano < 1s")).toEqual(["/lib/rock.flac"]);
    const hit = ask("distorted-guitar >= 30s").hits[0];
    expect(hit).toMatchObject({
      hash: "h-rock",
      durationSec: 200,
      top: "drums",
      classes: { "distorted-guitar": { activeSec: 35, active: true } },
    });
    expect(ask("top is piano").hits[0]?.paths).toEqual(["/lib/ballad.flac", "/lib/copy/ballad.flac"]);
  });

  it("answers when-questions with the seconds where classes play together", () => {
    const r = ask("when violin and flute");
    expect(r.kind).toBe("when");
    expect(r.hits.map((h) => h.path)).toEqual(["/lib/chamber.wav"]);
    const h = r.kind === "when" ? r.hits[0] : undefined;
    expect(h?.stretches).toEqual([
      { start: 30, end: 60 },
      { start: 90, end: 100 },
    ]);
    expect(h?.totalSec).toBe(40);
    const long = ask("when violin and flute for >= 20s");
    expect(long.kind === "when" ? long.hits[0]?.stretches : []).toEqual([{ start: 30, end: 60 }]);
    const piano = ask("when piano and not drums");
    expect(piano.kind === "when" ? piano.hits.map((x) => [x.path, x.stretches]) : []).toEqual([
      ["/lib/ballad.flac", [{ start: 0, end: 100 }]],
      ["/lib/chamber.wav", [{ start: 0, end: 20 }]],
    ]);
  });

  it("prints table, CSV and JSON", () => {
    const tracks = ask("distorted-guitar >= 30s");
    expect(formatQuery(tracks, "csv", "q", "test-model")).toBe(
      "path,hash,duration_sec,top,distorted-guitar_sec,distorted-guitar_score\n/lib/rock.flac,h-rock,200,drums,35,0.9\n",
    );
    expect(formatQuery(tracks, "table", "q", "test-model")).toMatch(
      /^path +duration +top +distorted-guitar_sec +distorted-guitar_score\n\/lib\/rock\.flac +3 min 20 s +drums +35\.0 +0\.900\n1 track\(s\)\n$/,
    );
    const json = JSON.parse(formatQuery(ask("when violin and flute"), "json", "when violin and flute", "test-model")) as {
      count: number;
      tracks: { stretches: unknown[] }[];
    };
    expect(json).toMatchObject({ kind: "when", count: 1, model: "test-model", tracks: [{ path: "/lib/chamber.wav", totalSec: 40 }] });
  });
});
