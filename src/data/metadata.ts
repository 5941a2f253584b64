/**
 * MedleyDB-format `<T>_METADATA.yaml` -> typed, normalised record. Both MedleyDB and Mixing
 * Secrets use this format (docs/datasets.md §2). The YAML is loose in practice, so everything is
 * normalised here, once:
 * - `instrument` (stems and raws) is always `string[]`: list-valued labels really occur
 *   (`[male singer, female singer]`);
 * - `has_bleed`, `excerpt`, `instrumental` are the strings 'yes'/'no' (booleans are accepted too);
 * - `composer`, `producer`, `website` may be a string, a list, '' or null -> `string[]`;
 * - `version` is 1.2 (float) in MedleyDB and '3.0' (string) in Mixing Secrets -> string;
 * - stems are keyed `S01`, `S02`, ...; the index is `parseInt(key.slice(1))` and the list is
 *   sorted by it, because `.lab` columns are named `S%02d` after it.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { parseYaml } from "../io/yaml.js";
import { InputFileError } from "../errors.js";

/** One raw recording of a stem (`stems.Sxx.raw.Ryy`). */
export interface RawMetadata {
  /** `R01`, `R02`, ... as written in the YAML. */
  readonly key: string;
  /** 1-based index parsed from the key. */
  readonly index: number;
  /** File name inside the track's `raw_dir`. */
  readonly filename: string;
  /**
   * Instrument labels as written (Mixing Secrets raws use file-name fragments such as `KickIn`);
   * empty when the YAML leaves it empty (StreetNoise_Revelations S01 R05 in Mixing Secrets).
   */
  readonly instruments: readonly string[];
}

/** One stem (`stems.Sxx`): the unit the activation-confidence columns refer to. */
export interface StemMetadata {
  /** `S01`, `S02`, ... as written in the YAML; also the `.lab` column name. */
  readonly key: string;
  /** 1-based index parsed from the key. */
  readonly index: number;
  /** `''`, `melody` or `bass` (MedleyDB); always `''` in Mixing Secrets. */
  readonly component: string;
  /** File name inside the track's `stem_dir`. */
  readonly filename: string;
  /** Instrument labels as written in the YAML, never empty. */
  readonly instruments: readonly string[];
  /** Raw recordings, sorted by index. */
  readonly raws: readonly RawMetadata[];
}

/** A whole metadata file, normalised. */
export interface TrackMetadata {
  /** Track id `<Artist>_<Title>` taken from the file name (`<T>_METADATA.yaml`). */
  readonly id: string;
  readonly artist: string;
  readonly title: string;
  readonly album: string;
  readonly genre: string;
  /** e.g. `Dolan Studio`, `Weathervane Music`, `Music Delta`, `Mogg`, `Bach10`, `Mixing Secrets`. */
  readonly origin: string;
  readonly composer: readonly string[];
  readonly producer: readonly string[];
  readonly website: readonly string[];
  readonly mixFilename: string;
  readonly stemDir: string;
  readonly rawDir: string;
  readonly excerpt: boolean;
  /** Track-level bleed flag (`has_bleed: 'yes'`). */
  readonly hasBleed: boolean;
  readonly instrumental: boolean;
  /** Metadata format version as a string (`1.2`, `3.0`). */
  readonly version: string;
  /** Stems sorted by index. */
  readonly stems: readonly StemMetadata[];
}

/** The `origin` that marks a Mixing Secrets track. */
export const MIXING_SECRETS_ORIGIN = "Mixing Secrets";

/** Suffix of metadata file names. */
export const METADATA_SUFFIX = "_METADATA.yaml";

/** Reads and normalises one metadata file. Throws InputFileError naming the file and the field. */
export async function readTrackMetadata(path: string): Promise<TrackMetadata> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new InputFileError(path, `cannot read metadata (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return parseTrackMetadata(text, path);
}

/** Parses metadata YAML text; `path` names the file in errors and gives the track id. */
export function parseTrackMetadata(text: string, path: string): TrackMetadata {
  const name = basename(path);
  if (!name.endsWith(METADATA_SUFFIX)) throw new InputFileError(path, `expected a file named <track>${METADATA_SUFFIX}`);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new InputFileError(path, `malformed YAML: ${firstLine(err)}`);
  }
  const fail = (field: string, problem: string): never => {
    throw new InputFileError(path, `${field}: ${problem}`);
  };
  if (!isRecord(doc)) return fail("document", `expected a mapping, got ${describe(doc)}`);
  const str = (key: string, required: boolean): string => {
    const v = doc[key];
    if (typeof v === "string") return v;
    if (typeof v === "number") return String(v);
    if (!required && (v === undefined || v === null)) return "";
    return fail(key, `expected a string, got ${describe(v)}`);
  };
  const stemsNode = doc["stems"];
  if (!isRecord(stemsNode)) return fail("stems", `expected a mapping S01, S02, ..., got ${describe(stemsNode)}`);
  const stems = Object.entries(stemsNode).map(([key, node]) => parseStem(key, node, fail));
  stems.sort((a, b) => a.index - b.index);
  return {
    id: name.slice(0, -METADATA_SUFFIX.length),
    artist: str("artist", true),
    title: str("title", false),
    album: str("album", false),
    genre: str("genre", false),
    origin: str("origin", false),
    composer: stringList(doc["composer"], "composer", fail),
    producer: stringList(doc["producer"], "producer", fail),
    website: stringList(doc["website"], "website", fail),
    mixFilename: str("mix_filename", true),
    stemDir: str("stem_dir", true),
    rawDir: str("raw_dir", false),
    excerpt: yesNo(doc["excerpt"], "excerpt", false, fail),
    hasBleed: yesNo(doc["has_bleed"], "has_bleed", true, fail),
    instrumental: yesNo(doc["instrumental"], "instrumental", false, fail),
    version: str("version", false),
    stems,
  };
}

type Fail = (field: string, problem: string) => never;

function parseStem(key: string, node: unknown, fail: Fail): StemMetadata {
  const field = `stems.${key}`;
  const index = keyIndex(key, "S");
  if (index === undefined) return fail(field, `expected a key like S01`);
  if (!isRecord(node)) return fail(field, `expected a mapping, got ${describe(node)}`);
  const filename = node["filename"];
  if (typeof filename !== "string" || filename === "") return fail(`${field}.filename`, `expected a file name, got ${describe(filename)}`);
  const component = node["component"] ?? "";
  if (typeof component !== "string") return fail(`${field}.component`, `expected a string, got ${describe(component)}`);
  const rawNode = node["raw"] ?? {};
  if (!isRecord(rawNode)) return fail(`${field}.raw`, `expected a mapping R01, R02, ..., got ${describe(rawNode)}`);
  const raws = Object.entries(rawNode).map(([rk, rn]): RawMetadata => {
    const rf = `${field}.raw.${rk}`;
    const ri = keyIndex(rk, "R");
    if (ri === undefined) return fail(rf, "expected a key like R01");
    if (!isRecord(rn)) return fail(rf, `expected a mapping, got ${describe(rn)}`);
    const rfile = rn["filename"];
    if (typeof rfile !== "string" || rfile === "") return fail(`${rf}.filename`, `expected a file name, got ${describe(rfile)}`);
    // raw labels are informational (labels come from stems), and one Mixing Secrets raw has '':
    // an empty raw label is an empty list rather than a malformed track
    const rawLabel = rn["instrument"];
    const instruments =
      rawLabel === "" || rawLabel === null || rawLabel === undefined ? [] : instrumentList(rawLabel, `${rf}.instrument`, fail);
    return { key: rk, index: ri, filename: rfile, instruments };
  });
  raws.sort((a, b) => a.index - b.index);
  return { key, index, component, filename, instruments: instrumentList(node["instrument"], `${field}.instrument`, fail), raws };
}

/** `S07` -> 7; undefined when the key does not have the form. */
function keyIndex(key: string, prefix: "S" | "R"): number | undefined {
  return new RegExp(`^${prefix}\\d+$`).test(key) ? Number.parseInt(key.slice(1), 10) : undefined;
}

function instrumentList(v: unknown, field: string, fail: Fail): string[] {
  if (typeof v === "string" && v !== "") return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x): x is string => typeof x === "string" && x !== "")) return [...v];
  return fail(field, `expected a label or a list of labels, got ${describe(v)}`);
}

function stringList(v: unknown, field: string, fail: Fail): string[] {
  if (v === undefined || v === null || v === "") return [];
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x): x is string => typeof x === "string")) return v.filter((x) => x !== "");
  return fail(field, `expected a string or a list of strings, got ${describe(v)}`);
}

function yesNo(v: unknown, field: string, required: boolean, fail: Fail): boolean {
  if (v === "yes" || v === true) return true;
  if (v === "no" || v === false) return false;
  if (!required && (v === undefined || v === null || v === "")) return false;
  return fail(field, `expected 'yes' or 'no', got ${describe(v)}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === "object") return "a mapping";
  return JSON.stringify(v);
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split("\n")[0] ?? msg;
}
