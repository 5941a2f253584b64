/**
 * The Debian packages the real-music development set is built from, where they put their audio,
 * and making sure they are there. Audio is never committed: the set is rebuilt from these packages
 * every run. Missing packages are installed when we run as root (apt-get, with one `apt-get update`
 * if the first try fails); otherwise the run stops with one line naming the exact command.
 *
 * Data partition: only these five packages may feed the development set. The training corpus uses
 * other real material (Salamander piano, Hydrogen kits, guitarix, game music of other packages),
 * and some packages are reserved for an independent test (see docs/real-audio-sources.md).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../../errors.js";
import { log } from "../../log.js";

/** The four groups of the development set. */
export type SourceId = "fof" | "wesnoth" | "lmms" | "sonic-pi";

/** Every source id, in report order. */
export const SOURCE_IDS: readonly SourceId[] = ["fof", "wesnoth", "lmms", "sonic-pi"];

/** One Debian package and what it holds for us. */
export interface DevSetPackage {
  readonly name: string;
  readonly source: SourceId;
  /** Licence of the audio, from the package's copyright file. */
  readonly licence: string;
  /** A file the package installs, relative to its source's root: present iff the package is installed. */
  readonly marker: string;
}

/** The packages of the development set (the only ones it may use). */
export const DEV_SET_PACKAGES: readonly DevSetPackage[] = [
  { name: "fretsonfire-songs-muldjord", source: "fof", licence: "CC BY-SA 3.0", marker: "muldjord/armygeddon/guitar.ogg" },
  { name: "fretsonfire-songs-sectoid", source: "fof", licence: "MIT-style (Expat)", marker: "sectoid/Feelings/guitar.ogg" },
  { name: "wesnoth-1.16-music", source: "wesnoth", licence: "GPL-2+", marker: "love_theme.ogg" },
  { name: "lmms-common", source: "lmms", licence: "GPL-2+ (sample provenance not stated)", marker: "instruments/cello01.ogg" },
  { name: "sonic-pi-samples", source: "sonic-pi", licence: "CC0 (Freesound sources listed in its README.md)", marker: "loop_tabla.flac" },
];

/** Folder each source's files are relative to. */
export type SourceRoots = Readonly<Record<SourceId, string>>;

/** Where the Debian packages install their audio. */
export const DEBIAN_ROOTS: SourceRoots = {
  fof: "/usr/share/games/fretsonfire/data/songs",
  wesnoth: "/usr/share/games/wesnoth/1.16/data/core/music",
  lmms: "/usr/share/lmms/samples",
  "sonic-pi": "/usr/share/sonic-pi/samples",
};

/** How packages get installed; tests replace both. */
export interface InstallDeps {
  /** True when this process may run apt-get. Default: effective uid 0. */
  readonly isRoot?: () => boolean;
  /** Runs a command, returning its exit status (inheriting stdio). Default: spawnSync. */
  readonly run?: (cmd: string, args: readonly string[]) => number;
}

const defaultIsRoot = (): boolean => process.geteuid?.() === 0;
const defaultRun = (cmd: string, args: readonly string[]): number =>
  spawnSync(cmd, [...args], { stdio: ["ignore", "inherit", "inherit"] }).status ?? 1;

/** The packages of `sources` whose marker file is missing under `roots`. */
export function missingPackages(sources: readonly SourceId[], roots: SourceRoots = DEBIAN_ROOTS): DevSetPackage[] {
  return DEV_SET_PACKAGES.filter((p) => sources.includes(p.source) && !existsSync(join(roots[p.source], p.marker)));
}

/** The install command for `names`, as a user would type it. */
export function aptInstallCommand(names: readonly string[]): string {
  return `apt-get install -y --no-install-recommends ${names.join(" ")}`;
}

/**
 * Makes sure the packages of `sources` are installed. As root, installs the missing ones (running
 * `apt-get update` once if the first install fails); otherwise throws a one-line UserError naming
 * the command to run.
 * @throws UserError when packages are missing and cannot be installed here
 */
export function ensurePackages(sources: readonly SourceId[], roots: SourceRoots = DEBIAN_ROOTS, deps: InstallDeps = {}): void {
  const missing = missingPackages(sources, roots).map((p) => p.name);
  if (missing.length === 0) return;
  const command = aptInstallCommand(missing);
  if (!(deps.isRoot ?? defaultIsRoot)()) {
    throw new UserError(
      `the real-music development set needs Debian packages that are not installed (${missing.join(", ")}): run as root: ${command}`,
    );
  }
  const run = deps.run ?? defaultRun;
  const args = ["install", "-y", "--no-install-recommends", ...missing];
  log.info(`installing ${missing.join(", ")} (${command})`);
  if (run("apt-get", args) !== 0) {
    log.info("apt-get install failed; running apt-get update once and trying again");
    if (run("apt-get", ["update"]) !== 0 || run("apt-get", args) !== 0) {
      throw new UserError(`could not install ${missing.join(", ")}: \`${command}\` failed (see apt-get's output above)`);
    }
  }
  const still = missingPackages(sources, roots).map((p) => p.name);
  if (still.length > 0)
    throw new UserError(`installed ${still.join(", ")} but their audio is not under the expected folders: is this Debian bookworm?`);
}
