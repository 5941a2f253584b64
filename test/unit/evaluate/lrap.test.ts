import { describe, expect, it } from "vitest";
import { lrapMacro, lrapMicro, lrapPerSample } from "../../../src/evaluate/lrap.js";
import { matrix } from "../../../src/post/aggregate.js";
import { expectAllClose } from "../../helpers/close.js";
import { CASES, toMatrix } from "./metrics-cases.js";

const TOL = 1e-12;

describe("LRAP vs scikit-learn 1.2.1 fixture", () => {
  for (const c of CASES) {
    it(`${c.name}: per-sample terms and the micro mean`, () => {
      const scores = toMatrix(c.y_score);
      const labels = toMatrix(c.y_true);
      expectAllClose(lrapPerSample(scores, labels), c.lrap_per_sample, TOL, `${c.name} lrap_per_sample`);
      expectAllClose([lrapMicro(scores, labels)], [c.lrap], TOL, `${c.name} lrap`);
    });
  }
});

describe("LRAP by hand", () => {
  it("ranks ties pessimistically and scores empty / full rows 1.0", () => {
    // Row 0: relevant {0}, scores [0.5, 0.5, 0.1]: label 0 ties with irrelevant label 1, so
    //   rank = |{k: s_k >= 0.5}| = 2, hits = 1 -> 1/2.
    // Row 1: no relevant label -> 1. Row 2: all relevant -> 1.
    // Row 3: relevant {1, 2}, scores [0.9, 0.3, 0.2]: l=1: rank 2, hits 1 -> 1/2; l=2: rank 3, hits 2 -> 2/3;
    //   mean = (1/2 + 2/3) / 2 = 7/12.
    const scores = matrix(Float64Array.from([0.5, 0.5, 0.1, 0.2, 0.3, 0.4, 0.1, 0.2, 0.3, 0.9, 0.3, 0.2]), 4, 3);
    const labels = matrix(Uint8Array.from([1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 1]), 4, 3);
    expectAllClose(lrapPerSample(scores, labels), [0.5, 1, 1, 7 / 12], 1e-15, "per-sample");
    // Macro: tracks {0, 1} and {2, 3}: mean(mean(1/2, 1), mean(1, 7/12)) = (3/4 + 19/24) / 2 = 37/48.
    expectAllClose([lrapMacro(scores, labels, Int32Array.from([7, 7, 3, 3]))], [37 / 48], 1e-15, "macro");
    // Micro weights rows: (1/2 + 1 + 1 + 7/12) / 4 = 37/48 too here; an uneven split tells them apart:
    // tracks {0} and {1, 2, 3}: (1/2 + (1 + 1 + 7/12) / 3) / 2 = (1/2 + 31/36) / 2 = 49/72.
    expectAllClose([lrapMacro(scores, labels, Int32Array.from([1, 2, 2, 2]))], [49 / 72], 1e-15, "macro uneven");
  });

  it("rejects non-contiguous tracks and mismatched shapes", () => {
    const m = matrix(new Float64Array(6), 3, 2);
    expect(() => lrapMacro(m, m, Int32Array.from([1, 2, 1]))).toThrow(/track id 1 reappears at row 2/);
    expect(() => lrapPerSample(m, matrix(new Float64Array(4), 2, 2))).toThrow(RangeError);
  });
});
