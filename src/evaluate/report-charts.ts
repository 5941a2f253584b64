/**
 * The report's figures as SVG, rendered in Node by Vega-Lite -> Vega (`view.toSVG()`, no canvas,
 * no browser): Vega-Lite is a declarative grammar (a chart is a small JSON spec), its SVG renderer
 * needs no DOM, and the output is plain vector markup that embeds in a self-contained HTML file.
 *
 * Figures follow the paper: LRAP vs time resolution per model (Fig. 2), AUC per class per
 * resolution (Fig. 3), the FP-vs-FN confusion heat map (Fig. 4), plus training curves.
 */
import { View, parse } from "vega";
import { compile } from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import type { ModelReport } from "./report-data.js";
import { resolutionLabel, shortLabels } from "./report-data.js";

const RES_ORDER = ["1 s", "5 s", "10 s", "track"];
const FONT = { font: "Helvetica, Arial, sans-serif", labelFontSize: 11, titleFontSize: 12 };
const LEGEND = { ...FONT, labelLimit: 260 };

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Fig. 2: LRAP (micro and macro) vs time resolution, one line per model and kind. */
export function lrapSpec(models: readonly ModelReport[]): TopLevelSpec {
  const values = models.flatMap((m) =>
    m.resolutions.flatMap((r) => [
      { model: m.name, resolution: resolutionLabel(r.resolution), kind: "micro", lrap: r.lrapMicro },
      { model: m.name, resolution: resolutionLabel(r.resolution), kind: "macro", lrap: r.lrapMacro },
    ]),
  );
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "LRAP vs time resolution",
    width: 420,
    height: 260,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "resolution", type: "ordinal", sort: RES_ORDER, title: "time resolution", axis: { labelAngle: 0 } },
      y: { field: "lrap", type: "quantitative", title: "LRAP", scale: { zero: false } },
      color: { field: "model", type: "nominal", title: "model" },
      strokeDash: { field: "kind", type: "nominal", title: "LRAP" },
      shape: { field: "kind", type: "nominal", title: "LRAP" },
    },
    config: { axis: FONT, legend: LEGEND },
  };
}

/** Fig. 3: AUC per class for one model, bars grouped by resolution. */
export function aucPerClassSpec(m: ModelReport): TopLevelSpec {
  const names = shortLabels(m.labels);
  const values = m.resolutions.flatMap((r) =>
    r.aucPerClass.flatMap((auc, c) =>
      auc === null ? [] : [{ label: names[c] ?? String(c), resolution: resolutionLabel(r.resolution), auc }],
    ),
  );
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `AUC per instrument: ${m.name}`,
    width: 860,
    height: 240,
    data: { values },
    mark: "bar",
    encoding: {
      x: { field: "label", type: "nominal", sort: names, title: null, axis: { labelAngle: 0 } },
      xOffset: { field: "resolution", type: "nominal", sort: RES_ORDER },
      y: { field: "auc", type: "quantitative", title: "ROC AUC", scale: { domain: [0, 1] } },
      color: { field: "resolution", type: "nominal", sort: RES_ORDER, title: "resolution" },
    },
    config: { axis: FONT, legend: LEGEND },
  };
}

/** Fig. 4: P(j missed | i wrongly detected) at 1 s with the tuned thresholds. */
export function confusionSpec(m: ModelReport): TopLevelSpec {
  const names = shortLabels(m.labels);
  const values = m.confusion.matrix.flatMap((row, i) => row.map((p, j) => ({ fp: names[i] ?? String(i), fn: names[j] ?? String(j), p })));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `False negatives given a false positive: ${m.name}`,
    width: { step: 26 },
    height: { step: 22 },
    data: { values },
    encoding: {
      x: { field: "fn", type: "nominal", sort: names, title: "false negative (missed)", axis: { labelAngle: -45 } },
      y: { field: "fp", type: "nominal", sort: names, title: "false positive" },
    },
    layer: [
      {
        mark: "rect",
        encoding: {
          color: {
            field: "p",
            type: "quantitative",
            title: "probability",
            scale: { range: ["#ffffff", "#08519c"], domain: [0, 1], interpolate: "rgb" },
          },
        },
      },
      {
        mark: { type: "text", fontSize: 8 },
        encoding: {
          text: { field: "p", type: "quantitative", format: ".2f" },
          color: { condition: { test: "datum.p > 0.5", value: "white" }, value: "black" },
          opacity: { condition: { test: "datum.p > 0", value: 1 }, value: 0 },
        },
      },
    ],
    config: { axis: FONT, legend: LEGEND },
  };
}

/** Training curves (losses and validation mean AUC per epoch) from train-log.jsonl. */
export function historySpec(m: ModelReport): TopLevelSpec | undefined {
  const values = m.history.flatMap((h) => {
    const epoch = h["epoch"];
    if (typeof epoch !== "number") return [];
    const pick = (key: string, series: string, panel: string): Array<Record<string, unknown>> =>
      typeof h[key] === "number" ? [{ epoch, series, value: h[key], panel }] : [];
    return [
      ...pick("trainLoss", "training loss", "loss"),
      ...pick("valLoss", "validation loss", "loss"),
      ...pick("valMeanAuc", "validation mean AUC", "AUC"),
    ];
  });
  if (values.length === 0) return undefined;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `Training: ${m.name}`,
    data: { values },
    facet: { column: { field: "panel", type: "nominal", title: null, sort: ["loss", "AUC"] } },
    spec: {
      width: 260,
      height: 180,
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 1 } },
        y: { field: "value", type: "quantitative", title: null, scale: { zero: false } },
        color: { field: "series", type: "nominal", title: null },
      },
    },
    resolve: { scale: { y: "independent" } },
    config: { axis: FONT, legend: LEGEND },
  };
}
