import { describe, expect, it } from "vitest";
import { powerToDb } from "../../../src/features/db.js";
import { DEFAULT_MEL_PARAMS } from "../../../src/features/params.js";
import { expectAllClose } from "../../helpers/close.js";
import { runPython } from "../../helpers/python.js";

/** librosa.power_to_db written out in numpy (ref, amin, top_db; the clip uses the global max). */
const ORACLE = `
import sys, json, numpy as np
req = json.loads(sys.stdin.read())
S = np.array(req["S"], dtype=np.float64)
ref, amin, top_db = req["ref"], req["amin"], req["top_db"]
d = 10.0 * np.log10(np.maximum(amin, S)) - 10.0 * np.log10(np.maximum(amin, abs(ref)))
if top_db is not None:
    d = np.maximum(d, d.max() - top_db)
print(json.dumps(d.tolist()))
`;

function oracle(S: number[], ref: number, amin: number, topDb: number | null): number[] {
  return JSON.parse(runPython(ORACLE, JSON.stringify({ S, ref, amin, top_db: topDb }))) as number[];
}

describe("powerToDb vs numpy power_to_db", () => {
  // Values spanning 0, below amin, and 150 dB of range so both the amin floor and the clip act.
  const S = Array.from({ length: 200 }, (_, i) => (i % 17 === 0 ? 0 : 10 ** ((i % 31) / 2 - 12) * (1 + (i % 7) / 10)));

  it("defaults (ref 1, amin 1e-10, top_db 80)", () => {
    const want = oracle(S, 1, 1e-10, 80);
    expectAllClose(powerToDb(S, DEFAULT_MEL_PARAMS, new Float64Array(S.length)), want, 1e-12, "dB float64");
    expectAllClose(powerToDb(S), want, 1e-4, "dB float32");
  });

  it("other ref, amin and no clip (topDb Infinity)", () => {
    const p = { dbRef: 3, dbAmin: 1e-6, topDb: Infinity };
    expectAllClose(powerToDb(S, p, new Float64Array(S.length)), oracle(S, 3, 1e-6, null), 1e-12, "ref 3, amin 1e-6");
  });

  it("all-zero input is -100 dB everywhere", () => {
    expect([...powerToDb(new Float64Array(5))]).toEqual([-100, -100, -100, -100, -100]);
  });

  it("rejects a wrong-size output and bad settings", () => {
    expect(() => powerToDb(S, DEFAULT_MEL_PARAMS, new Float32Array(3))).toThrow(/out has 3 values/);
    expect(() => powerToDb(S, { ...DEFAULT_MEL_PARAMS, dbAmin: 0 })).toThrow(/dbAmin/);
    expect(() => powerToDb(S, { ...DEFAULT_MEL_PARAMS, topDb: -1 })).toThrow(/topDb/);
  });
});
