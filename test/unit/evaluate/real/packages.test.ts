/**
 * The development set's packages: a missing one stops a non-root run with one line naming the exact
 * apt-get command; as root it is installed (apt-get update once if the first install fails).
 * apt-get itself is replaced by a recorder, so nothing is installed here.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../../../src/errors.js";
import { setLogWriter } from "../../../../src/log.js";
import type { LogWriter } from "../../../../src/log.js";
import { DEBIAN_ROOTS, DEV_SET_PACKAGES, ensurePackages, missingPackages } from "../../../../src/evaluate/real/packages.js";
import type { SourceRoots } from "../../../../src/evaluate/real/packages.js";
import { tempDir } from "../../../helpers/audio-files.js";

/** Empty roots: every package looks missing. */
function emptyRoots(): SourceRoots {
  const base = tempDir("timbrescope-real-pkg-");
  return { fof: join(base, "fof"), wesnoth: join(base, "wes"), lmms: join(base, "lmms"), "sonic-pi": join(base, "sp") };
}

/** Puts every marker file of `sources` under `roots`, as if the packages were installed. */
function install(roots: SourceRoots, names: readonly string[]): void {
  for (const p of DEV_SET_PACKAGES.filter((k) => names.includes(k.name))) {
    const path = join(roots[p.source], p.marker);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, "");
  }
}

describe("ensurePackages", () => {
  // ensurePackages logs what it installs; keep the test output quiet.
  let prev: LogWriter | undefined;
  beforeAll(() => {
    prev = setLogWriter(() => undefined);
  });
  afterAll(() => {
    if (prev !== undefined) setLogWriter(prev);
  });

  it("names exactly the five packages the data partition allows", () => {
    expect(DEV_SET_PACKAGES.map((p) => p.name).sort()).toEqual([
      "fretsonfire-songs-muldjord",
      "fretsonfire-songs-sectoid",
      "lmms-common",
      "sonic-pi-samples",
      "wesnoth-1.16-music",
    ]);
  });

  it("refuses a missing package with one line naming the apt-get command when not root", () => {
    const roots = emptyRoots();
    install(roots, ["fretsonfire-songs-muldjord"]);
    let err: unknown;
    try {
      ensurePackages(["fof", "wesnoth"], roots, {
        isRoot: () => false,
        run: () => {
          throw new Error("must not run apt-get");
        },
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const msg = (err as Error).message;
    expect(msg).not.toContain("\n");
    expect(msg).toContain("apt-get install -y --no-install-recommends fretsonfire-songs-sectoid wesnoth-1.16-music");
    expect(msg).toMatch(
      /^the real-music development set needs Debian packages that are not installed \(fretsonfire-songs-sectoid, wesnoth-1\.16-music\)/,
    );
  });

  it("installs as root, running apt-get update once when the first install fails", () => {
    const roots = emptyRoots();
    const calls: string[] = [];
    let installs = 0;
    ensurePackages(["sonic-pi"], roots, {
      isRoot: () => true,
      run: (cmd, args) => {
        calls.push([cmd, ...args].join(" "));
        if (args[0] !== "install") return 0;
        installs++;
        if (installs === 1) return 100; // stale package lists
        install(roots, ["sonic-pi-samples"]);
        return 0;
      },
    });
    expect(calls).toEqual([
      "apt-get install -y --no-install-recommends sonic-pi-samples",
      "apt-get update",
      "apt-get install -y --no-install-recommends sonic-pi-samples",
    ]);
    expect(missingPackages(["sonic-pi"], roots)).toEqual([]);
    expect(() => ensurePackages(["lmms"], roots, { isRoot: () => true, run: () => 100 })).toThrow(
      /^could not install lmms-common: `apt-get install -y --no-install-recommends lmms-common` failed/,
    );
  });

  it("does nothing when the packages are there", () => {
    const roots = emptyRoots();
    install(
      roots,
      DEV_SET_PACKAGES.map((p) => p.name),
    );
    expect(() => ensurePackages(["fof", "wesnoth", "lmms", "sonic-pi"], roots, { isRoot: () => false })).not.toThrow();
    expect(Object.keys(DEBIAN_ROOTS).sort()).toEqual(["fof", "lmms", "sonic-pi", "wesnoth"]);
  });
});
