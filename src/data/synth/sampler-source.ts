/**
 * The note source of a `sampler` part (realism element `sampled`) and what its stem's metadata
 * records: the sample set, the package its files come from, their author and licence (CC BY
 * requires the credit to travel with anything rendered from them), plus the same for a stem's
 * recorded cabinet. track.ts calls these; the players are salamander.ts, hydrogen-kit.ts and
 * strums.ts.
 */
import { GUITARIX_IR_LICENCE, GUITARIX_PKG } from "./cabinets.js";
import { hydrogenKitSource } from "./hydrogen-kit.js";
import type { SynthValue } from "./metadata-writer.js";
import type { NoteSource } from "./part-renderer.js";
import { salamanderSource } from "./salamander.js";
import { sampleSet } from "./sample-sets.js";
import type { Part, StemFx } from "./score.js";
import { strumHits, strumSource } from "./strums.js";

/** A sampler part's source, its metadata, and the part as played (strums: one note per hit). */
export interface SamplerPart {
  readonly source: NoteSource;
  readonly info: Record<string, SynthValue>;
  readonly played: Part;
}

/** Builds the player of sample set `set` for `part` (song tempo `bpm`, stem rate `sampleRateHz`). */
export function samplerPart(
  src: { readonly set: string; readonly variant: number },
  part: Part,
  bpm: number,
  sampleRateHz: number,
): SamplerPart {
  const set = sampleSet(src.set);
  const info: Record<string, SynthValue> = {
    sampler: set.name,
    sampler_pkg: set.pkg,
    sampler_licence: set.licence,
    sampler_author: set.author,
    sampler_variant: src.variant,
  };
  switch (set.label) {
    case "piano":
      return { source: salamanderSource(set.dir, set.name, sampleRateHz), info, played: part };
    case "drum set":
      return { source: hydrogenKitSource(set.dir, set.name, src.variant, sampleRateHz), info, played: part };
    case "acoustic guitar": {
      // A new strum stops the last one's strings: the hits play monophonically.
      const notes = strumHits(part.notes, bpm, src.variant);
      return {
        source: strumSource(set.dir, set.name, sampleRateHz),
        info: { ...info, strums: notes.length },
        played: { ...part, notes, mono: true },
      };
    }
  }
}

/** Metadata of a stem's recorded cabinet (none without one, so other stems' YAML is unchanged). */
export function cabinetInfo(fx: StemFx): Record<string, SynthValue> {
  return fx.cabinet === undefined ? {} : { cabinet_ir: fx.cabinet, cabinet_pkg: GUITARIX_PKG, cabinet_licence: GUITARIX_IR_LICENCE };
}
