/**
 * The recorded sample sets of the `sampled` realism element (issue 16): what each one is, where it
 * is installed, who made it and under which licence (written into every stem's metadata), and how
 * to install it. None of them is a General MIDI SoundFont:
 *
 * - Salamander Grand Piano V3 (a Yamaha C5; samples CC BY 3.0 Alexander Holm, npm packaging MIT
 *   Jan Forst): npm `@audio-samples/piano-velocityN`, installed into a cache folder OUTSIDE the
 *   project's node_modules (they are render-time data, not a dependency of the code);
 * - Hydrogen drum kits from Debian `hydrogen-drumkits` and `hydrogen-data`;
 * - belofilms acoustic-guitar strums from Debian `hydrogen-drumkits-effects`;
 * - guitarix cabinet impulse responses (cabinets.ts) from Debian `guitarix-common`.
 *
 * The Hydrogen kits BJA_Pacific and Colombo are reserved for independent evaluation
 * (docs/real-audio-sources.md): {@link isReservedKit} refuses them by name before any
 * of their files is opened, wherever a kit folder comes from.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join } from "node:path";
import { UserError } from "../../errors.js";
import { decodeMono } from "./tabla.js";

/** Where Debian's Hydrogen packages put their kits. */
export const HYDROGEN_DRUMKITS = "/usr/share/hydrogen/data/drumkits";

/** Kits that must never be used, heard or opened (held out for independent evaluation). */
export const RESERVED_KITS: readonly string[] = ["BJA_Pacific", "Colombo"];

/** True for a kit folder or kit name that belongs to a reserved kit (any case, any separator). */
export function isReservedKit(dirOrName: string): boolean {
  const key = basename(dirOrName)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
  return RESERVED_KITS.some((r) => key.includes(r.toLowerCase().replace(/[^a-z0-9]/g, "")));
}

/** Classes a sample set plays (they keep their MedleyDB label). */
export type SampledLabel = "piano" | "drum set" | "acoustic guitar";

/** One sample set. */
export interface SampleSet {
  /** Short name recorded in the metadata (`sampler_set`). */
  readonly name: string;
  readonly label: SampledLabel;
  /** Folder holding the samples (for Salamander: the cache's node_modules/@audio-samples). */
  readonly dir: string;
  /** Debian or npm package(s) the samples come from. */
  readonly pkg: string;
  readonly licence: string;
  readonly author: string;
  /** One shell line that installs it. */
  readonly install: string;
  /** Optional sets are used when present; the others are required by `--realism sampled`. */
  readonly optional: boolean;
}

/** Salamander velocity layers used (of 16): five spread over the range (see salamander.ts). */
export const SALAMANDER_LAYERS: readonly number[] = [4, 7, 10, 13, 16];
/** Version of the @audio-samples packages, pinned so every machine renders the same samples. */
export const SALAMANDER_VERSION = "1.0.5";

/** Folder of the render-time npm samples: $TIMBRESCOPE_SAMPLES, else $XDG_CACHE_HOME or ~/.cache + /timbrescope/samples. */
export function samplesCacheDir(): string {
  const own = process.env["TIMBRESCOPE_SAMPLES"];
  if (own !== undefined && own !== "") return own;
  const xdg = process.env["XDG_CACHE_HOME"];
  return join(xdg !== undefined && xdg !== "" ? xdg : join(homedir(), ".cache"), "timbrescope", "samples");
}

/** The npm line that installs the Salamander layers into {@link samplesCacheDir} (`npm test` runs scripts/ensure-samples.sh). */
export function salamanderInstallCommand(): string {
  const pkgs = SALAMANDER_LAYERS.map((v) => `@audio-samples/piano-velocity${v}@${SALAMANDER_VERSION}`).join(" ");
  return `npm install --prefix ${samplesCacheDir()} --no-audit --no-fund --save-exact ${pkgs}`;
}

const apt = (pkg: string): string => `apt-get install --no-install-recommends ${pkg}`;
const kit = (name: string, dirName: string, pkg: string, licence: string, author: string, optional = false): SampleSet => ({
  name,
  label: "drum set",
  dir: join(HYDROGEN_DRUMKITS, dirName),
  pkg,
  licence,
  author,
  install: apt(pkg),
  optional,
});

/** Every sample set, in a fixed order (the lineup draws from them by index). */
export function sampleSets(): SampleSet[] {
  return [
    {
      name: "salamander-grand-v3",
      label: "piano",
      dir: join(samplesCacheDir(), "node_modules", "@audio-samples"),
      pkg: `npm @audio-samples/piano-velocity{${SALAMANDER_LAYERS.join(",")}}@${SALAMANDER_VERSION}`,
      licence: "samples CC BY 3.0; packaging MIT",
      author: "Alexander Holm (Salamander Grand Piano V3); npm packaging Jan Forst",
      install: salamanderInstallCommand(),
      optional: false,
    },
    kit("forzee-stereo", "ForzeeStereo", "hydrogen-drumkits", "GPL-2", "Vladimir Sadovnikov, Alexander Belokurov"),
    kit("millo-drums-v1", "Millo-Drums_v.1", "hydrogen-drumkits", "GPL-2", "Emiliano Grilli (emillo)"),
    kit("millo-multilayered2", "Millo_MultiLayered2", "hydrogen-drumkits", "GPL-2", "Emiliano Grilli (emillo)"),
    kit("millo-multilayered3", "Millo_MultiLayered3", "hydrogen-drumkits", "GPL-2", "Emiliano Grilli (emillo)"),
    kit("rumpf-kit", "rumpf_kit_z01_h2", "hydrogen-drumkits", "CC BY 3.0", "Emanuel Rumpf"),
    kit("gm-rock-kit", "GMRockKit", "hydrogen-data", "GPL-2+", "Glen MacArthur, Sebastian Moors", true),
    {
      name: "belofilms-strums",
      label: "acoustic guitar",
      dir: join(HYDROGEN_DRUMKITS, "belofilms_GuitarStrums"),
      pkg: "hydrogen-drumkits-effects",
      licence: "CC BY 3.0",
      author: "Gabriel Verdugo Soto (www.belofilms.com)",
      install: apt("hydrogen-drumkits-effects"),
      optional: false,
    },
  ];
}

/** A set by name; throws for an unknown one (a generator bug). */
export function sampleSet(name: string): SampleSet {
  const set = sampleSets().find((s) => s.name === name);
  if (set === undefined) throw new Error(`unknown sample set ${name}`);
  return set;
}

/** True when a set's files are there (Salamander: every used layer; kits: drumkit.xml). */
export function sampleSetInstalled(set: SampleSet): boolean {
  if (set.label === "piano") return SALAMANDER_LAYERS.every((v) => existsSync(join(set.dir, `piano-velocity${v}`, "audio", `C4v${v}.ogg`)));
  return existsSync(join(set.dir, "drumkit.xml"));
}

/** Sample sets (and cabinet impulse responses) a corpus may draw from: set names per class. */
export interface SampledSets {
  readonly piano: readonly string[];
  readonly drums: readonly string[];
  readonly strums: readonly string[];
  /** Cabinet impulse-response ids (cabinets.ts). */
  readonly cabinets: readonly string[];
}

/**
 * The installed sets for `--realism sampled`. Throws a {@link UserError} whose one line names what
 * to run when a required set is missing (so a corpus never silently lacks a sampled class).
 */
export function requireSampleSets(cabinetIds: () => readonly string[], cabinetPkg: string): SampledSets {
  const sets = sampleSets();
  const missing = sets.filter((s) => !s.optional && !sampleSetInstalled(s));
  const cabinets = cabinetIds();
  const aptPkgs = [...new Set(missing.filter((s) => s.label !== "piano").map((s) => s.pkg))];
  if (cabinets.length === 0) aptPkgs.push(cabinetPkg);
  if (missing.length > 0 || cabinets.length === 0) {
    const lines = [
      ...(aptPkgs.length > 0 ? [apt(aptPkgs.join(" "))] : []),
      ...(missing.some((s) => s.label === "piano") ? [salamanderInstallCommand()] : []),
    ];
    throw new UserError(`--realism sampled needs recorded samples: ${lines.join(" && ")}`);
  }
  const installed = sets.filter(sampleSetInstalled);
  const of = (label: SampledLabel): string[] => installed.filter((s) => s.label === label).map((s) => s.name);
  return { piano: of("piano"), drums: of("drum set"), strums: of("acoustic guitar"), cabinets };
}

/**
 * Decoded samples by path and rate, least recently used first. Every set decoded in full comes to
 * ~300 MB at 22.05 kHz (Salamander ~160 MB, strums ~60 MB, kits); past the cap the oldest go
 * (a decode is deterministic, so eviction changes speed only, never output).
 */
const decoded = new Map<string, Float32Array>();
let decodedBytes = 0;
/** Cap of the decoded-sample cache, bytes. */
const DECODED_CACHE_BYTES = 512 * 1024 * 1024;

/**
 * Decodes any file sox reads to mono float32 at `sampleRateHz`, channels averaged, without
 * dither (`-D`: dither is random, and the corpus must be byte-reproducible), keeping at most
 * `maxSec` seconds (default: all), 6 dB down (headroom for the resampler's overshoot on samples
 * recorded near full scale; stems are level-normalised when mixed anyway). Cached per process.
 */
export function decodeSample(path: string, sampleRateHz: number, maxSec = 0): Float32Array {
  const key = `${sampleRateHz}|${maxSec}|${path}`;
  const hit = decoded.get(key);
  if (hit !== undefined) {
    decoded.delete(key);
    decoded.set(key, hit);
    return hit;
  }
  if (path.split("/").some(isReservedKit)) throw new Error(`refusing a file of a reserved kit: ${path}`);
  if (!existsSync(path)) throw new UserError(`sample not found: ${path}`);
  const out = decodeMono(path, sampleRateHz, maxSec);
  decoded.set(key, out);
  decodedBytes += out.byteLength;
  for (const [k, v] of decoded) {
    if (decodedBytes <= DECODED_CACHE_BYTES || k === key) break;
    decoded.delete(k);
    decodedBytes -= v.byteLength;
  }
  return out;
}

/**
 * The first `n` samples of `x` resampled by `ratio` (> 1 raises the pitch), linear interpolation:
 * tabla.ts repitch restricted to what a note needs (a held piano chord uses ~2 s of a 12 s sample).
 */
export function repitchPrefix(x: Float32Array, ratio: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i * ratio;
    const k = Math.floor(t);
    const f = t - k;
    out[i] = (x[k] as number) * (1 - f) + (x[Math.min(k + 1, x.length - 1)] as number) * f;
  }
  return out;
}
