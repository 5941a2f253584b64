import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../../../src/cli/main.js";
import { CLASSES } from "../../../src/data/classes.js";
import { writeNpy } from "../../../src/io/npy.js";
import { setLogWriter } from "../../../src/log.js";
import type { LogWriter } from "../../../src/log.js";
import { expectAllClose } from "../../helpers/close.js";
import { CASES, lcg, nullsAs } from "../evaluate/metrics-cases.js";
import type { MetricsCase } from "../evaluate/metrics-cases.js";

const TOL = 1e-12;
const dir = mkdtempSync(join(tmpdir(), "ts-metrics-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface CliJson {
  resolution: number | string;
  rows: number;
  classes: string[];
  lrapMicro: number;
  lrapMacro: number;
  aucPerClass: Array<number | null>;
  meanAuc: number | null;
  nDefinedClasses: number;
  bestF1: Array<{ threshold: number; f1: number }>;
  prf: {
    precision: number[];
    recall: number[];
    f1: number[];
    support: number[];
    micro: { f1: number };
    macro: { f1: number };
    samples: { f1: number };
  };
  confusion: number[][];
}

let stdout = "";
let stderr: string[] = [];
let prevLog: LogWriter | undefined;
beforeEach(() => {
  stdout = "";
  stderr = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  prevLog = setLogWriter((line) => stderr.push(line));
});
afterEach(() => {
  vi.restoreAllMocks();
  if (prevLog !== undefined) setLogWriter(prevLog);
});

let fileNo = 0;
async function npy(data: ArrayLike<number>, shape: number[], dtype: "<f4" | "<f8" | "<i4" = "<f8"): Promise<string> {
  const path = join(dir, `a${fileNo++}.npy`);
  await writeNpy(path, data, shape, dtype);
  return path;
}

async function caseFiles(c: MetricsCase): Promise<{ s: string; l: string; n: number; c: number }> {
  const n = c.y_score.length;
  const k = c.y_score[0]?.length ?? 0;
  return { s: await npy(c.y_score.flat(), [n, k]), l: await npy(c.y_true.flat(), [n, k], "<f4"), n, c: k };
}

async function runJson(args: string[]): Promise<CliJson> {
  stdout = "";
  const code = await runCli(["metrics", ...args, "--json"]);
  expect(code, stderr.join("\n")).toBe(0);
  return JSON.parse(stdout) as CliJson;
}

function expectMatchesCase(out: CliJson, c: MetricsCase, lrap: number): void {
  const ref = c["prf_at_threshold_0.5"];
  expectAllClose(
    [out.lrapMicro, out.lrapMacro, out.meanAuc ?? NaN],
    [c.lrap, lrap, c.roc_auc_mean_over_defined_classes],
    TOL,
    `${c.name} scalars`,
  );
  expectAllClose(nullsAs(out.aucPerClass), nullsAs(c.roc_auc_per_class), TOL, `${c.name} aucPerClass`);
  expect(out.nDefinedClasses).toBe(c.roc_auc_n_defined_classes);
  expectAllClose(
    out.bestF1.flatMap((b) => [b.threshold, b.f1]),
    c.best_f1_per_class.flatMap((b) => [b.threshold, b.f1]),
    TOL,
    `${c.name} bestF1`,
  );
  expectAllClose(
    [...out.prf.precision, ...out.prf.recall, ...out.prf.f1, out.prf.micro.f1, out.prf.macro.f1, out.prf.samples.f1],
    [...ref.precision, ...ref.recall, ...ref.f1, ref.micro.f1, ref.macro.f1, ref.samples.f1],
    TOL,
    `${c.name} prf`,
  );
  expect(out.prf.support).toEqual(ref.support);
}

describe("timbrescope metrics --json vs the scikit-learn fixture", () => {
  for (const c of CASES) {
    it(`${c.name}: one track, default names and 0.5 thresholds`, async () => {
      const f = await caseFiles(c);
      const out = await runJson(["--scores", f.s, "--labels", f.l]);
      expect(Object.keys(out).slice(0, 11)).toEqual([
        "resolution",
        "rows",
        "classes",
        "lrapMicro",
        "lrapMacro",
        "aucPerClass",
        "meanAuc",
        "nDefinedClasses",
        "bestF1",
        "prf",
        "confusion",
      ]);
      expect([out.resolution, out.rows, out.classes]).toEqual([1, f.n, Array.from({ length: f.c }, (_, i) => `c${i}`)]);
      expectMatchesCase(out, c, c.lrap);
      expect(out.confusion.map((row) => row.length)).toEqual(new Array<number>(f.c).fill(f.c));
    });
  }

  it("macro LRAP over two tracks is the mean of the fixture's per-track means", async () => {
    const c = CASES.find((k) => k.name === "lcg_20x6") as MetricsCase;
    const f = await caseFiles(c);
    const tracks = await npy(
      Array.from({ length: f.n }, (_, r) => (r < 7 ? 5 : 2)),
      [f.n],
      "<i4",
    );
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const macro = (mean(c.lrap_per_sample.slice(0, 7)) + mean(c.lrap_per_sample.slice(7))) / 2;
    const out = await runJson(["--scores", f.s, "--labels", f.l, "--tracks", tracks, "--classes", "a,b,c,d,e,f"]);
    expect(out.classes).toEqual(["a", "b", "c", "d", "e", "f"]);
    expectMatchesCase(out, c, macro);
    const track = await runJson(["--scores", f.s, "--labels", f.l, "--tracks", tracks, "--resolution", "track"]);
    expect([track.resolution, track.rows]).toEqual(["track", 2]);
  });

  it("selects columns of an 18-class file by class id, with 18 or per-selection thresholds", async () => {
    const c = CASES.find((k) => k.name === "ties") as MetricsCase;
    const picked = [7, 2, 15, 9]; // fixture column k goes to class column picked[k]
    const n = c.y_score.length;
    const rand = lcg(5);
    const s = Float64Array.from({ length: n * 18 }, () => rand());
    const l = Float64Array.from({ length: n * 18 }, () => (rand() < 0.3 ? 1 : 0));
    picked.forEach((col, k) => {
      for (let r = 0; r < n; r++) {
        s[r * 18 + col] = c.y_score[r]?.[k] as number;
        l[r * 18 + col] = c.y_true[r]?.[k] as number;
      }
    });
    const files = ["--scores", await npy(s, [n, 18]), "--labels", await npy(l, [n, 18])];
    const ids = picked.map((k) => CLASSES[k]?.id as string);
    const full = await npy(new Array<number>(18).fill(0.5), [18]);
    const out = await runJson([...files, "--classes", ids.join(","), "--thresholds", full]);
    expect(out.classes).toEqual(ids);
    expectMatchesCase(out, c, c.lrap);
    // Thresholds for the selection only: the fixture's best-F1 thresholds reach the best F1s.
    const best = await npy(
      c.best_f1_per_class.map((b) => b.threshold),
      [4],
    );
    const tuned = await runJson([...files, "--classes", ids.join(","), "--thresholds", best]);
    expectAllClose(
      tuned.prf.f1,
      c.best_f1_per_class.map((b) => b.f1),
      TOL,
      "F1 at best thresholds",
    );
    // Default names for 18 columns are the class ids.
    expect((await runJson(files)).classes).toEqual(CLASSES.map((k) => k.id));
  });

  it("prints a readable table without --json", async () => {
    const f = await caseFiles(CASES[0] as MetricsCase);
    expect(await runCli(["metrics", "--scores", f.s, "--labels", f.l, "--classes", "w,x,y,z"])).toBe(0);
    expect(stdout).toMatch(/^class\s+AUC\s+thr\s+P\s+R\s+F1\s+support\s+bestThr\s+bestF1$/m);
    expect(stdout).toMatch(/^z\s+0\.750\s+0\.500\s+0\.667\s+1\.000\s+0\.800\s+2\s+0\.530\s+0\.800$/m);
    expect(stdout).toContain("LRAP micro 0.9028  macro 0.9028");
  });
});

describe("timbrescope metrics rejects bad input with one line naming what was received", () => {
  async function expectError(args: string[], pattern: RegExp): Promise<void> {
    stdout = "";
    stderr = [];
    const code = await runCli(["metrics", ...args, "--json"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(pattern);
  }
  const good = async (): Promise<{ s: string; l: string }> => caseFiles(CASES[0] as MetricsCase);

  it("mismatched scores/labels shapes", async () => {
    const { s } = await good();
    const l = await npy(new Array<number>(20).fill(0), [5, 4], "<f4");
    await expectError(["--scores", s, "--labels", l], new RegExp(`labels ${l} has shape \\(5, 4\\) but scores ${s} has shape \\(6, 4\\)`));
  });
  it("track ids of the wrong length, and non-contiguous tracks", async () => {
    const { s, l } = await good();
    const t5 = await npy([0, 0, 1, 1, 1], [5], "<i4");
    await expectError(
      ["--scores", s, "--labels", l, "--tracks", t5],
      new RegExp(`tracks ${t5} has shape \\(5\\) but scores ${s} has 6 rows`),
    );
    const split = await npy([0, 0, 1, 1, 0, 0], [6], "<i4");
    await expectError(["--scores", s, "--labels", l, "--tracks", split], /track id 0 reappears at row 4 after its rows ended at row 2/);
  });
  it("labels that are not 0/1 and NaN scores", async () => {
    const { s, l } = await good();
    const soft = await npy([...new Array<number>(9).fill(0), 0.7, ...new Array<number>(14).fill(1)], [6, 4]);
    await expectError(["--scores", s, "--labels", soft], /expected only 0\/1 values, got 0\.7 at row 2, column 1/);
    const nan = await npy([...new Array<number>(5).fill(0.5), NaN, ...new Array<number>(18).fill(0.5)], [6, 4]);
    await expectError(["--scores", nan, "--labels", l], new RegExp(`scores ${nan}: NaN at row 1, column 1`));
  });
  it("bad --resolution, --classes and --thresholds", async () => {
    const { s, l } = await good();
    await expectError(["--scores", s, "--labels", l, "--resolution", "3"], /Expected --resolution 1\|5\|10\|track, got "3"/);
    await expectError(["--scores", s, "--labels", l, "--classes", "a,b"], /--classes lists 2 names but scores .* has 4 columns/);
    const th = await npy([0.5, 0.5], [2]);
    await expectError(["--scores", s, "--labels", l, "--thresholds", th], /thresholds .*: expected shape \(4\), got \(2\)/);
  });
  it("a 1-D scores file and a missing file", async () => {
    const { l } = await good();
    const flat = await npy([0.1, 0.2], [2]);
    await expectError(["--scores", flat, "--labels", l], /expected shape \[N, C\], got \(2\)/);
    await expectError(["--scores", join(dir, "nope.npy"), "--labels", l], /nope\.npy: no such file/);
  });
  it("an unknown class id in a column selection", async () => {
    const n = 3;
    const s = await npy(new Array<number>(n * 18).fill(0.5), [n, 18]);
    const l = await npy(new Array<number>(n * 18).fill(0), [n, 18], "<f4");
    await expectError(["--scores", s, "--labels", l, "--classes", "drums,kazoo"], /"kazoo" is not a class id/);
  });
});
