/**
 * Where the `sampled` realism element puts real recordings in a song's line-up (lineup.ts calls
 * {@link withSampled} last in planPart, only when the element is on): a piano part plays the
 * Salamander grand, a drum-kit part a Hydrogen kit (unless the style asked for an electronic or
 * TR-808 kit), a strummed acoustic-guitar part the recorded strums, each with probability
 * {@link SAMPLED_P}; electric guitars go through a recorded cabinet.
 *
 * Every draw comes from the part's own stream forked by name (`<part stream>/realism/sampled`),
 * never from the stream the rest of the part is drawn from: with the element off nothing here
 * runs, and with it on every other choice of the song (notes, banks, effects) stays as it was,
 * so `sampled` on and off differ only in the sound sources and cabinets.
 */
import type { CompStyle } from "./comping.js";
import { KIT_PROGRAMS } from "./instruments.js";
import type { Rng } from "./rng.js";
import type { SampledSets } from "./sample-sets.js";
import type { SoundSource, StemFx } from "./score.js";
import type { Role } from "./styles.js";

/** Probability that an eligible part plays recorded samples or a recorded cabinet. */
export const SAMPLED_P = {
  piano: 0.45,
  drums: 0.45,
  /** Strummed acoustic-guitar comping (the strums are whole recorded chords). */
  strums: 0.5,
  /** Distorted guitars: the recorded cabinet replaces the modelled one. */
  distortedCabinet: 0.6,
  /** Clean electric guitars: a recorded amp + cabinet colours the DI sound (else none, as before). */
  cleanCabinet: 0.5,
} as const;

/** What {@link withSampled} looks at and may change. */
export interface SampledPlanFields {
  readonly label: string;
  readonly role: Role;
  readonly comp: CompStyle;
  /** Solo pieces put the melody into the chord part: no whole-chord strums there. */
  readonly soloPiece: boolean;
  readonly source: SoundSource;
  readonly fx: StemFx;
}

/** The plan with a sampled source and/or a recorded cabinet drawn from `rng` (see the module doc). */
export function withSampled<T extends SampledPlanFields>(rng: Rng, plan: T, sets: SampledSets): T {
  const sampler = (names: readonly string[]): SoundSource => ({ kind: "sampler", set: rng.pick(names), variant: rng.int(0, 2 ** 31 - 1) });
  const p = rng.next();
  if (plan.label === "piano" && sets.piano.length > 0 && p < SAMPLED_P.piano) return { ...plan, source: sampler(sets.piano) };
  if (plan.label === "drum set" && sets.drums.length > 0 && !electronicKit(plan.source) && p < SAMPLED_P.drums)
    return { ...plan, source: sampler(sets.drums) };
  const strummed = plan.label === "acoustic guitar" && plan.role === "chords" && plan.comp === "strum" && !plan.soloPiece;
  if (strummed && sets.strums.length > 0 && p < SAMPLED_P.strums) return { ...plan, source: sampler(sets.strums) };
  const distorted = plan.label === "distorted electric guitar";
  const clean = plan.label === "clean electric guitar";
  const pCab = distorted ? SAMPLED_P.distortedCabinet : clean ? SAMPLED_P.cleanCabinet : 0;
  if (sets.cabinets.length > 0 && p < pCab) return { ...plan, fx: { ...plan.fx, cabinet: rng.pick(sets.cabinets) } };
  return plan;
}

/** A GM electronic or TR-808 kit (electronic styles): those parts stay drum machines, not recorded acoustic kits. */
function electronicKit(source: SoundSource): boolean {
  return (
    source.kind === "soundfont" &&
    source.bankNumber === 128 &&
    (source.program === KIT_PROGRAMS.electronic || source.program === KIT_PROGRAMS.tr808)
  );
}
