/**
 * Hydrogen drum kits (`drumkit.xml` + one-shot samples) played as a GM drum kit: each instrument
 * is mapped by its name to the GM keys the drum writer uses (drums.ts DRUM), and a hit plays the
 * layer whose velocity range [min, max] holds velocity/127 (Hydrogen's own rule: the first
 * matching layer), scaled as Hydrogen scales it (velocity × layer gain × instrument volume/gain).
 *
 * Both drumkit.xml generations are read: the old one names one `<filename>` per instrument, the
 * newer ones list `<layer>`s (inside `<instrumentComponent>` since Hydrogen 1.0). Kits name their
 * instruments freely ("Kick (Tama Superstar 22")", "c3 - bass drum 1", "Closed HH"), so the map
 * works on words; keys a kit lacks fall back to a related instrument (a second crash to the first,
 * a clap to the snare). When a kit has several candidates for a key (Millo's jazz and rock snares,
 * rumpf's four bass drums) the part's `variant` picks one, so songs differ in kit too.
 *
 * Reserved kits (sample-sets.ts isReservedKit) are refused before their folder is read.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DRUM } from "./drums.js";
import type { NoteSource } from "./part-renderer.js";
import { decodeSample, isReservedKit } from "./sample-sets.js";

/** One velocity layer of an instrument. */
export interface KitLayer {
  readonly file: string;
  /** Velocity range, 0..1 (velocity / 127). */
  readonly min: number;
  readonly max: number;
  readonly gain: number;
}

/** One instrument of a kit. */
export interface KitInstrument {
  readonly name: string;
  /** volume × gain of the instrument. */
  readonly gain: number;
  readonly layers: readonly KitLayer[];
}

/** Longest stretch of a hit that is kept, seconds (crash tails beyond are far below the mix). */
const MAX_HIT_SEC = 6;
/** Fade over the end of a hit cut at MAX_HIT_SEC, seconds. */
const CUT_FADE_SEC = 0.3;

/** Refuses reserved kits by name (throws), before anything of theirs is opened. */
export function assertKitAllowed(dir: string): void {
  if (isReservedKit(dir)) throw new Error(`refusing reserved drum kit ${dir} (held out for independent evaluation)`);
}

const unescape = (s: string): string =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();
const tag = (xml: string, name: string): string | undefined => {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return m?.[1] === undefined ? undefined : unescape(m[1]);
};
const num = (v: string | undefined, dflt: number): number => (v !== undefined && v !== "" && Number.isFinite(Number(v)) ? Number(v) : dflt);

/** Parses a drumkit.xml text: instruments with at least one sample file, in file order. */
export function parseDrumkitXml(xml: string): KitInstrument[] {
  const out: KitInstrument[] = [];
  for (const m of xml.matchAll(/<instrument>([\s\S]*?)<\/instrument>/g)) {
    const body = m[1] ?? "";
    // Instrument-level tags come before the first layer or component (which have their own gain).
    const head = body.split(/<layer>|<instrumentComponent>/)[0] ?? "";
    const layers: KitLayer[] = [...body.matchAll(/<layer>([\s\S]*?)<\/layer>/g)].map((l) => ({
      file: tag(l[1] ?? "", "filename") ?? "",
      min: num(tag(l[1] ?? "", "min"), 0),
      max: num(tag(l[1] ?? "", "max"), 1),
      gain: num(tag(l[1] ?? "", "gain"), 1),
    }));
    const single = tag(head, "filename");
    if (layers.length === 0 && single !== undefined) layers.push({ file: single, min: 0, max: 1, gain: 1 });
    const usable = layers.filter((l) => l.file !== "" && !/emptySample/i.test(l.file));
    if (usable.length === 0) continue;
    out.push({ name: tag(head, "name") ?? "", gain: num(tag(head, "volume"), 1) * num(tag(head, "gain"), 1), layers: usable });
  }
  return out;
}

/** Reads and parses `<dir>/drumkit.xml` of an allowed kit. */
export function readKit(dir: string): KitInstrument[] {
  assertKitAllowed(dir);
  return parseDrumkitXml(readFileSync(join(dir, "drumkit.xml"), "utf8"));
}

type Role = "kick" | "snare" | "sideStick" | "clap" | "closedHat" | "pedalHat" | "openHat" | "crash" | "ride" | "rideBell" | "tom";

/** The role an instrument name plays (undefined: not used, e.g. a snare roll or a tambourine). */
export function roleOfName(name: string): Role | undefined {
  const n = name.toLowerCase();
  const hat = /hi-?hat|\bhh\b|\bhat\b/.test(n);
  if (hat) {
    if (/semi/.test(n)) return undefined;
    if (/pedal|foot/.test(n)) return "pedalHat";
    if (/open/.test(n)) return "openHat";
    return "closedHat";
  }
  if (/roll|rim ?shot|tambourine|cowbell|agogo|splash|china/.test(n)) return undefined;
  if (/kick|bass ?drum|^bd\b/.test(n)) return "kick";
  if (/clap/.test(n)) return "clap";
  if (/rim|stick/.test(n)) return "sideStick";
  if (/snare/.test(n)) return "snare";
  if (/\btom/.test(n)) return "tom";
  if (/ride|bell/.test(n)) return /bell/.test(n) ? "rideBell" : /crash/.test(n) ? "crash" : "ride";
  if (/crash|cymbal/.test(n)) return "crash";
  return undefined;
}

/** Tom height from its name: 0 floor .. 3 high (undefined when the name does not say). */
function tomHeight(name: string): number | undefined {
  const n = name.toLowerCase();
  if (/floor/.test(n)) return 0;
  if (/\blow\b/.test(n)) return 1;
  if (/mid/.test(n)) return 2;
  if (/\bhi(gh)?\b/.test(n)) return 3;
  return undefined;
}

/** The kit's instruments per GM key of {@link DRUM} (fallbacks filled in). Throws if kick, snare, hat or crash is missing. */
export function mapKit(instruments: readonly KitInstrument[], variant: number): Map<number, KitInstrument> {
  const by = (role: Role): KitInstrument[] => instruments.filter((i) => roleOfName(i.name) === role);
  // Pure crashes before crash/ride cymbals, which are the ride's second choice.
  const crashes = by("crash").sort((a, b) => Number(/ride|cymbal/i.test(a.name)) - Number(/ride|cymbal/i.test(b.name)));
  const choose = (list: readonly KitInstrument[]): KitInstrument | undefined => list[variant % Math.max(1, list.length)];
  const toms = by("tom")
    .map((t, i) => ({ t, i, h: tomHeight(t.name) ?? 1.5 }))
    .sort((a, b) => a.h - b.h || a.i - b.i)
    .map((x) => x.t);
  const kick = choose(by("kick"));
  const snare = choose(by("snare"));
  const closedHat = by("closedHat")[0];
  const crash = crashes[0];
  if (kick === undefined || snare === undefined || closedHat === undefined || crash === undefined) {
    throw new Error(`drum kit lacks one of kick, snare, closed hi-hat, crash (has ${instruments.map((i) => i.name).join(", ")})`);
  }
  const ride = choose(by("ride")) ?? crashes[1] ?? crash;
  const map = new Map<number, KitInstrument>([
    [DRUM.kick, kick],
    [DRUM.snare, snare],
    [DRUM.sideStick, by("sideStick")[0] ?? snare],
    [DRUM.clap, by("clap")[0] ?? snare],
    [DRUM.closedHat, closedHat],
    [DRUM.pedalHat, by("pedalHat")[0] ?? closedHat],
    [DRUM.openHat, by("openHat")[0] ?? closedHat],
    [DRUM.crash, crash],
    [DRUM.crash2, crashes[1] ?? crash],
    [DRUM.ride, ride],
    [DRUM.rideBell, by("rideBell")[0] ?? ride],
  ]);
  // The writer's five toms, floor to high, spread over however many toms the kit has.
  const gmToms = [DRUM.tomFloor, DRUM.tomLow, DRUM.tomLowMid, DRUM.tomHighMid, DRUM.tomHigh];
  gmToms.forEach((key, i) => map.set(key, toms.length === 0 ? snare : (toms[Math.round((i * (toms.length - 1)) / 4)] as KitInstrument)));
  return map;
}

/** The layer Hydrogen plays for a velocity 0..1: the first whose range holds it, else the nearest. */
export function layerFor(inst: KitInstrument, v: number): KitLayer {
  const hit = inst.layers.find((l) => v >= l.min && v <= l.max);
  if (hit !== undefined) return hit;
  const dist = (l: KitLayer): number => Math.min(Math.abs(v - l.min), Math.abs(v - l.max));
  return [...inst.layers].sort((a, b) => dist(a) - dist(b))[0] as KitLayer;
}

/** A Hydrogen kit as a drum note source; `set` names it in cache keys and metadata. */
export function hydrogenKitSource(dir: string, set: string, variant: number, sampleRateHz: number): NoteSource {
  const map = mapKit(readKit(dir), variant);
  const sr = sampleRateHz;
  return {
    id: `smp:${set}:${variant}:${sr}`,
    velocityLayers: true,
    fixedHoldSec: 0,
    render(key: number, velocity: number): Float32Array {
      const inst = map.get(key);
      if (inst === undefined) return new Float32Array(1);
      const v = Math.min(1, Math.max(0, velocity / 127));
      const layer = layerFor(inst, v);
      const x = decodeSample(join(dir, layer.file), sr, MAX_HIT_SEC);
      const g = v * layer.gain * inst.gain;
      const out = new Float32Array(x.length);
      for (let i = 0; i < x.length; i++) out[i] = g * (x[i] as number);
      // A cymbal cut at MAX_HIT_SEC fades out instead of stopping with a click.
      if (x.length >= Math.floor(MAX_HIT_SEC * sr) - 1) {
        const fade = Math.round(CUT_FADE_SEC * sr);
        for (let i = Math.max(0, x.length - fade); i < x.length; i++) out[i] = (out[i] as number) * ((x.length - i) / fade);
      }
      return out;
    },
  };
}
