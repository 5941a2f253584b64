/**
 * Recorded cabinet impulse responses in the amp model (realism element `sampled`): the FFT
 * overlap-add convolution equals NumPy's np.convolve (first len(x) samples), across block edges;
 * an IR file is cut to 50 ms with a fade and scaled to unit peak; the amp with a recorded cabinet
 * keeps the input's peak and differs from the modelled cabinet. The guitarix IRs (guitarix-common,
 * 26 MB) are stood in for by a fixture IR written with sox.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CABINET_IR_SEC, cabinetIds, cabinetIr, convolve } from "../../../../src/data/synth/cabinets.js";
import { ampCabinet, applyFx } from "../../../../src/data/synth/effects.js";
import type { StemFx } from "../../../../src/data/synth/score.js";
import { expectAllClose } from "../../../helpers/close.js";
import { runPython } from "../../../helpers/python.js";

const SR = 22050;
const root = mkdtempSync(join(tmpdir(), "ts-cab-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function noise(n: number, seed: number): Float32Array {
  let s = seed;
  return new Float32Array(n).map(() => (s = (Math.imul(1664525, s) + 1013904223) >>> 0) / 2 ** 32 - 0.5);
}

const peak = (x: Float32Array): number => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe("cabinet impulse responses", () => {
  it("convolve equals numpy.convolve(x, h)[:len(x)] on short signals, across FFT block edges", () => {
    // A decaying IR as long as a cut 50 ms cabinet at 22.05 kHz, and one of 3 taps.
    const long = noise(1103, 7).map((v, i) => v * Math.exp(-i / 150));
    const cases = [
      { x: noise(5000, 1), h: long },
      { x: noise(300, 2), h: long },
      { x: noise(777, 3), h: new Float32Array([0.5, -0.25, 0.125]) },
    ];
    const expected = JSON.parse(
      runPython(
        `import numpy as np, json, sys
f64 = lambda v: np.array(v, dtype=np.float32).astype(np.float64)
print(json.dumps([np.convolve(f64(c["x"]), f64(c["h"]))[: len(c["x"])].tolist() for c in json.load(sys.stdin)]))`,
        JSON.stringify(cases.map((c) => ({ x: [...c.x], h: [...c.h] }))),
      ),
    ) as number[][];
    cases.forEach((c, i) => expectAllClose(convolve(c.x, c.h), expected[i] as number[], 1e-5, `case ${i}`));
  });

  it("cut an IR file to 50 ms with a fade, at unit peak, and list IRs by folder", () => {
    mkdirSync(join(root, "amps"));
    mkdirSync(join(root, "bands"));
    // 0.2 s of decaying noise at 44.1 kHz, as the guitarix IRs are.
    const amp = join(root, "amps", "Fixture Amp.wav");
    execFileSync("sox", ["-n", "-r", "44100", "-c", "1", "-b", "24", amp, "synth", "0.2", "whitenoise", "fade", "q", "0", "0.2", "0.19"]);
    execFileSync("sox", [
      "-n",
      "-r",
      "44100",
      "-c",
      "1",
      "-b",
      "24",
      join(root, "bands", "Fixture Band.wav"),
      "synth",
      "0.01",
      "sine",
      "1000",
    ]);
    expect(cabinetIds(root)).toEqual(["amps/Fixture Amp", "bands/Fixture Band"]);
    const ir = cabinetIr("amps/Fixture Amp", SR, root);
    expect(ir.length).toBe(Math.round(CABINET_IR_SEC * SR));
    expect(peak(ir)).toBeCloseTo(1, 6);
    expect(Math.abs(ir[ir.length - 1] as number)).toBeLessThan(1e-6);
    expect(cabinetIr("bands/Fixture Band", SR, root).length).toBe(Math.round(0.01 * SR));
  });

  it("replace the modelled cabinet in the amp, keeping the input's peak; a clean guitar gets the cabinet alone", () => {
    const ir = cabinetIr("amps/Fixture Amp", SR, root);
    const x = noise(SR, 9).map((v, i) => 0.3 * v * Math.sin((2 * Math.PI * 110 * i) / SR));
    const modelled = x.slice();
    ampCabinet(modelled, 3, SR);
    const real = x.slice();
    ampCabinet(real, 3, SR, ir);
    expect(peak(real)).toBeCloseTo(peak(x), 5);
    expect(real.some((v, i) => Math.abs(v - (modelled[i] as number)) > 1e-3)).toBe(true);
    const noCabinet: StemFx = { gainDb: 0, pan: 0, eq: [], highPassHz: 0, lowPassHz: 0, drive: 0, reverbWet: 0, reverbRoom: 0 };
    const fx: StemFx = { ...noCabinet, cabinet: "amps/Fixture Amp" };
    const clean = x.slice();
    applyFx(clean, fx, SR, ir);
    const direct = convolve(x, ir);
    const scale = peak(x) / peak(direct);
    expectAllClose(
      clean,
      [...direct].map((v) => v * scale),
      1e-5,
      "clean cabinet",
    );
    // Without an IR the chain is unchanged (no cabinet on a clean guitar).
    const plain = x.slice();
    applyFx(plain, noCabinet, SR);
    expect(plain.every((v, i) => v === x[i])).toBe(true);
  });
});
