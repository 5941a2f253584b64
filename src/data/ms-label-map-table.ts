/**
 * The reviewed Mixing Secrets label map, version-stamped. Covers all 172 stem-label strings of
 * SiddGururani/mixing_secrets@0781bc3 that are not MedleyDB taxonomy leaves (507 instances,
 * notes/datasets.md §8). Rule applied: a string maps to one of the 18 classes only when the notes
 * state it or the string itself names that class's instrument; everything else maps to its
 * taxonomy spelling or to null. No stem was auditioned; per-track calls say what they rest on.
 *
 * Change a row -> bump `version` (split and model manifests record it).
 */
import type { LabelMapEntry, LabelMapTable, MapBasis, TrackOverride } from "./label-map-types.js";

const e = (to: string | null, basis: MapBasis, reason?: string): LabelMapEntry =>
  reason === undefined ? { to, basis } : { to, basis, reason };
const none = e(null, "no-leaf");
const perTrack = (reason: string): LabelMapEntry => e(null, "per-track", reason);
const SECTION_UNKNOWN = "sample-library strings/brass: solo vs section unknown without listening";
const GENDER = "lead vocal: male or female singer is decided per track";
const GUITAR = "electric guitar: clean or distorted is decided per track";

const LABELS: Record<string, LabelMapEntry> = {
  // ---- strings that touch the 18 classes (notes §8) ----
  bass: e("electric bass", "notes", "no fixture track has a double bass next to it; per-track review may move a track to double bass"),
  bassdi: e("electric bass", "notes"),
  bassmic: e("electric bass", "notes"),
  "electric bassdi": e("electric bass", "notes"),
  "electric bassampmic": e("electric bass", "notes"),
  basspod: e("electric bass", "judgement", "a POD is a bass-amp modeller fed by a DI'd bass guitar (BKS_TooMuch also has bassdi)"),
  "bassmic_peerarray": perTrack("a microphone on a bass: upright or bass guitar depends on the track"),
  "male vocalists": e("vocalists", "notes"),
  backingvox: e("vocalists", "notes"),
  backingvos: e("vocalists", "notes"),
  "male singers": e("vocalists", "notes"),
  "female singers": e("vocalists", "notes"),
  gangs: e("vocalists", "judgement", "gang vocals are a group of voices, MedleyDB's `vocalists`"),
  leadvox: perTrack(GENDER),
  leadvoxdouble: perTrack(GENDER),
  leadvoxdt: perTrack(GENDER),
  "female singer_isobooth": e("female singer", "label-text", "notes list it as per-track, but the string names a female singer recorded in an iso booth"),
  "female singer sample": e("female singer", "label-text"),
  "female singer_alttake": e(null, "judgement", "an alternative take may not be in the mix; its energy would label seconds where it is not heard"),
  wurlitzer: e("electric piano", "notes"),
  rhodesdi: e("electric piano", "notes"),
  rhodesamp: e("electric piano", "notes"),
  pianodry: e("piano", "notes"),
  acousticgtr: e("acoustic guitar", "notes"),
  "acoustic guitar reverse": e("acoustic guitar", "label-text", "a reversed recording keeps the instrument's spectrum"),
  fiddle: e("violin", "notes"),
  stringsmix: e("string section", "notes"),
  strings_ensemble: e("string section", "notes"),
  stringspizz: e("string section", "notes"),
  stringstunedmix: e("string section", "label-text", "a variant of stringsmix"),
  strings_soli: e("string section", "label-text"),
  strings_staccato: e("string section", "label-text"),
  spot_highstrings: e("string section", "judgement", "spot microphone over the upper strings of a chamber ensemble"),
  spot_lowstrings: e("string section", "judgement", "spot microphone over the lower strings of a chamber ensemble"),
  elecgtr: perTrack(GUITAR),
  gtr: perTrack(GUITAR),
  ebow: perTrack(GUITAR),
  "clean electric guitar reverse": e("clean electric guitar", "label-text", "notes: decided by hand; the string names the kind and reversal keeps the timbre"),
  "clean electric guitar samples": e("clean electric guitar", "label-text"),
  "distorted electric guitar samples": e("distorted electric guitar", "label-text", "notes: decided by hand; the string names the kind"),
  "distorted electric guitarrevfx": e("distorted electric guitar", "label-text"),
  "bass synth": e("synthesizer", "judgement", "the classes are instruments (timbre), not roles; MedleyDB labels synth bass lines `synthesizer`"),
  subbass: e(null, "judgement", "a sub-bass layer may be a synth or an 808 sample"),
  basssub: e(null, "judgement", "a sub-bass layer may be a synth or an 808 sample"),
  violins: e("violin section", "notes", "not folded into `string section`: MedleyDB keeps violin section separate too"),
  cellos: e("cello section", "notes", "not folded into `string section`, as in MedleyDB"),
  violas: e("viola section", "notes", "not folded into `string section`, as in MedleyDB"),
  violinsamples: e(null, "judgement", SECTION_UNKNOWN),
  "violin samples": e(null, "judgement", SECTION_UNKNOWN),
  violasamples: e(null, "judgement", SECTION_UNKNOWN),
  "viola samples": e(null, "judgement", SECTION_UNKNOWN),
  cellosamples: e(null, "judgement", SECTION_UNKNOWN),
  "cello samples": e(null, "judgement", SECTION_UNKNOWN),
  doublebasssamples: e(null, "judgement", SECTION_UNKNOWN),
  "bass samples": e(null, "judgement", SECTION_UNKNOWN),
  trumpetsamples: e(null, "judgement", SECTION_UNKNOWN),
  frenchhornsamples: e(null, "judgement", SECTION_UNKNOWN),
  stringpad: e(null, "judgement", "a string pad may be a synth patch or a sampled section"),
  keys: perTrack("keys may be piano, electric piano, organ or synth"),
  keyboard: perTrack("keyboard may be piano, electric piano, organ or synth"),
  mellotron: e(null, "judgement", "a tape-replay keyboard: none of piano, organ or synthesizer"),
  "toy piano": e(null, "judgement", "a toy piano's tines do not sound like the piano class"),
  bellpiano: e(null, "judgement", "a bell/piano layer; not a plain piano"),
  clavinet: e(null, "judgement", "no clavinet leaf; not an electric piano (Rhodes/Wurlitzer) timbre"),
  clav: e(null, "judgement", "no clavinet leaf; not an electric piano (Rhodes/Wurlitzer) timbre"),
  pad: e(null, "judgement", "a pad may be a synth or a sample"),
  guitalele: e(null, "judgement", "a guitar-ukulele hybrid; kept out of acoustic guitar"),
  ethnoflute: e(null, "judgement", "a non-Western flute, like MedleyDB's dizi/bamboo flute rather than `flute`"),
  "male rapper fx": e("male rapper", "label-text"),
  // ---- taxonomy spellings of instruments outside the 18 ----
  "main system": e("Main System", "spelling"),
  clap: e("claps", "spelling"),
  "hand claps": e("claps", "spelling"),
  handclap: e("claps", "spelling"),
  fingerclicks: e("snaps", "spelling"),
  ukelele: e("ukulele", "spelling"),
  ukeleledi: e("ukulele", "spelling"),
  ukelelemic: e("ukulele", "spelling"),
  congas: e("conga", "spelling"),
  bongos: e("bongo", "spelling"),
  shakers: e("shaker", "spelling"),
  sleighbells: e("sleigh bells", "spelling"),
  tubularbells: e("chimes", "spelling"),
  gongroll: e("gong", "spelling"),
  timp: e("timpani", "spelling"),
  tambo: e("tambourine", "spelling"),
  tamb: e("tambourine", "spelling"),
  tambourineamb: e("tambourine", "spelling"),
  percussion: e("auxiliary percussion", "spelling"),
  brushkit: e("drum set", "label-text"),
  horns: e("horn section", "spelling"),
  brass: e("brass section", "spelling"),
  frenchhorn: e("french horn", "spelling"),
  "french horns": e("french horn section", "spelling"),
  trombones: e("trombone section", "spelling"),
  trombonebass: e("trombone", "spelling"),
  tubas: e("tuba", "spelling"),
  saxtenor: e("tenor saxophone", "spelling"),
  vibrophone: e("vibraphone", "spelling"),
  accordian: e("accordion", "spelling"),
  harpharmonics: e("harp", "spelling"),
  "harp sample": e("harp", "label-text"),
  samplechoir: e("choir", "label-text"),
  sample: e("sampler", "spelling"),
  // ---- no leaf fits ----
  ...Object.fromEntries(
    [
      "saxophone", "bells", "djembe", "subdrop", "cunono", "electropercussion", "percchoir micpair",
      "vinylnoise", "noisesweep", "woodblock", "ambstereo", "samplebrass", "rimshot", "taiko", "break",
      "percsolo_closemic", "feedback", "handbells", "transition", "kalimba", "room_mono", "electrochoir",
      "sprinkles", "scream", "bombo", "paliteo", "guasa", "dobro", "speech", "metalhit", "click", "electrohit",
      "lightning", "storm", "percsolo_farmicpair", "brushes", "djembefx", "wineglasses", "boom", "elecnoise",
      "fill", "bell", "subboom", "clave", "radio", "didgeridoo", "bell sample", "rainstick", "hit", "schoolbell",
      "sidestick", "ambience", "timbale", "tub", "anvil", "ambmono", "amomono", "rim", "roman wardrum", "daiko",
      "psaltery", "malaysiandjembe", "autoharp", "noise", "whisper", "room_stereo", "saxmic_peerarray", "room",
      "mainpair",
    ].map((s) => [s, none]),
  ),
};

const ctx = (track: string, stem: string, label: string, to: string | null, reason: string): TrackOverride => ({
  track, stem, label, to, basis: "track-context", reason,
});
const open = (track: string, stem: string, label: string, reason: string): TrackOverride => ({
  track, stem, label, to: null, basis: "per-track", reason,
});

const OVERRIDES: TrackOverride[] = [
  ctx("AdmiralCrumple_KeepsFlowing", "S06", "leadvoxdouble", "male singer", "every other voice stem is male singer or male rapper"),
  ctx("ColtonBenjamin_CantLetYouGo", "S13", "leadvox", "male singer", "all seven other vocal stems are male singer"),
  ctx("HeadwoundHarry_XXXV", "S02", "elecgtr", "distorted electric guitar", "screamo track (12 male screamer stems); its only guitars"),
  ctx("HeadwoundHarry_XXXV", "S06", "elecgtr", "distorted electric guitar", "screamo track (12 male screamer stems); its only guitars"),
  ctx("HeadwoundHarry_XXXV", "S12", "elecgtr", "distorted electric guitar", "screamo track (12 male screamer stems); its only guitars"),
  ctx("Zwiepack_Air", "S04", "bassmic_peerarray", "double bass", "a duo of double bass (S01) and saxophone: the bass mic is on the upright"),
  open("BoogieSnakes_ItsMyRight", "S09", "leadvox", "no other vocal stem to infer the singer from; needs listening"),
  open("DetskySad_WalkieTalkie", "S24", "leadvox", "no other vocal stem to infer the singer from; needs listening"),
  open("DunningKruger_EnDance", "S16", "leadvoxdt", "needs listening (bleed track, excluded by the bleed filter anyway)"),
  open("DunningKruger_EnDance", "S18", "leadvox", "needs listening (bleed track, excluded by the bleed filter anyway)"),
  open("LindyHipBigBand_MakinWhoopee", "S17", "leadvox", "needs listening (bleed track, excluded by the bleed filter anyway)"),
  open("DarkRide_DeadEnemies", "S21", "elecgtr", "17 other guitars are labelled distorted; this one was not, so it may be clean: needs listening"),
  open("BigStoneCulture_FragileThoughts", "S04", "gtr", "needs listening (bleed track, excluded by the bleed filter anyway)"),
  open("DunningKruger_EnDance", "S08", "gtr", "needs listening (bleed track, excluded by the bleed filter anyway)"),
  open("DunningKruger_EnDance", "S12", "gtr", "needs listening (bleed track, excluded by the bleed filter anyway)"),
];

/** The shipped table. */
export const MS_LABEL_MAP_TABLE: LabelMapTable = Object.freeze({
  version: "ms-label-map-1",
  source: "SiddGururani/mixing_secrets@0781bc3 metadata/",
  labels: Object.freeze(LABELS),
  overrides: Object.freeze(OVERRIDES),
});
