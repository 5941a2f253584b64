/**
 * Expressive playing (realism element `expressive`): a gesture's pitch path, as measured on the
 * output by an independent NumPy/SciPy estimator (instantaneous frequency from the analytic
 * signal), follows the score within 30 cents; gestures go where players make them.
 */
import { describe, expect, it } from "vitest";
import { addGestures, applyGesture, gestureCents, gestureSummary } from "../../../../src/data/synth/expressive.js";
import type { PitchGesture } from "../../../../src/data/synth/score.js";
import { Rng } from "../../../../src/data/synth/rng.js";
import type { Note } from "../../../../src/data/synth/score.js";
import { runPython } from "../../../helpers/python.js";

const SR = 22050;
/** The NumPy oracle starts a Python process with SciPy (seconds on a loaded machine). */
const PY_TIMEOUT_MS = 180_000;

/** Measured pitch of `y` relative to `f0Hz` (cents) at the given times, by NumPy/SciPy. */
function measuredCents(y: Float32Array, f0Hz: number, timesSec: readonly number[]): number[] {
  const out = runPython(
    `import numpy as np, scipy.signal as sg, sys, json
d = json.loads(sys.stdin.read())
y = np.array(d["y"], dtype=np.float64); sr = d["sr"]
ph = np.unwrap(np.angle(sg.hilbert(y)))
f = np.diff(ph) * sr / (2 * np.pi)
res = []
for t in d["t"]:
    i = int(t * sr); seg = f[max(0, i - 110): i + 110]
    res.append(float(1200 * np.log2(np.median(seg) / d["f0"])))
print(json.dumps(res))`,
    JSON.stringify({ y: Array.from(y), sr: SR, f0: f0Hz, t: timesSec }),
  );
  return JSON.parse(out) as number[];
}

function sine(hz: number, sec: number): Float32Array {
  const x = new Float32Array(Math.round(sec * SR));
  for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * hz * i) / SR);
  return x;
}

describe("applyGesture", () => {
  it(
    "bends a note along its score path within 30 cents (up a whole tone and back)",
    () => {
      const g: PitchGesture = {
        kind: "bend",
        path: [
          [0.1, 0],
          [0.25, 200],
          [0.7, 200],
          [0.85, 0],
        ],
      };
      const y = applyGesture(sine(220, 1.5), g, SR);
      const times = Array.from({ length: 22 }, (_, i) => 0.05 + i * 0.05);
      const got = measuredCents(y, 220, times);
      const worst = Math.max(...times.map((t, i) => Math.abs((got[i] as number) - gestureCents(g, t))));
      expect(worst).toBeLessThan(30);
      // and it really moved: the held part is 2 semitones up
      expect(got[times.findIndex((t) => Math.abs(t - 0.5) < 1e-9)]).toBeGreaterThan(180);
    },
    PY_TIMEOUT_MS,
  );

  it(
    "puts vibrato of the scored depth and rate on a held note",
    () => {
      const g: PitchGesture = { kind: "vibrato", path: [], vibrato: { depthCents: 40, rateHz: 6, delaySec: 0.1 } };
      const y = applyGesture(sine(330, 1.2), g, SR);
      const times = Array.from({ length: 40 }, (_, i) => 0.35 + i * 0.02);
      const got = measuredCents(y, 330, times);
      const worst = Math.max(...times.map((t, i) => Math.abs((got[i] as number) - gestureCents(g, t))));
      expect(worst).toBeLessThan(30);
      expect(Math.max(...got)).toBeGreaterThan(30);
      expect(Math.min(...got)).toBeLessThan(-30);
    },
    PY_TIMEOUT_MS,
  );

  it("keeps length and is silent once the render is used up", () => {
    const x = sine(220, 0.5);
    const y = applyGesture(x, { kind: "bend", path: [[0, 1200]] }, SR);
    expect(y.length).toBe(x.length);
    // an octave up reads the render twice as fast: the second half is silence
    expect(Math.max(...Array.from(y.subarray(Math.round(0.26 * SR))).map(Math.abs))).toBe(0);
  });
});

describe("addGestures", () => {
  const line: Note[] = Array.from({ length: 200 }, (_, i) => ({ beat: i, beats: i % 3 === 0 ? 2 : 0.5, key: 60 + (i % 5), vel: 90 }));

  it("bends guitar leads by a half, whole or two semitones only, and slides / vibrato the rest", () => {
    const out = addGestures(new Rng("t/gtr"), { label: "distorted electric guitar", role: "lead" }, line, 120, []);
    const bends = out.filter((n) => n.bend?.kind === "bend");
    expect(bends.length).toBeGreaterThan(20);
    for (const n of bends) expect([50, 100, 200]).toContain(Math.max(...(n.bend as PitchGesture).path.map(([, c]) => c)));
    expect(out.some((n) => n.bend?.kind === "slide")).toBe(true);
    expect(out.some((n) => n.bend?.kind === "vibrato")).toBe(true);
  });

  it("leaves chordal guitar straight except inside its solos", () => {
    const out = addGestures(new Rng("t/gtr2"), { label: "clean electric guitar", role: "chords" }, line, 120, [[100, 150]]);
    expect(out.filter((n) => n.bend !== undefined).every((n) => n.beat >= 100 && n.beat < 150)).toBe(true);
    expect(out.some((n) => n.bend !== undefined)).toBe(true);
  });

  it("gives bowed strings vibrato on held notes only, and nothing to a piano", () => {
    const out = addGestures(new Rng("t/vn"), { label: "violin", role: "lead" }, line, 120, []);
    const held = out.filter((n) => n.bend !== undefined);
    expect(held.length).toBeGreaterThan(30);
    for (const n of held) {
      expect(n.bend?.kind).toBe("vibrato");
      expect(n.beats * 0.5).toBeGreaterThanOrEqual(0.35);
    }
    expect(addGestures(new Rng("t/pn"), { label: "piano", role: "chords" }, line, 120, [])).toBe(line);
  });

  it("is deterministic for a stream and summarised for the metadata", () => {
    const a = addGestures(new Rng("t/x"), { label: "distorted electric guitar", role: "lead" }, line, 100, []);
    const b = addGestures(new Rng("t/x"), { label: "distorted electric guitar", role: "lead" }, line, 100, []);
    expect(a).toEqual(b);
    expect(gestureSummary(a)).toMatch(/bend \d+/);
    expect(gestureSummary(line)).toBeUndefined();
  });
});
