/**
 * The artist-conditional train/test split with the paper's validation scheme (Gururani et al.
 * 2018 §4.1; docs/datasets.md §9):
 * - no artist has tracks on both sides (artist = artist.ts key);
 * - test ≈ 100/461 of the pool (the paper's 361 + 100 tracks);
 * - validation = 50 tracks drawn from train + 50 drawn from test, scaled by pool/461 for smaller
 *   pools. The paper validates "on unseen data while not using the entire test set": the tracks
 *   drawn from train are REMOVED from train (whole artists, so no validation artist is trained
 *   on); the tracks drawn from test STAY in test, as in the paper (its test set has 100 tracks).
 * - stratified enough that every class with tracks from >= 2 artists gets an artist on each side:
 *   classes are served rarest first before the rest is filled at random.
 *
 * Deterministic: the same pool and seed give the same manifest; the pool's hash is recorded so a
 * changed pool (new metadata commit, new label map) is detected.
 */
import { createHash } from "node:crypto";
import { UserError } from "../errors.js";
import { CLASSES } from "./classes.js";
import { mulberry32 } from "../rng.js";

/** What the split needs to know about a track. */
export interface SplitTrack {
  readonly id: string;
  readonly artistKey: string;
  /** Class indices active in at least one window. */
  readonly classes: readonly number[];
}

/** Options of {@link makeSplit}. */
export interface SplitOptions {
  /** Seed of the pseudo-random generator (any 32-bit integer). */
  readonly seed: number;
  /** Fraction of the pool in test. Default 100/461 (the paper). */
  readonly testFraction?: number;
  /** Validation tracks drawn from train at the paper's pool size. Default 50. */
  readonly validationFromTrain?: number;
  /** Validation tracks drawn from test at the paper's pool size. Default 50. */
  readonly validationFromTest?: number;
  /** Pool size at which the validation counts apply unscaled. Default 461 (361 + 100). */
  readonly referencePoolSize?: number;
  /** Recorded in the manifest (e.g. label map version, metadata commits). */
  readonly provenance?: Readonly<Record<string, string | null>>;
}

/** Manifest schema version; bump when the algorithm or the layout changes. */
export const SPLIT_MANIFEST_VERSION = 1;

/** A versioned split manifest. */
export interface SplitManifest {
  readonly schema: "timbrescope-split";
  readonly version: number;
  readonly seed: number;
  readonly params: { testFraction: number; validationFromTrain: number; validationFromTest: number; referencePoolSize: number };
  readonly provenance: Readonly<Record<string, string | null>>;
  /** sha256 of the pool (ids, artist keys, classes), sorted. */
  readonly poolHash: string;
  /** Training tracks (validation-from-train tracks excluded). */
  readonly train: readonly string[];
  /** All validation tracks (fromTrain ∪ fromTest). */
  readonly validation: readonly string[];
  readonly validationFrom: { readonly train: readonly string[]; readonly test: readonly string[] };
  /** Test tracks (including the validation-from-test tracks, as in the paper). */
  readonly test: readonly string[];
  /** Tracks per class label on each side. */
  readonly classTracks: {
    readonly train: Record<string, number>;
    readonly validation: Record<string, number>;
    readonly test: Record<string, number>;
  };
}

interface Group {
  readonly artist: string;
  readonly tracks: readonly SplitTrack[];
  readonly classes: ReadonlySet<number>;
}

/** Splits a pool of tracks. */
export function makeSplit(pool: readonly SplitTrack[], opts: SplitOptions): SplitManifest {
  if (!Number.isInteger(opts.seed)) throw new UserError(`Expected an integer seed, got ${opts.seed}`);
  const params = {
    testFraction: opts.testFraction ?? 100 / 461,
    validationFromTrain: opts.validationFromTrain ?? 50,
    validationFromTest: opts.validationFromTest ?? 50,
    referencePoolSize: opts.referencePoolSize ?? 461,
  };
  if (!(params.testFraction > 0 && params.testFraction < 1))
    throw new UserError(`Expected testFraction in (0, 1), got ${params.testFraction}`);
  if (new Set(pool.map((t) => t.id)).size !== pool.length) throw new UserError("split pool has duplicate track ids");
  const sorted = [...pool].sort((a, b) => cmp(a.id, b.id));
  const rng = mulberry32(opts.seed);
  const groups = shuffle(groupByArtist(sorted), rng);
  const scale = Math.min(1, sorted.length / params.referencePoolSize);

  // train/test over whole artists
  const test = pickGroups(groups, Math.round(sorted.length * params.testFraction), { coverBeyondTarget: true });
  const trainGroups = groups.filter((g) => !test.includes(g));
  // validation from train: whole artists, removed from train
  const valTrain = pickGroups(shuffle(trainGroups, rng), Math.round(params.validationFromTrain * scale));
  // validation from test: tracks, kept in test
  const testTracks = shuffle(
    test.flatMap((g) => g.tracks),
    rng,
  );
  const valTest = pickGroups(
    testTracks.map((t) => ({ artist: t.id, tracks: [t], classes: new Set(t.classes) })),
    Math.round(params.validationFromTest * scale),
    { keepOtherSide: false },
  );

  const ids = (gs: readonly Group[]): string[] => gs.flatMap((g) => g.tracks.map((t) => t.id)).sort(cmp);
  const sides = {
    train: ids(trainGroups.filter((g) => !valTrain.includes(g))),
    fromTrain: ids(valTrain),
    fromTest: ids(valTest),
    test: ids(test),
  };
  return assemble(sorted, sides, { seed: opts.seed, params, provenance: opts.provenance ?? {} });
}

/** The four sides of a split (validation-from-test tracks are also in `test`). */
interface Sides {
  readonly train: readonly string[];
  readonly fromTrain: readonly string[];
  readonly fromTest: readonly string[];
  readonly test: readonly string[];
}

function assemble(pool: readonly SplitTrack[], sides: Sides, meta: Pick<SplitManifest, "seed" | "params" | "provenance">): SplitManifest {
  const byId = new Map(pool.map((t) => [t.id, t]));
  const sorted = (list: readonly string[]): string[] => [...list].sort(cmp);
  const classTracks = (list: readonly string[]): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const c of CLASSES) out[c.label] = list.filter((id) => byId.get(id)?.classes.includes(c.index) === true).length;
    return out;
  };
  const [train, fromTrain, fromTest, test] = [sorted(sides.train), sorted(sides.fromTrain), sorted(sides.fromTest), sorted(sides.test)];
  const validation = sorted([...fromTrain, ...fromTest]);
  return {
    schema: "timbrescope-split",
    version: SPLIT_MANIFEST_VERSION,
    ...meta,
    poolHash: poolHash(pool),
    train,
    validation,
    validationFrom: { train: fromTrain, test: fromTest },
    test,
    classTracks: { train: classTracks(train), validation: classTracks(validation), test: classTracks(test) },
  };
}

/**
 * The split of a grown (or changed) pool that keeps an earlier split's assignments: fine-tuning on
 * more data must not move tracks the model already trained on into validation or test, nor the
 * other way round. Tracks of `previous` that are still in the pool keep their side; new tracks of
 * an artist already placed join that artist's side (validation-from-train artists stay whole, new
 * tracks of test artists go to test); the tracks of new artists are split among themselves by
 * {@link makeSplit} with `opts`. Tracks of `previous` no longer in the pool are dropped. With the
 * same pool the result is `previous` (its assignments, recomputed class counts and hash).
 */
export function extendSplit(previous: SplitManifest, pool: readonly SplitTrack[], opts: SplitOptions): SplitManifest {
  type Side = keyof Sides;
  const sideOf = new Map<string, Side>();
  for (const id of previous.train) sideOf.set(id, "train");
  for (const id of previous.validationFrom.train) sideOf.set(id, "fromTrain");
  for (const id of previous.test) sideOf.set(id, "test");
  for (const id of previous.validationFrom.test) sideOf.set(id, "fromTest");
  const artistSide = new Map<string, Side>();
  for (const t of pool) {
    const side = sideOf.get(t.id);
    if (side !== undefined) artistSide.set(t.artistKey, side === "fromTest" ? "test" : side);
  }
  const sides: Record<Side, string[]> = { train: [], fromTrain: [], fromTest: [], test: [] };
  const fresh: SplitTrack[] = [];
  for (const t of pool) {
    const side = sideOf.get(t.id) ?? artistSide.get(t.artistKey);
    if (side === undefined) fresh.push(t);
    else {
      sides[side].push(t.id);
      if (side === "fromTest") sides.test.push(t.id);
    }
  }
  const sub = fresh.length === 0 ? undefined : makeSplit(fresh, { ...previous.params, ...opts });
  const merged: Sides = {
    train: [...sides.train, ...(sub?.train ?? [])],
    fromTrain: [...sides.fromTrain, ...(sub?.validationFrom.train ?? [])],
    fromTest: [...sides.fromTest, ...(sub?.validationFrom.test ?? [])],
    test: [...sides.test, ...(sub?.test ?? [])],
  };
  const params = sub?.params ?? previous.params;
  return assemble(
    [...pool].sort((a, b) => cmp(a.id, b.id)),
    merged,
    { seed: opts.seed, params, provenance: { ...previous.provenance, ...(opts.provenance ?? {}), extends: previous.poolHash } },
  );
}

/**
 * Moves groups from `candidates` (in their given random order) to the picked side until it holds
 * `target` tracks. First, rarest class first, the smallest group of each class that the picked
 * side lacks (past `target` only with `coverBeyondTarget`: the test side of a small pool); with
 * `keepOtherSide` (default) a group is only taken when every class it has keeps a group on the
 * other side. Then fills at random, skipping groups that would overshoot.
 */
function pickGroups(
  candidates: readonly Group[],
  target: number,
  o: { keepOtherSide?: boolean; coverBeyondTarget?: boolean } = {},
): Group[] {
  const keep = o.keepOtherSide ?? true;
  const picked: Group[] = [];
  const size = (): number => picked.reduce((s, g) => s + g.tracks.length, 0);
  const remaining = (c: number): number => candidates.filter((g) => !picked.includes(g) && g.classes.has(c)).length;
  const canTake = (g: Group): boolean => !picked.includes(g) && (!keep || [...g.classes].every((c) => remaining(c) >= 2));
  const classes = CLASSES.map((c) => c.index)
    .map((c) => ({ c, n: candidates.filter((g) => g.classes.has(c)).length }))
    .filter((x) => x.n >= (keep ? 2 : 1))
    .sort((x, y) => x.n - y.n || x.c - y.c);
  for (const { c } of classes) {
    if (o.coverBeyondTarget !== true && size() >= target) break;
    if (picked.some((g) => g.classes.has(c))) continue;
    // the smallest eligible group (random among equals): rare classes often come from one
    // prolific artist (9 TablaBreakbeatScience tracks), which is better kept on the training side
    const g = candidates
      .filter((x) => x.classes.has(c) && canTake(x))
      .reduce<Group | undefined>((best, x) => (best === undefined || x.tracks.length < best.tracks.length ? x : best), undefined);
    if (g !== undefined) picked.push(g);
  }
  for (const g of candidates) {
    if (size() >= target) break;
    if (canTake(g) && size() + g.tracks.length <= target) picked.push(g);
  }
  return picked;
}

function groupByArtist(tracks: readonly SplitTrack[]): Group[] {
  const by = new Map<string, SplitTrack[]>();
  for (const t of tracks) by.set(t.artistKey, [...(by.get(t.artistKey) ?? []), t]);
  return [...by.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([artist, ts]) => ({ artist, tracks: ts, classes: new Set(ts.flatMap((t) => [...t.classes])) }));
}

/** sha256 over the sorted pool: `id\tartistKey\tclasses` per line. */
export function poolHash(pool: readonly SplitTrack[]): string {
  const lines = [...pool]
    .sort((a, b) => cmp(a.id, b.id))
    .map((t) => `${t.id}\t${t.artistKey}\t${[...t.classes].sort((x, y) => x - y).join(",")}`);
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

/** Fisher-Yates on a copy. */
function shuffle<T>(xs: readonly T[], rng: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
