/**
 * report.html: one self-contained page (inline CSS and SVG, no scripts, no external files) with
 * the paper's figures and tables for every evaluated model, readable without report.json.
 */
import { aucPerClassSpec, confusionSpec, historySpec, lrapSpec, renderSvg } from "./report-charts.js";
import type { EvaluationReport, ModelReport } from "./report-data.js";
import { resolutionLabel, shortLabels } from "./report-data.js";

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const num = (v: number | null | undefined, digits = 3): string =>
  v === null || v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(digits);

const CSS = `
body{font-family:Helvetica,Arial,sans-serif;margin:24px auto;max-width:1100px;color:#222;line-height:1.4}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}h3{font-size:15px;margin-top:22px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:12px}th,td{border:1px solid #ccc;padding:3px 7px;text-align:right}
th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}.fig{margin:12px 0;overflow-x:auto}.note{color:#666;font-size:12px}
`;

function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join("");
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("\n");
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

/** Table 3: mean AUC per resolution (rows) and model (columns). */
function meanAucTable(models: readonly ModelReport[]): string {
  const res = models[0]?.resolutions.map((r) => r.resolution) ?? [];
  return table(
    ["resolution", ...models.map((m) => m.name)],
    res.map((r, i) => [
      resolutionLabel(r),
      ...models.map((m) => num((m.resolutions[i]?.meanAuc ?? null) === null ? null : (m.resolutions[i]?.meanAuc as number) * 100, 2)),
    ]),
  );
}

function lrapTable(models: readonly ModelReport[]): string {
  return table(
    [
      "model",
      ...(models[0]?.resolutions.flatMap((r) => [`micro ${resolutionLabel(r.resolution)}`, `macro ${resolutionLabel(r.resolution)}`]) ??
        []),
    ],
    models.map((m) => [m.name, ...m.resolutions.flatMap((r) => [num(r.lrapMicro), num(r.lrapMacro)])]),
  );
}

function vocalsTable(m: ModelReport): string {
  if (m.vocals.length === 0) return `<p class="note">No Table 4: the model lacks the male singer / female singer / vocalists classes.</p>`;
  return table(
    ["", ...m.vocals.map((v) => resolutionLabel(v.resolution))],
    [
      ["Average AUC (ms, fs, vox)", ...m.vocals.map((v) => num(v.averageAuc))],
      ["AUC vocals (pooled)", ...m.vocals.map((v) => num(v.pooledAuc))],
    ],
  );
}

function prfTable(m: ModelReport): string {
  const names = shortLabels(m.labels);
  const p = m.prf;
  const rows = m.labels.map((l, c) => [
    `${names[c] ?? l}${names[c] === l ? "" : ` (${l})`}`,
    num(m.thresholds[c]),
    num(p.precision[c]),
    num(p.recall[c]),
    num(p.f1[c]),
    String(p.support[c] ?? 0),
    num(m.resolutions[0]?.aucPerClass[c] ?? null),
  ]);
  rows.push(["micro", "", num(p.micro.precision), num(p.micro.recall), num(p.micro.f1), "", ""]);
  rows.push(["macro", "", num(p.macro.precision), num(p.macro.recall), num(p.macro.f1), "", ""]);
  return table(["class", "threshold", "precision", "recall", "F1", "support (1 s)", "AUC (1 s)"], rows);
}

function infoList(m: ModelReport): string {
  const items = Object.entries(m.info).map(([k, v]) => `<b>${esc(k)}</b>: ${esc(v === null ? "–" : String(v))}`);
  items.push(`<b>test tracks</b>: ${m.tracks}`, `<b>1 s windows</b>: ${m.windows}`);
  return `<p>${items.join(" · ")}</p>`;
}

/** Renders the whole page. */
export async function renderReportHtml(report: EvaluationReport): Promise<string> {
  const parts: string[] = [];
  const src = Object.entries(report.source)
    .map(([k, v]) => `<b>${esc(k)}</b>: ${esc(Array.isArray(v) ? v.join(", ") : String(v))}`)
    .join(" · ");
  parts.push(`<h1>timbrescope evaluation report</h1><p class="note">Created ${esc(report.createdAt)} · ${src}</p>`);
  parts.push(
    `<p class="note">Metrics as in Gururani, Summers &amp; Lerch (ISMIR 2018): predictions and labels max-pooled over 1 s / 5 s / 10 s / whole track (§3.3); LRAP micro over all windows, macro per track then averaged (§4.3.1); ROC AUC per class, mean over defined classes (§4.3.2); precision/recall/F1 and the confusion matrix at 1 s with each model's validation-tuned thresholds (§5).</p>`,
  );
  parts.push(
    `<h2>Summary</h2><h3>Mean AUC (%) per time resolution (Table 3)</h3>${meanAucTable(report.models)}<h3>LRAP</h3>${lrapTable(report.models)}`,
  );
  parts.push(`<div class="fig">${await renderSvg(lrapSpec(report.models))}</div>`);
  for (const m of report.models) {
    parts.push(`<h2>${esc(m.name)}</h2>${infoList(m)}`);
    parts.push(`<h3>AUC per instrument (Fig. 3)</h3><div class="fig">${await renderSvg(aucPerClassSpec(m))}</div>`);
    parts.push(`<h3>Vocals (Table 4)</h3>${vocalsTable(m)}`);
    parts.push(`<h3>Per-class precision / recall / F1 at the tuned thresholds</h3>${prfTable(m)}`);
    parts.push(
      `<h3>Confusion (Fig. 4)</h3><p class="note">Row i: distribution of the instruments missed (false negatives) in windows where instrument i was wrongly detected (false positive); rows sum to 1 or are empty.</p><div class="fig">${await renderSvg(confusionSpec(m))}</div>`,
    );
    const hist = historySpec(m);
    if (hist !== undefined) parts.push(`<h3>Training</h3><div class="fig">${await renderSvg(hist)}</div>`);
  }
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>timbrescope evaluation report</title><style>${CSS}</style></head><body>\n${parts.join("\n")}\n</body></html>\n`;
}
