/**
 * The post-processing config (`live --triggers FILE`): smoothing, hysteresis, threshold overrides,
 * mutes and trigger rules, in YAML or JSON (YAML 1.2 is a superset of JSON; one parser reads both).
 * Validated once at the boundary: every problem is one line naming the field and what was received,
 * e.g. `triggers.yaml: rules[0].minActiveSec: expected a number >= 0 (seconds), got "2s"`.
 * Shipped example: config/triggers.example.yaml.
 */
import { readFile, stat } from "node:fs/promises";
import { InputFileError, UserError } from "../errors.js";
import { parseYaml } from "../io/yaml.js";
import { findClass } from "../data/classes.js";
import { DEFAULT_BALLISTICS } from "../post/ballistics.js";
import type { BallisticsTimes } from "../post/ballistics.js";
import { DEFAULT_HYSTERESIS_BAND, DEFAULT_MIN_HOLD_SEC } from "../post/hysteresis.js";
import type { TriggerRule } from "../post/triggers.js";

/** A rule as written in the config, with classes resolved to canonical class ids. */
export interface RuleSpec {
  readonly name: string;
  readonly all: readonly string[];
  readonly any: readonly string[];
  readonly none: readonly string[];
  readonly minActiveSec: number;
  readonly minAbsentBeforeSec: number;
  readonly releaseSec: number;
  readonly cooldownSec: number;
}

/** The validated config. Class keys are canonical class ids (src/data/classes.ts). */
export interface PostConfig {
  readonly version: 1;
  /** Ballistics for all classes (default attack 0 s, release 0.5 s). */
  readonly smoothing: BallisticsTimes;
  /** Hysteresis band (default 0.1) and minimum hold (default 0.5 s). */
  readonly hysteresis: { readonly band: number; readonly minHoldSec: number };
  /** Per-class threshold overrides in [0, 1] (default: none, the model's thresholds). */
  readonly thresholds: Readonly<Record<string, number>>;
  /** Classes muted from the start. */
  readonly mute: readonly string[];
  readonly rules: readonly RuleSpec[];
}

/** No rules, default smoothing and hysteresis: what `live` uses without --triggers. */
export const DEFAULT_POST_CONFIG: PostConfig = Object.freeze({
  version: 1,
  smoothing: DEFAULT_BALLISTICS,
  hysteresis: Object.freeze({ band: DEFAULT_HYSTERESIS_BAND, minHoldSec: DEFAULT_MIN_HOLD_SEC }),
  thresholds: Object.freeze({}),
  mute: Object.freeze([]),
  rules: Object.freeze([]),
});

/**
 * Seconds of release smoothing and minimum hold that `analyze` (and `catalog`) use for segments.
 * A meter and a lighting cue want to follow the music within half a second (live's defaults);
 * someone reading a track's segments, a DAW's regions or a catalogue's "guitar for ≥ 30 s" wants
 * sections: with live's defaults at analyze's 1 s hop a 5-minute song gave 15–35 segments per
 * instrument (the 0.5 s hold is shorter than one hop). Measured on real songs, see README (analyze).
 */
export const ANALYZE_RELEASE_SEC = 3;
/** Minimum hold of analyze's segments, seconds (see {@link ANALYZE_RELEASE_SEC}). */
export const ANALYZE_MIN_HOLD_SEC = 8;

/**
 * The post-processing defaults per mode: `live` follows the music closely; `analyze` (offline
 * files and catalogues) makes sections. Same post stage and config shape: only these numbers differ.
 */
export const DEFAULT_POST_CONFIGS: Readonly<Record<"live" | "analyze", PostConfig>> = Object.freeze({
  live: DEFAULT_POST_CONFIG,
  analyze: Object.freeze({
    ...DEFAULT_POST_CONFIG,
    smoothing: Object.freeze({ ...DEFAULT_POST_CONFIG.smoothing, releaseSec: ANALYZE_RELEASE_SEC }),
    hysteresis: Object.freeze({ ...DEFAULT_POST_CONFIG.hysteresis, minHoldSec: ANALYZE_MIN_HOLD_SEC }),
  }),
});

/** Rule names become OSC address parts and log keys: keep them to safe characters. */
const RULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Longest time a config may name, seconds (an hour: longer is a typo, e.g. ms written as s). */
export const MAX_CONFIG_SEC = 3600;
/** Largest config file read, bytes. */
export const MAX_CONFIG_BYTES = 1 << 20;

const show = (v: unknown): string => {
  const s = typeof v === "string" ? JSON.stringify(v) : v === undefined ? "nothing" : (JSON.stringify(v) ?? typeof v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

class Checker {
  constructor(private readonly where: string) {}
  fail(field: string, expected: string, got: unknown): never {
    throw new UserError(`${this.where}: ${field === "" ? "the document" : field}: expected ${expected}, got ${show(got)}`);
  }
  object(v: unknown, field: string, allowed: readonly string[]): Record<string, unknown> {
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(field, "a mapping", v);
    const rec = v as Record<string, unknown>;
    for (const k of Object.keys(rec)) {
      if (!allowed.includes(k)) this.fail(`${field === "" ? "" : field + "."}${k}`, `one of the keys ${allowed.join(", ")}`, k);
    }
    return rec;
  }
  seconds(v: unknown, field: string, dflt: number): number {
    if (v === undefined) return dflt;
    if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) this.fail(field, "a number >= 0 (seconds)", v);
    if (v > MAX_CONFIG_SEC) this.fail(field, `a number <= ${MAX_CONFIG_SEC} (seconds)`, v);
    return v;
  }
  unit(v: unknown, field: string, hi: "closed" | "open"): number {
    const ok = typeof v === "number" && v >= 0 && (hi === "closed" ? v <= 1 : v < 1);
    if (!ok) this.fail(field, hi === "closed" ? "a number in [0, 1]" : "a number in [0, 1)", v);
    return v;
  }
  classId(v: unknown, field: string): string {
    const c = typeof v === "string" ? findClass(v) : undefined;
    if (c === undefined) this.fail(field, "a class id, label or name (e.g. drums, male-singer)", v);
    return c.id;
  }
  classList(v: unknown, field: string): string[] {
    if (v === undefined) return [];
    if (!Array.isArray(v)) this.fail(field, "a list of classes", v);
    return (v as unknown[]).map((x, i) => this.classId(x, `${field}[${i}]`));
  }
}

const RULE_KEYS = ["name", "all", "any", "none", "minActiveSec", "minAbsentBeforeSec", "releaseSec", "cooldownSec"] as const;
const TOP_KEYS = ["version", "smoothing", "hysteresis", "thresholds", "mute", "rules"] as const;

function parseRule(ck: Checker, v: unknown, i: number): RuleSpec {
  const f = `rules[${i}]`;
  const r = ck.object(v, f, RULE_KEYS);
  if (typeof r["name"] !== "string" || !RULE_NAME.test(r["name"]))
    ck.fail(`${f}.name`, "a name of letters, digits, - and _ (at most 64)", r["name"]);
  const spec: RuleSpec = {
    name: r["name"],
    all: ck.classList(r["all"], `${f}.all`),
    any: ck.classList(r["any"], `${f}.any`),
    none: ck.classList(r["none"], `${f}.none`),
    minActiveSec: ck.seconds(r["minActiveSec"], `${f}.minActiveSec`, 0),
    minAbsentBeforeSec: ck.seconds(r["minAbsentBeforeSec"], `${f}.minAbsentBeforeSec`, 0),
    releaseSec: ck.seconds(r["releaseSec"], `${f}.releaseSec`, 0),
    cooldownSec: ck.seconds(r["cooldownSec"], `${f}.cooldownSec`, 0),
  };
  if (spec.all.length + spec.any.length === 0) ck.fail(f, "at least one class in all or any", r);
  const pos = new Set([...spec.all, ...spec.any]);
  const clash = spec.none.find((c) => pos.has(c));
  if (clash !== undefined) ck.fail(`${f}.none`, "no class that is also in all/any", clash);
  return spec;
}

/**
 * Validates a parsed config document.
 * @param where prefix for messages (the file name)
 * @throws UserError naming the first bad field and the value received
 */
export function validatePostConfig(doc: unknown, where = "triggers"): PostConfig {
  const ck = new Checker(where);
  const top = ck.object(doc ?? {}, "", TOP_KEYS);
  if (top["version"] !== undefined && top["version"] !== 1) ck.fail("version", "1", top["version"]);
  const sm = ck.object(top["smoothing"] ?? {}, "smoothing", ["attackSec", "releaseSec"]);
  const hy = ck.object(top["hysteresis"] ?? {}, "hysteresis", ["band", "minHoldSec"]);
  const thRaw = ck.object(top["thresholds"] ?? {}, "thresholds", Object.keys((top["thresholds"] as object | undefined) ?? {}));
  const thresholds: Record<string, number> = {};
  for (const [k, v] of Object.entries(thRaw)) thresholds[ck.classId(k, `thresholds.${k}`)] = ck.unit(v, `thresholds.${k}`, "closed");
  const rulesRaw = top["rules"] ?? [];
  if (!Array.isArray(rulesRaw)) ck.fail("rules", "a list of rules", rulesRaw);
  const rules = (rulesRaw as unknown[]).map((r, i) => parseRule(ck, r, i));
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    if (seen.has(r.name)) ck.fail(`rules[${i}].name`, "a name not used by an earlier rule", r.name);
    seen.add(r.name);
  });
  return {
    version: 1,
    smoothing: {
      attackSec: ck.seconds(sm["attackSec"], "smoothing.attackSec", DEFAULT_BALLISTICS.attackSec),
      releaseSec: ck.seconds(sm["releaseSec"], "smoothing.releaseSec", DEFAULT_BALLISTICS.releaseSec),
    },
    hysteresis: {
      band: hy["band"] === undefined ? DEFAULT_HYSTERESIS_BAND : ck.unit(hy["band"], "hysteresis.band", "open"),
      minHoldSec: ck.seconds(hy["minHoldSec"], "hysteresis.minHoldSec", DEFAULT_MIN_HOLD_SEC),
    },
    thresholds,
    mute: ck.classList(top["mute"], "mute"),
    rules,
  };
}

/**
 * Reads and validates a YAML or JSON config file.
 * @throws InputFileError if unreadable or not YAML/JSON; UserError for invalid content
 */
export async function loadPostConfig(path: string): Promise<PostConfig> {
  let text: string;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new InputFileError(path, "the trigger config is not a regular file");
    if (st.size > MAX_CONFIG_BYTES)
      throw new InputFileError(path, `the trigger config is ${st.size} bytes; at most ${MAX_CONFIG_BYTES} are read`);
    text = await readFile(path, "utf8");
  } catch (err) {
    if (err instanceof InputFileError) throw err;
    throw new InputFileError(path, `cannot read the trigger config (${(err as NodeJS.ErrnoException).code ?? "error"})`, { cause: err });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    const msg = err instanceof Error ? (err.message.split("\n")[0] ?? "") : String(err);
    throw new InputFileError(path, `not valid YAML or JSON: ${msg}`, { cause: err });
  }
  return validatePostConfig(doc, path);
}

/**
 * Maps a rule's class ids to indices in the scorer's `labels` (ids, MedleyDB labels or names).
 * @throws UserError when the model has no output for a class the rule uses
 */
export function resolveRule(rule: RuleSpec, labels: readonly string[]): TriggerRule {
  const ids = labels.map((l) => findClass(l)?.id ?? l);
  const idx = (id: string): number => {
    const i = ids.indexOf(id);
    if (i < 0) throw new UserError(`rule "${rule.name}": the model has no output for class "${id}" (it has ${ids.join(", ")})`);
    return i;
  };
  return { ...rule, all: rule.all.map(idx), any: rule.any.map(idx), none: rule.none.map(idx) };
}

/** Index of a class (id, label or name) among a model's labels, or -1. */
export function labelIndex(labels: readonly string[], key: string): number {
  const id = findClass(key)?.id ?? key;
  return labels.findIndex((l) => (findClass(l)?.id ?? l) === id);
}
