/**
 * The realism elements of the synthetic corpus (issue 16): each one is a switch of `timbrescope
 * synth --realism`, drawn from its own seeded random stream so that switching one on or off leaves
 * the draws of the others (and of the song itself) as they were, and each is recorded in the
 * track's metadata YAML (`synth.realism`).
 *
 * - `extra`: instruments that are none of the 18 classes (brass, reeds, harp, mallets, accordion,
 *   banjo, sitar, timpani and other non-kit percussion), labelled with their own MedleyDB label,
 *   plus the orchestral, cinematic and world styles that use them without a drum kit.
 * - `expressive`: bends, slides and vibrato on guitar leads and solos, vibrato on bowed strings,
 *   flute and synth leads.
 * - `sampled`: sample players over real recordings (see sampler sources) beside the sound fonts.
 * - `master`: a per-song mix-bus chain (EQ tilt, bus compression, limiting to modern loudness,
 *   reverb from an impulse response, lossy codec round trip on a share of the mixes).
 * - `sparse`: more solo, duo, break and intro passages.
 * - `tones`: singing guitar tones (medium gain, tone knob rolled back) and instrumental styles whose
 *   melody is an electric guitar (guitar-tone.ts).
 *
 * With no element switched on a seed renders exactly what it rendered before the elements existed,
 * so the recipes of earlier corpora and of the held-out test set stay reproducible.
 */
import { UserError } from "../../errors.js";

/** Names of the realism elements, in the order the CLI lists them. */
export const REALISM_ELEMENTS = ["extra", "expressive", "sampled", "master", "sparse", "tones"] as const;

/** One realism element. */
export type RealismElement = (typeof REALISM_ELEMENTS)[number];

/** Which realism elements are on. */
export type Realism = Readonly<Record<RealismElement, boolean>>;

/** Every element off: the corpus recipe of timbrescope synth before issue 16 (the default). */
export const NO_REALISM: Realism = Object.freeze({
  extra: false,
  expressive: false,
  sampled: false,
  master: false,
  sparse: false,
  tones: false,
});

/** Every element on. */
export const ALL_REALISM: Realism = Object.freeze({
  extra: true,
  expressive: true,
  sampled: true,
  master: true,
  sparse: true,
  tones: true,
});

/**
 * Parses `--realism`: `all`, `none`, or a comma-separated list of {@link REALISM_ELEMENTS}.
 * Throws a {@link UserError} naming the unknown element.
 */
export function parseRealism(v: string): Realism {
  const items = v
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (items.length === 1 && items[0] === "all") return ALL_REALISM;
  if (items.length === 1 && items[0] === "none") return NO_REALISM;
  if (items.length === 0) throw new UserError(`Expected --realism all, none or a list of ${REALISM_ELEMENTS.join(", ")}, got "${v}"`);
  const out: Record<RealismElement, boolean> = { ...NO_REALISM };
  for (const item of items) {
    if (!(REALISM_ELEMENTS as readonly string[]).includes(item)) {
      throw new UserError(`Expected --realism elements from all, none, ${REALISM_ELEMENTS.join(", ")}, got "${item}"`);
    }
    out[item as RealismElement] = true;
  }
  return Object.freeze(out);
}

/** The metadata form of a {@link Realism}: the names of the elements that are on, e.g. `extra,master` (or `none`). */
export function formatRealism(r: Realism): string {
  const on = REALISM_ELEMENTS.filter((e) => r[e]);
  return on.length === 0 ? "none" : on.join(",");
}
