/**
 * Runs a parsed `catalog query` on the index. Track questions compile to one SQL statement over
 * `tracks` and `tags` (indexed by class, so a 100,000-track catalog answers without reading result
 * files); `when` questions combine each track's smoothed segments with interval algebra.
 */
import type { Database as Db } from "better-sqlite3";
import { complement, intersect, normalize, totalSec, union } from "./intervals.js";
import type { Interval } from "./intervals.js";
import { queryClasses } from "./query-parse.js";
import type { Query, TimeExpr, TrackExpr } from "./query-parse.js";

/** A class's track-level figures on a hit. */
export interface ClassFigures {
  /** Max-pooled raw score, [0, 1]. */
  readonly score: number;
  readonly active: boolean;
  /** Seconds of smoothed activity. */
  readonly activeSec: number;
}

/** A track that matches. */
export interface TrackHit {
  /** The first registered path with this content. */
  readonly path: string;
  /** Every registered path with this content. */
  readonly paths: readonly string[];
  readonly hash: string;
  readonly durationSec: number;
  readonly top: string | null;
  /** Figures of the classes the query mentions. */
  readonly classes: Readonly<Record<string, ClassFigures>>;
}

/** A track where a `when` expression holds somewhere. */
export interface WhenHit {
  readonly path: string;
  readonly paths: readonly string[];
  readonly hash: string;
  readonly durationSec: number;
  /** Seconds where it holds (sum of the stretches). */
  readonly totalSec: number;
  readonly stretches: readonly Interval[];
}

/** What a query found. */
export type QueryResult =
  | { readonly kind: "tracks"; readonly classes: readonly string[]; readonly hits: readonly TrackHit[] }
  | { readonly kind: "when"; readonly classes: readonly string[]; readonly minSec: number; readonly hits: readonly WhenHit[] };

const TAG = "SELECT 1 FROM tags g WHERE g.hash = t.hash AND g.model_key = t.model_key AND g.class_id = ?";

/** SQL condition for `e` on `tracks t`; pushes its parameters in order. */
export function trackSql(e: TrackExpr, params: (string | number)[]): string {
  switch (e.kind) {
    case "and":
    case "or":
      return `(${e.items.map((x) => trackSql(x, params)).join(e.kind === "and" ? " AND " : " OR ")})`;
    case "not":
      return `NOT ${trackSql(e.item, params)}`;
    case "tag":
      params.push(e.cls);
      return `EXISTS (${TAG} AND g.active = 1)`;
    case "seconds":
      params.push(e.cls, e.unit === "%" ? e.value / 100 : e.value);
      return `EXISTS (${TAG} AND g.active_sec ${e.op} ?${e.unit === "%" ? " * t.duration_sec" : ""})`;
    case "score":
      params.push(e.cls, e.value);
      return `EXISTS (${TAG} AND g.score ${e.op} ?)`;
    case "top":
      params.push(e.cls);
      return "t.top_class = ?";
  }
}

interface TrackRow {
  hash: string;
  durationSec: number;
  top: string | null;
  paths: string;
}

const TRACKS = `SELECT t.hash AS hash, t.duration_sec AS durationSec, t.top_class AS top,
  (SELECT group_concat(f.path, char(10)) FROM files f WHERE f.hash = t.hash) AS paths
  FROM tracks t WHERE t.model_key = ? AND t.status = 'done' AND EXISTS (SELECT 1 FROM files f WHERE f.hash = t.hash)`;

const byPath = <T extends { path: string }>(a: T, b: T): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

function located(r: TrackRow): { path: string; paths: string[] } {
  const paths = r.paths.split("\n").sort();
  return { path: paths[0] as string, paths };
}

/** Evaluates a time expression on one track's per-class segments. */
export function evalTime(e: TimeExpr, segs: ReadonlyMap<string, readonly Interval[]>, durationSec: number): Interval[] {
  switch (e.kind) {
    case "class":
      return normalize(segs.get(e.cls) ?? []);
    case "not":
      return complement(evalTime(e.item, segs, durationSec), durationSec);
    case "and":
      return e.items.map((x) => evalTime(x, segs, durationSec)).reduce((a, b) => intersect(a, b));
    case "or":
      return e.items.map((x) => evalTime(x, segs, durationSec)).reduce((a, b) => union(a, b));
  }
}

/** Runs `q` against the results of `modelKey`. Hits are sorted by path. */
export function runQuery(db: Db, modelKey: string, q: Query): QueryResult {
  const classes = queryClasses(q);
  const marks = classes.map(() => "?").join(", ");
  if (q.kind === "tracks") {
    const params: (string | number)[] = [modelKey];
    const rows = db.prepare(`${TRACKS} AND ${trackSql(q.expr, params)}`).all(...params) as TrackRow[];
    const figures = new Map<string, Record<string, ClassFigures>>();
    const tagRows = db
      .prepare(
        `SELECT hash, class_id AS cls, score, active, active_sec AS activeSec FROM tags WHERE model_key = ? AND class_id IN (${marks})`,
      )
      .all(modelKey, ...classes) as { hash: string; cls: string; score: number; active: number; activeSec: number }[];
    for (const g of tagRows) {
      const rec = figures.get(g.hash) ?? {};
      rec[g.cls] = { score: g.score, active: g.active === 1, activeSec: g.activeSec };
      figures.set(g.hash, rec);
    }
    const hits = rows.map((r) => ({
      ...located(r),
      hash: r.hash,
      durationSec: r.durationSec,
      top: r.top,
      classes: figures.get(r.hash) ?? {},
    }));
    return { kind: "tracks", classes, hits: hits.sort(byPath) };
  }
  const tracks = db.prepare(TRACKS).all(modelKey) as TrackRow[];
  const segRows = db
    .prepare(
      `SELECT hash, class_id AS cls, start_sec AS start, end_sec AS end FROM segments WHERE model_key = ? AND class_id IN (${marks})`,
    )
    .all(modelKey, ...classes) as { hash: string; cls: string; start: number; end: number }[];
  const perTrack = new Map<string, Map<string, Interval[]>>();
  for (const s of segRows) {
    const m = perTrack.get(s.hash) ?? new Map<string, Interval[]>();
    m.set(s.cls, [...(m.get(s.cls) ?? []), { start: s.start, end: s.end }]);
    perTrack.set(s.hash, m);
  }
  const hits: WhenHit[] = [];
  for (const r of tracks) {
    const stretches = evalTime(q.expr, perTrack.get(r.hash) ?? new Map(), r.durationSec).filter((x) => x.end - x.start >= q.minSec - 1e-6);
    if (stretches.length > 0)
      hits.push({ ...located(r), hash: r.hash, durationSec: r.durationSec, totalSec: totalSec(stretches), stretches });
  }
  return { kind: "when", classes, minSec: q.minSec, hits: hits.sort(byPath) };
}
