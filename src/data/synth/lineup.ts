/**
 * The line-up of one song: which stems exist, what each does (role, comping or bass style), what
 * sound it uses (bank and preset, singer voice, tabla tuning) and how it is mixed (effects).
 */
import type { Artist } from "./artists.js";
import type { BassStyle } from "./bass.js";
import type { CompStyle } from "./comping.js";
import { HAT_CHOKE } from "./drums.js";
import type { InstrumentSpec, Patch } from "./instrument-spec.js";
import { KIT_PROGRAMS, SYNTH_BASS_PROGRAMS, SYNTH_PAD_PROGRAMS, instrument } from "./instruments.js";
import type { Rng } from "./rng.js";
import { withSampled } from "./sampled-choice.js";
import type { SampledSets } from "./sample-sets.js";
import { isPercussionLabel, otherInstrument } from "./other-instruments.js";
import { VOICES } from "./singer.js";
import type { SoundSource, StemFx } from "./score.js";
import { isMelodicRole, type Role, type Style } from "./styles.js";

/** A stem before its notes are written. */
export interface PartPlan {
  readonly id: string;
  readonly label: string;
  readonly role: Role;
  readonly component: "" | "melody" | "bass";
  readonly spec: InstrumentSpec;
  readonly source: SoundSource;
  readonly mono: boolean;
  readonly chokeKeys: readonly number[];
  readonly comp: CompStyle;
  readonly bass: BassStyle;
  readonly fx: StemFx;
  /** Solo style: a chordal instrument also plays the melody on top. */
  readonly soloPiece: boolean;
}

/** Banks available to a corpus. */
export interface BankChoice {
  /** Every GM bank of the corpus (the artist's own preference is `Artist.banks`). */
  readonly gm: readonly string[];
  readonly kits: readonly string[];
  /** Class labels a bank never plays (BankInfo.avoid), by bank name. */
  readonly avoid?: ReadonlyMap<string, readonly string[]>;
  /** Recorded sample sets and cabinets (realism element `sampled`, sample-sets.ts); absent = element off. */
  readonly sampled?: SampledSets;
}

const COMP_BY_LABEL: Record<string, readonly CompStyle[]> = {
  piano: ["block", "arpeggio", "ballad", "block"],
  "electric piano": ["block", "stabs", "sustain", "arpeggio"],
  "electronic organ": ["sustain", "sustain", "stabs", "block"],
  "acoustic guitar": ["strum", "strum", "arpeggio"],
  "clean electric guitar": ["arpeggio", "strum", "skank", "block"],
  "distorted electric guitar": ["power"],
  "string section": ["sustain"],
  synthesizer: ["sustain", "arpeggio", "stabs"],
  vocalists: ["sustain"],
  // Non-class instruments (realism element `extra`).
  accordion: ["sustain", "stabs", "block", "skank"],
  harp: ["arpeggio", "arpeggio", "block"],
  banjo: ["arpeggio", "strum", "skank"],
  harpsichord: ["arpeggio", "block"],
  "pipe organ": ["sustain", "block"],
  "brass section": ["stabs", "sustain", "block"],
  glockenspiel: ["arpeggio"],
  vibraphone: ["arpeggio", "jazzComp", "block"],
  marimba: ["arpeggio", "block"],
  xylophone: ["arpeggio"],
  chimes: ["block"],
  dulcimer: ["arpeggio", "strum"],
};

const BASS_BY_STYLE: Record<string, readonly BassStyle[]> = {
  rock: ["root8", "root8", "rootFifth"],
  metal: ["metal16", "root8"],
  pop: ["syncopated", "root8", "octave"],
  jazz: ["walking", "walking", "rootFifth"],
  funk: ["syncopated"],
  blues: ["walking", "root8"],
  ballad: ["rootFifth", "sustain"],
  chamber: ["sustain", "rootFifth"],
  orchestral: ["sustain", "rootFifth"],
  indian: ["sustain"],
  tablafusion: ["syncopated", "sustain"],
  electronic: ["octave", "syncopated", "sustain"],
  solo: ["walking", "rootFifth"],
};

/** Resolves the role a class plays in a slot. */
function resolveRole(slotRole: Role, label: string): Role {
  if (label === "drum set") return "drums";
  if (isPercussionLabel(label)) return "perc";
  if (label === "tabla") return "tabla";
  if (label === "vocalists") return "backing";
  if (label === "male singer" || label === "female singer") return "lead";
  if ((label === "electric bass" || label === "double bass") && slotRole !== "lead") return "bass";
  if (instrument(label).mono && (slotRole === "chords" || slotRole === "pad")) return slotRole === "pad" ? "counter" : "lead";
  return slotRole;
}

/**
 * Chooses the line-up of a song. `featured` classes (at most a few) are included for sure: each
 * takes the first free slot that can play it, or else joins as the song's one guest.
 */
export function chooseLineup(
  rng: Rng,
  artist: Artist,
  style: Style,
  banks: BankChoice,
  duet: boolean,
  featured: readonly string[] = [],
): PartPlan[] {
  const plans: PartPlan[] = [];
  const forcedSlots = new Map<string, string>();
  let guestLabel: string | undefined;
  for (const label of new Set(featured)) {
    const slot = style.slots.find((s) => !forcedSlots.has(s.id) && s.classes.some(([l]) => l === label));
    if (slot !== undefined) forcedSlots.set(slot.id, label);
    else guestLabel ??= label;
  }
  for (const slot of style.slots) {
    const forcedLabel = forcedSlots.get(slot.id);
    const p = rng.next();
    if (forcedLabel === undefined && p >= slot.p) continue;
    if (style.form === "solo" && slot.id === "accomp") {
      // Duos only: a singer or a melody instrument with piano/guitar accompaniment.
      const solo = plans[0];
      if (solo === undefined || !isMelodicRole(solo.role)) continue;
    }
    const drawn = rng.weighted(slot.classes);
    const label = forcedLabel ?? drawn;
    const role = resolveRole(slot.role, label);
    const plan = planPart(rng.fork(slot.id), slot.id, label, role, artist, style, banks);
    // A featured part is mixed loud enough to be labelled active (quiet parts may never be).
    plans.push(forcedLabel !== undefined ? loudEnough(plan) : plan);
  }
  if (guestLabel !== undefined) {
    // The style has no place for the class: it joins as a guest (a flute in a rock band, a cello
    // in a pop song), in the role it usually plays. A guest bass replaces the band's bass unless
    // that one is featured too.
    const role = guestRole(guestLabel);
    const guest = planPart(rng.fork("guest"), "guest", guestLabel, role, artist, style, banks);
    const kept = plans.filter((p) => role !== "bass" || p.role !== "bass" || forcedSlots.has(p.id));
    plans.splice(0, plans.length, ...kept, loudEnough(guest));
  }
  if (duet && plans.some((p) => p.label === "male singer") !== plans.some((p) => p.label === "female singer")) {
    const other = plans.some((p) => p.label === "male singer") ? "female singer" : "male singer";
    plans.push(planPart(rng.fork("duet"), "lead2", other, "lead", artist, style, banks));
  }
  return plans;
}

function loudEnough(plan: PartPlan): PartPlan {
  return { ...plan, fx: { ...plan.fx, gainDb: Math.max(plan.fx.gainDb, -3) } };
}

/** The role a guest class plays. */
function guestRole(label: string): Role {
  if (label === "synthesizer") return "pad";
  const spec = instrument(label);
  if (spec.source === "soundfont" && spec.mono && label !== "electric bass" && label !== "double bass") return "counter";
  return resolveRole("chords", label);
}

function planPart(rng: Rng, id: string, label: string, role: Role, artist: Artist, style: Style, banks: BankChoice): PartPlan {
  const spec = instrument(label);
  let source: SoundSource;
  let patch: Patch | undefined;
  let range: readonly [number, number] = [spec.low, spec.high];
  if (label === "vocalists" && rng.chance(0.5)) {
    // Backing vocals sung by a (multi-tracked) espeak voice instead of the GM choir patch.
    const voice = rng.pick(VOICES.filter((v) => v.engine === "espeak"));
    source = { kind: "singer", voice: voice.name };
    const singerSpec = instrument(voice.sex === "male" ? "male singer" : "female singer");
    range = [singerSpec.low, singerSpec.high];
  } else if (spec.source === "singer") {
    source = { kind: "singer", voice: (label === "male singer" ? artist.maleVoice : artist.femaleVoice).name };
  } else if (spec.source === "tabla") {
    source = { kind: "tabla", set: "sonic-pi" };
  } else if (otherInstrument(label)?.kitKeys !== undefined) {
    // Non-kit percussion on a GM bank's standard kit, only its own keys (other-instruments.ts).
    source = { kind: "soundfont", bank: rng.pick(artist.banks), bankNumber: 128, program: 0, drums: true };
  } else if (label === "drum set") {
    const kit = style.kits.length > 0 ? rng.pick(style.kits) : "standard";
    const useKitBank = banks.kits.length > 0 && rng.chance(banks.kits.length / (banks.kits.length + 1));
    source = useKitBank
      ? { kind: "soundfont", bank: rng.pick(banks.kits), bankNumber: 0, program: 0, drums: true }
      : { kind: "soundfont", bank: rng.pick(artist.banks), bankNumber: 128, program: KIT_PROGRAMS[kit], drums: true };
  } else {
    const patches = spec.patches.filter((p) => label !== "synthesizer" || synthFits(p.program, role));
    patch = rng.weighted((patches.length > 0 ? patches : spec.patches).map((p) => [p, p.weight] as const));
    source = {
      kind: "soundfont",
      bank: rng.pick(melodicBanks(label, artist, banks)),
      bankNumber: patch.bankNumber,
      program: patch.program,
      drums: false,
    };
  }
  const comp = chooseComp(rng, label, role, style, patch);
  const bassStyle: BassStyle = patch?.program === 43 ? "sustain" : rng.pick(BASS_BY_STYLE[style.name] ?? ["root8"]);
  const low = role === "bass" && label === "synthesizer" ? 28 : range[0];
  const high = role === "bass" && label === "synthesizer" ? 55 : range[1];
  const plan: PartPlan = {
    id,
    label,
    role,
    component: role === "bass" ? "bass" : role === "lead" ? "melody" : "",
    spec: { ...spec, low, high },
    source,
    mono: spec.mono || (role === "bass" && label === "synthesizer"),
    chokeKeys: label === "drum set" ? HAT_CHOKE : [],
    comp,
    bass: bassStyle,
    fx: chooseFx(rng, label, role, style.name),
    soloPiece: style.form === "solo" && role === "chords",
  };
  // Realism element `sampled`: its own named stream, so no draw above moves (sampled-choice.ts).
  return banks.sampled === undefined ? plan : withSampled(rng.fork("realism/sampled"), plan, banks.sampled);
}

/**
 * The artist's banks that may play `label`; when all of them avoid it, the corpus's other GM banks
 * that do; when none does, the artist's banks after all (a list of avoiding banks only).
 */
function melodicBanks(label: string, artist: Artist, banks: BankChoice): readonly string[] {
  const plays = (bank: string): boolean => !(banks.avoid?.get(bank)?.includes(label) ?? false);
  const own = artist.banks.filter(plays);
  if (own.length > 0) return own;
  const others = banks.gm.filter(plays);
  return others.length > 0 ? others : artist.banks;
}

function synthFits(program: number, role: Role): boolean {
  if (role === "bass") return SYNTH_BASS_PROGRAMS.has(program);
  if (role === "pad" || role === "drone" || role === "backing") return SYNTH_PAD_PROGRAMS.has(program);
  if (role === "lead" || role === "counter") return !SYNTH_PAD_PROGRAMS.has(program) && !SYNTH_BASS_PROGRAMS.has(program);
  return !SYNTH_BASS_PROGRAMS.has(program);
}

function chooseComp(rng: Rng, label: string, role: Role, style: Style, patch: Patch | undefined): CompStyle {
  if (role === "drone") return "drone";
  if (role === "pad") return label === "piano" || label.includes("guitar") ? "arpeggio" : "sustain";
  if (patch?.program === 45) return "block"; // pizzicato strings
  if (style.name === "jazz" && (label === "piano" || label === "electric piano" || label === "clean electric guitar")) {
    return rng.chance(0.8) ? "jazzComp" : "block";
  }
  if (style.name === "funk" && label !== "electronic organ") return rng.chance(0.6) ? "stabs" : "skank";
  if (style.name === "ballad" && label === "piano") return rng.pick(["ballad", "arpeggio"]);
  return rng.pick(COMP_BY_LABEL[label] ?? ["block"]);
}

const GAIN_DB: Record<Role, readonly [number, number]> = {
  drums: [-4, 0],
  bass: [-5, -1],
  chords: [-8, -2],
  pad: [-10, -4],
  lead: [-3, 0],
  counter: [-8, -3],
  backing: [-9, -4],
  tabla: [-4, 0],
  drone: [-12, -6],
  perc: [-9, -2],
};

/** Styles whose drums sit lower in the mix (the kit accompanies rather than drives). */
const SOFT_DRUM_STYLES: ReadonlySet<string> = new Set(["jazz", "ballad", "blues"]);

function chooseFx(rng: Rng, label: string, role: Role, style: string): StemFx {
  const soft = role === "drums" && SOFT_DRUM_STYLES.has(style) ? 4 : 0;
  const [g0, g1] = GAIN_DB[role].map((g) => g - soft) as [number, number];
  const eq = Array.from({ length: rng.int(0, 2) }, () => ({
    hz: Math.exp(rng.uniform(Math.log(150), Math.log(6000))),
    db: rng.uniform(-6, 6),
    q: rng.uniform(0.7, 2),
  }));
  const lowBand = role === "bass" || role === "drums" || role === "tabla" || label === "double bass";
  const lp = rng.next();
  const distorted = label === "distorted electric guitar";
  return {
    gainDb: rng.uniform(g0, g1),
    pan: role === "bass" || role === "lead" || role === "drums" ? rng.uniform(-0.1, 0.1) : rng.uniform(-0.7, 0.7),
    eq,
    highPassHz: lowBand ? (rng.chance(0.3) ? 30 : 0) : rng.chance(0.6) ? rng.uniform(40, 150) : 0,
    lowPassHz: lp < 0.3 ? 8000 : lp < 0.4 ? rng.uniform(4000, 7000) : 0,
    drive: distorted
      ? rng.chance(0.7)
        ? rng.uniform(1.5, 5)
        : 0
      : rng.chance(label === "electronic organ" || role === "bass" ? 0.15 : 0)
        ? rng.uniform(1.2, 2.5)
        : 0,
    // Every distorted guitar goes through the amp (drive 0 = its lowest gain); no extra random draw,
    // so the other stems of a seed stay as they were.
    amp: distorted,
    // Many stems are recorded dry and reverberated on the mix bus only: keep some dry.
    reverbWet: rng.chance(0.6) ? rng.uniform(0.03, role === "lead" || role === "pad" || role === "backing" ? 0.35 : 0.2) : 0,
    reverbRoom: rng.uniform(0.3, 0.9),
  };
}
