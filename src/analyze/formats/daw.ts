/**
 * Exports for DAWs and editors, one label per active segment of each instrument:
 * - Audacity label track (File > Import > Labels): `start<TAB>end<TAB>label` lines, seconds.
 * - REAPER region list (View > Region/Marker Manager > Options > Import): a CSV whose header is
 *   `#,Name,Start,End,Length`, region ids `R1`, `R2`, ..., times as `m:ss.mmm`. REAPER writes
 *   these times in the ruler's format (measures.beats by default); ours is its Minutes:Seconds
 *   format, which needs no tempo map. Not verified inside REAPER itself here: if an import lands
 *   wrong, set the ruler/time format to Minutes:Seconds first.
 */
import type { FileAnalysis } from "../rows.js";
import { csvField } from "./data.js";
import { displayName } from "./table.js";

/** Audacity label track text for one file. */
export function formatAudacity(a: FileAnalysis): string {
  return a.segments.map((s) => `${s.startSec.toFixed(6)}\t${s.endSec.toFixed(6)}\t${displayName(a.labels[s.column] as string)}\n`).join("");
}

/** `m:ss.mmm` for seconds (minutes unbounded, as REAPER writes them). */
export function reaperTime(sec: number): string {
  const ms = Math.round(sec * 1000);
  const m = Math.floor(ms / 60000);
  const s = ((ms % 60000) / 1000).toFixed(3).padStart(6, "0");
  return `${m}:${s}`;
}

/** REAPER region CSV for one file. */
export function formatReaper(a: FileAnalysis): string {
  const lines = ["#,Name,Start,End,Length"];
  a.segments.forEach((s, i) => {
    lines.push(
      [
        `R${i + 1}`,
        csvField(displayName(a.labels[s.column] as string)),
        reaperTime(s.startSec),
        reaperTime(s.endSec),
        reaperTime(s.endSec - s.startSec),
      ].join(","),
    );
  });
  return lines.map((l) => l + "\n").join("");
}
