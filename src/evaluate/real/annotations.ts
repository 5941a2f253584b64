/**
 * The hand-checked facts behind the real-music development set: which recordings it uses and what
 * is known to play (or not) in them. No audio here: every range was checked on a spectrogram of the
 * packaged file (`sox FILE -n remix - rate 22050 trim A B spectrogram`), looking for
 * - a drum kit: broadband strokes reaching 10 kHz (snare, hi-hat, cymbals) over kick thumps
 *   below 200 Hz, at a steady pulse;
 * - a guitar in a Frets on Fire backing track: the guitar stem of these songs shows a dense
 *   harmonic band cut off near 5 kHz (amp and cabinet); where the backing track shows the same
 *   band (e.g. palm-muted chugs), it holds a rhythm guitar, so a "no guitar" second counts only
 *   where the backing shows nothing harmonic besides a bass line or a voice.
 * Ranges are [start, end) in seconds; a 1 s window counts when it lies wholly inside a range.
 * Nothing outside a range is claimed. Checked 2026-12 by the issue-16 session; a range is only
 * listed where the spectrogram left no doubt, which is why most of them stop short of breaks.
 */

/** [startSec, endSec): a time range in a recording. */
export type Range = readonly [startSec: number, endSec: number];

/** What is known about one Frets on Fire song beyond its guitar stem. */
export interface FofSong {
  /** Folder under the songs root, e.g. "muldjord/armygeddon". */
  readonly dir: string;
  /** Debian package that ships it. */
  readonly package: "fretsonfire-songs-muldjord" | "fretsonfire-songs-sectoid";
  /** Ranges where the backing track (song.ogg) plays a drum kit throughout. */
  readonly drums: readonly Range[];
  /** Ranges where neither track holds a drum kit. */
  readonly noDrums: readonly Range[];
  /** Ranges where the backing track holds no guitar of any kind (the guitar stem may still play). */
  readonly noGuitarInBacking: readonly Range[];
  readonly notes: string;
}

/** The eight Frets on Fire songs (all of both packages). */
export const FOF_SONGS: readonly FofSong[] = [
  {
    dir: "muldjord/armygeddon",
    package: "fretsonfire-songs-muldjord",
    drums: [[12, 184]],
    noDrums: [
      [0, 5],
      [191, 197],
    ],
    noGuitarInBacking: [],
    notes: "backing silent before 5.6 s (guitar stem alone); kit from 11.3 s to 184.5 s; after 190 s only a chord rings out below 5.5 kHz",
  },
  {
    dir: "muldjord/chaos_god",
    package: "fretsonfire-songs-muldjord",
    drums: [
      [10, 22],
      [26, 55],
      [58, 81],
      [86, 111],
      [122, 151],
      [154, 177],
    ],
    noDrums: [
      [0, 9],
      [116, 120],
    ],
    noGuitarInBacking: [[0, 9]],
    notes:
      "0-9.8 s: a voice-like intro (formants, syllabic noise bursts), no strokes, no steady harmonic band; stop-time breaks at 22-26, 81-86 s and a high-cut passage at 55-58, 151-154 s left out; 112-121 s a chord and cymbal decay, silent of strokes from 116 s",
  },
  {
    dir: "muldjord/internal_degeneration",
    package: "fretsonfire-songs-muldjord",
    drums: [
      [23, 84],
      [94, 135],
      [156, 216],
    ],
    noDrums: [],
    noGuitarInBacking: [],
    notes: "intro (1-20 s) and breaks (84-94, 136-156, 216-222 s) are band stabs with crashes and chords: left out",
  },
  {
    dir: "muldjord/mutilated_mime",
    package: "fretsonfire-songs-muldjord",
    drums: [
      [24, 37],
      [49, 57],
      [60, 81],
      [83, 104],
      [107, 128],
      [131, 152],
      [163, 185],
    ],
    noDrums: [],
    noGuitarInBacking: [],
    notes:
      "0-14 s a metallic repeated pattern (ride bell or synth: unclear) left out; 38-48 s palm-muted chugs cut off at 5 kHz in the backing = rhythm guitar",
  },
  {
    dir: "sectoid/Escape from chaosland",
    package: "fretsonfire-songs-sectoid",
    drums: [
      [0, 71],
      [77, 156],
      [162, 199],
    ],
    noDrums: [],
    noGuitarInBacking: [],
    notes:
      "kit from the first second; 71.5-76.5 and 156.5-161.5 s the strokes vanish above 5 kHz: left out; the drum-only intro shows faint tonal lines at 0.7-1 kHz, so it is not claimed guitar-free",
  },
  {
    dir: "sectoid/Feelings",
    package: "fretsonfire-songs-sectoid",
    drums: [
      [46, 172],
      [191, 278],
    ],
    noDrums: [
      [3, 45],
      [173, 189],
    ],
    noGuitarInBacking: [],
    notes:
      "3-45 s sustained keyboard/pad chords and a bass line, kit enters with a crash at 45.8 s; slow backbeat (snare about every 1.2 s); 173-189 s plucked arpeggios (guitar or keys: not claimed guitar-free), no strokes",
  },
  {
    dir: "sectoid/Metal madness",
    package: "fretsonfire-songs-sectoid",
    drums: [
      [0, 109],
      [119, 134],
    ],
    noDrums: [],
    noGuitarInBacking: [[0, 5]],
    notes:
      "0-5.6 s kick, snare and hats over one held bass note near 80 Hz (no harmonics above 300 Hz): kit and bass only; 109.5-118.5 s a break left out",
  },
  {
    dir: "sectoid/War of freedom",
    package: "fretsonfire-songs-sectoid",
    drums: [
      [14, 51],
      [55, 165],
    ],
    noDrums: [[0, 13]],
    noGuitarInBacking: [],
    notes:
      "0-13.7 s short plucked notes below 4 kHz (muted bass or guitar: not claimed guitar-free), nothing above 4 kHz; 51.5-54.5 s a near-silent gap left out",
  },
];

/** Classes every Wesnoth track below was checked to lack. */
export const WESNOTH_ABSENT: readonly string[] = ["drums", "electric-bass", "distorted-guitar", "clean-guitar", "acoustic-guitar", "tabla"];

/** One orchestral Wesnoth track, checked whole. */
export interface WesnothTrack {
  readonly file: string;
  readonly notes: string;
}

/**
 * Wesnoth tracks with no drum kit and no guitar, checked over their whole length. Left out after
 * checking: battle (march-like snare patterns), legends_of_the_north, northerners,
 * the_dangerous_symphony and the_king_is_dead (steady stroke patterns that could be a kit),
 * elvish-theme and silvan_sanctuary (plucked textures that could be a guitar or lute).
 */
export const WESNOTH_TRACKS: readonly WesnothTrack[] = [
  { file: "love_theme.ogg", notes: "strings and winds, sustained; no strokes" },
  { file: "sad.ogg", notes: "string swells only" },
  { file: "transience.ogg", notes: "sustained chords changing every 4 s" },
  { file: "revelation.ogg", notes: "low sustained drone and strings, then held high tones" },
  { file: "underground.ogg", notes: "low swells every 4 s, soft noise at each swell (orchestral percussion); no pulse" },
  {
    file: "heroes_rite.ogg",
    notes: "orchestra with cymbal swells and irregular crashes and hits (orchestral percussion); no hi-hat or backbeat",
  },
  {
    file: "journeys_end.ogg",
    notes: "held tone over paired low thumps (bass drum or timpani), later orchestra with a high jingle (triangle or glockenspiel)",
  },
];

/** A short recording of one instrument (several files of the same instrument are joined end to end). */
export interface Clip {
  readonly id: string;
  readonly source: "lmms" | "sonic-pi";
  /** Files relative to the source's root, joined in this order. */
  readonly files: readonly string[];
  /** Classes that play over the recording's active seconds. */
  readonly positives: readonly string[];
  /** Classes not claimed either way; every other class is negative. */
  readonly unknown: readonly string[];
  readonly notes: string;
}

/** Single-instrument recordings from lmms-common and sonic-pi-samples. */
export const CLIPS: readonly Clip[] = [
  { id: "lmms-cello", source: "lmms", files: ["instruments/cello01.ogg"], positives: ["cello"], unknown: [], notes: "one bowed note" },
  {
    id: "lmms-violin",
    source: "lmms",
    files: ["instruments/violin_fingered01.ogg", "instruments/violin_double_stop01.ogg", "instruments/violin_pizzicato01.ogg"],
    positives: ["violin"],
    unknown: [],
    notes: "solo violin: not a string section",
  },
  {
    id: "lmms-flute",
    source: "lmms",
    files: ["instruments/flute01.ogg"],
    positives: ["flute"],
    unknown: [],
    notes: "one held note with breath noise",
  },
  {
    id: "lmms-piano",
    source: "lmms",
    files: ["instruments/piano01.ogg", "instruments/piano02.ogg"],
    positives: ["piano"],
    unknown: [],
    notes: "struck notes decaying",
  },
  {
    id: "lmms-electric-piano",
    source: "lmms",
    files: ["instruments/e_piano_accord01.ogg", "instruments/e_piano_accord02.ogg"],
    positives: ["electric-piano"],
    unknown: [],
    notes: "chords with a tine-like bell attack",
  },
  {
    id: "lmms-organ",
    source: "lmms",
    files: ["instruments/e_organ01.ogg"],
    positives: ["organ"],
    unknown: ["synth"],
    notes: "steady drawbar-like harmonics; could be a synth emulation, so synth is not claimed",
  },
  {
    id: "lmms-slap-bass",
    source: "lmms",
    files: ["instruments/bassslap01.ogg", "instruments/bassslap02.ogg"],
    positives: ["electric-bass"],
    unknown: [],
    notes: "slapped electric bass",
  },
  {
    id: "lmms-acoustic-guitar",
    source: "lmms",
    files: ["instruments/steel_guitar01.ogg", "latin/latin_guitar01.ogg", "latin/latin_guitar02.ogg", "latin/latin_guitar03.ogg"],
    positives: ["acoustic-guitar"],
    unknown: ["clean-guitar"],
    notes: "a steel-string chord and nylon-string latin strumming; clean electric not ruled out by spectrogram",
  },
  {
    id: "lmms-distorted-guitar",
    source: "lmms",
    files: ["instruments/steel_guitar_medium_distorted01.ogg", "instruments/steel_guitar_heavy_distorted01.ogg"],
    positives: ["distorted-guitar"],
    unknown: ["acoustic-guitar", "clean-guitar"],
    notes: "the steel_guitar01 chord through distortion (dense harmonics to 10 kHz)",
  },
  {
    id: "lmms-synth",
    source: "lmms",
    files: [
      "stringsnpads/juno_pad01.ogg",
      "stringsnpads/korg_poly6_drone01.ogg",
      "stringsnpads/nord_ambient01.ogg",
      "basses/matrix1000_pluck01.ogg",
      "bassloops/tb303_01.ogg",
    ],
    positives: ["synth"],
    unknown: ["strings", "organ", "electric-piano"],
    notes: "named hardware synths (Juno, Poly-6, Nord, Matrix-1000, TB-303); pads may imitate strings or organ",
  },
  {
    id: "lmms-drums",
    source: "lmms",
    files: ["beats/break01.ogg", "beats/break02.ogg", "beats/break03.ogg", "beats/jungle01.ogg"],
    positives: ["drums"],
    unknown: [],
    notes: "acoustic breakbeat loops (kick, snare, hats); provenance not stated",
  },
  {
    id: "sp-guitar",
    source: "sonic-pi",
    files: ["guit_em9.flac", "guit_e_fifths.flac", "guit_e_slide.flac", "guit_harmonics.flac"],
    positives: ["clean-guitar"],
    unknown: ["acoustic-guitar"],
    notes: "electric guitar phrases (sonic-pi's guit_*), undistorted",
  },
  { id: "sp-piano", source: "sonic-pi", files: ["ambi_piano.flac"], positives: ["piano"], unknown: [], notes: "a soft low chord" },
  {
    id: "sp-drums",
    source: "sonic-pi",
    files: drumOneShots(),
    positives: ["drums"],
    unknown: [],
    notes: "acoustic kit one-shots (menegass, Zajo, Heigh-hoo on Freesound) joined: kick, snare, toms, hats, cymbals, a snare roll",
  },
  {
    id: "sp-tabla",
    source: "sonic-pi",
    files: ["loop_tabla.flac"],
    positives: ["tabla"],
    unknown: [],
    notes: "a tabla loop by lezaarth; training uses sonic-pi's tabla_* one-shots (dio_333), a different player and recording",
  },
  {
    id: "sp-choir",
    source: "sonic-pi",
    files: ["ambi_choir.flac"],
    positives: ["vocalists"],
    unknown: ["male-singer", "female-singer"],
    notes: "a sung choir 'aah'",
  },
];

/** sonic-pi's acoustic drum one-shots (drum_*), without the cowbell (not a kit piece everywhere). */
function drumOneShots(): string[] {
  return [
    "bass_hard",
    "bass_soft",
    "heavy_kick",
    "snare_hard",
    "snare_soft",
    "tom_hi_hard",
    "tom_hi_soft",
    "tom_mid_hard",
    "tom_mid_soft",
    "tom_lo_hard",
    "tom_lo_soft",
    "cymbal_closed",
    "cymbal_pedal",
    "cymbal_open",
    "cymbal_soft",
    "cymbal_hard",
    "splash_soft",
    "splash_hard",
    "roll",
  ].map((n) => `drum_${n}.flac`);
}
