/**
 * Styles: which instruments play together, at what tempo, in which modes, with which grooves.
 * Each style is a list of slots (a role filled by one of several classes with some probability),
 * so instruments appear in their usual company: rock and metal with distorted and clean guitars,
 * bass and kits; pop with singers, synths, electric piano and organ; jazz with double bass, piano
 * and flute; chamber and orchestral strings; Indian classical with tabla. A few `solo` and `duo`
 * styles give passages where one stem plays alone, for every class.
 */
import type { KitName } from "./instruments.js";
import type { ModeName } from "./theory.js";

/** What a part does in the arrangement. */
export type Role = "drums" | "bass" | "chords" | "pad" | "lead" | "counter" | "backing" | "tabla" | "drone" | "perc";

/** Roles that play a tune (the melody or a counter-melody): the parts expressive gestures and singing tones favour. */
export function isMelodicRole(role: Role): boolean {
  return role === "lead" || role === "counter";
}

/** Harmony vocabulary of a style. */
export type Harmony = "triads" | "sevenths" | "power" | "blues" | "drone";

/** Drum groove families (see drums.ts). */
export type Groove =
  "rock" | "halftime" | "fourFloor" | "shuffle" | "swing" | "metal" | "funk" | "ballad" | "waltz" | "breakbeat" | "bossa";

/** Song form families (see form.ts). */
export type FormFamily = "song" | "instrumental" | "blues" | "raga" | "solo";

/** One slot of a style's line-up. */
export interface Slot {
  readonly id: string;
  readonly role: Role;
  /** Probability the slot is filled in a song. */
  readonly p: number;
  /** Candidate classes (MedleyDB labels) with weights. */
  readonly classes: readonly (readonly [string, number])[];
}

/** A style. */
export interface Style {
  readonly name: string;
  /** MedleyDB-like genre string written to the metadata. */
  readonly genre: string;
  /** Relative frequency in a corpus. */
  readonly weight: number;
  readonly bpm: readonly [number, number];
  readonly meters: readonly (readonly [number, number])[];
  readonly modes: readonly (readonly [ModeName, number])[];
  readonly harmony: Harmony;
  /** Probability that 8ths swing. */
  readonly swingP: number;
  readonly grooves: readonly Groove[];
  readonly kits: readonly KitName[];
  readonly form: FormFamily;
  readonly slots: readonly Slot[];
}

export const S = (id: string, role: Role, p: number, classes: readonly (readonly [string, number])[]): Slot => ({ id, role, p, classes });
const SINGERS: readonly (readonly [string, number])[] = [
  ["male singer", 1],
  ["female singer", 1],
];

/** All styles. */
export const STYLES: readonly Style[] = [
  {
    name: "rock",
    genre: "Rock",
    weight: 3,
    bpm: [88, 160],
    meters: [[4, 1]],
    harmony: "triads",
    swingP: 0.1,
    modes: [
      ["major", 3],
      ["mixolydian", 1],
      ["minor", 2],
      ["dorian", 1],
    ],
    grooves: ["rock", "rock", "halftime"],
    kits: ["standard", "room", "power"],
    form: "song",
    slots: [
      S("drums", "drums", 0.95, [["drum set", 1]]),
      S("bass", "bass", 0.95, [["electric bass", 1]]),
      S("gtr1", "chords", 1, [
        ["distorted electric guitar", 5],
        ["clean electric guitar", 3],
        ["acoustic guitar", 1],
      ]),
      S("gtr2", "chords", 0.5, [
        ["clean electric guitar", 2],
        ["distorted electric guitar", 2],
        ["acoustic guitar", 1],
      ]),
      S("keys", "chords", 0.35, [
        ["electronic organ", 3],
        ["piano", 2],
        ["electric piano", 1],
      ]),
      S("lead", "lead", 0.85, [
        ["male singer", 3],
        ["female singer", 2],
      ]),
      S("backing", "backing", 0.3, [["vocalists", 1]]),
    ],
  },
  {
    name: "metal",
    genre: "Metal",
    weight: 1.5,
    bpm: [100, 190],
    meters: [[4, 1]],
    harmony: "power",
    swingP: 0,
    modes: [
      ["minor", 2],
      ["phrygian", 2],
      ["harmonicMinor", 1],
    ],
    grooves: ["metal", "rock", "halftime"],
    kits: ["power", "standard", "room"],
    form: "song",
    slots: [
      S("drums", "drums", 1, [["drum set", 1]]),
      S("bass", "bass", 0.95, [["electric bass", 1]]),
      S("gtr1", "chords", 1, [["distorted electric guitar", 1]]),
      S("gtr2", "chords", 0.7, [
        ["distorted electric guitar", 3],
        ["clean electric guitar", 1],
      ]),
      S("keys", "pad", 0.25, [
        ["synthesizer", 1],
        ["string section", 1],
        ["electronic organ", 1],
      ]),
      S("lead", "lead", 0.65, [
        ["male singer", 4],
        ["female singer", 1],
      ]),
    ],
  },
  {
    name: "pop",
    genre: "Pop",
    weight: 3,
    bpm: [84, 132],
    meters: [[4, 1]],
    harmony: "triads",
    swingP: 0.05,
    modes: [
      ["major", 3],
      ["minor", 2],
    ],
    grooves: ["rock", "fourFloor", "halftime", "funk"],
    kits: ["standard", "electronic", "tr808", "room"],
    form: "song",
    slots: [
      S("drums", "drums", 0.9, [["drum set", 1]]),
      S("bass", "bass", 0.9, [
        ["electric bass", 3],
        ["synthesizer", 1],
      ]),
      S("keys", "chords", 0.8, [
        ["piano", 3],
        ["electric piano", 2],
        ["synthesizer", 2],
        ["electronic organ", 1],
      ]),
      S("keys2", "pad", 0.45, [
        ["synthesizer", 2],
        ["string section", 2],
        ["electric piano", 1],
      ]),
      S("gtr", "chords", 0.5, [
        ["clean electric guitar", 3],
        ["acoustic guitar", 2],
      ]),
      S("lead", "lead", 0.95, [
        ["female singer", 3],
        ["male singer", 2],
      ]),
      S("backing", "backing", 0.5, [["vocalists", 1]]),
      S("counter", "counter", 0.15, [
        ["violin", 1],
        ["flute", 1],
        ["synthesizer", 1],
      ]),
    ],
  },
  {
    name: "jazz",
    genre: "Jazz",
    weight: 2,
    bpm: [70, 190],
    meters: [
      [4, 1],
      [3, 0.15],
    ],
    harmony: "sevenths",
    swingP: 0.85,
    modes: [
      ["major", 3],
      ["dorian", 2],
      ["mixolydian", 1],
      ["minor", 1],
    ],
    grooves: ["swing", "swing", "bossa"],
    kits: ["jazz", "brush"],
    form: "instrumental",
    slots: [
      S("drums", "drums", 0.9, [["drum set", 1]]),
      S("bass", "bass", 0.95, [
        ["double bass", 4],
        ["electric bass", 1],
      ]),
      S("keys", "chords", 0.9, [
        ["piano", 6],
        ["electric piano", 2],
        ["electronic organ", 1],
      ]),
      S("lead", "lead", 0.85, [
        ["flute", 3],
        ["female singer", 2],
        ["clean electric guitar", 2],
        ["violin", 1],
        ["male singer", 1],
      ]),
      S("counter", "counter", 0.3, [
        ["clean electric guitar", 1],
        ["flute", 1],
        ["violin", 1],
        ["cello", 0.5],
      ]),
    ],
  },
  {
    name: "funk",
    genre: "Funk/Soul",
    weight: 1.5,
    bpm: [88, 124],
    meters: [[4, 1]],
    harmony: "sevenths",
    swingP: 0.15,
    modes: [
      ["dorian", 2],
      ["mixolydian", 2],
      ["minor", 1],
    ],
    grooves: ["funk", "funk", "fourFloor"],
    kits: ["standard", "room"],
    form: "song",
    slots: [
      S("drums", "drums", 1, [["drum set", 1]]),
      S("bass", "bass", 1, [["electric bass", 1]]),
      S("gtr", "chords", 0.85, [["clean electric guitar", 1]]),
      S("keys", "chords", 0.8, [
        ["electric piano", 3],
        ["electronic organ", 2],
        ["piano", 1],
      ]),
      S("synth", "pad", 0.3, [
        ["synthesizer", 1],
        ["string section", 0.5],
      ]),
      S("lead", "lead", 0.8, SINGERS),
      S("backing", "backing", 0.5, [["vocalists", 1]]),
    ],
  },
  {
    name: "blues",
    genre: "Blues",
    weight: 1,
    bpm: [60, 130],
    meters: [[4, 1]],
    harmony: "blues",
    swingP: 0.7,
    modes: [["mixolydian", 1]],
    grooves: ["shuffle", "rock", "swing"],
    kits: ["standard", "room", "jazz"],
    form: "blues",
    slots: [
      S("drums", "drums", 0.95, [["drum set", 1]]),
      S("bass", "bass", 0.95, [
        ["electric bass", 2],
        ["double bass", 1],
      ]),
      S("gtr", "chords", 0.9, [
        ["clean electric guitar", 2],
        ["distorted electric guitar", 1],
        ["acoustic guitar", 1],
      ]),
      S("keys", "chords", 0.5, [
        ["electronic organ", 2],
        ["piano", 2],
        ["electric piano", 1],
      ]),
      S("lead", "lead", 0.8, [
        ["male singer", 3],
        ["female singer", 1],
      ]),
    ],
  },
  {
    name: "ballad",
    genre: "Singer/Songwriter",
    weight: 2,
    bpm: [60, 104],
    meters: [
      [4, 1],
      [3, 0.3],
    ],
    harmony: "triads",
    swingP: 0,
    modes: [
      ["major", 3],
      ["minor", 2],
    ],
    grooves: ["ballad", "halftime"],
    kits: ["brush", "standard", "room"],
    form: "song",
    slots: [
      S("drums", "drums", 0.4, [["drum set", 1]]),
      S("bass", "bass", 0.55, [
        ["electric bass", 2],
        ["double bass", 1],
      ]),
      S("gtr", "chords", 0.8, [
        ["acoustic guitar", 4],
        ["clean electric guitar", 1],
      ]),
      S("keys", "chords", 0.45, [
        ["piano", 3],
        ["electric piano", 1],
      ]),
      S("strings", "pad", 0.35, [
        ["string section", 2],
        ["cello", 1],
      ]),
      S("lead", "lead", 0.95, SINGERS),
      S("counter", "counter", 0.35, [
        ["violin", 2],
        ["cello", 2],
        ["flute", 1],
      ]),
      S("backing", "backing", 0.2, [["vocalists", 1]]),
    ],
  },
  {
    name: "chamber",
    genre: "Classical",
    weight: 2,
    bpm: [60, 140],
    meters: [
      [4, 1],
      [3, 0.5],
    ],
    harmony: "triads",
    swingP: 0,
    modes: [
      ["major", 2],
      ["minor", 1],
      ["harmonicMinor", 1],
    ],
    grooves: [],
    kits: [],
    form: "instrumental",
    slots: [
      S("lead", "lead", 1, [
        ["violin", 3],
        ["flute", 2],
        ["cello", 1],
      ]),
      S("counter", "counter", 0.8, [
        ["cello", 2],
        ["violin", 1],
        ["flute", 1],
      ]),
      S("keys", "chords", 0.6, [["piano", 1]]),
      S("bass", "bass", 0.4, [
        ["double bass", 1],
        ["cello", 1],
      ]),
      S("strings", "pad", 0.3, [["string section", 1]]),
    ],
  },
  {
    name: "orchestral",
    genre: "Classical",
    weight: 1.2,
    bpm: [60, 120],
    meters: [
      [4, 1],
      [3, 0.4],
    ],
    harmony: "triads",
    swingP: 0,
    modes: [
      ["major", 1],
      ["minor", 1],
      ["harmonicMinor", 0.5],
    ],
    grooves: [],
    kits: [],
    form: "instrumental",
    slots: [
      S("strings", "pad", 1, [["string section", 1]]),
      S("lead", "lead", 0.9, [
        ["violin", 2],
        ["flute", 2],
        ["cello", 1],
      ]),
      S("counter", "counter", 0.6, [
        ["cello", 2],
        ["flute", 1],
        ["violin", 1],
      ]),
      S("bass", "bass", 0.7, [["double bass", 1]]),
      S("keys", "chords", 0.25, [["piano", 1]]),
      S("choir", "backing", 0.25, [["vocalists", 1]]),
    ],
  },
  {
    name: "indian",
    genre: "World/Folk",
    weight: 1.2,
    bpm: [60, 150],
    meters: [
      [4, 3],
      [3, 1],
    ],
    harmony: "drone",
    swingP: 0,
    modes: [
      ["bhairav", 1],
      ["lydian", 1],
      ["dorian", 1],
      ["mixolydian", 1],
      ["phrygian", 1],
    ],
    grooves: [],
    kits: [],
    form: "raga",
    slots: [
      S("tabla", "tabla", 1, [["tabla", 1]]),
      S("lead", "lead", 1, [
        ["flute", 3],
        ["violin", 2],
        ["female singer", 2],
        ["male singer", 2],
      ]),
      S("drone", "drone", 0.6, [
        ["string section", 1],
        ["synthesizer", 1],
        ["electronic organ", 0.3],
      ]),
      S("counter", "counter", 0.25, [
        ["violin", 1],
        ["flute", 1],
        ["acoustic guitar", 0.5],
      ]),
    ],
  },
  {
    name: "tablafusion",
    genre: "Electronic/Fusion",
    weight: 0.8,
    bpm: [80, 140],
    meters: [[4, 1]],
    harmony: "triads",
    swingP: 0.1,
    modes: [
      ["minor", 2],
      ["dorian", 1],
      ["phrygian", 1],
    ],
    grooves: ["breakbeat", "fourFloor", "halftime"],
    kits: ["electronic", "tr808", "standard"],
    form: "instrumental",
    slots: [
      S("tabla", "tabla", 0.95, [["tabla", 1]]),
      S("drums", "drums", 0.8, [["drum set", 1]]),
      S("bass", "bass", 0.9, [
        ["synthesizer", 1],
        ["electric bass", 1],
      ]),
      S("pad", "pad", 0.7, [
        ["synthesizer", 2],
        ["string section", 1],
        ["electric piano", 1],
      ]),
      S("lead", "lead", 0.6, [
        ["flute", 2],
        ["violin", 1],
        ["synthesizer", 1],
        ["female singer", 1],
      ]),
    ],
  },
  {
    name: "electronic",
    genre: "Electronic",
    weight: 1.2,
    bpm: [96, 132],
    meters: [[4, 1]],
    harmony: "triads",
    swingP: 0,
    modes: [
      ["minor", 2],
      ["major", 1],
      ["dorian", 1],
    ],
    grooves: ["fourFloor", "breakbeat"],
    kits: ["electronic", "tr808"],
    form: "song",
    slots: [
      S("drums", "drums", 1, [["drum set", 1]]),
      S("bass", "bass", 1, [
        ["synthesizer", 2],
        ["electric bass", 1],
      ]),
      S("pad", "pad", 0.8, [["synthesizer", 1]]),
      S("arp", "chords", 0.6, [
        ["synthesizer", 2],
        ["electric piano", 1],
        ["piano", 1],
      ]),
      S("lead", "lead", 0.7, [
        ["female singer", 2],
        ["male singer", 1],
        ["synthesizer", 1],
      ]),
      S("backing", "backing", 0.3, [["vocalists", 1]]),
    ],
  },
  {
    // One instrument (or a singer with one accompanist): every class gets passages alone.
    name: "solo",
    genre: "Solo",
    weight: 1.5,
    bpm: [60, 140],
    meters: [
      [4, 1],
      [3, 0.3],
    ],
    harmony: "triads",
    swingP: 0.1,
    modes: [
      ["major", 2],
      ["minor", 2],
      ["dorian", 1],
    ],
    grooves: ["rock"],
    kits: ["standard", "jazz", "room"],
    form: "solo",
    slots: [
      S("solo", "chords", 1, [
        ["piano", 3],
        ["acoustic guitar", 3],
        ["clean electric guitar", 1],
        ["electric piano", 1],
        ["electronic organ", 1],
        ["string section", 1],
        ["violin", 1.5],
        ["cello", 1.5],
        ["flute", 1.5],
        ["double bass", 0.7],
        ["tabla", 1],
        ["drum set", 0.7],
        ["distorted electric guitar", 0.5],
        ["synthesizer", 0.7],
        ["electric bass", 0.5],
        ["male singer", 0.7],
        ["female singer", 0.7],
        ["vocalists", 0.7],
      ]),
      S("accomp", "chords", 0.35, [
        ["piano", 1],
        ["acoustic guitar", 1],
      ]),
    ],
  },
];

/** A style by name; throws for unknown names (the CLI validates names first). */
export function styleByName(name: string): Style {
  const s = STYLES.find((x) => x.name === name);
  if (s === undefined) throw new Error(`unknown style "${name}"`);
  return s;
}
