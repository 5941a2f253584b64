import { describe, expect, it } from "vitest";
import { encodedKbps, lossyRoundTrip, NOMINAL_KBPS, type Codec } from "../../../../src/data/synth/lossy.js";
import { bandSignal } from "../../../helpers/band-signal.js";

/**
 * Lag of the cross-correlation peak of `y` against `x` over ±`maxLag` samples (direct sums over the
 * 0.3 s of `x` from `from`, where the drums are), and the normalised correlation there.
 */
function xcorrPeak(x: Float32Array, y: Float32Array, from: number, maxLag: number): { lag: number; r: number } {
  const len = Math.round(0.3 * 22050);
  let best = -Infinity;
  let lag = 0;
  let ex = 0;
  for (let i = from; i < from + len; i++) ex += (x[i] as number) ** 2;
  for (let l = -maxLag; l <= maxLag; l++) {
    let c = 0;
    for (let i = from; i < from + len; i++) c += (x[i] as number) * (y[i + l] ?? 0);
    if (c > best) {
      best = c;
      lag = l;
    }
  }
  let ey = 0;
  for (let i = from + lag; i < from + lag + len; i++) ey += (y[i] as number) ** 2;
  return { lag, r: best / Math.sqrt(ex * ey) };
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
    for (const c of cases) {
      // An odd length, so that no encoder frame or page boundary happens to line up with the end.
      const x = bandSignal(c.sr, 8, 11).subarray(2 * c.sr, 4 * c.sr - 37); // past the quiet intro
      const rt = await lossyRoundTrip(x, c.sr, c.codec, c.kbps);
      const what = `${c.codec} ${c.sr} Hz ${c.kbps} kb/s`;
      expect(rt.audio.length, what).toBe(x.length);
      expect(rt.encodedKbps).toBe(encodedKbps(c.codec, c.kbps, c.sr));
      // ±1500 samples: wider than any codec delay (LAME + decoder: 1105), at the start and the end.
      for (const from of [Math.round(0.1 * c.sr), x.length - Math.round(0.45 * c.sr)]) {
        const { lag, r } = xcorrPeak(x, rt.audio, from, 1500);
        expect(Math.abs(lag), `${what}: lag ${lag} at ${from}`).toBeLessThanOrEqual(1);
        expect(r, what).toBeGreaterThan(0.95);
      }
    }
  });
});
