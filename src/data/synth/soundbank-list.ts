/**
 * The sound banks known by name (Debian packages), apart from the loader in soundbanks.ts so that
 * `synth --help` and CLI start-up do not load the SoundFont library.
 */

/** A bank that plays every GM program (`gm`) or one drum kit on program 0 (`kit`). */
export interface BankInfo {
  /** Short name recorded in the metadata. */
  readonly name: string;
  readonly path: string;
  readonly kind: "gm" | "kit";
  /** Debian package that provides it (for error messages). */
  readonly pkg: string;
}

/** Banks known by name, with the Debian package that installs each. */
export const KNOWN_BANKS: readonly BankInfo[] = [
  { name: "fluidr3", path: "/usr/share/sounds/sf2/FluidR3_GM.sf2", kind: "gm", pkg: "fluid-soundfont-gm" },
  { name: "timgm6mb", path: "/usr/share/sounds/sf2/TimGM6mb.sf2", kind: "gm", pkg: "timgm6mb-soundfont" },
  { name: "fluidr3mono", path: "/usr/share/sounds/sf3/FluidR3Mono_GM.sf3", kind: "gm", pkg: "fluidr3mono-gm-soundfont" },
  { name: "csound", path: "/usr/share/sounds/sf2/sf_GMbank.sf2", kind: "gm", pkg: "csound-soundfont" },
  { name: "opl3", path: "/usr/share/sounds/sf2/OPL-3_FM_128M.sf2", kind: "gm", pkg: "opl3-soundfont" },
  { name: "musescore", path: "/usr/share/sounds/sf3/MuseScore_General_Full.sf3", kind: "gm", pkg: "musescore-general-soundfont" },
  { name: "musescore-lossless", path: "/usr/share/sounds/sf2/MuseScore_General_Full.sf2", kind: "gm", pkg: "musescore-general-soundfont-lossless" },
  { name: "avl-black-pearl", path: "/usr/share/sounds/sf2/Black_Pearl_4_LV2.sf2", kind: "kit", pkg: "avldrums.lv2-soundfont" },
  { name: "avl-red-zeppelin", path: "/usr/share/sounds/sf2/Red_Zeppelin_4_LV2.sf2", kind: "kit", pkg: "avldrums.lv2-soundfont" },
];

/** Default `--soundfonts`: the training-side banks of notes §11 (those installed are used). */
export const DEFAULT_BANK_NAMES: readonly string[] = ["fluidr3", "timgm6mb"];
