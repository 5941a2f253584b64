/**
 * The development-set report: a JSON document (schema "timbrescope-real-eval", version 1) and the
 * table `eval-real` prints. Both carry the model id, the seconds per source, the headline figures
 * (electric-guitar AUC, drum-set false positives on orchestral seconds) and every class's AUC and
 * false-positive rate.
 */
import type { FpCount } from "./metrics.js";
import { DEV_SET_PACKAGES, SOURCE_IDS } from "./packages.js";
import type { SourceId } from "./packages.js";
import type { RealEvalResult } from "./run.js";

/** Schema name and version of the JSON report. */
export const REAL_EVAL_SCHEMA = { name: "timbrescope-real-eval", version: 1 } as const;

/** Caveats printed and stored next to the figures they concern. */
export const REAL_EVAL_NOTES: Readonly<Record<string, string>> = {
  electricGuitar:
    "score = max(distorted, clean); positives = Frets on Fire seconds where the guitar stem is active (MedleyDB activation confidence >= 0.5); negatives = seconds checked to hold no electric guitar",
  tabla:
    "tabla positives are sonic-pi's loop_tabla (lezaarth on Freesound); training uses sonic-pi's tabla_* one-shots (dio_333), another player and recording from the same package",
  thresholds: "false positive = score >= the model's own threshold from manifest.json, on seconds where the class is known absent",
};

/** Seconds with at least one known label, per source (sources not run are 0). */
export function secondsBySource(r: RealEvalResult): Record<SourceId, number> {
  const out = Object.fromEntries(SOURCE_IDS.map((s) => [s, 0])) as Record<SourceId, number>;
  for (const rec of r.recordings) out[rec.source] += rec.labelledSeconds;
  return out;
}

/** The JSON report (a plain object; stringify it to write). */
export function realEvalJson(r: RealEvalResult, sources: readonly SourceId[], now: Date = new Date()): Record<string, unknown> {
  const f = r.figures;
  const bySource = secondsBySource(r);
  return {
    schema: REAL_EVAL_SCHEMA.name,
    schemaVersion: REAL_EVAL_SCHEMA.version,
    createdAt: now.toISOString(),
    model: { id: r.modelId, dir: r.modelDir },
    sources,
    elapsedSec: round(r.elapsedSec, 1),
    set: {
      labelledSeconds: Object.values(bySource).reduce((s, v) => s + v, 0),
      secondsBySource: bySource,
      packages: DEV_SET_PACKAGES.filter((p) => sources.includes(p.source)).map((p) => ({ name: p.name, licence: p.licence })),
      recordings: r.recordings,
    },
    electricGuitar: f.electricGuitar,
    drumsOnOrchestral: f.drumsOnOrchestral,
    meanAuc: f.meanAuc,
    nDefinedAuc: f.nDefinedAuc,
    perClass: Object.fromEntries(f.perClass.map(({ id, ...rest }) => [id, rest])),
    notes: REAL_EVAL_NOTES,
  };
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
const int = (n: number): string => n.toLocaleString("en-US");
const auc = (a: number | null): string => (a === null ? "-" : a.toFixed(3));
const fp = (c: FpCount): string => (c.rate === null ? "-" : `${(100 * c.rate).toFixed(1)}% (${c.count}/${c.n})`);

/** The human-readable report, one string per line. */
export function realEvalTable(r: RealEvalResult): string[] {
  const f = r.figures;
  const bySource = secondsBySource(r);
  const total = Object.values(bySource).reduce((s, v) => s + v, 0);
  const eg = f.electricGuitar;
  const lines = [
    `model: ${r.modelId} (${r.modelDir})`,
    `set: ${int(total)} labelled seconds (${SOURCE_IDS.map((s) => `${s} ${int(bySource[s])}`).join(", ")}) in ${r.recordings.length} recordings`,
    "",
    `electric guitar, max(distorted, clean): AUC ${auc(eg.auc)} (${int(eg.positivesFof)} Frets on Fire guitar seconds vs ${int(eg.negatives)} without electric guitar; ` +
      `all ${int(eg.positivesAll)} positives: ${auc(eg.aucAllPositives)}); false positives ${fp(eg.fp)}`,
    ...(eg.bySong.length === 0
      ? []
      : [
          `  per song (median score, AUC vs all negatives): ${eg.bySong.map((s) => `${s.id.replace(/^fof-/, "")} ${s.median.toFixed(2)} ${auc(s.auc)}`).join(", ")}`,
        ]),
    `drum set on drum-free orchestral seconds (Wesnoth): false positives ${fp(f.drumsOnOrchestral)}`,
    "",
    `${"class".padEnd(18)}${"pos s".padStart(7)}${"neg s".padStart(7)}${"AUC".padStart(8)}${"thresh".padStart(8)}  ${"FP (all negatives)".padEnd(22)}FP (orchestral)`,
  ];
  for (const c of f.perClass) {
    lines.push(
      `${c.id.padEnd(18)}${String(c.positives).padStart(7)}${String(c.negatives).padStart(7)}${auc(c.auc).padStart(8)}${c.threshold.toFixed(3).padStart(8)}  ${fp(c.fp).padEnd(22)}${fp(c.fpBySource.wesnoth)}`,
    );
  }
  lines.push("", `mean AUC over the ${f.nDefinedAuc} classes with both labels: ${auc(f.meanAuc)}`);
  const tabla = f.perClass.find((c) => c.id === "tabla");
  if (tabla !== undefined && tabla.positives > 0) lines.push(`tabla: ${REAL_EVAL_NOTES["tabla"] ?? ""}`);
  return lines;
}
