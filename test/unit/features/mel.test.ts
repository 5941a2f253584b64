/**
 * The mel front-end against librosa 0.10.2 fixtures (../shared/fixtures/reference): every test
 * signal is rebuilt from its recipe and checked against input_check before its spectrogram is
 * compared, so a generator bug is told apart from a DSP bug.
 */
import { describe, expect, it } from "vitest";
import { powerToDb } from "../../../src/features/db.js";
import { melPower, melWholeDb, melWindowDb } from "../../../src/features/mel.js";
import { DEFAULT_MEL_PARAMS, framesPerWindow, withPadMode } from "../../../src/features/params.js";
import { compareArrays, expectAllClose, flat2 } from "../../helpers/close.js";
import { loadFixture } from "../../helpers/fixtures.js";
import { SIGNAL_NAMES, makeSignal } from "../../helpers/signals.js";
import type { SignalName } from "../../helpers/signals.js";

interface InputCheck {
  first8: number[];
  y_11025?: number;
  last?: number;
  sum: number;
  sum_of_squares: number;
  rms: number;
}
interface MelCase {
  name: SignalName;
  n_samples: number;
  input_check: InputCheck;
  shape: [number, number];
  db_max_constant: number;
  db_max_reflect: number;
  mel_db: number[][];
  mel_db_reflect: number[][];
}
interface PowerCase {
  name: SignalName;
  mel_power: number[][];
  mel_power_reflect_edge_frames: Record<string, number[]>;
}

const melCases = loadFixture<{ cases: MelCase[] }>("reference/mel_cases.json").cases;
const powerCases = loadFixture<{ cases: PowerCase[] }>("reference/mel_power_cases.json").cases;
const REFLECT = withPadMode("reflect");
const DB_TOL = 1e-3;
/** float64 dB (before the float32 output rounding) vs the fixture's 5-decimal rounding (<= 5e-6). */
const DB64_TOL = 1e-5;
/** Relative tolerance for mel power (stored with 9 significant digits). */
const POWER_REL_TOL = 1e-6;

/** Checks a generated signal against the fixture's input_check. */
function checkInput(y: Float64Array, c: InputCheck, label: string): void {
  // 1e-14: the rmsnorm cases divide by an rms whose last bits depend on the summation order.
  expectAllClose(y.subarray(0, 8), c.first8, 1e-14, `${label} first8`);
  if (c.y_11025 !== undefined) expectAllClose([y[11025] as number], [c.y_11025], 1e-12, `${label} y[11025]`);
  if (c.last !== undefined) expectAllClose([y[y.length - 1] as number], [c.last], 1e-12, `${label} last`);
  let sum = 0;
  let ss = 0;
  for (const v of y) {
    sum += v;
    ss += v * v;
  }
  // Sums of sines cancel to ~1e-12, so `sum` gets an absolute tolerance; sum of squares a relative one.
  expectAllClose([sum], [c.sum], 1e-9, `${label} sum`);
  expectAllClose(
    [ss / Math.max(1, c.sum_of_squares)],
    [c.sum_of_squares / Math.max(1, c.sum_of_squares)],
    1e-12,
    `${label} sum_of_squares (rel)`,
  );
  expectAllClose([Math.sqrt(ss / y.length)], [c.rms], 1e-12, `${label} rms`);
}

/**
 * Relative errors |a - e| / max(|e|, floor); the floor (1e-10 = power_to_db's amin) keeps exact-zero
 * and round-off-level cells, which dB maps to the floor anyway, from dominating.
 */
function relativeErrors(actual: ArrayLike<number>, expected: readonly number[]): Float64Array {
  return Float64Array.from(expected, (e, i) => Math.abs((actual[i] as number) - e) / Math.max(Math.abs(e), 1e-10));
}

const worst = { db64: 0, dbConstant: 0, dbReflect: 0, dbWindow: 0, powerRel: 0, powerReflectRel: 0 };

describe("mel front-end vs librosa fixtures", () => {
  it("fixtures hold the 8 expected signals", () => {
    expect(melCases.map((c) => c.name)).toEqual([...SIGNAL_NAMES]);
    expect(powerCases.map((c) => c.name)).toEqual([...SIGNAL_NAMES]);
  });

  for (const c of melCases) {
    describe(c.name, () => {
      const y = makeSignal(c.name);

      it("input matches input_check", () => {
        expect(y.length).toBe(c.n_samples);
        checkInput(y, c.input_check, c.name);
      });

      it("mel_db (constant pad) within 1e-3 dB, whole-signal and window paths", () => {
        const whole = melWholeDb(y);
        expect([whole.nMels, whole.nFrames]).toEqual(c.shape);
        const r = expectAllClose(whole.data, flat2(c.mel_db), DB_TOL, `${c.name} mel_db`);
        worst.dbConstant = Math.max(worst.dbConstant, r.maxAbs);
        const win = melWindowDb(y, 0);
        expect(win.length).toBe(96 * framesPerWindow());
        const rw = expectAllClose(win, flat2(c.mel_db), DB_TOL, `${c.name} melWindowDb`);
        worst.dbWindow = Math.max(worst.dbWindow, rw.maxAbs);
        expect(Math.max(...whole.data)).toBeCloseTo(c.db_max_constant, 4);
        const db64 = powerToDb(melPower(y).data, DEFAULT_MEL_PARAMS, new Float64Array(whole.data.length));
        const r64 = expectAllClose(db64, flat2(c.mel_db), DB64_TOL, `${c.name} mel_db float64`);
        worst.db64 = Math.max(worst.db64, r64.maxAbs);
      });

      it("mel_db_reflect within 1e-3 dB", () => {
        const whole = melWholeDb(y, REFLECT);
        const r = expectAllClose(whole.data, flat2(c.mel_db_reflect), DB_TOL, `${c.name} mel_db_reflect`);
        worst.dbReflect = Math.max(worst.dbReflect, r.maxAbs);
        expect(Math.max(...whole.data)).toBeCloseTo(c.db_max_reflect, 4);
        const win = melWindowDb(y, 0, REFLECT);
        expectAllClose(win, flat2(c.mel_db_reflect), DB_TOL, `${c.name} melWindowDb reflect`);
      });

      it("mel_power relative error <= 1e-6, reflect edge frames too", () => {
        const pc = powerCases.find((q) => q.name === c.name);
        expect(pc).toBeDefined();
        if (pc === undefined) return;
        const s = melPower(y);
        const rel = relativeErrors(s.data, flat2(pc.mel_power));
        const r = expectAllClose(rel, new Float64Array(rel.length), POWER_REL_TOL, `${c.name} mel_power rel`);
        worst.powerRel = Math.max(worst.powerRel, r.maxAbs);

        const edges = Object.entries(pc.mel_power_reflect_edge_frames);
        const noEdges = c.name === "silence" || c.name === "impulse_at_11025";
        expect(edges.length).toBe(noEdges ? 0 : 4);
        const sr = melPower(y, REFLECT);
        for (const [frameText, bands] of edges) {
          const t = Number(frameText);
          const col = bands.map((_, m) => sr.data[m * sr.nFrames + t] as number);
          const re = relativeErrors(col, bands);
          const rr = expectAllClose(re, new Float64Array(re.length), POWER_REL_TOL, `${c.name} reflect frame ${t} rel`);
          worst.powerReflectRel = Math.max(worst.powerReflectRel, rr.maxAbs);
        }
        // Away from the padded edge frames the pad mode must not matter.
        const inner = (d: Float64Array): number[] => [...d].filter((_, i) => i % s.nFrames >= 4 && i % s.nFrames < s.nFrames - 4);
        expect(compareArrays(inner(sr.data), inner(s.data)).maxAbs).toBe(0);
      });
    });
  }

  it("reports the worst errors", () => {
    console.log(
      `mel fixtures worst: mel_db float64 ${worst.db64.toExponential(2)} dB, mel_db float32 out ${worst.dbConstant.toExponential(2)} dB, mel_db (melWindowDb) ${worst.dbWindow.toExponential(2)} dB, ` +
        `mel_db_reflect ${worst.dbReflect.toExponential(2)} dB, mel_power rel ${worst.powerRel.toExponential(2)}, ` +
        `reflect edge frames rel ${worst.powerReflectRel.toExponential(2)}`,
    );
    // Every comparison above ran (a worst error of exactly 0 would mean nothing was compared).
    for (const v of Object.values(worst)) expect(v).toBeGreaterThan(0);
  });
});

describe("melWindowDb", () => {
  const y = makeSignal("lcg_noise");
  it("treats the window as its own signal: equals melWholeDb of the sliced samples", () => {
    const long = new Float64Array(3 * 22050);
    long.set(makeSignal("chirp_100_8000"), 0);
    long.set(y, 22050);
    long.set(makeSignal("three_sines"), 44100);
    const c = melCases.find((q) => q.name === "lcg_noise");
    if (c === undefined) throw new Error("lcg_noise fixture missing");
    expectAllClose(melWindowDb(long, 22050), flat2(c.mel_db), DB_TOL, "window at 22050");
    expectAllClose(melWindowDb(long, 22050, REFLECT), flat2(c.mel_db_reflect), DB_TOL, "reflect window at 22050");
  });
  it("fills a provided buffer and accepts float32 input", () => {
    const out = new Float32Array(96 * 87);
    const got = melWindowDb(Float32Array.from(y), 0, DEFAULT_MEL_PARAMS, out);
    expect(got).toBe(out);
    const c = melCases.find((q) => q.name === "lcg_noise");
    if (c === undefined) throw new Error("lcg_noise fixture missing");
    // float32 input rounding moves librosa's own output by up to 1.65e-4 dB (fixture meta).
    expectAllClose(out, flat2(c.mel_db), 1e-2, "float32 input");
  });
  it("rejects windows that do not fit and wrongly sized buffers", () => {
    expect(() => melWindowDb(y, 1)).toThrow(/does not fit in 22050 samples/);
    expect(() => melWindowDb(y, -1)).toThrow(RangeError);
    expect(() => melWindowDb(y, 0, DEFAULT_MEL_PARAMS, new Float32Array(10))).toThrow(/need 96 x 87/);
  });
});

describe("melWholeDb", () => {
  it("gives 1 + floor(n / 256) frames, top_db relative to the whole signal", () => {
    const y = new Float64Array(5000);
    y[100] = 1;
    const m = melWholeDb(y);
    expect(m.nFrames).toBe(1 + Math.floor(5000 / 256));
    expect(m.data.length).toBe(96 * m.nFrames);
    const max = Math.max(...m.data);
    expect(Math.min(...m.data)).toBeCloseTo(max - 80, 4); // float32 output
  });
});
