/**
 * Builds the real-music development set from the Debian packages' audio: each recording as the
 * mono 22.05 kHz signal the model hears (decode, channel mean, resample: `analyze`'s chain) plus its
 * per-second tri-state labels. Recordings are built one at a time, on demand, so only one is in
 * memory while it is scored.
 *
 * Activity is measured at 44.1 kHz, as MedleyDB's recipe assumes (src/data/activation-conf.ts):
 * a Frets on Fire song is a two-stem multitrack (guitar.ogg, song.ogg) whose mix is their sum; a
 * single recording is a one-stem multitrack, so its quiet tails and silences fall out.
 */
import { join } from "node:path";
import { decodeFile } from "../../audio/decode.js";
import { downmixToMono } from "../../audio/downmix.js";
import { resample } from "../../audio/resample.js";
import { computeActivationConfidence, MEDLEYDB_ACTIVATION_PARAMS } from "../../data/activation-conf.js";
import { DEFAULT_MEL_PARAMS } from "../../features/params.js";
import { CLIPS, FOF_SONGS, WESNOTH_ABSENT, WESNOTH_TRACKS } from "./annotations.js";
import type { Clip, FofSong } from "./annotations.js";
import { classIndex, fofLabels, otherClasses, singleRecordingLabels, stemActiveWindows } from "./labels.js";
import type { TriLabels } from "./labels.js";
import { DEBIAN_ROOTS, DEV_SET_PACKAGES } from "./packages.js";
import type { SourceId, SourceRoots } from "./packages.js";

/** One recording of the set, ready to score. */
export interface DevRecording {
  readonly id: string;
  readonly source: SourceId;
  readonly package: string;
  /** Mono samples at the analysis rate (22050 Hz). */
  readonly samples: Float32Array;
  /** Per-window labels; windows are the whole seconds of `samples` (or fewer, see stemActiveWindows). */
  readonly labels: TriLabels;
}

/** A recording not yet built: what it is, and how to build it. */
export interface RecordingPlan {
  readonly id: string;
  readonly source: SourceId;
  readonly package: string;
  /** Audio files it is made of (absolute). */
  readonly files: readonly string[];
  build(): Promise<DevRecording>;
}

const ACT_RATE_HZ = MEDLEYDB_ACTIVATION_PARAMS.sampleRateHz;
const ANALYSIS_RATE_HZ = DEFAULT_MEL_PARAMS.sampleRateHz;

/** A file's channel mean at its own rate. */
async function decodeMono(path: string): Promise<{ samples: Float32Array; rateHz: number }> {
  const d = await decodeFile(path);
  return { samples: downmixToMono(d.channels), rateHz: d.sampleRateHz };
}

function toRate(x: Float32Array, fromHz: number, toHz: number): Float32Array {
  return fromHz === toHz ? x : Float32Array.from(resample(x, fromHz, toHz));
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

const wholeSeconds = (analysis: Float32Array): number => Math.floor(analysis.length / ANALYSIS_RATE_HZ);

async function buildFof(song: FofSong, roots: SourceRoots): Promise<DevRecording> {
  const dir = join(roots.fof, song.dir);
  const guitar = await decodeMono(join(dir, "guitar.ogg"));
  const backing = await decodeMono(join(dir, "song.ogg"));
  const g = toRate(guitar.samples, guitar.rateHz, ACT_RATE_HZ);
  const b = toRate(backing.samples, backing.rateHz, ACT_RATE_HZ);
  // The mix is the sum of the two stems (the game plays them together); the shorter is zero-padded.
  const mix = new Float32Array(Math.max(g.length, b.length));
  mix.set(g.length >= b.length ? g : b);
  const other = g.length >= b.length ? b : g;
  for (let i = 0; i < other.length; i++) mix[i] = (mix[i] as number) + (other[i] as number);
  const samples = toRate(mix, ACT_RATE_HZ, ANALYSIS_RATE_HZ);
  const table = computeActivationConfidence([
    { key: "guitar", samples: g },
    { key: "backing", samples: b },
  ]);
  const maxWindows = wholeSeconds(samples);
  const guitarActive = stemActiveWindows(table, "guitar", maxWindows);
  const backingActive = stemActiveWindows(table, "backing", maxWindows);
  const labels = fofLabels({
    guitarActive,
    backingActive,
    drums: song.drums,
    noDrums: song.noDrums,
    noGuitarInBacking: song.noGuitarInBacking,
  });
  return { id: fofId(song), source: "fof", package: song.package, samples, labels };
}

/** A recording of one or more files joined, with known positives and negatives over its active seconds. */
async function buildSingle(
  id: string,
  source: SourceId,
  files: readonly string[],
  positives: readonly number[],
  negatives: readonly number[],
): Promise<DevRecording> {
  const act: Float32Array[] = [];
  const analysis: Float32Array[] = [];
  for (const f of files) {
    const m = await decodeMono(f);
    // Each file is resampled on its own, as `analyze` would, then the parts are joined.
    act.push(toRate(m.samples, m.rateHz, ACT_RATE_HZ));
    analysis.push(toRate(m.samples, m.rateHz, ANALYSIS_RATE_HZ));
  }
  const samples = concat(analysis);
  const table = computeActivationConfidence([{ key: id, samples: concat(act) }]);
  const active = stemActiveWindows(table, id, wholeSeconds(samples));
  return { id, source, package: packageOf(source), samples, labels: singleRecordingLabels(active, positives, negatives) };
}

function packageOf(source: SourceId): string {
  const p = DEV_SET_PACKAGES.find((k) => k.source === source);
  if (p === undefined) throw new Error(`no package for source ${source}`);
  return p.name;
}

const fofId = (s: FofSong): string => `fof-${(s.dir.split("/").at(-1) ?? s.dir).toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;

function clipPlan(c: Clip, roots: SourceRoots): RecordingPlan {
  const positives = c.positives.map(classIndex);
  const negatives = otherClasses(positives, c.unknown.map(classIndex));
  const files = c.files.map((f) => join(roots[c.source], f));
  return {
    id: c.id,
    source: c.source,
    package: packageOf(c.source),
    files,
    build: () => buildSingle(c.id, c.source, files, positives, negatives),
  };
}

/**
 * The recordings of `sources`, in report order (Frets on Fire, Wesnoth, LMMS, sonic-pi), each built
 * when its build() is called. Check the packages first (packages.ts ensurePackages).
 */
export function planDevSet(sources: readonly SourceId[], roots: SourceRoots = DEBIAN_ROOTS): RecordingPlan[] {
  const plans: RecordingPlan[] = [];
  if (sources.includes("fof")) {
    for (const s of FOF_SONGS) {
      const dir = join(roots.fof, s.dir);
      plans.push({
        id: fofId(s),
        source: "fof",
        package: s.package,
        files: [join(dir, "guitar.ogg"), join(dir, "song.ogg")],
        build: () => buildFof(s, roots),
      });
    }
  }
  if (sources.includes("wesnoth")) {
    const absent = WESNOTH_ABSENT.map(classIndex);
    for (const t of WESNOTH_TRACKS) {
      const id = `wes-${t.file.replace(/\.ogg$/, "").replace(/_/g, "-")}`;
      const files = [join(roots.wesnoth, t.file)];
      plans.push({
        id,
        source: "wesnoth",
        package: packageOf("wesnoth"),
        files,
        build: () => buildSingle(id, "wesnoth", files, [], absent),
      });
    }
  }
  for (const src of ["lmms", "sonic-pi"] as const) {
    if (sources.includes(src)) for (const c of CLIPS.filter((k) => k.source === src)) plans.push(clipPlan(c, roots));
  }
  return plans;
}
