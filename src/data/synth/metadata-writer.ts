/**
 * Writes `<T>_METADATA.yaml` in MedleyDB's own layout (docs/datasets.md §2): the 16 top-level
 * keys in MedleyDB's (alphabetical) order, block style, `'yes'`/`'no'` as quoted strings,
 * `version: 1.2`, one `raw` entry per stem. The generator's parameters go under an extra `synth`
 * key at the top level (song) and in each stem (sound bank or voice, preset, gain, effects);
 * readers ignore keys they do not know. Hand-written rather than a YAML library's dump, so the
 * bytes are stable across library versions.
 */

/**
 * A scalar, a flat list, or a map of those in the `synth` blocks (maps nest one level: the
 * song-level `master:` record of the mastering chain, master.ts).
 */
export type SynthValue = SynthLeaf | { readonly [key: string]: SynthLeaf };

/** A scalar or a flat list. */
export type SynthLeaf = string | number | boolean | readonly (string | number)[];

/** One stem's metadata. */
export interface StemEntry {
  /** `S01`, `S02`, ... */
  readonly key: string;
  readonly component: "" | "melody" | "bass";
  readonly filename: string;
  readonly instrument: string;
  readonly rawFilename: string;
  readonly synth: Readonly<Record<string, SynthValue>>;
}

/** One track's metadata. */
export interface TrackEntry {
  readonly artist: string;
  readonly title: string;
  readonly genre: string;
  readonly instrumental: boolean;
  readonly mixFilename: string;
  readonly stemDir: string;
  readonly rawDir: string;
  readonly stems: readonly StemEntry[];
  readonly synth: Readonly<Record<string, SynthValue>>;
}

/** Formats the YAML text. */
export function formatMetadataYaml(t: TrackEntry): string {
  const out: string[] = [];
  const kv = (indent: number, key: string, value: SynthValue): void => {
    const pad = " ".repeat(indent);
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(`${pad}${key}: []`);
      else {
        out.push(`${pad}${key}:`);
        for (const v of value as readonly (string | number)[]) out.push(`${pad}- ${scalar(v)}`);
      }
    } else if (typeof value === "object") {
      const entries = Object.entries(value);
      if (entries.length === 0) out.push(`${pad}${key}: {}`);
      else {
        out.push(`${pad}${key}:`);
        for (const [k, v] of entries) kv(indent + 2, k, v);
      }
    } else out.push(`${pad}${key}: ${scalar(value)}`);
  };
  kv(0, "album", "");
  kv(0, "artist", t.artist);
  out.push("composer: []");
  kv(0, "excerpt", "no");
  kv(0, "genre", t.genre);
  kv(0, "has_bleed", "no");
  kv(0, "instrumental", t.instrumental ? "yes" : "no");
  kv(0, "mix_filename", t.mixFilename);
  kv(0, "origin", "Synthetic");
  out.push("producer: []");
  kv(0, "raw_dir", t.rawDir);
  kv(0, "stem_dir", t.stemDir);
  out.push("stems:");
  for (const s of t.stems) {
    out.push(`  ${s.key}:`);
    kv(4, "component", s.component);
    kv(4, "filename", s.filename);
    kv(4, "instrument", s.instrument);
    out.push("    raw:");
    out.push("      R01:");
    kv(8, "filename", s.rawFilename);
    kv(8, "instrument", s.instrument);
    out.push("    synth:");
    for (const [k, v] of Object.entries(s.synth)) kv(6, k, v);
  }
  out.push("synth:");
  for (const [k, v] of Object.entries(t.synth)) kv(2, k, v);
  kv(0, "title", t.title);
  out.push("version: 1.2");
  out.push("website: []");
  return out.join("\n") + "\n";
}

const PLAIN = /^[A-Za-z][A-Za-z0-9 ._/:+#()-]*$/;
const RESERVED = /^(yes|no|y|n|true|false|on|off|null|~)$/i;

/** A YAML scalar: numbers as written, plain strings when safe, else single-quoted. */
export function scalar(v: string | number | boolean): string {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`metadata: non-finite number ${v}`);
    return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(4)));
  }
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v !== "" && PLAIN.test(v) && !RESERVED.test(v) && !v.endsWith(" ") && !/:\s/.test(v) && !/\s#/.test(v)) return v;
  return `'${v.replace(/'/g, "''")}'`;
}
