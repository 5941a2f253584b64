/**
 * The 18 output classes of Gururani et al. (ISMIR 2018), in model output order. `label` is the
 * exact MedleyDB taxonomy string used in metadata (note: the organ is `electronic organ` in the
 * taxonomy; the paper calls it "electric organ"). `id` is a short ASCII name for OSC addresses,
 * CSV headers and the CLI's --classes.
 */
export interface InstrumentClass {
  readonly index: number;
  readonly id: string;
  readonly label: string;
  readonly name: string;
}

const TABLE: ReadonlyArray<readonly [id: string, label: string, name: string]> = [
  ["drums", "drum set", "Drum set"],
  ["electric-bass", "electric bass", "Electric bass"],
  ["male-singer", "male singer", "Male singer"],
  ["distorted-guitar", "distorted electric guitar", "Distorted electric guitar"],
  ["clean-guitar", "clean electric guitar", "Clean electric guitar"],
  ["synth", "synthesizer", "Synthesizer"],
  ["acoustic-guitar", "acoustic guitar", "Acoustic guitar"],
  ["piano", "piano", "Piano"],
  ["vocalists", "vocalists", "Vocalists (backing / group)"],
  ["female-singer", "female singer", "Female singer"],
  ["strings", "string section", "String section"],
  ["electric-piano", "electric piano", "Electric piano"],
  ["organ", "electronic organ", "Electric organ"],
  ["double-bass", "double bass", "Double bass"],
  ["cello", "cello", "Cello"],
  ["violin", "violin", "Violin"],
  ["tabla", "tabla", "Tabla"],
  ["flute", "flute", "Flute"],
];

/** All classes in output order. */
export const CLASSES: readonly InstrumentClass[] = Object.freeze(
  TABLE.map(([id, label, name], index) => Object.freeze({ index, id, label, name })),
);

/** Number of outputs (18). */
export const N_CLASSES = CLASSES.length;

/** MedleyDB taxonomy label -> class index. */
export const CLASS_INDEX_BY_LABEL: ReadonlyMap<string, number> = new Map(CLASSES.map((c) => [c.label, c.index]));

/** Finds a class by id, MedleyDB label or display name (case-insensitive). */
export function findClass(key: string): InstrumentClass | undefined {
  const k = key.trim().toLowerCase();
  return CLASSES.find((c) => c.id === k || c.label === k || c.name.toLowerCase() === k);
}
