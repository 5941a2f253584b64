/**
 * Styles and slots of the realism element `extra` (issue 16): instruments that are none of the 18
 * classes (other-instruments.ts) join the existing styles in their usual places (horns in funk
 * and jazz, tambourine and shaker in pop and rock, harp and mallets in ballads, woodwinds, brass,
 * timpani and cymbals in the orchestra), and four styles use them as their core: cinematic
 * (orchestra with brass and orchestral percussion, no drum kit — the music of film and game
 * scores), folk (accordion, banjo, harmonica, fiddle), latin (congas, bongos, horns) and
 * `solo-other` (a non-class instrument alone, so that "nothing of the 18 plays" has examples).
 *
 * Extra slots are appended after a style's own slots, so the draws of the existing slots are
 * unchanged by them; with `extra` off neither the slots nor the styles exist.
 */
import { UserError } from "../../errors.js";
import { GUITAR_STYLES } from "./guitar-tone.js";
import type { Realism } from "./realism.js";
import { S, STYLES, type Slot, type Style } from "./styles.js";

const HAND_PERC: readonly (readonly [string, number])[] = [
  ["tambourine", 2],
  ["shaker", 2],
  ["conga", 1],
  ["cowbell", 0.3],
];
const HORNS: readonly (readonly [string, number])[] = [
  ["brass section", 3],
  ["tenor saxophone", 1],
  ["trumpet", 1],
  ["alto saxophone", 1],
];
const WINDS: readonly (readonly [string, number])[] = [
  ["oboe", 2],
  ["clarinet", 2],
  ["bassoon", 1],
  ["french horn", 2],
  ["english horn", 0.5],
];
const MALLETS: readonly (readonly [string, number])[] = [
  ["glockenspiel", 2],
  ["vibraphone", 2],
  ["marimba", 2],
  ["xylophone", 1],
  ["chimes", 1],
];

/** Slots appended to existing styles, by style name. */
export const EXTRA_SLOTS: Readonly<Record<string, readonly Slot[]>> = {
  rock: [
    S("xperc", "perc", 0.15, HAND_PERC),
    S("xhorns", "pad", 0.06, HORNS),
    S("xkeys", "chords", 0.05, [
      ["harmonica", 1],
      ["accordion", 0.5],
    ]),
  ],
  metal: [
    S("xorch", "pad", 0.12, [
      ["brass section", 2],
      ["french horn", 1],
    ]),
    S("xtimp", "perc", 0.1, [["timpani", 1]]),
  ],
  pop: [S("xperc", "perc", 0.3, HAND_PERC), S("xhorns", "pad", 0.15, HORNS), S("xmallet", "chords", 0.12, MALLETS)],
  jazz: [
    S("xhorn", "counter", 0.55, [
      ["tenor saxophone", 3],
      ["alto saxophone", 2],
      ["trumpet", 2],
      ["trombone", 1],
      ["clarinet", 1],
      ["vibraphone", 1.5],
    ]),
    S("xsection", "pad", 0.25, HORNS),
  ],
  funk: [
    S("xhorns", "pad", 0.5, HORNS),
    S("xperc", "perc", 0.4, [
      ["conga", 2],
      ["tambourine", 1],
      ["cowbell", 1],
      ["bongo", 1],
    ]),
  ],
  blues: [
    S("xharp", "counter", 0.35, [
      ["harmonica", 3],
      ["tenor saxophone", 1],
    ]),
    S("xhorns", "pad", 0.15, HORNS),
  ],
  ballad: [
    S("xcolour", "chords", 0.25, [
      ["harp", 2],
      ["glockenspiel", 1],
      ["vibraphone", 1],
      ["accordion", 0.5],
    ]),
    S("xwind", "counter", 0.15, [
      ["clarinet", 1],
      ["oboe", 1],
      ["harmonica", 1],
      ["alto saxophone", 1],
    ]),
  ],
  chamber: [S("xwind", "counter", 0.45, [...WINDS, ["harpsichord", 1], ["harp", 1]])],
  orchestral: [
    S("xbrass", "pad", 0.55, [
      ["brass section", 2],
      ["french horn", 2],
    ]),
    S("xwind", "counter", 0.5, WINDS),
    S("xtimp", "perc", 0.55, [["timpani", 1]]),
    S("xcym", "perc", 0.35, [["cymbal", 1]]),
    S("xharp", "chords", 0.3, [
      ["harp", 3],
      ["chimes", 0.5],
      ["glockenspiel", 1],
    ]),
    S("xbd", "perc", 0.2, [["bass drum", 1]]),
    S("xsnare", "perc", 0.2, [["snare drum", 1]]),
  ],
  indian: [
    S("xsitar", "counter", 0.45, [
      ["sitar", 3],
      ["harmonica", 0.3],
      ["accordion", 0.7],
    ]),
  ],
  tablafusion: [
    S("xsitar", "counter", 0.3, [
      ["sitar", 2],
      ["marimba", 1],
    ]),
  ],
  electronic: [
    S("xmallet", "chords", 0.12, MALLETS),
    S("xperc", "perc", 0.25, [
      ["shaker", 2],
      ["conga", 1],
      ["auxiliary percussion", 1],
    ]),
  ],
};

/** Styles that exist only with `extra` on. */
export const EXTRA_STYLES: readonly Style[] = [
  {
    name: "cinematic",
    genre: "Soundtrack",
    weight: 3,
    bpm: [60, 140],
    meters: [
      [4, 1],
      [3, 0.3],
    ],
    harmony: "triads",
    swingP: 0,
    modes: [
      ["minor", 2],
      ["major", 1],
      ["harmonicMinor", 1],
      ["dorian", 0.5],
    ],
    grooves: [],
    kits: [],
    form: "instrumental",
    slots: [
      S("strings", "pad", 0.95, [["string section", 1]]),
      S("brass", "pad", 0.8, [
        ["brass section", 3],
        ["french horn", 2],
        ["trombone", 1],
      ]),
      S("lead", "lead", 0.85, [
        ["french horn", 2],
        ["trumpet", 1],
        ["violin", 2],
        ["flute", 1.5],
        ["oboe", 1],
        ["cello", 1.5],
        ["clarinet", 1],
      ]),
      S("low", "bass", 0.6, [
        ["double bass", 2],
        ["tuba", 1],
        ["bassoon", 0.5],
        ["cello", 1],
      ]),
      S("timp", "perc", 0.8, [["timpani", 1]]),
      S("cym", "perc", 0.6, [["cymbal", 1]]),
      S("bd", "perc", 0.45, [["bass drum", 1]]),
      S("snare", "perc", 0.45, [["snare drum", 1]]),
      S("toms", "perc", 0.4, [["toms", 1]]),
      S("harp", "chords", 0.35, [
        ["harp", 3],
        ["piano", 1],
        ["glockenspiel", 1],
      ]),
      S("choir", "backing", 0.3, [["vocalists", 1]]),
      S("colour", "counter", 0.35, [...MALLETS, ["chimes", 2]]),
      S("keys", "chords", 0.2, [
        ["piano", 1],
        ["synthesizer", 0.5],
      ]),
    ],
  },
  {
    name: "folk",
    genre: "World/Folk",
    weight: 0.9,
    bpm: [76, 170],
    meters: [
      [4, 1],
      [3, 0.5],
    ],
    harmony: "triads",
    swingP: 0.2,
    modes: [
      ["major", 3],
      ["mixolydian", 1],
      ["dorian", 1],
      ["minor", 1],
    ],
    grooves: [],
    kits: [],
    form: "song",
    slots: [
      S("squeeze", "chords", 0.6, [["accordion", 1]]),
      S("pluck", "chords", 0.55, [
        ["banjo", 2],
        ["acoustic guitar", 2],
      ]),
      S("gtr", "chords", 0.5, [["acoustic guitar", 1]]),
      S("lead", "lead", 0.7, [
        ["male singer", 1],
        ["female singer", 1],
        ["violin", 1],
        ["harmonica", 0.7],
      ]),
      S("fiddle", "counter", 0.45, [
        ["violin", 2],
        ["harmonica", 1],
        ["clarinet", 1],
        ["flute", 0.5],
      ]),
      S("bass", "bass", 0.55, [
        ["double bass", 2],
        ["tuba", 1],
        ["electric bass", 0.5],
      ]),
      S("perc", "perc", 0.5, [
        ["tambourine", 2],
        ["shaker", 1],
        ["bongo", 0.5],
      ]),
    ],
  },
  {
    name: "latin",
    genre: "Latin",
    weight: 0.9,
    bpm: [90, 140],
    meters: [[4, 1]],
    harmony: "sevenths",
    swingP: 0,
    modes: [
      ["minor", 2],
      ["major", 1],
      ["dorian", 1],
    ],
    grooves: ["bossa", "funk"],
    kits: ["standard", "room", "jazz"],
    form: "song",
    slots: [
      S("drums", "drums", 0.45, [["drum set", 1]]),
      S("congas", "perc", 0.9, [
        ["conga", 2],
        ["bongo", 1],
      ]),
      S("small", "perc", 0.6, [
        ["shaker", 1],
        ["cowbell", 1],
        ["auxiliary percussion", 1],
        ["tambourine", 0.5],
      ]),
      S("bass", "bass", 0.9, [
        ["electric bass", 2],
        ["double bass", 1],
      ]),
      S("keys", "chords", 0.75, [
        ["piano", 3],
        ["electric piano", 1],
        ["marimba", 0.5],
      ]),
      S("gtr", "chords", 0.35, [
        ["acoustic guitar", 1],
        ["clean electric guitar", 1],
      ]),
      S("horns", "pad", 0.5, HORNS),
      S("lead", "lead", 0.7, [
        ["trumpet", 2],
        ["alto saxophone", 1],
        ["flute", 1],
        ["male singer", 1],
        ["female singer", 1],
      ]),
    ],
  },
  {
    name: "solo-other",
    genre: "Solo",
    weight: 0.7,
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
    grooves: [],
    kits: [],
    form: "solo",
    slots: [
      S("solo", "chords", 1, [
        ["harp", 2],
        ["accordion", 2],
        ["marimba", 1.5],
        ["vibraphone", 1],
        ["harpsichord", 1],
        ["banjo", 1],
        ["pipe organ", 0.7],
        ["tenor saxophone", 1],
        ["alto saxophone", 1],
        ["trumpet", 1],
        ["clarinet", 1],
        ["oboe", 0.7],
        ["french horn", 0.7],
        ["harmonica", 0.7],
        ["sitar", 0.7],
        ["timpani", 0.4],
        ["conga", 0.5],
      ]),
      S("accomp", "chords", 0.3, [
        ["harp", 1],
        ["accordion", 1],
        ["marimba", 0.5],
      ]),
    ],
  },
];

/** How much more often solo styles are drawn with the realism element `sparse`. */
export const SPARSE_SOLO_WEIGHT = 1.6;

/**
 * The styles of a corpus: the existing ones, plus with `extra` their extra slots and the extra
 * styles; with `tones` the guitar-led styles (guitar-tone.ts); with `sparse` the solo styles weigh
 * {@link SPARSE_SOLO_WEIGHT} times more. With all three off this is {@link STYLES} itself.
 */
export function corpusStyles(extra: boolean, sparse: boolean, tones = false): readonly Style[] {
  if (!extra && !sparse && !tones) return STYLES;
  const withExtra = extra
    ? [...STYLES.map((s) => ({ ...s, slots: [...s.slots, ...(EXTRA_SLOTS[s.name] ?? [])] })), ...EXTRA_STYLES]
    : [...STYLES];
  const all = tones ? [...withExtra, ...GUITAR_STYLES] : withExtra;
  return sparse ? all.map((s) => (s.form === "solo" ? { ...s, weight: s.weight * SPARSE_SOLO_WEIGHT } : s)) : all;
}

/** Every style a corpus can draw (the extra and tones elements on), in pool order: what `--styles` accepts. */
export const ALL_STYLE_NAMES: readonly string[] = corpusStyles(true, false, true).map((s) => s.name);

/**
 * Checks `--styles` against the corpus's pool: every name is a style, and a style of the `extra` or
 * `tones` element needs that element on.
 * @throws UserError naming unknown styles, or the styles and the element they need
 */
export function requireStyles(names: readonly string[], realism: Realism): void {
  const unknown = names.filter((n) => !ALL_STYLE_NAMES.includes(n));
  if (unknown.length > 0) throw new UserError(`Expected style names, got unknown ${unknown.map((n) => `"${n}"`).join(", ")}`);
  const pool = corpusStyles(realism.extra, realism.sparse, realism.tones);
  const missing = names.filter((n) => !pool.some((s) => s.name === n));
  if (missing.length === 0) return;
  const element = (n: string): string => (GUITAR_STYLES.some((s) => s.name === n) ? "tones" : "extra");
  throw new UserError(`Expected --realism to include ${missing.map((n) => `${element(n)} for style ${n}`).join(", ")}`);
}
