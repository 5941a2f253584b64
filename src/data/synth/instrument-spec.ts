/**
 * The shape of an instrument as the generator plays it: the sound-bank patches to choose from, the
 * register and whether it is monophonic. Shared by the 18 classes (instruments.ts) and the
 * non-class instruments (other-instruments.ts), which therefore need not import each other.
 */

/** One GM patch: bank number (0 = GM, 8 = GS variation, 128 = drum kits) and program. */
export interface Patch {
  readonly bankNumber: number;
  readonly program: number;
  /** Relative weight when choosing among the class's patches. */
  readonly weight: number;
}

/** How a class is voiced. */
export interface InstrumentSpec {
  /** MedleyDB taxonomy label. */
  readonly label: string;
  /** `soundfont` patches, the `tabla` sample set, or a `singer` voice. */
  readonly source: "soundfont" | "tabla" | "singer";
  readonly patches: readonly Patch[];
  /** Lowest and highest MIDI note the generator writes for it. */
  readonly low: number;
  readonly high: number;
  readonly mono: boolean;
}
