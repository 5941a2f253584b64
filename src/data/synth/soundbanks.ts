/**
 * Sound banks the generator can play: General MIDI SoundFonts from Debian main and single-kit
 * drum SoundFonts (docs/synthetic-data.md §3). `--soundfonts` takes names from
 * {@link KNOWN_BANKS} or paths to .sf2/.sf3 files; the name of the bank each stem used is written
 * to the metadata, so a test split can be built from banks never heard in training (e.g. train on
 * fluidr3,timgm6mb,avl-red-zeppelin and test on musescore,avl-black-pearl).
 *
 * Banks are parsed once per process and shared by every track (FluidR3 takes ~0.9 s to parse).
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import { SoundBankLoader, type BasicSoundBank } from "spessasynth_core";
import { UserError } from "../../errors.js";

export type { BankInfo } from "./soundbank-list.js";
export { DEFAULT_BANK_NAMES, KNOWN_BANKS } from "./soundbank-list.js";
import type { BankInfo } from "./soundbank-list.js";
import { DEFAULT_BANK_NAMES, KNOWN_BANKS } from "./soundbank-list.js";

/** The installed default banks; throws UserError naming the packages when none is installed. */
export function defaultBankNames(): string[] {
  const known = DEFAULT_BANK_NAMES.map((n) => KNOWN_BANKS.find((b) => b.name === n)).filter((b): b is BankInfo => b !== undefined);
  const installed = known.filter((b) => existsSync(b.path)).map((b) => b.name);
  if (installed.length === 0) {
    throw new UserError(
      `no General MIDI SoundFont found: apt-get install --no-install-recommends ${known.map((b) => b.pkg).join(" ")} (or pass --soundfonts)`,
    );
  }
  return installed;
}

/**
 * Resolves a `--soundfonts` list (names or file paths) to bank descriptions. Throws UserError for
 * an unknown name, a missing file, or a list without any GM bank (melodic parts need one).
 */
export function resolveBanks(specs: readonly string[]): BankInfo[] {
  const out: BankInfo[] = [];
  for (const raw of specs) {
    const spec = raw.trim();
    if (spec === "") continue;
    const known = KNOWN_BANKS.find((b) => b.name === spec.toLowerCase());
    let info: BankInfo;
    if (known !== undefined) {
      info = known;
      if (!existsSync(info.path)) {
        throw new UserError(
          `--soundfonts: bank "${spec}" needs ${info.path} (${info.install ?? `apt-get install --no-install-recommends ${info.pkg}`})`,
        );
      }
    } else if (/\.sf[23]$/i.test(spec)) {
      if (!existsSync(spec)) throw new UserError(`--soundfonts: file not found: ${spec}`);
      const name = basename(spec, extname(spec))
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-");
      info = { name, path: spec, kind: "gm", pkg: "(file)" };
    } else {
      const names = KNOWN_BANKS.map((b) => b.name).join(", ");
      throw new UserError(`--soundfonts: expected a bank name (${names}) or a .sf2/.sf3 path, got "${spec}"`);
    }
    if (!out.some((b) => b.name === info.name)) out.push(info);
  }
  // A file given by path that holds a single preset is a drum kit (like the AVL kits).
  const resolved = out.map((b) => (b.pkg === "(file)" && loadBank(b).presets.length === 1 ? { ...b, kind: "kit" as const } : b));
  if (!resolved.some((b) => b.kind === "gm")) {
    throw new UserError(`--soundfonts: need at least one General MIDI bank, got only drum kits (${specs.join(",")})`);
  }
  return resolved;
}

const loaded = new Map<string, BasicSoundBank>();

/** Parses a bank (once per process). */
export function loadBank(info: BankInfo): BasicSoundBank {
  let bank = loaded.get(info.path);
  if (bank === undefined) {
    const buf = readFileSync(info.path);
    try {
      bank = SoundBankLoader.fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    } catch (err) {
      throw new UserError(`${info.path}: not a readable SoundFont (${err instanceof Error ? err.message : String(err)})`);
    }
    loaded.set(info.path, bank);
  }
  return bank;
}

/**
 * Whether `bank` has the preset: a drum kit `program` when `drums`, else (bankNumber, program).
 * Used to fall back to the plain GM patch when a bank lacks a variation or a kit.
 */
export function hasPreset(bank: BasicSoundBank, bankNumber: number, program: number, drums: boolean): boolean {
  return bank.presets.some((p) =>
    drums ? p.isGMGSDrum && p.program === program : !p.isGMGSDrum && p.bankMSB === bankNumber && p.program === program,
  );
}
