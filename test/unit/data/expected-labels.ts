/**
 * Reads the "Expected 1 s labels" table of the multitrack fixtures' README (computed there by a
 * direct numpy implementation of the rule, no label map). Parsed at test time so the expected
 * numbers are the fixture's own, never copied or regenerated.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ANNOTATIONS } from "../../helpers/fixtures.js";

export const MEDLEYDB_ROOT = resolve(ANNOTATIONS, "medleydb");
export const MIXING_SECRETS_ROOT = resolve(ANNOTATIONS, "mixing_secrets");

export interface ExpectedTrack {
  track: string;
  /** `v2`, `original` or `ms`. */
  ac: string;
  rows: number;
  windows: number;
  windowsWithClass: number;
  /** class label -> active windows (classes never active are absent). */
  perClass: Map<string, number>;
}

/** The rows of the README table, in file order. */
export function expectedLabelTable(): ExpectedTrack[] {
  const text = readFileSync(resolve(ANNOTATIONS, "README.md"), "utf8");
  const section = text.split("## Expected 1 s labels")[1];
  if (section === undefined) throw new Error("README has no 'Expected 1 s labels' section");
  const out: ExpectedTrack[] = [];
  for (const line of section.split("\n")) {
    const m = /^\| `([^`]+)` \| (\w+) \| (\d+) \| (\d+) \| (\d+) \| (.*) \|$/.exec(line.trim());
    if (m === null) continue;
    const perClass = new Map<string, number>();
    const list = m[6] ?? "";
    if (list !== "none of the 18") {
      for (const part of list.split(", ")) {
        const pm = /^(.+) (\d+)$/.exec(part.trim());
        if (pm === null) throw new Error(`cannot parse "${part}" in README row ${m[1]}`);
        perClass.set(pm[1] as string, Number(pm[2]));
      }
    }
    out.push({
      track: m[1] as string,
      ac: m[2] as string,
      rows: Number(m[3]),
      windows: Number(m[4]),
      windowsWithClass: Number(m[5]),
      perClass,
    });
  }
  return out;
}
