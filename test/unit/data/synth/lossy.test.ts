import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodedKbps, lossyRoundTrip, NOMINAL_KBPS, type Codec } from "../../../../src/data/synth/lossy.js";
import { bandSignal } from "../../../helpers/band-signal.js";
import { runPython } from "../../../helpers/python.js";

/** NumPy/SciPy: the lag of the cross-correlation peak of each (input, output) pair, within ±2000 samples, and the peak's correlation coefficient. */
function xcorrLags(pairs: readonly (readonly [Float32Array, Float32Array])[]): { lag: number; r: number }[] {
  const dir = mkdtempSync(join(tmpdir(), "ts-lossy-"));
  try {
    const files = pairs.map(([a, b], i) => {
      const pa = join(dir, `${i}a.f32`);
      const pb = join(dir, `${i}b.f32`);
      writeFileSync(pa, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
      writeFileSync(pb, Buffer.from(b.buffer, b.byteOffset, b.byteLength));
      return [pa, pb];
    });
    const code = `
import sys, json, numpy as np, scipy.signal as s
out = []
for pa, pb in json.load(sys.stdin):
    a = np.fromfile(pa, dtype=np.float32).astype(np.float64); b = np.fromfile(pb, dtype=np.float32).astype(np.float64)
    c = s.correlate(b, a, mode="full", method="fft"); lags = s.correlation_lags(len(b), len(a), mode="full")
    win = np.abs(lags) <= 2000
    k = np.argmax(c[win])
    out.append({"lag": int(lags[win][k]), "r": float(c[win][k] / np.sqrt(np.dot(a, a) * np.dot(b, b)))})
print(json.dumps(out))
`;
    return JSON.parse(runPython(code, JSON.stringify(files))) as { lag: number; r: number }[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("lossy round trip", () => {
  it("maps nominal stereo rates to mono rates each encoder accepts", () => {
    expect(NOMINAL_KBPS.map((k) => encodedKbps("mp3", k, 22050))).toEqual([48, 64, 80, 96, 128, 160]);
    expect(NOMINAL_KBPS.map((k) => encodedKbps("mp3", k, 44100))).toEqual([48, 64, 80, 96, 128, 160]);
    expect(NOMINAL_KBPS.map((k) => encodedKbps("vorbis", k, 22050))).toEqual([48, 64, 80, 80, 80, 80]);
    expect(NOMINAL_KBPS.map((k) => encodedKbps("vorbis", k, 44100))).toEqual([48, 64, 80, 96, 128, 160]);
  });

  it("keeps length and alignment (cross-correlation peak at lag 0) for MP3 and Vorbis at both corpus rates", async () => {
    // Each codec at both rates, at the lowest and the highest nominal rate between them.
    const cases: { codec: Codec; sr: number; kbps: number }[] = [
      { codec: "mp3", sr: 22050, kbps: 96 },
      { codec: "mp3", sr: 44100, kbps: 320 },
      { codec: "vorbis", sr: 22050, kbps: 320 },
      { codec: "vorbis", sr: 44100, kbps: 96 },
    ];
    const pairs: [Float32Array, Float32Array][] = [];
    for (const c of cases) {
      // An odd length, so that no encoder frame or page boundary happens to line up with the end.
      const x = bandSignal(c.sr, 8, 11).subarray(2 * c.sr, 4 * c.sr - 37); // past the quiet intro
      const rt = await lossyRoundTrip(x, c.sr, c.codec, c.kbps);
      expect(rt.audio.length, `${c.codec} ${c.sr} Hz ${c.kbps} kb/s`).toBe(x.length);
      expect(rt.encodedKbps).toBe(encodedKbps(c.codec, c.kbps, c.sr));
      pairs.push([x, rt.audio]);
    }
    const lags = xcorrLags(pairs);
    cases.forEach((c, i) => {
      const { lag, r } = lags[i] as { lag: number; r: number };
      expect(Math.abs(lag), `${c.codec} ${c.sr} Hz ${c.kbps} kb/s: lag ${lag}`).toBeLessThanOrEqual(1);
      expect(r, `${c.codec} ${c.sr} Hz ${c.kbps} kb/s`).toBeGreaterThan(0.95);
    });
  });
});
