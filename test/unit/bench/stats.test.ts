import { describe, expect, it } from "vitest";
import { fitLine, median, percentile, timeRepeats } from "../../../bench/lib/stats.js";
import { expectAllClose } from "../../helpers/close.js";
import { runPython } from "../../helpers/python.js";

const xs = [12.5, 3, 7.25, 40, 0.5, 18, 18, 2.75, 99, 5.5, 31];

describe("bench stats", () => {
  it("median and percentiles agree with numpy (linear interpolation)", () => {
    const qs = [0, 5, 25, 50, 95, 99, 100];
    const ref = JSON.parse(
      runPython(
        `import json, numpy as np\nxs = ${JSON.stringify(xs)}\nprint(json.dumps([float(np.median(xs))] + [float(np.percentile(xs, q)) for q in ${JSON.stringify(qs)}]))`,
      ),
    ) as number[];
    expectAllClose(
      Float64Array.from([median(xs), ...qs.map((q) => percentile(xs, q))]),
      Float64Array.from(ref),
      1e-12,
      "median + percentiles",
    );
  });

  it("median of an even-length list is the mean of the middle two; empty lists give NaN", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile(xs, 101)).toThrow(/q must be in \[0, 100\]/);
  });

  it("fitLine matches numpy.polyfit and reports r² and the worst residual", () => {
    const x = [1, 4, 10, 60];
    const y = [10.7, 25.2, 55.1, 298.4];
    const ref = JSON.parse(
      runPython(
        `import json, numpy as np\nx, y = ${JSON.stringify(x)}, ${JSON.stringify(y)}\nb, a = np.polyfit(x, y, 1)\nf = a + b * np.array(x)\nr2 = 1 - np.sum((np.array(y) - f) ** 2) / np.sum((np.array(y) - np.mean(y)) ** 2)\nprint(json.dumps([a, b, r2, 100 * np.max(np.abs((np.array(y) - f) / np.array(y)))]))`,
      ),
    ) as number[];
    const fit = fitLine(x, y);
    expectAllClose(Float64Array.from([fit.intercept, fit.slope, fit.r2, fit.maxResidualPct]), Float64Array.from(ref), 1e-9, "line fit");
  });

  it("fitLine without two distinct x values has no slope", () => {
    expect(fitLine([2, 2], [1, 3]).slope).toBeNaN();
    expect(() => fitLine([1, 2], [1])).toThrow(/2 x values but 1 y values/);
  });

  it("timeRepeats runs the warm-up untimed and stops at maxReps", async () => {
    let calls = 0;
    const times = await timeRepeats(() => calls++, { warmup: 2, minReps: 3, budgetMs: 1e9, maxReps: 5 });
    expect(times).toHaveLength(5);
    expect(calls).toBe(7);
  });
});
